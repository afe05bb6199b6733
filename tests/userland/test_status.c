// SPDX-License-Identifier: GPL-2.0
/*
 * "pmguard status" (issue 20): the running policy against the file, the
 * degraded reasons, the exit code, and the rendering, from facts built
 * here the way the module and the policy parser give them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "exit_codes.h"
#include "status.h"
#include "testutil.h"

#define POLICY_FILE "/etc/pmguard/policy.conf"

/* A small policy file; rule "b" leaves severity out (the module: medium). */
static const char policy_text[] =
	"# comment\n"
	"default action=alert severity=low\n"
	"sensitive sshd sudo\n"
	"rule a action=allow severity=info caller_exe=/usr/bin/gdb\n"
	"rule b action=deny kinds=mem,vm_read if=target_sensitive\n"
	"rule c action=alert severity=high caller_uid=0 access=write\n";

struct fixture {
	struct pmg_status s;
	struct pmguard_stats stats;
	struct pmg_config cfg;
	struct pmg_policy file;
	struct pmg_policy running;	/* its rules: what a dump gives */
	struct pmg_policy_errors errs;
};

static void parse_policy(struct fixture *fx, const char *text, struct pmg_policy *pol)
{
	int ret = pmg_policy_parse(text, strlen(text), pol, &fx->errs);

	if (ret)
		fprintf(stderr, "line %u: %s\n", fx->errs.e[0].line, fx->errs.e[0].reason);
	assert_int_equal(ret, 0);
}

/* The rules as RULE_LIST dumps them: index, severity always, identity. */
static void as_dumped(struct pmg_policy *pol)
{
	for (size_t i = 0; i < pol->n_rules; i++) {
		struct pmg_rule *r = &pol->rules[i];

		r->line = 0;
		r->index = (uint32_t)i;
		r->present |= 1u << PMGUARD_R_INDEX | 1u << PMGUARD_R_STALE;
		if (!pmg_rule_has(r, PMGUARD_R_SEVERITY)) {
			r->severity = PMGUARD_SEV_MEDIUM;
			r->present |= 1u << PMGUARD_R_SEVERITY;
		}
		if (pmg_rule_has(r, PMGUARD_R_CALLER_EXE)) {
			r->caller_exe_dev = 0x801;
			r->caller_exe_ino = 1234 + i;
			r->present |= 1u << PMGUARD_R_CALLER_EXE_DEV |
				      1u << PMGUARD_R_CALLER_EXE_INO;
		}
	}
}

static void set_counter(struct pmguard_stats *st, int attr, uint64_t v)
{
	st->present |= 1u << attr;
	st->counter[attr] = v;
}

/* A healthy module: what the facts look like when all is well. */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct pmguard_stats *st;
	struct pmg_config *cfg;

	if (!fx)
		return -1;
	*state = fx;
	st = &fx->stats;
	cfg = &fx->cfg;
	parse_policy(fx, policy_text, &fx->file);
	parse_policy(fx, policy_text, &fx->running);
	as_dumped(&fx->running);

	st->has_stats = true;
	for (int a = PMGUARD_S_SEEN; a <= PMGUARD_S_MAX; a++)
		if (a != PMGUARD_S_KIND)
			set_counter(st, a, 0);
	set_counter(st, PMGUARD_S_PROBES, 9);
	set_counter(st, PMGUARD_S_SUBSCRIBERS, 1);
	set_counter(st, PMGUARD_S_DROP_NO_LISTENER, 5);	/* shown, not degrading */
	for (uint32_t k = 1; k <= PMGUARD_KIND_MAX; k++) {
		struct pmguard_kind_stats *ks = &st->kinds[st->n_kinds++];

		ks->present = 1u << PMGUARD_KS_KIND | 1u << PMGUARD_KS_PROBED;
		ks->kind = k;
		ks->probed = 1;
	}
	cfg->present = 1u << PMGUARD_A_MODE | 1u << PMGUARD_A_LOCKED |
		       1u << PMGUARD_A_DEFAULT_ACTION | 1u << PMGUARD_A_DEFAULT_SEVERITY |
		       1u << PMGUARD_A_NR_RULES | 1u << PMGUARD_A_POLICY;
	cfg->mode = PMGUARD_MODE_ENFORCE;
	cfg->default_action = PMGUARD_ACTION_ALERT;
	cfg->default_severity = PMGUARD_SEV_LOW;
	cfg->nr_rules = (uint32_t)fx->running.n_rules;
	/* The module keeps the names in its own order. */
	cfg->n_sensitive = 2;
	strcpy(cfg->sensitive[0], "sudo");
	strcpy(cfg->sensitive[1], "sshd");

	fx->s.loaded = true;
	strcpy(fx->s.module_version, "0.1");
	fx->s.reader_version = "0.1";
	fx->s.query = PMG_EXIT_OK;
	fx->s.stats = st;
	fx->s.cfg = cfg;
	fx->s.rules = fx->running.rules;
	fx->s.n_rules = fx->running.n_rules;
	fx->s.policy_path = POLICY_FILE;
	fx->s.policy_state = PMG_POLICY_FILE_PARSED;
	fx->s.file = &fx->file;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* The reasons, joined, for messages and strstr. */
static const char *reasons(const struct pmg_status *s)
{
	static char buf[PMG_STATUS_MAX_REASONS * (PMG_STATUS_REASON_LEN + 2)];

	buf[0] = '\0';
	for (size_t i = 0; i < s->n_reasons; i++) {
		strcat(buf, s->reasons[i]);
		strcat(buf, "|");
	}
	return buf;
}

static void assert_degraded_by(struct pmg_status *s, const char *reason)
{
	pmg_status_evaluate(s);
	if (!strstr(reasons(s), reason))
		fail_msg("expected '%s' in '%s'", reason, reasons(s));
	assert_int_equal(s->exit_code, PMG_EXIT_ERROR);
}

static void test_healthy(void **state)
{
	struct fixture *fx = *state;

	pmg_status_evaluate(&fx->s);
	assert_string_equal(reasons(&fx->s), "");
	assert_int_equal(fx->s.exit_code, PMG_EXIT_OK);
	assert_int_equal(fx->s.policy_state, PMG_POLICY_FILE_MATCHES);
	assert_false(fx->s.version_mismatch);
}

static void test_no_subscriber(void **state)
{
	struct fixture *fx = *state;

	set_counter(&fx->stats, PMGUARD_S_SUBSCRIBERS, 0);
	assert_degraded_by(&fx->s, "no subscriber");
	assert_int_equal(fx->s.n_reasons, 1);
}

/* Blind: one reason, not another one per kind the kernel says unprobed. */
static void test_blind(void **state)
{
	struct fixture *fx = *state;

	set_counter(&fx->stats, PMGUARD_S_BLIND, 1);
	set_counter(&fx->stats, PMGUARD_S_BLINDED, 1);
	for (size_t i = 0; i < fx->stats.n_kinds; i++)
		fx->stats.kinds[i].probed = 0;
	assert_degraded_by(&fx->s, "blind: every kprobe");
	assert_int_equal(fx->s.n_reasons, 1);
}

static void test_not_probed(void **state)
{
	struct fixture *fx = *state;

	fx->stats.kinds[PMGUARD_KIND_VM_READ - 1].probed = 0;
	fx->stats.kinds[PMGUARD_KIND_GETFD - 1].probed = 0;
	assert_degraded_by(&fx->s, "not probed: vm_read, getfd");
	set_counter(&fx->stats, PMGUARD_S_PROBES, 0);
	assert_degraded_by(&fx->s, "no probes registered");
}

/* Cumulative counters: since the module was loaded, or the last check. */
static void test_missed_since(void **state)
{
	struct fixture *fx = *state;

	set_counter(&fx->stats, PMGUARD_S_DROP_MISSED, 7);
	assert_degraded_by(&fx->s, "7 probe hits missed since the module was loaded");

	fx->s.has_since = true;
	fx->s.since.missed = 7;
	pmg_status_evaluate(&fx->s);
	assert_int_equal(fx->s.exit_code, PMG_EXIT_OK);
	assert_int_equal(fx->s.new_missed, 0);

	fx->s.since.missed = 5;
	assert_degraded_by(&fx->s, "2 probe hits missed since the last check");

	/* Fewer than before: the module was reloaded, all 7 are new. */
	fx->s.since.missed = 100;
	assert_degraded_by(&fx->s, "7 probe hits missed since the last check");
}

static void test_priority_and_blinded_since(void **state)
{
	struct fixture *fx = *state;

	set_counter(&fx->stats, PMGUARD_S_PRIORITY_DROPPED, 4);
	set_counter(&fx->stats, PMGUARD_S_BLINDED, 2);
	set_counter(&fx->stats, PMGUARD_S_DROP_QUEUE_FULL, 40);
	fx->s.has_since = true;
	fx->s.since.priority_dropped = 1;
	fx->s.since.blinded = 1;
	pmg_status_evaluate(&fx->s);
	assert_int_equal(fx->s.new_priority_dropped, 3);
	assert_int_equal(fx->s.new_blinded, 1);
	assert_non_null(strstr(reasons(&fx->s), "3 priority events"));
	assert_non_null(strstr(reasons(&fx->s), "was blind 1 times since the last check"));
	/* queue_full alone does not degrade */
	assert_int_equal(fx->s.n_reasons, 2);
}

static void test_stale_rules(void **state)
{
	struct fixture *fx = *state;

	fx->running.rules[0].stale = 1;
	fx->running.rules[2].stale = 1;
	assert_degraded_by(&fx->s, "stale rules (reload the policy): a, c");
	/* Staleness is not a difference from the file. */
	assert_int_equal(fx->s.policy_state, PMG_POLICY_FILE_MATCHES);
}

static void test_version_mismatch(void **state)
{
	struct fixture *fx = *state;

	strcpy(fx->s.module_version, "0.2");
	assert_degraded_by(&fx->s, "version mismatch: module 0.2, reader 0.1");
	assert_true(fx->s.version_mismatch);
	/* A module without a version file: unknown, not a mismatch. */
	fx->s.module_version[0] = '\0';
	pmg_status_evaluate(&fx->s);
	assert_int_equal(fx->s.exit_code, PMG_EXIT_OK);
	assert_false(fx->s.version_mismatch);
}

static void test_not_loaded_and_no_permission(void **state)
{
	struct fixture *fx = *state;

	fx->s.loaded = false;
	fx->s.query = PMG_EXIT_NO_MODULE;
	fx->s.stats = NULL;
	fx->s.cfg = NULL;
	pmg_status_evaluate(&fx->s);
	assert_int_equal(fx->s.exit_code, PMG_EXIT_NO_MODULE);
	assert_string_equal(reasons(&fx->s), "module not loaded|");

	/* sysfs has it, netlink does not */
	fx->s.loaded = true;
	pmg_status_evaluate(&fx->s);
	assert_int_equal(fx->s.exit_code, PMG_EXIT_NO_MODULE);
	assert_non_null(strstr(reasons(&fx->s), "generic netlink family 'pmguard' is absent"));

	fx->s.query = PMG_EXIT_PERMISSION;
	pmg_status_evaluate(&fx->s);
	assert_int_equal(fx->s.exit_code, PMG_EXIT_PERMISSION);
	assert_non_null(strstr(reasons(&fx->s), "CAP_NET_ADMIN"));

	fx->s.query = PMG_EXIT_ERROR;
	strcpy(fx->s.query_error, "cannot list the rules: the loaded module does not "
	       "support this command");
	assert_degraded_by(&fx->s, "cannot ask the module: cannot list the rules");
}

static size_t diff_rules(struct fixture *fx, struct pmg_policy_diff *d)
{
	bool same = pmg_policy_diff(&fx->file, &fx->running, d);

	assert_int_equal(same, !d->rules && !d->default_action && !d->sensitive);
	return d->rules;
}

static void test_policy_diff(void **state)
{
	struct fixture *fx = *state;
	struct pmg_policy_diff d;
	struct pmg_rule tmp;

	/* The running policy of a file is the same as the file. */
	assert_int_equal(diff_rules(fx, &d), 0);
	assert_false(d.default_action);
	assert_false(d.sensitive);

	/* One field changed: one rule differs. */
	fx->running.rules[1].action = PMGUARD_ACTION_ALERT;
	assert_int_equal(diff_rules(fx, &d), 1);
	fx->running.rules[1].action = PMGUARD_ACTION_DENY;

	/* Severity given as the module's default is the same rule. */
	fx->file.rules[1].present |= 1u << PMGUARD_R_SEVERITY;
	fx->file.rules[1].severity = PMGUARD_SEV_MEDIUM;
	assert_int_equal(diff_rules(fx, &d), 0);

	/* First and last swapped (first match wins): two are out of place. */
	tmp = fx->running.rules[0];
	fx->running.rules[0] = fx->running.rules[2];
	fx->running.rules[2] = tmp;
	assert_int_equal(diff_rules(fx, &d), 2);
	fx->running.rules[2] = fx->running.rules[0];
	fx->running.rules[0] = tmp;
	assert_int_equal(diff_rules(fx, &d), 0);

	/* A rule added at the running end, one removed from it. */
	fx->running.rules[3] = fx->running.rules[0];
	strcpy(fx->running.rules[3].name, "extra");
	fx->running.n_rules = 4;
	assert_int_equal(diff_rules(fx, &d), 1);
	fx->running.n_rules = 2;
	assert_int_equal(diff_rules(fx, &d), 1);
	fx->running.n_rules = 3;

	/* The default and the sensitive names (as sets). */
	fx->running.default_severity = PMGUARD_SEV_MEDIUM;
	assert_int_equal(diff_rules(fx, &d), 0);
	assert_true(d.default_action);
	fx->running.default_severity = PMGUARD_SEV_LOW;
	strcpy(fx->running.sensitive[1], "login");
	assert_int_equal(diff_rules(fx, &d), 0);
	assert_true(d.sensitive);
	assert_false(d.default_action);
}

/* A rule moved from first to last: 1 differs, not all of them. */
static void test_policy_diff_moved(void **state)
{
	struct fixture *fx = *state;
	struct pmg_policy_diff d;
	struct pmg_rule first = fx->running.rules[0];

	fx->running.rules[0] = fx->running.rules[1];
	fx->running.rules[1] = fx->running.rules[2];
	fx->running.rules[2] = first;
	assert_int_equal(diff_rules(fx, &d), 1);
}

/* Rules of a dump and GET_CONFIG's defaults and names make the policy. */
static void test_policy_from_running(void **state)
{
	struct fixture *fx = *state;
	struct pmg_policy *pol = malloc(sizeof(*pol));
	struct pmg_policy_diff d;

	assert_non_null(pol);
	pmg_policy_from_running(pol, &fx->cfg, fx->running.rules, fx->running.n_rules);
	assert_int_equal(pol->n_rules, 3);
	assert_true(pol->has_default_action);
	assert_int_equal(pol->default_severity, PMGUARD_SEV_LOW);
	assert_int_equal(pol->n_sensitive, 2);
	assert_true(pmg_policy_diff(&fx->file, pol, &d));
	fx->cfg.default_action = PMGUARD_ACTION_DENY;
	pmg_policy_from_running(pol, &fx->cfg, fx->running.rules, 2);
	assert_false(pmg_policy_diff(&fx->file, pol, &d));
	assert_int_equal(d.rules, 1);
	assert_true(d.default_action);
	free(pol);
}

static void test_policy_reasons(void **state)
{
	struct fixture *fx = *state;

	fx->running.rules[2].caller_uid = 1000;
	assert_degraded_by(&fx->s, "policy: differs from " POLICY_FILE " (1 rules differ)");
	assert_int_equal(fx->s.policy_state, PMG_POLICY_FILE_DIFFERS);

	fx->s.policy_state = PMG_POLICY_FILE_MISSING;
	assert_degraded_by(&fx->s, "policy: " POLICY_FILE " is missing");
	fx->s.policy_state = PMG_POLICY_FILE_INVALID;
	strcpy(fx->s.policy_error, "line 3: unknown keyword 'rul'");
	assert_degraded_by(&fx->s, "does not parse: line 3: unknown keyword 'rul'");
}

static struct json_object *json_status(const struct pmg_status *s)
{
	return test_json_line(pmg_format_status(PMG_FMT_JSON, s, 1795678812123456789ull,
						"host1"));
}

static struct json_object *get(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		fail_msg("no key '%s'", key);
	return v;
}

static void test_json(void **state)
{
	struct fixture *fx = *state;
	struct json_object *obj, *arr;

	set_counter(&fx->stats, PMGUARD_S_SUBSCRIBERS, 0);
	set_counter(&fx->stats, PMGUARD_S_DROP_MISSED, 3);
	fx->running.rules[1].stale = 1;
	fx->stats.kinds[0].probed = 0;
	pmg_status_evaluate(&fx->s);
	obj = json_status(&fx->s);
	assert_string_equal(json_object_get_string(get(obj, "type")), "status");
	assert_string_equal(json_object_get_string(get(obj, "time")),
			    "2026-11-26T07:40:12.123456789Z");
	assert_string_equal(json_object_get_string(get(obj, "state")), "degraded");
	assert_int_equal(json_object_get_int(get(obj, "exit_code")), 1);
	arr = get(obj, "degraded");
	assert_int_equal(json_object_array_length(arr), fx->s.n_reasons);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(arr, 0)),
			    fx->s.reasons[0]);
	assert_true(json_object_get_boolean(get(obj, "loaded")));
	assert_string_equal(json_object_get_string(get(obj, "module_version")), "0.1");
	assert_string_equal(json_object_get_string(get(obj, "reader_version")), "0.1");
	assert_false(json_object_get_boolean(get(obj, "version_mismatch")));
	assert_string_equal(json_object_get_string(get(obj, "mode")), "enforce");
	assert_false(json_object_get_boolean(get(obj, "locked")));
	assert_false(json_object_get_boolean(get(obj, "blind")));
	assert_int_equal(json_object_get_int(get(obj, "probes")), 9);
	assert_false(json_object_get_boolean(get(get(obj, "probed"), "mem")));
	assert_true(json_object_get_boolean(get(get(obj, "probed"), "getfd")));
	assert_int_equal(json_object_get_int(get(obj, "missed")), 3);
	assert_int_equal(json_object_get_int(get(get(obj, "dropped"), "no_listener")), 5);
	assert_int_equal(json_object_get_int(get(obj, "subscribers")), 0);
	assert_int_equal(json_object_get_int(get(obj, "rules")), 3);
	assert_string_equal(json_object_get_string(get(obj, "default_action")), "alert");
	arr = get(obj, "stale_rules");
	assert_int_equal(json_object_array_length(arr), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(arr, 0)), "b");
	assert_string_equal(json_object_get_string(get(get(obj, "policy"), "state")),
			    "matches");
	assert_string_equal(json_object_get_string(get(get(obj, "policy"), "file")),
			    POLICY_FILE);
	assert_int_equal(json_object_get_int(get(get(obj, "policy"), "rules_differ")), 0);
	assert_false(json_object_object_get_ex(obj, "since", NULL));
	json_object_put(obj);
}

/* Not loaded: only what is known, and "degraded" still there. */
static void test_json_not_loaded(void **state)
{
	struct fixture *fx = *state;
	struct json_object *obj;

	fx->s.loaded = false;
	fx->s.query = PMG_EXIT_NO_MODULE;
	fx->s.stats = NULL;
	fx->s.cfg = NULL;
	fx->s.rules = NULL;
	fx->s.n_rules = 0;
	fx->s.module_version[0] = '\0';
	fx->s.policy_state = PMG_POLICY_FILE_UNCHECKED;
	pmg_status_evaluate(&fx->s);
	obj = json_status(&fx->s);
	assert_string_equal(json_object_get_string(get(obj, "state")), "not_loaded");
	assert_int_equal(json_object_get_int(get(obj, "exit_code")), 3);
	assert_int_equal(json_object_array_length(get(obj, "degraded")), 1);
	assert_false(json_object_get_boolean(get(obj, "loaded")));
	assert_false(json_object_object_get_ex(obj, "mode", NULL));
	assert_false(json_object_object_get_ex(obj, "missed", NULL));
	assert_false(json_object_object_get_ex(obj, "policy", NULL));
	assert_false(json_object_object_get_ex(obj, "module_version", NULL));
	json_object_put(obj);
}

/* What one check writes (--since FILE), the next one reads back. */
static void test_since_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct pmg_status_since since;
	char *out;

	set_counter(&fx->stats, PMGUARD_S_DROP_MISSED, 11);
	set_counter(&fx->stats, PMGUARD_S_PRIORITY_DROPPED, 12);
	set_counter(&fx->stats, PMGUARD_S_BLINDED, 13);
	pmg_status_evaluate(&fx->s);
	out = pmg_format_status(PMG_FMT_JSON, &fx->s, 1795678812123456789ull, "h");
	assert_non_null(out);
	assert_int_equal(pmg_status_parse_since(out, &since), 0);
	free(out);
	assert_int_equal(since.missed, 11);
	assert_int_equal(since.priority_dropped, 12);
	assert_int_equal(since.blinded, 13);
	assert_string_equal(since.time, "2026-11-26T07:40:12.123456789Z");

	/* Not a status with counters: no baseline. */
	assert_int_equal(pmg_status_parse_since("{\"type\":\"stats\"}", &since), -1);
	assert_int_equal(pmg_status_parse_since("{\"type\":\"status\",\"time\":\"t\"}",
						&since), -1);
	assert_int_equal(pmg_status_parse_since("not json", &since), -1);
}

static void test_text(void **state)
{
	struct fixture *fx = *state;
	char *out;

	fx->s.has_since = true;
	snprintf(fx->s.since.time, sizeof(fx->s.since.time), "T0");
	fx->s.policy_skipped = 2;
	pmg_status_evaluate(&fx->s);
	out = pmg_format_status(PMG_FMT_TEXT, &fx->s, 0, "h");
	assert_non_null(out);
	assert_true(strncmp(out, "status:           healthy\n"
			    "module:           loaded, version 0.1\n"
			    "reader:           version 0.1\n"
			    "mode:             enforce\n", 105) == 0);
	assert_non_null(strstr(out, "\nmissed:           0 (+0 since T0)\n"));
	assert_non_null(strstr(out, "\nprobes:           9 registered, not probed: none\n"));
	assert_non_null(strstr(out, "\nsubscribers:      1\n"));
	assert_non_null(strstr(out, "\nstale rules:      none\n"));
	assert_non_null(strstr(out, "\npolicy:           matches " POLICY_FILE
			       " (2 rules of it skipped"));
	assert_int_not_equal(out[strlen(out) - 1], '\n');
	free(out);

	set_counter(&fx->stats, PMGUARD_S_SUBSCRIBERS, 0);
	fx->running.rules[0].stale = 1;
	pmg_status_evaluate(&fx->s);
	out = pmg_format_status(PMG_FMT_TEXT, &fx->s, 0, "h");
	assert_non_null(out);
	assert_true(strncmp(out, "status:           degraded: stale rules (reload the "
			    "policy): a; no subscriber", 70) == 0 ||
		    strncmp(out, "status:           degraded: no subscriber", 41) == 0);
	assert_non_null(strstr(out, "\nstale rules:      a\n"));
	free(out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_healthy),
		T(test_no_subscriber),
		T(test_blind),
		T(test_not_probed),
		T(test_missed_since),
		T(test_priority_and_blinded_since),
		T(test_stale_rules),
		T(test_version_mismatch),
		T(test_not_loaded_and_no_permission),
		T(test_policy_diff),
		T(test_policy_diff_moved),
		T(test_policy_from_running),
		T(test_policy_reasons),
		T(test_json),
		T(test_json_not_loaded),
		T(test_since_round_trip),
		T(test_text),
	};

	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
