// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard status [--json] [--policy FILE] [--since FILE]: gathers the
 * facts (sysfs, the module's stats, configuration and rules, the policy
 * file, the previous check) for status.c, which judges them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "exit_codes.h"
#include "nl.h"
#include "query.h"
#include "status.h"

#define SYS_MODULE		"/sys/module/" PMGUARD_GENL_NAME
#define DEFAULT_POLICY		"/etc/pmguard/policy.conf"
/* Largest --since file read: a status object is a few KiB. */
#define SINCE_FILE_MAX		(1024 * 1024)
/* Mode of the --since file: counters, nothing secret. */
#define SINCE_FILE_MODE		0644

/* Everything gathered, on the heap (a policy is about 180 KiB). */
struct gathered {
	struct pmg_status s;
	struct pmguard_stats stats;
	struct pmg_config cfg;
	struct pmg_policy file;
	struct pmg_policy_errors errs;
	struct pmg_rule *rules;
};

static void read_module_version(struct pmg_status *s)
{
	FILE *f = fopen(SYS_MODULE "/version", "re");

	if (!f)
		return;
	if (!fgets(s->module_version, sizeof(s->module_version), f))
		s->module_version[0] = '\0';
	s->module_version[strcspn(s->module_version, "\n")] = '\0';
	fclose(f);
}

/* Ask the module; the first failure ends it, its message kept (quiet). */
static void ask_module(struct gathered *g)
{
	struct pmg_status *s = &g->s;
	struct pmg_nl nl = { .quiet = true };

	s->query = pmg_nl_open(&nl);
	if (s->query == PMG_EXIT_OK)
		s->loaded = true;	/* the family is there, whatever sysfs says */
	if (s->query == PMG_EXIT_OK && (s->query = pmg_query_stats(&nl, &g->stats)) ==
	    PMG_EXIT_OK)
		s->stats = &g->stats;
	if (s->query == PMG_EXIT_OK && (s->query = pmg_query_config(&nl, &g->cfg)) ==
	    PMG_EXIT_OK)
		s->cfg = &g->cfg;
	if (s->query == PMG_EXIT_OK)
		s->query = pmg_query_rules(&nl, &g->rules, &s->n_rules);
	if (s->query == PMG_EXIT_OK)
		s->rules = g->rules;
	else
		s->n_rules = 0;
	snprintf(s->query_error, sizeof(s->query_error), "%s", nl.last_error);
	/* nl.c's messages start with "pmguard: " and end with a newline. */
	if (strncmp(s->query_error, "pmguard: ", 9) == 0)
		memmove(s->query_error, s->query_error + 9, strlen(s->query_error + 9) + 1);
	s->query_error[strcspn(s->query_error, "\n")] = '\0';
	pmg_nl_close(&nl);
}

static void read_policy(struct gathered *g)
{
	struct pmg_status *s = &g->s;
	int ret = pmg_policy_read_file(s->policy_path, &g->file, &g->errs);

	if (ret == -2 && errno == ENOENT) {
		s->policy_state = PMG_POLICY_FILE_MISSING;
	} else if (ret == -2) {
		s->policy_state = PMG_POLICY_FILE_UNREADABLE;
		snprintf(s->policy_error, sizeof(s->policy_error), "%s",
			 errno == EFBIG ? "file too large" : strerror(errno));
	} else if (ret < 0) {
		s->policy_state = PMG_POLICY_FILE_INVALID;
		snprintf(s->policy_error, sizeof(s->policy_error), "line %u: %.280s%s",
			 g->errs.e[0].line, g->errs.e[0].reason,
			 g->errs.n + g->errs.n_more > 1 ? " (and more errors)" : "");
	} else {
		/* pmguard-policy.service loads it with --skip-missing. */
		s->policy_skipped = pmg_policy_skip_missing(s->policy_path, &g->file,
							    true, false);
		s->file = &g->file;
		s->policy_state = PMG_POLICY_FILE_PARSED;
	}
}

/* The previous check's counters, if FILE holds one. */
static void read_since(struct pmg_status *s)
{
	char *buf = malloc(SINCE_FILE_MAX + 1);
	FILE *f = fopen(s->since_path, "re");
	size_t n = 0;

	if (buf && f) {
		n = fread(buf, 1, SINCE_FILE_MAX, f);
		buf[n] = '\0';
		s->has_since = pmg_status_parse_since(buf, &s->since) == 0;
		if (!s->has_since)
			fprintf(stderr, "pmguard: warning: %s holds no previous status; "
				"counting since the module was loaded\n", s->since_path);
	} else if (!f && errno != ENOENT) {
		fprintf(stderr, "pmguard: warning: cannot read %s: %s; counting since "
			"the module was loaded\n", s->since_path, strerror(errno));
	}
	if (f)
		fclose(f);
	free(buf);
}

/* Keep this check's counters for the next one. */
static void write_since(const struct pmg_status *s, uint64_t now, const char *host)
{
	char *json = pmg_format_status(PMG_FMT_JSON, s, now, host), *text = NULL;
	int err = -ENOMEM;

	if (json && asprintf(&text, "%s\n", json) >= 0)
		err = pmg_write_atomic(s->since_path, text, SINCE_FILE_MODE);
	if (err < 0)
		fprintf(stderr, "pmguard: warning: cannot write %s: %s; the next check "
			"counts from the same point\n", s->since_path, strerror(-err));
	free(text);
	free(json);
}

int pmg_cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",   no_argument,       NULL, 'j' },
		{ "policy", required_argument, NULL, 'p' },
		{ "since",  required_argument, NULL, 's' },
		{ "help",   no_argument,       NULL, 'h' },
		{ 0 }
	};
	enum pmg_format fmt = PMG_FMT_TEXT;
	const char *policy = DEFAULT_POLICY, *since = NULL;
	char host[HOST_NAME_MAX + 1];
	struct gathered *g;
	int status = PMG_EXIT_OK;
	uint64_t now;
	int opt;

	while ((opt = pmg_next_option("status", argc, argv, ":jp:s:h", longopts,
				      &status)) != -1) {
		switch (opt) {
		case 'j':
			fmt = PMG_FMT_JSON;
			break;
		case 'p':
			policy = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'h':
			pmg_print_help("status");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK || (status = pmg_no_extra_args("status", argc, argv)))
		return status;

	g = calloc(1, sizeof(*g));
	if (!g) {
		fprintf(stderr, "pmguard: out of memory\n");
		return PMG_EXIT_ERROR;
	}
	g->s.reader_version = PMG_VERSION;
	g->s.policy_path = policy;
	g->s.since_path = since;
	g->s.loaded = access(SYS_MODULE, F_OK) == 0;
	read_module_version(&g->s);
	ask_module(g);
	if (g->s.query == PMG_EXIT_OK)
		read_policy(g);
	if (since && g->s.stats)
		read_since(&g->s);
	pmg_status_evaluate(&g->s);

	now = pmg_now_ns();
	pmg_hostname(host, sizeof(host));
	status = pmg_print_result(pmg_format_status(fmt, &g->s, now, host));
	if (status == PMG_EXIT_OK)
		status = g->s.exit_code;
	if (since && g->s.stats)
		write_since(&g->s, now, host);
	free(g->rules);
	free(g);
	return status;
}
