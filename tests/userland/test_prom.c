// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus textfile metrics: exact samples, a syntax check of every
 * line (HELP and TYPE before the samples of each family, once), and the
 * atomic write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prom.h"
#include "testutil.h"

static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return true;
	print_error("missing line: %s\n", line);
	return false;
}

/*
 * Every line: "# HELP name text", "# TYPE name counter|gauge", or a
 * sample "name{label="value",...} N" of the family last declared, each
 * family declared once, each series once.
 */
static void assert_well_formed(const char *text)
{
	regex_t help, type, sample;
	char family[128] = "";
	char *copy = strdup(text), *save = NULL;
	char *seen_families = calloc(1, strlen(text) + 2);
	char *seen_series = calloc(1, strlen(text) + 2);
	int n = 0;

	assert_int_equal(regcomp(&help, "^# HELP ([a-z_]+) [^\n]+$", REG_EXTENDED), 0);
	assert_int_equal(regcomp(&type, "^# TYPE ([a-z_]+) (counter|gauge)$", REG_EXTENDED), 0);
	assert_int_equal(regcomp(&sample, "^([a-z_]+)(\\{[a-z_]+=\"[^\"\\\\\n]*\""
				 "(,[a-z_]+=\"[^\"\\\\\n]*\")*\\})? [0-9]+$", REG_EXTENDED), 0);
	assert_true(text[strlen(text) - 1] == '\n');
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[2];
		char name[128], key[300];

		n++;
		if (regexec(&help, line, 2, m, 0) == 0) {
			snprintf(family, sizeof(family), "%.*s",
				 (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
			snprintf(key, sizeof(key), "|%s|", family);
			if (strstr(seen_families, key))
				fail_msg("family %s declared twice", family);
			strcat(seen_families, key);
			continue;
		}
		if (regexec(&type, line, 2, m, 0) == 0) {
			snprintf(name, sizeof(name), "%.*s",
				 (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
			assert_string_equal(name, family);	/* right after its HELP */
			continue;
		}
		if (regexec(&sample, line, 2, m, 0) != 0)
			fail_msg("bad line: %s", line);
		snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
			 line + m[1].rm_so);
		if (strcmp(name, family) != 0)
			fail_msg("sample %s outside its family (%s)", line, family);
		snprintf(key, sizeof(key), "|%.*s|", (int)(strrchr(line, ' ') - line), line);
		if (strstr(seen_series, key))
			fail_msg("series twice: %s", line);
		strcat(seen_series, key);
	}
	assert_true(n > 0);
	regfree(&help);
	regfree(&type);
	regfree(&sample);
	free(copy);
	free(seen_families);
	free(seen_series);
}

static void test_reader_only(void **state)
{
	struct pmg_counters c = { 0 };
	char *s;

	(void)state;
	c.events = 3;
	c.accesses = 12;
	c.folded_events = 1;
	c.cross_container = 6;
	c.by_kind_action[PMGUARD_KIND_MEM][PMGUARD_ACTION_DENY] = 10;
	c.by_kind_action[PMGUARD_KIND_MAPS][PMGUARD_ACTION_ALLOW] = 2;
	c.by_kind_action[PMGUARD_KIND_VM_READ][PMGUARD_ACTION_DENY] = 5;
	c.lost = 4;
	c.gaps = 1;
	c.summaries = 2;
	s = pmg_prom_render(&c, NULL);
	assert_non_null(s);
	assert_well_formed(s);
	assert_true(has_line(s, "# TYPE pmguard_reader_events_total counter"));
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"mem\",action=\"deny\"} 10"));
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"maps\",action=\"allow\"} 2"));
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"auxv\",action=\"alert\"} 0"));
	/* The kinds of process_vm_readv/writev and ptrace (issue 10). */
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"vm_read\",action=\"deny\"} 5"));
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"vm_write\",action=\"alert\"} 0"));
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"ptrace\",action=\"allow\"} 0"));
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"ptrace_read\",action=\"alert\"} 0"));
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"ptrace_write\",action=\"deny\"} 0"));
	assert_null(strstr(s, "kind=\"unknown\""));	/* only when it happens */
	assert_true(has_line(s, "pmguard_reader_event_records_total 3"));
	assert_true(has_line(s, "pmguard_reader_folded_events_total 1"));
	assert_true(has_line(s, "pmguard_reader_cross_container_accesses_total 6"));
	assert_true(has_line(s, "pmguard_reader_mem_summaries_total 2"));
	assert_true(has_line(s, "# TYPE pmguard_reader_lost_events_total counter"));
	assert_true(has_line(s, "pmguard_reader_lost_events_total 4"));
	assert_true(has_line(s, "pmguard_reader_seq_gaps_total 1"));
	assert_true(has_line(s, "pmguard_reader_overruns_total 0"));
	assert_true(has_line(s, "pmguard_reader_seq_resets_total 0"));
	assert_true(has_line(s, "pmguard_reader_malformed_messages_total 0"));
	assert_true(has_line(s, "pmguard_reader_journal_errors_total 0"));
	assert_true(has_line(s, "# TYPE pmguard_kernel_up gauge"));
	assert_true(has_line(s, "pmguard_kernel_up 0"));
	assert_null(strstr(s, "pmguard_kernel_seen_total"));
	free(s);

	c.by_kind_action[__PMGUARD_KIND_MAX][PMGUARD_ACTION_ALERT] = 1;
	c.by_kind_action[PMGUARD_KIND_MEM][__PMGUARD_ACTION_MAX] = 5;
	s = pmg_prom_render(&c, NULL);
	assert_well_formed(s);
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"unknown\",action=\"alert\"} 1"));
	assert_true(has_line(s, "pmguard_reader_events_total{kind=\"mem\",action=\"unknown\"} 5"));
	free(s);
}

static void test_with_kernel(void **state)
{
	struct pmguard_stats *st = calloc(1, sizeof(*st));
	struct pmg_counters c = { 0 };
	char *s;

	(void)state;
	st->has_mode = true;
	st->mode = PMGUARD_MODE_AUDIT;
	for (int a = PMGUARD_S_SEEN; a <= PMGUARD_S_MAX; a++) {
		if (a == PMGUARD_S_KIND)
			continue;
		st->present |= 1u << a;
		st->counter[a] = 100 + (uint64_t)a;
	}
	st->n_kinds = 2;
	st->kinds[0] = (struct pmguard_kind_stats){
		.present = 1u << PMGUARD_KS_KIND | 1u << PMGUARD_KS_SEEN |
			   1u << PMGUARD_KS_REPORTED | 1u << PMGUARD_KS_PROBED,
		.kind = PMGUARD_KIND_MEM, .seen = 50, .reported = 49, .probed = 1,
	};
	st->kinds[1] = (struct pmguard_kind_stats){
		.present = 1u << PMGUARD_KS_KIND | 1u << PMGUARD_KS_PROBED,
		.kind = 31, .probed = 0,
	};
	s = pmg_prom_render(&c, st);
	assert_non_null(s);
	assert_well_formed(s);
	assert_true(has_line(s, "pmguard_kernel_up 1"));
	assert_true(has_line(s, "# TYPE pmguard_kernel_mode gauge"));
	assert_true(has_line(s, "pmguard_kernel_mode{mode=\"audit\"} 1"));
	assert_true(has_line(s, "pmguard_kernel_mode{mode=\"enforce\"} 0"));
	assert_true(has_line(s, "# TYPE pmguard_kernel_seen_total counter"));
	assert_true(has_line(s, "pmguard_kernel_seen_total 102"));
	assert_true(has_line(s, "pmguard_kernel_reported_total 103"));
	assert_true(has_line(s, "pmguard_kernel_actions_total{action=\"allow\"} 104"));
	assert_true(has_line(s, "pmguard_kernel_actions_total{action=\"alert\"} 105"));
	assert_true(has_line(s, "pmguard_kernel_actions_total{action=\"deny\"} 106"));
	assert_true(has_line(s, "pmguard_kernel_dropped_total{reason=\"queue_full\"} 107"));
	assert_true(has_line(s, "pmguard_kernel_dropped_total{reason=\"nomem\"} 108"));
	assert_true(has_line(s, "pmguard_kernel_dropped_total{reason=\"no_listener\"} 109"));
	assert_true(has_line(s, "pmguard_kernel_dropped_total{reason=\"send\"} 110"));
	assert_true(has_line(s, "pmguard_kernel_dropped_total{reason=\"missed\"} 111"));
	assert_true(has_line(s, "pmguard_kernel_dropped_total{reason=\"tracking\"} 116"));
	assert_true(has_line(s, "pmguard_kernel_folded_total 114"));
	assert_true(has_line(s, "pmguard_kernel_summaries_total 115"));
	assert_true(has_line(s, "# TYPE pmguard_kernel_probes gauge"));
	assert_true(has_line(s, "pmguard_kernel_probes 113"));
	assert_true(has_line(s, "# TYPE pmguard_kernel_subscribers gauge"));
	assert_true(has_line(s, "pmguard_kernel_subscribers 117"));
	assert_true(has_line(s, "pmguard_kernel_priority_dropped_total 118"));
	assert_true(has_line(s, "pmguard_kernel_held_total 119"));
	assert_true(has_line(s, "pmguard_kernel_scripts_unnoted_total 123"));
	assert_true(has_line(s, "pmguard_kernel_urgent_dropped_total 124"));
	assert_true(has_line(s, "pmguard_kernel_replayed_total 125"));
	assert_true(has_line(s, "pmguard_kernel_kind_seen_total{kind=\"mem\"} 50"));
	assert_true(has_line(s, "pmguard_kernel_kind_reported_total{kind=\"mem\"} 49"));
	assert_true(has_line(s, "pmguard_kernel_kind_probed{kind=\"mem\"} 1"));
	assert_true(has_line(s, "pmguard_kernel_kind_probed{kind=\"unknown(31)\"} 0"));
	free(s);

	/* Only what the module sent; an unknown mode is shown as such. */
	memset(st, 0, sizeof(*st));
	st->has_mode = true;
	st->mode = 9;
	st->present = 1u << PMGUARD_S_DROP_SEND;
	st->counter[PMGUARD_S_DROP_SEND] = 1;
	s = pmg_prom_render(&c, st);
	assert_well_formed(s);
	assert_true(has_line(s, "pmguard_kernel_mode{mode=\"unknown(9)\"} 1"));
	assert_true(has_line(s, "pmguard_kernel_dropped_total{reason=\"send\"} 1"));
	assert_null(strstr(s, "reason=\"nomem\""));
	assert_null(strstr(s, "pmguard_kernel_seen_total"));
	assert_null(strstr(s, "pmguard_kernel_kind_"));
	free(s);
	free(st);
}

static void test_atomic_write(void **state)
{
	char dir[] = "/tmp/pmguard-prom-XXXXXX";
	char path[64], buf[64];
	struct dirent *de;
	FILE *f;
	DIR *d;
	int entries = 0;
	struct stat stbuf;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pmguard.prom", dir);
	assert_int_equal(pmg_prom_write(path, "a 1\n"), 0);
	assert_int_equal(pmg_prom_write(path, "b 2\n"), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_string_equal(buf, "b 2\n");
	fclose(f);
	/* Readable by node_exporter's user; no temporary file left behind. */
	assert_int_equal(stat(path, &stbuf), 0);
	assert_int_equal(stbuf.st_mode & 0777, 0644);
	d = opendir(dir);
	while ((de = readdir(d)))
		entries += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(entries, 1);
	unlink(path);
	rmdir(dir);

	assert_int_equal(pmg_prom_write("/nonexistent-dir/x.prom", "a 1\n"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_only),
		cmocka_unit_test(test_with_kernel),
		cmocka_unit_test(test_atomic_write),
	};

	return cmocka_run_group_tests_name("prometheus", tests, NULL, NULL);
}
