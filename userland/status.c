// SPDX-License-Identifier: GPL-2.0
/* The pure part of "pmguard status"; see status.h. */
#include "status.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "exit_codes.h"
#include "names.h"

void pmg_policy_from_running(struct pmg_policy *pol, const struct pmg_config *cfg,
			     const struct pmg_rule *rules, size_t n)
{
	memset(pol, 0, sizeof(*pol));
	if (n > PMGUARD_MAX_RULES)
		n = PMGUARD_MAX_RULES;
	memcpy(pol->rules, rules, n * sizeof(*rules));
	pol->n_rules = n;
	pol->has_default_action = pmg_config_has(cfg, PMGUARD_A_DEFAULT_ACTION);
	pol->default_action = cfg->default_action;
	pol->has_default_severity = pmg_config_has(cfg, PMGUARD_A_DEFAULT_SEVERITY);
	pol->default_severity = cfg->default_severity;
	pol->n_sensitive = cfg->n_sensitive;
	memcpy(pol->sensitive, cfg->sensitive, sizeof(pol->sensitive));
}

/*
 * A rule as the file format writes it; a rule without severity= has the
 * module's default (module/control.c: medium).  NULL when it cannot be
 * written (or ENOMEM): then it equals nothing.
 */
static char *rule_line(const struct pmg_rule *r)
{
	struct pmg_rule copy = *r;
	char reason[PMG_REASON_LEN];

	if (!pmg_rule_has(&copy, PMGUARD_R_SEVERITY)) {
		copy.present |= 1u << PMGUARD_R_SEVERITY;
		copy.severity = PMGUARD_SEV_MEDIUM;
	}
	return pmg_rule_format(&copy, reason);
}

static char **rule_lines(const struct pmg_policy *pol)
{
	char **lines = calloc(pol->n_rules + 1, sizeof(*lines));

	for (size_t i = 0; lines && i < pol->n_rules; i++)
		lines[i] = rule_line(&pol->rules[i]);
	return lines;
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
}

static bool has_name(const struct pmg_policy *pol, const char *name)
{
	for (size_t i = 0; i < pol->n_sensitive; i++)
		if (strcmp(pol->sensitive[i], name) == 0)
			return true;
	return false;
}

static bool same_sensitive(const struct pmg_policy *a, const struct pmg_policy *b)
{
	for (size_t i = 0; i < a->n_sensitive; i++)
		if (!has_name(b, a->sensitive[i]))
			return false;
	for (size_t i = 0; i < b->n_sensitive; i++)
		if (!has_name(a, b->sensitive[i]))
			return false;
	return true;
}

/* Length of the longest increasing run (not contiguous) of v[0..n). */
static size_t longest_increasing(const size_t *v, size_t n)
{
	size_t best = 0, *len = calloc(n ? n : 1, sizeof(*len));

	if (!len)
		return 0;
	for (size_t i = 0; i < n; i++) {
		len[i] = 1;
		for (size_t j = 0; j < i; j++)
			if (v[j] < v[i] && len[j] + 1 > len[i])
				len[i] = len[j] + 1;
		if (len[i] > best)
			best = len[i];
	}
	free(len);
	return best;
}

bool pmg_policy_diff(const struct pmg_policy *file, const struct pmg_policy *running,
		     struct pmg_policy_diff *diff)
{
	char **fl = rule_lines(file), **rl = rule_lines(running);
	/* Where each same rule stands in the running order, in file order. */
	size_t *pos = calloc(file->n_rules + 1, sizeof(*pos));
	bool *named = calloc(running->n_rules + 1, sizeof(*named));
	size_t n_same = 0;

	memset(diff, 0, sizeof(*diff));
	if (!fl || !rl || !pos || !named) {
		/* Out of memory: say they differ rather than that they match. */
		diff->rules = file->n_rules + running->n_rules;
		goto out;
	}
	for (size_t i = 0; i < file->n_rules; i++) {
		size_t j = 0;

		while (j < running->n_rules &&
		       strcmp(file->rules[i].name, running->rules[j].name) != 0)
			j++;
		if (j == running->n_rules) {
			diff->rules++;
			continue;
		}
		named[j] = true;
		if (!fl[i] || !rl[j] || strcmp(fl[i], rl[j]) != 0)
			diff->rules++;
		else
			pos[n_same++] = j;
	}
	for (size_t j = 0; j < running->n_rules; j++)
		diff->rules += !named[j];
	/* Same rules in another order: those out of the longest common order. */
	diff->rules += n_same - longest_increasing(pos, n_same);
	diff->default_action =
		(running->has_default_action &&
		 running->default_action != file->default_action) ||
		(running->has_default_severity &&
		 running->default_severity != file->default_severity);
	diff->sensitive = !same_sensitive(file, running);
out:
	free_lines(fl, file->n_rules);
	free_lines(rl, running->n_rules);
	free(pos);
	free(named);
	return !diff->rules && !diff->default_action && !diff->sensitive;
}

/* ---- evaluation ------------------------------------------------------- */

static void add_reason(struct pmg_status *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct pmg_status *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n_reasons == PMG_STATUS_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(s->reasons[s->n_reasons++], PMG_STATUS_REASON_LEN, fmt, ap);
	va_end(ap);
}

/* Append ", name" to a list in buf (or "..." once it is full). */
static void add_name(char *buf, size_t size, const char *name)
{
	size_t len = strlen(buf);
	const char *sep = len ? ", " : "";

	if (len >= 3 && strcmp(buf + len - 3, "...") == 0)
		return;
	if (len + strlen(sep) + strlen(name) + 5 < size)
		snprintf(buf + len, size - len, "%s%s", sep, name);
	else
		snprintf(buf + len, size - len, "%s...", sep);
}

static bool counter(const struct pmguard_stats *st, int attr, uint64_t *v)
{
	if (!st || !(st->present & (1u << attr)))
		return false;
	*v = st->counter[attr];
	return true;
}

/* What a cumulative counter added since the previous check. */
static uint64_t since(const struct pmg_status *s, uint64_t now, uint64_t before)
{
	/* Lower than before: the module was reloaded; all of it is new. */
	return s->has_since && now >= before ? now - before : now;
}

static void evaluate_stats(struct pmg_status *s, const char *when)
{
	const struct pmguard_stats *st = s->stats;
	char kinds[160] = "", buf[PMG_NAME_BUF_LEN];
	uint64_t v;
	bool blind = counter(st, PMGUARD_S_BLIND, &v) && v;

	if (blind)
		add_reason(s, "blind: every kprobe on the system is disarmed "
			   "(debugfs kprobes/enabled 0, or ftrace off): nothing is seen");
	if (counter(st, PMGUARD_S_BLINDED, &v))
		s->new_blinded = since(s, v, s->since.blinded);
	if (!blind && s->new_blinded)
		add_reason(s, "was blind %" PRIu64 " times since %s", s->new_blinded, when);
	if (counter(st, PMGUARD_S_PROBES, &v) && !v)
		add_reason(s, "no probes registered");
	for (size_t i = 0; !blind && i < st->n_kinds; i++) {
		const struct pmguard_kind_stats *ks = &st->kinds[i];

		if ((ks->present & (1u << PMGUARD_KS_PROBED)) && !ks->probed)
			add_name(kinds, sizeof(kinds),
				 pmg_name_or_unknown(pmg_kind_name(ks->kind), ks->kind, buf));
	}
	if (kinds[0])
		add_reason(s, "not probed: %s", kinds);
	if (counter(st, PMGUARD_S_DROP_MISSED, &v))
		s->new_missed = since(s, v, s->since.missed);
	if (s->new_missed)
		add_reason(s, "%" PRIu64 " probe hits missed since %s", s->new_missed, when);
	if (counter(st, PMGUARD_S_PRIORITY_DROPPED, &v))
		s->new_priority_dropped = since(s, v, s->since.priority_dropped);
	if (s->new_priority_dropped)
		add_reason(s, "%" PRIu64 " priority events (high, critical, deny, "
			   "would-deny) dropped since %s", s->new_priority_dropped, when);
	if (counter(st, PMGUARD_S_SUBSCRIBERS, &v) && !v)
		add_reason(s, "no subscriber: nobody receives the events "
			   "(is pmguard.service running?)");
}

static void evaluate_policy(struct pmg_status *s)
{
	char names[240] = "", line[PMG_STATUS_REASON_LEN - 16];
	struct pmg_policy *running;
	const char *path = s->policy_path;

	for (size_t i = 0; i < s->n_rules; i++)
		if (s->rules[i].stale)
			add_name(names, sizeof(names), s->rules[i].name);
	if (names[0])
		add_reason(s, "stale rules (reload the policy): %s", names);

	if (s->policy_state == PMG_POLICY_FILE_PARSED && s->cfg && s->file) {
		running = malloc(sizeof(*running));
		if (!running) {
			add_reason(s, "out of memory comparing the policy with %s", path);
			return;
		}
		pmg_policy_from_running(running, s->cfg, s->rules, s->n_rules);
		s->policy_state = pmg_policy_diff(s->file, running, &s->diff) ?
				  PMG_POLICY_FILE_MATCHES : PMG_POLICY_FILE_DIFFERS;
		free(running);
	}
	if (s->policy_state == PMG_POLICY_FILE_DIFFERS ||
	    s->policy_state == PMG_POLICY_FILE_MISSING ||
	    s->policy_state == PMG_POLICY_FILE_UNREADABLE ||
	    s->policy_state == PMG_POLICY_FILE_INVALID) {
		pmg_status_policy_line(s, line, sizeof(line));
		add_reason(s, "policy: %s", line);
	}
}

void pmg_status_policy_line(const struct pmg_status *s, char *buf, size_t size)
{
	const char *path = s->policy_path;
	int n;

	switch (s->policy_state) {
	case PMG_POLICY_FILE_MATCHES:
		n = snprintf(buf, size, "matches %s", path);
		break;
	case PMG_POLICY_FILE_DIFFERS:
		n = snprintf(buf, size, "differs from %s (%zu rules differ%s%s)", path,
			     s->diff.rules,
			     s->diff.default_action ? ", the default differs" : "",
			     s->diff.sensitive ? ", the sensitive names differ" : "");
		break;
	case PMG_POLICY_FILE_MISSING:
		snprintf(buf, size, "%s is missing", path);
		return;
	case PMG_POLICY_FILE_UNREADABLE:
		snprintf(buf, size, "cannot read %s: %s", path, s->policy_error);
		return;
	case PMG_POLICY_FILE_INVALID:
		snprintf(buf, size, "%s does not parse: %s", path, s->policy_error);
		return;
	default:
		snprintf(buf, size, "-");
		return;
	}
	/* What matched, or not, is the file less those rules. */
	if (s->policy_skipped && n >= 0 && (size_t)n < size &&
	    s->policy_state == PMG_POLICY_FILE_MATCHES)
		snprintf(buf + n, size - (size_t)n, " (%zu rules of it skipped: their "
			 "executables are missing, as 'policy load --skip-missing' does)",
			 s->policy_skipped);
}

void pmg_status_evaluate(struct pmg_status *s)
{
	const char *when = s->has_since ? "the last check" : "the module was loaded";

	s->n_reasons = 0;
	s->new_missed = s->new_priority_dropped = s->new_blinded = 0;
	if (!s->loaded) {
		add_reason(s, "module not loaded");
		s->exit_code = PMG_EXIT_NO_MODULE;
		return;
	}
	if (s->query == PMG_EXIT_NO_MODULE) {
		add_reason(s, "the module is loaded but its generic netlink family '"
			   PMGUARD_GENL_NAME "' is absent (loading or unloading?)");
		s->exit_code = PMG_EXIT_NO_MODULE;
		return;
	}
	s->version_mismatch = s->module_version[0] && s->reader_version &&
			      strcmp(s->module_version, s->reader_version) != 0;
	if (s->version_mismatch)
		add_reason(s, "version mismatch: module %s, reader %s (reload the "
			   "module after an upgrade)", s->module_version, s->reader_version);
	if (s->query == PMG_EXIT_PERMISSION) {
		add_reason(s, "cannot ask the module: permission denied (CAP_NET_ADMIN "
			   "in the initial user namespace is needed: run as root)");
		s->exit_code = PMG_EXIT_PERMISSION;
		return;
	}
	if (s->query != PMG_EXIT_OK)
		add_reason(s, "cannot ask the module: %s",
			   s->query_error[0] ? s->query_error : "failed");
	if (s->stats)
		evaluate_stats(s, when);
	if (s->query == PMG_EXIT_OK)
		evaluate_policy(s);
	s->exit_code = s->n_reasons ? PMG_EXIT_ERROR : PMG_EXIT_OK;
}

/* ---- the previous check ----------------------------------------------- */

static bool get_u64(struct json_object *obj, const char *key, uint64_t *v)
{
	struct json_object *val;

	if (!json_object_object_get_ex(obj, key, &val) ||
	    !json_object_is_type(val, json_type_int))
		return false;
	*v = json_object_get_uint64(val);
	return true;
}

int pmg_status_parse_since(const char *text, struct pmg_status_since *since)
{
	struct json_object *obj = json_tokener_parse(text), *type, *time, *dropped;
	int ret = -1;

	memset(since, 0, sizeof(*since));
	if (obj && json_object_object_get_ex(obj, "type", &type) &&
	    strcmp(json_object_get_string(type), "status") == 0 &&
	    json_object_object_get_ex(obj, "time", &time) &&
	    json_object_object_get_ex(obj, "dropped", &dropped) &&
	    get_u64(dropped, "missed", &since->missed) &&
	    get_u64(obj, "priority_dropped", &since->priority_dropped) &&
	    get_u64(obj, "blinded", &since->blinded)) {
		snprintf(since->time, sizeof(since->time), "%s", json_object_get_string(time));
		ret = 0;
	}
	json_object_put(obj);
	return ret;
}
