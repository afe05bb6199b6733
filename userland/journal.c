// SPDX-License-Identifier: GPL-2.0
/* Journal fields of the monitor's records; see journal.h. */
#include "journal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "format.h"

#define MITRE_TECHNIQUE "T1003.007"

/* syslog(3) priorities, spelled out so this file needs no <syslog.h> */
#define PRIO_CRIT	2
#define PRIO_ERR	3
#define PRIO_WARNING	4
#define PRIO_NOTICE	5
#define PRIO_INFO	6

int pmg_journal_priority(bool has_severity, uint32_t severity)
{
	if (!has_severity)
		return PRIO_WARNING;
	switch (severity) {
	case PMGUARD_SEV_CRITICAL:	return PRIO_CRIT;
	case PMGUARD_SEV_HIGH:		return PRIO_ERR;
	case PMGUARD_SEV_MEDIUM:	return PRIO_WARNING;
	case PMGUARD_SEV_LOW:		return PRIO_NOTICE;
	case PMGUARD_SEV_INFO:		return PRIO_INFO;
	default:			return PRIO_WARNING;	/* newer than us */
	}
}

void pmg_journal_free(struct pmg_journal_fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->iov[i].iov_base);
	f->n = 0;
}

/* "NAME=" followed by len raw bytes. */
static void add_raw(struct pmg_journal_fields *f, const char *name,
		    const char *value, size_t len)
{
	size_t nlen = strlen(name);
	char *s;

	if (f->failed)
		return;
	if (f->n == PMG_JOURNAL_MAX_FIELDS || !(s = malloc(nlen + 1 + len + 1))) {
		f->failed = true;
		return;
	}
	memcpy(s, name, nlen);
	s[nlen] = '=';
	memcpy(s + nlen + 1, value, len);
	s[nlen + 1 + len] = '\0';	/* not sent; handy for debugging */
	f->iov[f->n].iov_base = s;
	f->iov[f->n].iov_len = nlen + 1 + len;
	f->n++;
}

static void add_str(struct pmg_journal_fields *f, const char *name, const char *value)
{
	add_raw(f, name, value, strlen(value));
}

static void add_fmt(struct pmg_journal_fields *f, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_fmt(struct pmg_journal_fields *f, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add_str(f, name, buf);
}

static void add_u64(struct pmg_journal_fields *f, const char *name, uint64_t v)
{
	add_fmt(f, name, "%" PRIu64, v);
}

static void add_head(struct pmg_journal_fields *f, const char *id, const char *type,
		     const char *message, int priority)
{
	memset(f, 0, sizeof(*f));
	if (id)
		add_str(f, "MESSAGE_ID", id);
	add_str(f, "MESSAGE", message ? message : "");
	add_fmt(f, "PRIORITY", "%d", priority);
	add_str(f, "SYSLOG_IDENTIFIER", "pmguard");
	add_str(f, "PMGUARD_TYPE", type);
}

static int finish(struct pmg_journal_fields *f)
{
	if (!f->failed)
		return 0;
	pmg_journal_free(f);
	return -1;
}

/* u32 proc attributes; the "id" ones print (u32)-1 as -1. */
static const struct {
	int attr;
	const char *suffix;
	bool is_id;
	bool target;		/* also for the target */
} proc_fields[] = {
	{ PMGUARD_P_PID,	"PID",		false, true },
	{ PMGUARD_P_TID,	"TID",		false, true },
	{ PMGUARD_P_PPID,	"PPID",		false, false },
	{ PMGUARD_P_UID,	"UID",		false, true },
	{ PMGUARD_P_EUID,	"EUID",		false, false },
	{ PMGUARD_P_LOGINUID,	"LOGINUID",	true,  false },
	{ PMGUARD_P_NS_PID,	"NS_PID",	false, true },
	{ PMGUARD_P_PID_NS,	"PID_NS",	false, true },
	{ PMGUARD_P_MNT_NS,	"MNT_NS",	false, true },
	{ PMGUARD_P_USER_NS,	"USER_NS",	false, true },
	{ PMGUARD_P_NET_NS,	"NET_NS",	false, true },
	{ PMGUARD_P_CGROUP_NS,	"CGROUP_NS",	false, true },
};

/* The cgroup, and the container and unit its path names. */
static void add_context(struct pmg_journal_fields *f, const char *prefix,
			const struct pmguard_proc *p)
{
	struct pmg_context_field fields[PMG_CONTEXT_FIELDS];
	struct pmg_cgroup_context ctx;
	char name[64];
	size_t n;

	if (pmg_proc_has(p, PMGUARD_P_IN_CONTAINER)) {
		snprintf(name, sizeof(name), "%s_IN_CONTAINER", prefix);
		add_str(f, name, p->in_container ? "1" : "0");
	}
	if (pmg_proc_has(p, PMGUARD_P_CGROUP_ID)) {
		snprintf(name, sizeof(name), "%s_CGROUP_ID", prefix);
		add_u64(f, name, p->cgroup_id);
	}
	if (!pmg_proc_has(p, PMGUARD_P_CGROUP))
		return;
	snprintf(name, sizeof(name), "%s_CGROUP", prefix);
	add_raw(f, name, p->cgroup.ptr, p->cgroup.len);
	n = pmg_proc_context_fields(p, &ctx, fields);
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s_%s", prefix, fields[i].journal);
		add_str(f, name, fields[i].value);
	}
}

static void add_proc(struct pmg_journal_fields *f, const char *prefix,
		     const struct pmguard_proc *p, bool is_target)
{
	char name[64];

	for (size_t i = 0; i < sizeof(proc_fields) / sizeof(proc_fields[0]); i++) {
		uint32_t v = pmg_proc_u32(p, proc_fields[i].attr);

		if ((is_target && !proc_fields[i].target) ||
		    !pmg_proc_has(p, proc_fields[i].attr))
			continue;
		snprintf(name, sizeof(name), "%s_%s", prefix, proc_fields[i].suffix);
		if (proc_fields[i].is_id && v == UINT32_MAX)
			add_str(f, name, "-1");
		else
			add_u64(f, name, v);
	}
	if (pmg_proc_has(p, PMGUARD_P_COMM)) {
		snprintf(name, sizeof(name), "%s_COMM", prefix);
		add_raw(f, name, p->comm.ptr, p->comm.len);
	}
	if (pmg_proc_has(p, PMGUARD_P_EXE)) {
		snprintf(name, sizeof(name), "%s_EXE", prefix);
		add_raw(f, name, p->exe.ptr, p->exe.len);
	}
	add_context(f, prefix, p);
}

static void add_name(struct pmg_journal_fields *f, const char *field,
		     const char *name, uint32_t v)
{
	char buf[PMG_NAME_BUF_LEN];

	add_str(f, field, pmg_name_or_unknown(name, v, buf));
}

int pmg_journal_event(struct pmg_journal_fields *f, const struct pmguard_event *ev,
		      const char *message)
{
	struct pmg_event_number nums[PMG_EVENT_NUMBERS];
	char buf[512];
	size_t n;

	add_head(f, PMG_JOURNAL_ID_ACCESS, "access", message,
		 pmg_journal_priority(pmg_event_has(ev, PMGUARD_A_SEVERITY), ev->severity));
	if (pmg_event_has(ev, PMGUARD_A_SEQ))
		add_u64(f, "PMGUARD_SEQ", ev->seq);
	if (pmg_event_has(ev, PMGUARD_A_KIND))
		add_name(f, "PMGUARD_KIND", pmg_kind_name(ev->kind), ev->kind);
	if (pmg_event_has(ev, PMGUARD_A_ACCESS))
		add_str(f, "PMGUARD_ACCESS", pmg_access_name(ev->access, buf));
	if (pmg_event_has(ev, PMGUARD_A_RESULT))
		add_fmt(f, "PMGUARD_RESULT", "%" PRId32, ev->result);
	if (pmg_event_has(ev, PMGUARD_A_ACTION))
		add_name(f, "PMGUARD_ACTION", pmg_action_name(ev->action), ev->action);
	if (pmg_event_has(ev, PMGUARD_A_SEVERITY))
		add_name(f, "PMGUARD_SEVERITY", pmg_severity_name(ev->severity), ev->severity);
	if (pmg_event_has(ev, PMGUARD_A_RULE))
		add_raw(f, "PMGUARD_RULE", ev->rule.ptr, ev->rule.len);
	add_str(f, "PMGUARD_MITRE", MITRE_TECHNIQUE);
	n = pmg_event_numbers(ev, nums);
	for (size_t i = 0; i < n; i++)
		add_u64(f, nums[i].journal, nums[i].value);
	if (pmg_event_has(ev, PMGUARD_A_FLAGS)) {
		pmg_flags_join(ev->flags, buf, sizeof(buf));
		add_str(f, "PMGUARD_FLAGS", buf);
	}
	if (pmg_event_has(ev, PMGUARD_A_CALLER))
		add_proc(f, "PMGUARD_CALLER", &ev->caller, false);
	if (pmg_event_has(ev, PMGUARD_A_TARGET))
		add_proc(f, "PMGUARD_TARGET", &ev->target, true);
	return finish(f);
}

int pmg_journal_summary(struct pmg_journal_fields *f,
			const struct pmguard_mem_summary *s, const char *message)
{
	static const struct {
		int attr;
		const char *name;
	} sums[] = {
		{ PMGUARD_SUM_READS,		"PMGUARD_READS" },
		{ PMGUARD_SUM_BYTES_READ,	"PMGUARD_BYTES_READ" },
		{ PMGUARD_SUM_WRITES,		"PMGUARD_WRITES" },
		{ PMGUARD_SUM_BYTES_WRITTEN,	"PMGUARD_BYTES_WRITTEN" },
		{ PMGUARD_SUM_FIRST_OFFSET,	"PMGUARD_FIRST_OFFSET" },
		{ PMGUARD_SUM_LAST_OFFSET,	"PMGUARD_LAST_OFFSET" },
		{ PMGUARD_SUM_DURATION_NS,	"PMGUARD_DURATION_NS" },
		{ PMGUARD_SUM_ERRORS,		"PMGUARD_ERRORS" },
	};

	add_head(f, PMG_JOURNAL_ID_SUMMARY, "mem_summary", message, PRIO_NOTICE);
	if (pmg_summary_has(s, PMGUARD_A_SEQ))
		add_u64(f, "PMGUARD_SEQ", s->seq);
	if (pmg_summary_has(s, PMGUARD_A_KIND))
		add_name(f, "PMGUARD_KIND", pmg_kind_name(s->kind), s->kind);
	add_str(f, "PMGUARD_MITRE", MITRE_TECHNIQUE);
	if (pmg_summary_has(s, PMGUARD_A_CALLER))
		add_proc(f, "PMGUARD_CALLER", &s->caller, false);
	if (pmg_summary_has(s, PMGUARD_A_TARGET))
		add_proc(f, "PMGUARD_TARGET", &s->target, true);
	for (size_t i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
		if (pmg_summary_has_sum(s, sums[i].attr))
			add_u64(f, sums[i].name, s->sum[sums[i].attr]);
	return finish(f);
}

int pmg_journal_lost(struct pmg_journal_fields *f, const struct pmg_seq_report *r,
		     const char *message)
{
	add_head(f, PMG_JOURNAL_ID_LOST, "lost", message, PRIO_WARNING);
	add_str(f, "PMGUARD_REASON", r ? "seq_gap" : "overrun");
	if (r) {
		add_u64(f, "PMGUARD_LOST_COUNT", r->lost);
		add_u64(f, "PMGUARD_FIRST_SEQ", r->first_lost);
		add_u64(f, "PMGUARD_LAST_SEQ", r->last_lost);
	}
	return finish(f);
}

int pmg_journal_reset(struct pmg_journal_fields *f, const struct pmg_seq_report *r,
		      uint64_t seq, const char *message)
{
	add_head(f, NULL, "reset", message, PRIO_NOTICE);
	add_u64(f, "PMGUARD_PREVIOUS_SEQ", r->previous);
	add_u64(f, "PMGUARD_SEQ", seq);
	return finish(f);
}

int pmg_journal_guard(struct pmg_journal_fields *f, const struct pmg_guard *g)
{
	add_head(f, PMG_JOURNAL_ID_GUARD, "guard", pmg_guard_message(g->state),
		 pmg_journal_priority(true, g->severity));
	add_str(f, "PMGUARD_GUARD", pmg_guard_state_name(g->state));
	add_fmt(f, "PMGUARD_SEVERITY", "%" PRIu32, g->severity);
	return finish(f);
}

int pmg_journal_note(struct pmg_journal_fields *f, const char *what,
		     const char *message)
{
	add_head(f, NULL, "note", message, PRIO_NOTICE);
	add_str(f, "PMGUARD_NOTE", what);
	return finish(f);
}
