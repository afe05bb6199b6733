// SPDX-License-Identifier: GPL-2.0
/* Text and JSON rendering; see format.h for the contract. */
#include "format.h"
#include "context.h"
#include "exit_codes.h"
#include "status.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#define MITRE_TECHNIQUE "T1003.007"

#define NAME_BUF_LEN PMG_NAME_BUF_LEN

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const action_labels[__PMGUARD_ACTION_MAX] = {
	[PMGUARD_ACTION_ALLOW]	= "ALLOW",
	[PMGUARD_ACTION_ALERT]	= "ALERT",
	[PMGUARD_ACTION_DENY]	= "DENY",
};

size_t pmg_event_numbers(const struct pmguard_event *ev,
			 struct pmg_event_number out[PMG_EVENT_NUMBERS])
{
	const struct pmg_event_number all[PMG_EVENT_NUMBERS] = {
		{ "count",	"PMGUARD_COUNT",	ev->count },
		{ "first_seq",	"PMGUARD_FIRST_SEQ",	ev->first_seq },
		{ "bytes",	"PMGUARD_BYTES",	ev->bytes },
	};
	static const int attrs[PMG_EVENT_NUMBERS] = {
		PMGUARD_A_COUNT, PMGUARD_A_FIRST_SEQ, PMGUARD_A_BYTES,
	};
	size_t n = 0;

	for (size_t i = 0; i < PMG_EVENT_NUMBERS; i++)
		if (pmg_event_has(ev, attrs[i]))
			out[n++] = all[i];
	return n;
}

/* "OK" for 0, the errno's symbolic name for -errno, else unknown(N). */
static const char *result_name(int32_t result, char *buf)
{
	const char *name = NULL;

	if (result == 0)
		return "OK";
	if (result < 0 && result != INT32_MIN)
		name = strerrorname_np(-result);
	if (name)
		return name;
	snprintf(buf, NAME_BUF_LEN, "unknown(%" PRId32 ")", result);
	return buf;
}

char *pmg_format_time(uint64_t ns, char *buf, size_t size)
{
	time_t secs = (time_t)(ns / 1000000000u);
	unsigned long frac = (unsigned long)(ns % 1000000000u);
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, size, "invalid-time(%" PRIu64 ")", ns);
		return buf;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09luZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	return buf;
}

uint64_t pmg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void pmg_hostname(char *buf, size_t size)
{
	if (gethostname(buf, size) < 0)
		snprintf(buf, size, "unknown");
	buf[size - 1] = '\0';
}

/* ---- text escaping ------------------------------------------------------ */

void pmg_escape_text(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c > 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

/* ---- text ------------------------------------------------------------- */

/* A growing string built with stdio; NULL from finish() on ENOMEM. */
struct text {
	FILE *f;
	char *buf;
	size_t len;
};

static bool text_start(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f != NULL;
}

static char *text_finish(struct text *t)
{
	bool failed = ferror(t->f);

	if (fclose(t->f) != 0 || failed) {
		free(t->buf);
		return NULL;
	}
	return t->buf;
}

static void text_time(FILE *f, bool has, uint64_t ns)
{
	char tbuf[PMG_TIME_LEN];

	fputs(has ? pmg_format_time(ns, tbuf, sizeof(tbuf)) : "-", f);
}

static void text_flags(FILE *f, uint32_t flags)
{
	char buf[512];

	pmg_flags_join(flags, buf, sizeof(buf));
	fprintf(f, " flags=%s", flags ? buf : "none");
}

/* A uid-like value: (u32)-1 means "unset" and prints as -1. */
static int64_t id_value(uint32_t v)
{
	return v == UINT32_MAX ? -1 : (int64_t)v;
}

static void text_opt_u32(FILE *f, const struct pmguard_proc *p, int attr,
			 const char *key, uint32_t v)
{
	if (pmg_proc_has(p, attr))
		fprintf(f, " %s=%" PRId64, key, id_value(v));
}

static void text_opt_str(FILE *f, const struct pmguard_proc *p, int attr,
			 const char *key, struct pmg_str s)
{
	if (pmg_proc_has(p, attr)) {
		fprintf(f, " %s=", key);
		pmg_escape_text(f, s.ptr, s.len);
	}
}

/* "comm[pid/tid]"; the target shows only [pid] unless opened via a thread. */
static void text_proc_id(FILE *f, const struct pmguard_proc *p, bool always_tid)
{
	if (pmg_proc_has(p, PMGUARD_P_COMM))
		pmg_escape_text(f, p->comm.ptr, p->comm.len);
	fputc('[', f);
	if (pmg_proc_has(p, PMGUARD_P_PID))
		fprintf(f, "%" PRIu32, p->pid);
	else
		fputc('?', f);
	if (pmg_proc_has(p, PMGUARD_P_TID) &&
	    (always_tid || !pmg_proc_has(p, PMGUARD_P_PID) || p->tid != p->pid))
		fprintf(f, "/%" PRIu32, p->tid);
	fputc(']', f);
}

/* container=RUNTIME:ID (12 characters of a hex id) and unit=UNIT. */
static void text_context(FILE *f, const struct pmguard_proc *p)
{
	struct pmg_cgroup_context ctx;

	if (!pmg_proc_has(p, PMGUARD_P_CGROUP) ||
	    !pmg_cgroup_context(p->cgroup.ptr, p->cgroup.len, &ctx))
		return;
	if (ctx.runtime)
		fprintf(f, " container=%s:%.12s", ctx.runtime, ctx.container_id);
	if (ctx.unit[0])
		fprintf(f, " unit=%s", ctx.unit);
}

static void text_event(FILE *f, const struct pmguard_event *ev)
{
	char b1[NAME_BUF_LEN], b2[NAME_BUF_LEN], b3[NAME_BUF_LEN];
	const struct pmguard_proc *c = &ev->caller, *t = &ev->target;
	struct pmg_event_number nums[PMG_EVENT_NUMBERS];
	const char *label;
	size_t n;

	text_time(f, pmg_event_has(ev, PMGUARD_A_TIME_NS), ev->time_ns);
	if (pmg_event_has(ev, PMGUARD_A_SEQ))
		fprintf(f, " seq=%" PRIu64, ev->seq);

	if (!pmg_event_has(ev, PMGUARD_A_ACTION))
		label = "-";
	else if (ev->action < ARRAY_SIZE(action_labels))
		label = action_labels[ev->action];
	else
		label = pmg_name_or_unknown(NULL, ev->action, b1);
	fprintf(f, " %s", label);
	fprintf(f, " %s", !pmg_event_has(ev, PMGUARD_A_SEVERITY) ? "-" :
		pmg_name_or_unknown(pmg_severity_name(ev->severity), ev->severity, b2));
	fprintf(f, " %s", !pmg_event_has(ev, PMGUARD_A_KIND) ? "-" :
		pmg_name_or_unknown(pmg_kind_name(ev->kind), ev->kind, b3));
	fprintf(f, " %s", !pmg_event_has(ev, PMGUARD_A_ACCESS) ? "-" :
		pmg_access_name(ev->access, b1));

	if (pmg_event_has(ev, PMGUARD_A_RESULT)) {
		fprintf(f, " result=%" PRId32, ev->result);
		if (ev->result != 0)
			fprintf(f, "(%s)", result_name(ev->result, b2));
	}
	if (pmg_event_has(ev, PMGUARD_A_RULE)) {
		fputs(" rule=", f);
		pmg_escape_text(f, ev->rule.ptr, ev->rule.len);
	}
	n = pmg_event_numbers(ev, nums);
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %s=%" PRIu64, nums[i].key, nums[i].value);

	fputs(" caller=", f);
	text_proc_id(f, c, true);
	text_opt_u32(f, c, PMGUARD_P_PPID, "ppid", c->ppid);
	text_opt_u32(f, c, PMGUARD_P_UID, "uid", c->uid);
	text_opt_u32(f, c, PMGUARD_P_EUID, "euid", c->euid);
	text_opt_u32(f, c, PMGUARD_P_LOGINUID, "loginuid", c->loginuid);
	text_opt_str(f, c, PMGUARD_P_EXE, "exe", c->exe);
	text_context(f, c);

	fputs(" -> target=", f);
	text_proc_id(f, t, false);
	text_opt_u32(f, t, PMGUARD_P_UID, "uid", t->uid);
	text_opt_str(f, t, PMGUARD_P_EXE, "exe", t->exe);
	text_context(f, t);

	if (pmg_event_has(ev, PMGUARD_A_FLAGS))
		text_flags(f, ev->flags);
}

/* ---- JSON ------------------------------------------------------------- */

static void json_add(struct json_object *obj, const char *key, struct json_object *val)
{
	json_object_object_add(obj, key, val);
}

static void json_add_u64(struct json_object *obj, const char *key, uint64_t v)
{
	json_add(obj, key, json_object_new_uint64(v));
}

static void json_add_i64(struct json_object *obj, const char *key, int64_t v)
{
	json_add(obj, key, json_object_new_int64(v));
}

static void json_add_cstr(struct json_object *obj, const char *key, const char *s)
{
	json_add(obj, key, json_object_new_string(s));
}

/*
 * json-c escapes quotes, backslashes and control characters but copies
 * other bytes verbatim, so untrusted bytes are made valid UTF-8 first.
 * Returns false on ENOMEM.
 */
static bool json_add_untrusted(struct json_object *obj, const char *key,
			       struct pmg_str s)
{
	size_t len;
	char *clean = pmg_utf8_sanitize(s.ptr, s.len, &len);

	if (!clean)
		return false;
	json_add(obj, key, json_object_new_string_len(clean, (int)len));
	free(clean);
	return true;
}

static bool json_add_cstr_untrusted(struct json_object *obj, const char *key,
				    const char *s)
{
	return json_add_untrusted(obj, key, (struct pmg_str){ s, strlen(s) });
}

static void json_add_time(struct json_object *obj, const char *key, uint64_t ns)
{
	char tbuf[PMG_TIME_LEN];

	json_add_cstr(obj, key, pmg_format_time(ns, tbuf, sizeof(tbuf)));
}

static void json_add_name(struct json_object *obj, const char *key,
			  const char *name, uint32_t v)
{
	char buf[NAME_BUF_LEN];

	json_add_cstr(obj, key, pmg_name_or_unknown(name, v, buf));
}

/*
 * The head of every record: "type", then "seq" and "time" when given,
 * then "host".  The host name is untrusted too (sethostname takes any
 * bytes), so it is sanitised like comm and exe.
 */
static struct json_object *json_head(const char *type, const uint64_t *seq,
				     const uint64_t *time_ns, const char *host)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	json_add_cstr(obj, "type", type);
	if (seq)
		json_add_u64(obj, "seq", *seq);
	if (time_ns)
		json_add_time(obj, "time", *time_ns);
	if (!json_add_cstr_untrusted(obj, "host", host ? host : "")) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* A reader record ("lost", "stats", ...): its time is now. */
static struct json_object *json_record(const char *type, uint64_t now_ns,
				       const char *host)
{
	return json_head(type, NULL, &now_ns, host);
}

static char *json_finish(struct json_object *obj)
{
	char *out = NULL;

	if (obj) {
		const char *s = json_object_to_json_string_ext(obj,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

		out = s ? strdup(s) : NULL;
		json_object_put(obj);
	}
	return out;
}

static struct json_object *json_flags(uint32_t flags)
{
	struct json_object *arr = json_object_new_array();
	char buf[NAME_BUF_LEN];

	for (size_t i = 0; i < pmg_n_flags; i++) {
		if (flags & pmg_flags[i].bit) {
			json_object_array_add(arr, json_object_new_string(pmg_flags[i].name));
			flags &= ~pmg_flags[i].bit;
		}
	}
	if (flags) {
		snprintf(buf, sizeof(buf), "unknown(0x%" PRIx32 ")", flags);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

static const struct {
	int attr;
	const char *key;
	bool is_id;		/* (u32)-1 means unset: print -1 */
} proc_u32_keys[] = {
	{ PMGUARD_P_PID,	"pid",		false },
	{ PMGUARD_P_TID,	"tid",		false },
	{ PMGUARD_P_PPID,	"ppid",		false },
	{ PMGUARD_P_UID,	"uid",		false },
	{ PMGUARD_P_EUID,	"euid",		false },
	{ PMGUARD_P_FSUID,	"fsuid",	false },
	{ PMGUARD_P_GID,	"gid",		false },
	{ PMGUARD_P_LOGINUID,	"loginuid",	true },
	{ PMGUARD_P_SESSIONID,	"sessionid",	true },
	{ PMGUARD_P_NS_PID,	"ns_pid",	false },
	{ PMGUARD_P_PID_NS,	"pid_ns",	false },
	{ PMGUARD_P_MNT_NS,	"mnt_ns",	false },
	{ PMGUARD_P_USER_NS,	"user_ns",	false },
	{ PMGUARD_P_NET_NS,	"net_ns",	false },
	{ PMGUARD_P_CGROUP_NS,	"cgroup_ns",	false },
};

/* The cgroup, and the container and unit its path names. */
static bool json_proc_context(struct json_object *obj, const struct pmguard_proc *p)
{
	struct pmg_context_field fields[PMG_CONTEXT_FIELDS];
	struct pmg_cgroup_context ctx;
	size_t n;

	if (pmg_proc_has(p, PMGUARD_P_IN_CONTAINER))
		json_add(obj, "in_container", json_object_new_boolean(p->in_container));
	if (pmg_proc_has(p, PMGUARD_P_CGROUP_ID))
		json_add_u64(obj, "cgroup_id", p->cgroup_id);
	if (!pmg_proc_has(p, PMGUARD_P_CGROUP))
		return true;
	if (!json_add_untrusted(obj, "cgroup", p->cgroup))
		return false;
	n = pmg_proc_context_fields(p, &ctx, fields);
	for (size_t i = 0; i < n; i++)
		json_add_cstr(obj, fields[i].json, fields[i].value);
	return true;
}

static struct json_object *json_proc(const struct pmguard_proc *p)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(proc_u32_keys); i++) {
		int attr = proc_u32_keys[i].attr;
		uint32_t v = pmg_proc_u32(p, attr);

		if (!pmg_proc_has(p, attr))
			continue;
		if (proc_u32_keys[i].is_id)
			json_add_i64(obj, proc_u32_keys[i].key, id_value(v));
		else
			json_add_u64(obj, proc_u32_keys[i].key, v);
	}
	if ((pmg_proc_has(p, PMGUARD_P_COMM) && !json_add_untrusted(obj, "comm", p->comm)) ||
	    (pmg_proc_has(p, PMGUARD_P_EXE) && !json_add_untrusted(obj, "exe", p->exe)) ||
	    !json_proc_context(obj, p)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static void json_caller_facts(struct json_object *caller, uint32_t flags)
{
	json_add(caller, "cap_sys_ptrace",
		 json_object_new_boolean(!!(flags & PMGUARD_F_CALLER_CAP_PTRACE)));
	json_add(caller, "is_tracer",
		 json_object_new_boolean(!!(flags & PMGUARD_F_CALLER_IS_TRACER)));
	json_add(caller, "is_ancestor",
		 json_object_new_boolean(!!(flags & PMGUARD_F_CALLER_IS_ANCESTOR)));
	json_add(caller, "comm_mismatch",
		 json_object_new_boolean(!!(flags & PMGUARD_F_COMM_MISMATCH)));
}

static struct json_object *json_event(const struct pmguard_event *ev, const char *host)
{
	struct json_object *obj = json_head("access",
			pmg_event_has(ev, PMGUARD_A_SEQ) ? &ev->seq : NULL,
			pmg_event_has(ev, PMGUARD_A_TIME_NS) ? &ev->time_ns : NULL, host);
	struct json_object *caller, *target;
	struct pmg_event_number nums[PMG_EVENT_NUMBERS];
	char buf[NAME_BUF_LEN];
	size_t n;

	if (!obj)
		return NULL;
	if (pmg_event_has(ev, PMGUARD_A_KIND))
		json_add_name(obj, "kind", pmg_kind_name(ev->kind), ev->kind);
	if (pmg_event_has(ev, PMGUARD_A_ACCESS))
		json_add_cstr(obj, "access", pmg_access_name(ev->access, buf));
	if (pmg_event_has(ev, PMGUARD_A_RESULT)) {
		json_add_i64(obj, "result", ev->result);
		json_add_cstr(obj, "result_name", result_name(ev->result, buf));
	}
	if (pmg_event_has(ev, PMGUARD_A_ACTION))
		json_add_name(obj, "action", pmg_action_name(ev->action), ev->action);
	if (pmg_event_has(ev, PMGUARD_A_SEVERITY))
		json_add_name(obj, "severity", pmg_severity_name(ev->severity), ev->severity);
	if (pmg_event_has(ev, PMGUARD_A_RULE) && !json_add_untrusted(obj, "rule", ev->rule))
		goto nomem;
	json_add_cstr(obj, "mitre", MITRE_TECHNIQUE);
	n = pmg_event_numbers(ev, nums);
	for (size_t i = 0; i < n; i++)
		json_add_u64(obj, nums[i].key, nums[i].value);
	if (pmg_event_has(ev, PMGUARD_A_FLAGS))
		json_add(obj, "flags", json_flags(ev->flags));

	if (pmg_event_has(ev, PMGUARD_A_CALLER)) {
		caller = json_proc(&ev->caller);
		if (!caller)
			goto nomem;
		if (pmg_event_has(ev, PMGUARD_A_FLAGS))
			json_caller_facts(caller, ev->flags);
		json_add(obj, "caller", caller);
	}
	if (pmg_event_has(ev, PMGUARD_A_TARGET)) {
		target = json_proc(&ev->target);
		if (!target)
			goto nomem;
		json_add(obj, "target", target);
	}
	return obj;
nomem:
	json_object_put(obj);
	return NULL;
}

/* ---- mem summaries ---------------------------------------------------- */

static const struct {
	int attr;
	const char *key;
} summary_keys[] = {
	{ PMGUARD_SUM_READS,		"reads" },
	{ PMGUARD_SUM_BYTES_READ,	"bytes_read" },
	{ PMGUARD_SUM_WRITES,		"writes" },
	{ PMGUARD_SUM_BYTES_WRITTEN,	"bytes_written" },
	{ PMGUARD_SUM_FIRST_OFFSET,	"first_offset" },
	{ PMGUARD_SUM_LAST_OFFSET,	"last_offset" },
	{ PMGUARD_SUM_DURATION_NS,	"duration_ns" },
	{ PMGUARD_SUM_ERRORS,		"errors" },
};

static struct json_object *json_summary(const struct pmguard_mem_summary *s,
					const char *host)
{
	struct json_object *obj = json_head("mem_summary",
			pmg_summary_has(s, PMGUARD_A_SEQ) ? &s->seq : NULL,
			pmg_summary_has(s, PMGUARD_A_TIME_NS) ? &s->time_ns : NULL, host);
	struct json_object *p;

	if (!obj)
		return NULL;
	json_add_cstr(obj, "mitre", MITRE_TECHNIQUE);
	if (pmg_summary_has(s, PMGUARD_A_KIND))
		json_add_name(obj, "kind", pmg_kind_name(s->kind), s->kind);
	if (pmg_summary_has(s, PMGUARD_A_CALLER)) {
		p = json_proc(&s->caller);
		if (!p)
			goto nomem;
		json_add(obj, "caller", p);
	}
	if (pmg_summary_has(s, PMGUARD_A_TARGET)) {
		p = json_proc(&s->target);
		if (!p)
			goto nomem;
		json_add(obj, "target", p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(summary_keys); i++)
		if (pmg_summary_has_sum(s, summary_keys[i].attr))
			json_add_u64(obj, summary_keys[i].key, s->sum[summary_keys[i].attr]);
	return obj;
nomem:
	json_object_put(obj);
	return NULL;
}

/* A summary number, or "?" when the kernel did not send it. */
static void text_sum(FILE *f, const struct pmguard_mem_summary *s, int attr,
		     bool hex)
{
	if (!pmg_summary_has_sum(s, attr))
		fputc('?', f);
	else if (hex)
		fprintf(f, "0x%" PRIx64, s->sum[attr]);
	else
		fprintf(f, "%" PRIu64, s->sum[attr]);
}

static void text_summary(FILE *f, const struct pmguard_mem_summary *s)
{
	char buf[NAME_BUF_LEN];
	const struct pmguard_proc *c = &s->caller, *t = &s->target;

	text_time(f, pmg_summary_has(s, PMGUARD_A_TIME_NS), s->time_ns);
	fputs(" SUMMARY", f);
	if (pmg_summary_has(s, PMGUARD_A_SEQ))
		fprintf(f, " seq=%" PRIu64, s->seq);
	fputc(' ', f);
	text_proc_id(f, c, false);
	fputs(" read ", f);
	text_sum(f, s, PMGUARD_SUM_BYTES_READ, false);
	fputs(" bytes in ", f);
	text_sum(f, s, PMGUARD_SUM_READS, false);
	fputs(" reads (", f);
	text_sum(f, s, PMGUARD_SUM_FIRST_OFFSET, true);
	fputc('-', f);
	text_sum(f, s, PMGUARD_SUM_LAST_OFFSET, true);
	fputs(") from ", f);
	text_proc_id(f, t, false);
	fputs(" writes=", f);
	text_sum(f, s, PMGUARD_SUM_WRITES, false);
	fputs(" bytes_written=", f);
	text_sum(f, s, PMGUARD_SUM_BYTES_WRITTEN, false);
	fputs(" errors=", f);
	text_sum(f, s, PMGUARD_SUM_ERRORS, false);
	if (pmg_summary_has_sum(s, PMGUARD_SUM_DURATION_NS))
		fprintf(f, " duration=%" PRIu64 ".%09" PRIu64 "s",
			s->sum[PMGUARD_SUM_DURATION_NS] / 1000000000u,
			s->sum[PMGUARD_SUM_DURATION_NS] % 1000000000u);
	if (pmg_summary_has(s, PMGUARD_A_KIND))
		fprintf(f, " kind=%s", pmg_name_or_unknown(pmg_kind_name(s->kind), s->kind, buf));
	text_opt_u32(f, c, PMGUARD_P_UID, "caller_uid", c->uid);
	text_opt_str(f, c, PMGUARD_P_EXE, "caller_exe", c->exe);
	text_opt_u32(f, t, PMGUARD_P_UID, "target_uid", t->uid);
	text_opt_str(f, t, PMGUARD_P_EXE, "target_exe", t->exe);
}

/* ---- public entry points ---------------------------------------------- */

char *pmg_format_summary(enum pmg_format fmt, const struct pmguard_mem_summary *s,
			 const char *host)
{
	struct text t;

	if (fmt == PMG_FMT_JSON)
		return json_finish(json_summary(s, host));
	if (!text_start(&t))
		return NULL;
	text_summary(t.f, s);
	return text_finish(&t);
}

char *pmg_format_event(enum pmg_format fmt, const struct pmguard_event *ev,
		       const char *host)
{
	struct text t;

	if (fmt == PMG_FMT_JSON)
		return json_finish(json_event(ev, host));
	if (!text_start(&t))
		return NULL;
	text_event(t.f, ev);
	return text_finish(&t);
}

char *pmg_format_gap(enum pmg_format fmt, const struct pmg_seq_report *r,
		     uint64_t now_ns, const char *host)
{
	struct json_object *obj;
	struct text t;

	if (fmt == PMG_FMT_JSON) {
		obj = json_record("lost", now_ns, host);
		if (obj) {
			json_add_u64(obj, "count", r->lost);
			json_add_u64(obj, "first_seq", r->first_lost);
			json_add_u64(obj, "last_seq", r->last_lost);
			json_add_cstr(obj, "reason", "seq_gap");
		}
		return json_finish(obj);
	}
	if (!text_start(&t))
		return NULL;
	text_time(t.f, true, now_ns);
	fprintf(t.f, " LOST %" PRIu64 " events (seq %" PRIu64 "..%" PRIu64 ")",
		r->lost, r->first_lost, r->last_lost);
	return text_finish(&t);
}

char *pmg_format_overrun(enum pmg_format fmt, uint64_t now_ns, const char *host)
{
	struct json_object *obj;
	struct text t;

	if (fmt == PMG_FMT_JSON) {
		obj = json_record("lost", now_ns, host);
		if (obj)
			json_add_cstr(obj, "reason", "overrun");
		return json_finish(obj);
	}
	if (!text_start(&t))
		return NULL;
	text_time(t.f, true, now_ns);
	fputs(" LOST events: receive buffer overrun (the next seq gap gives the count)", t.f);
	return text_finish(&t);
}

char *pmg_format_reset(enum pmg_format fmt, const struct pmg_seq_report *r,
		       uint64_t seq, uint64_t now_ns, const char *host)
{
	struct json_object *obj;
	struct text t;

	if (fmt == PMG_FMT_JSON) {
		obj = json_record("reset", now_ns, host);
		if (obj) {
			json_add_u64(obj, "previous_seq", r->previous);
			json_add_u64(obj, "seq", seq);
			json_add_cstr(obj, "reason", "seq_backwards");
		}
		return json_finish(obj);
	}
	if (!text_start(&t))
		return NULL;
	text_time(t.f, true, now_ns);
	fprintf(t.f, " RESET seq went back from %" PRIu64 " to %" PRIu64
		" (module reloaded?): loss tracking restarted", r->previous, seq);
	return text_finish(&t);
}

/*
 * A note of the reader's, or the module's word on its own state: a record
 * TYPE whose KEY is WHAT, with a severity (guard records) and a message.
 */
static char *format_notice(enum pmg_format fmt, const char *type, const char *key,
			   const char *what, const char *severity,
			   const char *message, uint64_t time_ns, const char *host)
{
	struct json_object *obj;
	struct text t;

	if (fmt == PMG_FMT_JSON) {
		obj = json_record(type, time_ns, host);
		if (obj) {
			json_add_cstr(obj, key, what);
			if (severity)
				json_add_cstr(obj, "severity", severity);
			json_add_cstr(obj, "message", message);
		}
		return json_finish(obj);
	}
	if (!text_start(&t))
		return NULL;
	text_time(t.f, true, time_ns);
	fprintf(t.f, " %s ", severity ? "GUARD" : "NOTE");
	if (severity)
		fprintf(t.f, "%s ", severity);
	pmg_escape_text(t.f, what, strlen(what));
	fputs(": ", t.f);
	fputs(message, t.f);
	return text_finish(&t);
}

char *pmg_format_note(enum pmg_format fmt, const char *what, const char *message,
		      uint64_t now_ns, const char *host)
{
	return format_notice(fmt, "note", "note", what, NULL, message, now_ns, host);
}

const char *pmg_guard_state_name(uint32_t state)
{
	return state == PMGUARD_GUARD_BLIND ? "blind" :
	       state == PMGUARD_GUARD_SEEING ? "seeing" : "unknown";
}

const char *pmg_guard_message(uint32_t state)
{
	return state == PMGUARD_GUARD_BLIND ?
	       "kprobes are disarmed: the module sees no access until they are armed again" :
	       state == PMGUARD_GUARD_SEEING ? "kprobes are armed again: the module sees accesses" :
	       "the module reported a state this reader does not know";
}

char *pmg_format_guard(enum pmg_format fmt, const struct pmg_guard *g,
		       uint64_t now_ns, const char *host)
{
	char buf[16];
	const char *sev = pmg_severity_name(g->severity);

	if (!sev) {
		snprintf(buf, sizeof(buf), "%" PRIu32, g->severity);
		sev = buf;
	}
	return format_notice(fmt, "guard", "state", pmg_guard_state_name(g->state), sev,
			     pmg_guard_message(g->state), g->time_ns ?: now_ns, host);
}

char *pmg_format_counters(enum pmg_format fmt, const struct pmg_counters *c,
			  uint64_t now_ns, const char *host)
{
	struct json_object *obj, *kinds, *actions;
	struct text t;

	if (fmt == PMG_FMT_JSON) {
		obj = json_record("counters", now_ns, host);
		if (!obj)
			return NULL;
		json_add_u64(obj, "events", c->events);
		json_add_u64(obj, "accesses", c->accesses);
		json_add_u64(obj, "folded_events", c->folded_events);
		json_add_u64(obj, "cross_container", c->cross_container);
		json_add_u64(obj, "summaries", c->summaries);
		json_add_u64(obj, "lost", c->lost);
		json_add_u64(obj, "gaps", c->gaps);
		json_add_u64(obj, "overruns", c->overruns);
		json_add_u64(obj, "resets", c->resets);
		json_add_u64(obj, "malformed", c->malformed);
		json_add_u64(obj, "journal_errors", c->journal_errors);
		kinds = json_object_new_object();
		for (uint32_t k = 1; k < __PMGUARD_KIND_MAX; k++)
			json_add_u64(kinds, pmg_kind_name(k), c->by_kind[k]);
		json_add_u64(kinds, "unknown", c->kind_unknown);
		json_add(obj, "kind", kinds);
		actions = json_object_new_object();
		for (uint32_t a = 0; a < __PMGUARD_ACTION_MAX; a++)
			json_add_u64(actions, pmg_action_name(a), c->by_action[a]);
		json_add_u64(actions, "unknown", c->action_unknown);
		json_add(obj, "action", actions);
		return json_finish(obj);
	}

	if (!text_start(&t))
		return NULL;
	fprintf(t.f, "pmguard counters: events=%" PRIu64 " accesses=%" PRIu64
		" lost=%" PRIu64 " gaps=%" PRIu64 " overruns=%" PRIu64
		" resets=%" PRIu64 " malformed=%" PRIu64 " folded_events=%" PRIu64
		" summaries=%" PRIu64 " journal_errors=%" PRIu64 "\n",
		c->events, c->accesses, c->lost, c->gaps, c->overruns,
		c->resets, c->malformed, c->folded_events, c->summaries,
		c->journal_errors);
	fputs("pmguard accesses by kind:", t.f);
	for (uint32_t k = 1; k < __PMGUARD_KIND_MAX; k++)
		fprintf(t.f, " %s=%" PRIu64, pmg_kind_name(k), c->by_kind[k]);
	fprintf(t.f, " unknown=%" PRIu64 "\n", c->kind_unknown);
	fputs("pmguard accesses by action:", t.f);
	for (uint32_t a = 0; a < __PMGUARD_ACTION_MAX; a++)
		fprintf(t.f, " %s=%" PRIu64, pmg_action_name(a), c->by_action[a]);
	fprintf(t.f, " unknown=%" PRIu64, c->action_unknown);
	return text_finish(&t);
}

/* ---- kernel stats ----------------------------------------------------- */

static const struct pmg_stat_name stat_keys[] = {
	{ PMGUARD_S_SEEN,	"seen" },
	{ PMGUARD_S_REPORTED,	"reported" },
	{ PMGUARD_S_ALLOWED,	"allowed" },
	{ PMGUARD_S_ALERTED,	"alerted" },
	{ PMGUARD_S_DENIED,	"denied" },
	{ PMGUARD_S_PROBES,	"probes" },
	{ PMGUARD_S_FOLDED,	"folded" },
	{ PMGUARD_S_SUMMARIES,	"summaries" },
	{ PMGUARD_S_SUBSCRIBERS, "subscribers" },
	/* high/critical/deny among the drops (already in "dropped") */
	{ PMGUARD_S_PRIORITY_DROPPED, "priority_dropped" },
	{ PMGUARD_S_HELD,	"held" },
	/* 1 while every kprobe is disarmed: the module sees nothing */
	{ PMGUARD_S_BLIND,	"blind" },
	{ PMGUARD_S_BLINDED,	"blinded" },
	/* named scripts run while the running-scripts table was full */
	{ PMGUARD_S_SCRIPTS_UNNOTED, "scripts_unnoted" },
	/* of priority_dropped: got through or refused by pmguard (a real dump) */
	{ PMGUARD_S_URGENT_DROPPED, "urgent_dropped" },
	/* of no_listener: priority events sent later to the next subscriber */
	{ PMGUARD_S_REPLAYED,	"replayed" },
};

static bool stat_has(const struct pmguard_stats *st, int attr)
{
	return st->present & (1u << attr);
}

static const char *kind_stats_name(const struct pmguard_kind_stats *ks, char *buf)
{
	if (!(ks->present & (1u << PMGUARD_KS_KIND)))
		return "unspecified";
	return pmg_name_or_unknown(pmg_kind_name(ks->kind), ks->kind, buf);
}

/* {"queue_full":N,...}: the drop counters the module sent. */
static struct json_object *json_drops(const struct pmguard_stats *st)
{
	struct json_object *drops = json_object_new_object();

	for (size_t i = 0; i < pmg_n_drop_names; i++)
		if (stat_has(st, pmg_drop_names[i].attr))
			json_add_u64(drops, pmg_drop_names[i].name, st->counter[pmg_drop_names[i].attr]);
	return drops;
}

static struct json_object *json_stats(const struct pmguard_stats *st,
				      uint64_t now_ns, const char *host)
{
	struct json_object *obj = json_record("stats", now_ns, host);
	struct json_object *kinds, *k;
	char buf[NAME_BUF_LEN];

	if (!obj)
		return NULL;
	if (st->has_mode)
		json_add_name(obj, "mode", pmg_mode_name(st->mode), st->mode);
	for (size_t i = 0; i < ARRAY_SIZE(stat_keys); i++)
		if (stat_has(st, stat_keys[i].attr))
			json_add_u64(obj, stat_keys[i].name, st->counter[stat_keys[i].attr]);
	json_add(obj, "dropped", json_drops(st));
	kinds = json_object_new_object();
	for (size_t i = 0; i < st->n_kinds; i++) {
		const struct pmguard_kind_stats *ks = &st->kinds[i];

		k = json_object_new_object();
		if (ks->present & (1u << PMGUARD_KS_SEEN))
			json_add_u64(k, "seen", ks->seen);
		if (ks->present & (1u << PMGUARD_KS_REPORTED))
			json_add_u64(k, "reported", ks->reported);
		if (ks->present & (1u << PMGUARD_KS_PROBED))
			json_add(k, "probed", json_object_new_boolean(ks->probed != 0));
		json_add(kinds, kind_stats_name(ks, buf), k);
	}
	json_add(obj, "kinds", kinds);
	return obj;
}

static void text_stat(FILE *f, const struct pmguard_stats *st, int attr)
{
	if (stat_has(st, attr))
		fprintf(f, "%" PRIu64, st->counter[attr]);
	else
		fputc('-', f);
}

/* " queue_full=N nomem=N ...": every drop counter, "-" when not sent. */
static void text_drops(FILE *f, const struct pmguard_stats *st)
{
	for (size_t i = 0; i < pmg_n_drop_names; i++) {
		fprintf(f, " %s=", pmg_drop_names[i].name);
		text_stat(f, st, pmg_drop_names[i].attr);
	}
}

static void text_stats(FILE *f, const struct pmguard_stats *st)
{
	char buf[NAME_BUF_LEN];

	if (st->has_mode)
		fprintf(f, "mode:        %s\n",
			pmg_name_or_unknown(pmg_mode_name(st->mode), st->mode, buf));
	for (size_t i = 0; i < ARRAY_SIZE(stat_keys); i++) {
		size_t len = strlen(stat_keys[i].name);

		/* Values in one column; a longer name gets one blank. */
		fprintf(f, "%s:%*s", stat_keys[i].name, len < 12 ? (int)(12 - len) : 1, "");
		text_stat(f, st, stat_keys[i].attr);
		fputc('\n', f);
	}
	fputs("dropped:    ", f);
	text_drops(f, st);
	fprintf(f, "\n%-14s %20s %20s %s", "kind", "seen", "reported", "probed");
	for (size_t i = 0; i < st->n_kinds; i++) {
		const struct pmguard_kind_stats *ks = &st->kinds[i];

		fprintf(f, "\n%-14s %20" PRIu64 " %20" PRIu64 " %s",
			kind_stats_name(ks, buf), ks->seen, ks->reported,
			!(ks->present & (1u << PMGUARD_KS_PROBED)) ? "-" :
			ks->probed ? "yes" : "no");
	}
	if (st->n_kinds_dropped)
		fprintf(f, "\n(%zu more kinds not shown)", st->n_kinds_dropped);
}

char *pmg_format_stats(enum pmg_format fmt, const struct pmguard_stats *st,
		       uint64_t now_ns, const char *host)
{
	struct text t;

	if (fmt == PMG_FMT_JSON)
		return json_finish(json_stats(st, now_ns, host));
	if (!text_start(&t))
		return NULL;
	text_stats(t.f, st);
	return text_finish(&t);
}

/* ---- policy and configuration ----------------------------------------- */

/* Names of the bits of mask; unknown ones as one "unknown(0x..)". */
static struct json_object *json_kinds(uint32_t mask)
{
	struct json_object *arr = json_object_new_array();
	char buf[NAME_BUF_LEN];

	for (uint32_t k = 1; k < __PMGUARD_KIND_MAX; k++) {
		if (mask & (1u << k)) {
			json_object_array_add(arr, json_object_new_string(pmg_kind_name(k)));
			mask &= ~(1u << k);
		}
	}
	if (mask) {
		snprintf(buf, sizeof(buf), "unknown(0x%" PRIx32 ")", mask);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

static struct json_object *json_access(uint32_t mask)
{
	struct json_object *arr = json_object_new_array();
	char buf[NAME_BUF_LEN];

	if (mask & PMGUARD_ACCESS_READ)
		json_object_array_add(arr, json_object_new_string("read"));
	if (mask & PMGUARD_ACCESS_WRITE)
		json_object_array_add(arr, json_object_new_string("write"));
	mask &= ~(uint32_t)(PMGUARD_ACCESS_READ | PMGUARD_ACCESS_WRITE);
	if (mask) {
		snprintf(buf, sizeof(buf), "unknown(0x%" PRIx32 ")", mask);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

static struct json_object *json_rule(const struct pmg_rule *r)
{
	struct json_object *obj = json_object_new_object();
	bool ok = true;

	if (!obj)
		return NULL;
	if (pmg_rule_has(r, PMGUARD_R_INDEX))
		json_add_u64(obj, "index", r->index);
	if (pmg_rule_has(r, PMGUARD_R_NAME))
		ok &= json_add_cstr_untrusted(obj, "name", r->name);
	if (pmg_rule_has(r, PMGUARD_R_ACTION))
		json_add_name(obj, "action", pmg_action_name(r->action), r->action);
	if (pmg_rule_has(r, PMGUARD_R_SEVERITY))
		json_add_name(obj, "severity", pmg_severity_name(r->severity), r->severity);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_EXE))
		ok &= json_add_cstr_untrusted(obj, "caller_exe", r->caller_exe);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_EXE_DEV))
		json_add_u64(obj, "caller_exe_dev", r->caller_exe_dev);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_EXE_INO))
		json_add_u64(obj, "caller_exe_ino", r->caller_exe_ino);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_SCRIPT))
		ok &= json_add_cstr_untrusted(obj, "caller_script", r->caller_script);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_SCRIPT_DEV))
		json_add_u64(obj, "caller_script_dev", r->caller_script_dev);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_SCRIPT_INO))
		json_add_u64(obj, "caller_script_ino", r->caller_script_ino);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_COMM))
		ok &= json_add_cstr_untrusted(obj, "caller_comm", r->caller_comm);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_UID))
		json_add_u64(obj, "caller_uid", r->caller_uid);
	if (pmg_rule_has(r, PMGUARD_R_TARGET_EXE))
		ok &= json_add_cstr_untrusted(obj, "target_exe", r->target_exe);
	if (pmg_rule_has(r, PMGUARD_R_TARGET_EXE_DEV))
		json_add_u64(obj, "target_exe_dev", r->target_exe_dev);
	if (pmg_rule_has(r, PMGUARD_R_TARGET_EXE_INO))
		json_add_u64(obj, "target_exe_ino", r->target_exe_ino);
	if (pmg_rule_has(r, PMGUARD_R_TARGET_COMM))
		ok &= json_add_cstr_untrusted(obj, "target_comm", r->target_comm);
	if (pmg_rule_has(r, PMGUARD_R_KINDS) && r->kinds)
		json_add(obj, "kinds", json_kinds(r->kinds));
	if (pmg_rule_has(r, PMGUARD_R_ACCESS) && r->access)
		json_add(obj, "access", json_access(r->access));
	if (pmg_rule_has(r, PMGUARD_R_FLAGS_SET) && r->flags_set)
		json_add(obj, "if", json_flags(r->flags_set));
	if (pmg_rule_has(r, PMGUARD_R_FLAGS_CLEAR) && r->flags_clear)
		json_add(obj, "unless", json_flags(r->flags_clear));
	json_add(obj, "stale", json_object_new_boolean(r->stale != 0));
	if (!ok) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* " key=a,b,unknown(0x..)" from a list of names of set bits. */
static void text_mask(FILE *f, const char *key, struct json_object *names)
{
	fprintf(f, " %s=", key);
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(names, i));

		fprintf(f, "%s%s", i ? "," : "", s);
	}
	json_object_put(names);
}

static void text_rule_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, " %s=", key);
	pmg_escape_text(f, s, strlen(s));
}

static void text_rule(FILE *f, const struct pmg_rule *r)
{
	char b1[NAME_BUF_LEN], b2[NAME_BUF_LEN];

	if (pmg_rule_has(r, PMGUARD_R_INDEX))
		fprintf(f, "%4" PRIu32 " ", r->index);
	else
		fputs("   - ", f);
	if (pmg_rule_has(r, PMGUARD_R_NAME)) {
		size_t len = strlen(r->name);

		pmg_escape_text(f, r->name, len);
		/* Names are 1..63 plain bytes; pad them into a column. */
		fprintf(f, "%*s", len < 24 ? (int)(24 - len) : 1, "");
	} else {
		fprintf(f, "%-24s", "-");
	}
	fprintf(f, " %-6s %-8s",
		!pmg_rule_has(r, PMGUARD_R_ACTION) ? "-" :
		pmg_name_or_unknown(pmg_action_name(r->action), r->action, b1),
		!pmg_rule_has(r, PMGUARD_R_SEVERITY) ? "-" :
		pmg_name_or_unknown(pmg_severity_name(r->severity), r->severity, b2));
	if (pmg_rule_has(r, PMGUARD_R_CALLER_EXE))
		text_rule_str(f, "caller_exe", r->caller_exe);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_SCRIPT))
		text_rule_str(f, "caller_script", r->caller_script);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_COMM))
		text_rule_str(f, "caller_comm", r->caller_comm);
	if (pmg_rule_has(r, PMGUARD_R_CALLER_UID))
		fprintf(f, " caller_uid=%" PRIu32, r->caller_uid);
	if (pmg_rule_has(r, PMGUARD_R_TARGET_EXE))
		text_rule_str(f, "target_exe", r->target_exe);
	if (pmg_rule_has(r, PMGUARD_R_TARGET_COMM))
		text_rule_str(f, "target_comm", r->target_comm);
	if (pmg_rule_has(r, PMGUARD_R_KINDS) && r->kinds)
		text_mask(f, "kinds", json_kinds(r->kinds));
	if (pmg_rule_has(r, PMGUARD_R_ACCESS) && r->access)
		text_mask(f, "access", json_access(r->access));
	if (pmg_rule_has(r, PMGUARD_R_FLAGS_SET) && r->flags_set)
		text_mask(f, "if", json_flags(r->flags_set));
	if (pmg_rule_has(r, PMGUARD_R_FLAGS_CLEAR) && r->flags_clear)
		text_mask(f, "unless", json_flags(r->flags_clear));
	if (r->stale)
		fputs(" STALE", f);
}

char *pmg_format_rules(enum pmg_format fmt, const struct pmg_rule *rules, size_t n)
{
	struct json_object *arr, *obj;
	bool any_stale = false;
	struct text t;

	if (fmt == PMG_FMT_JSON) {
		arr = json_object_new_array();
		if (!arr)
			return NULL;
		for (size_t i = 0; i < n; i++) {
			obj = json_rule(&rules[i]);
			if (!obj) {
				json_object_put(arr);
				return NULL;
			}
			json_object_array_add(arr, obj);
		}
		return json_finish(arr);
	}
	if (!text_start(&t))
		return NULL;
	fprintf(t.f, "%4s %-24s %-6s %-8s %s", "IDX", "NAME", "ACTION", "SEVERITY", "MATCH");
	for (size_t i = 0; i < n; i++) {
		fputc('\n', t.f);
		text_rule(t.f, &rules[i]);
		any_stale |= rules[i].stale != 0;
	}
	if (!n)
		fputs("\n(no rules: every access gets the default action)", t.f);
	if (any_stale)
		fputs("\nSTALE: an executable path of the rule names another file now "
		      "(upgraded?); load the policy again", t.f);
	return text_finish(&t);
}

/* The configuration's plain values, as "config" and "status" show them. */
static void json_add_config(struct json_object *obj, const struct pmg_config *cfg)
{
	if (pmg_config_has(cfg, PMGUARD_A_MODE))
		json_add_name(obj, "mode", pmg_mode_name(cfg->mode), cfg->mode);
	if (pmg_config_has(cfg, PMGUARD_A_LOCKED))
		json_add(obj, "locked", json_object_new_boolean(cfg->locked != 0));
	if (pmg_config_has(cfg, PMGUARD_A_FOLD_MS))
		json_add_u64(obj, "fold_ms", cfg->fold_ms);
	if (pmg_config_has(cfg, PMGUARD_A_DEFAULT_ACTION))
		json_add_name(obj, "default_action", pmg_action_name(cfg->default_action),
			      cfg->default_action);
	if (pmg_config_has(cfg, PMGUARD_A_DEFAULT_SEVERITY))
		json_add_name(obj, "default_severity",
			      pmg_severity_name(cfg->default_severity),
			      cfg->default_severity);
	if (pmg_config_has(cfg, PMGUARD_A_NR_RULES))
		json_add_u64(obj, "rules", cfg->nr_rules);
}

static struct json_object *json_config(const struct pmg_config *cfg,
				       uint64_t now_ns, const char *host)
{
	struct json_object *obj = json_record("config", now_ns, host);
	struct json_object *names;

	if (!obj)
		return NULL;
	json_add_config(obj, cfg);
	if (pmg_config_has(cfg, PMGUARD_A_POLICY)) {
		names = json_object_new_array();
		json_add(obj, "sensitive", names);
		for (size_t i = 0; i < cfg->n_sensitive; i++) {
			const char *s = cfg->sensitive[i];
			size_t len;
			char *clean = pmg_utf8_sanitize(s, strlen(s), &len);

			if (!clean) {
				json_object_put(obj);
				return NULL;
			}
			json_object_array_add(names, json_object_new_string_len(clean, (int)len));
			free(clean);
		}
	}
	return obj;
}

/* "mode:" to "rules:", one line each, as "config" and "status" show them. */
static void text_config(FILE *f, const struct pmg_config *cfg)
{
	char buf[NAME_BUF_LEN];

	fprintf(f, "mode:             %s\n", !pmg_config_has(cfg, PMGUARD_A_MODE) ? "-" :
		pmg_name_or_unknown(pmg_mode_name(cfg->mode), cfg->mode, buf));
	fprintf(f, "locked:           %s\n", !pmg_config_has(cfg, PMGUARD_A_LOCKED) ? "-" :
		cfg->locked ? "yes (policy and mode frozen until reboot)" : "no");
	if (pmg_config_has(cfg, PMGUARD_A_FOLD_MS))
		fprintf(f, "fold_ms:          %" PRIu32 "%s\n", cfg->fold_ms,
			cfg->fold_ms ? "" : " (folding off)");
	else
		fputs("fold_ms:          -\n", f);
	fprintf(f, "default action:   %s\n",
		!pmg_config_has(cfg, PMGUARD_A_DEFAULT_ACTION) ? "-" :
		pmg_name_or_unknown(pmg_action_name(cfg->default_action), cfg->default_action, buf));
	fprintf(f, "default severity: %s\n",
		!pmg_config_has(cfg, PMGUARD_A_DEFAULT_SEVERITY) ? "-" :
		pmg_name_or_unknown(pmg_severity_name(cfg->default_severity),
				cfg->default_severity, buf));
	if (pmg_config_has(cfg, PMGUARD_A_NR_RULES))
		fprintf(f, "rules:            %" PRIu32 "\n", cfg->nr_rules);
	else
		fputs("rules:            -\n", f);
}

char *pmg_format_config(enum pmg_format fmt, const struct pmg_config *cfg,
			uint64_t now_ns, const char *host)
{
	struct text t;

	if (fmt == PMG_FMT_JSON)
		return json_finish(json_config(cfg, now_ns, host));
	if (!text_start(&t))
		return NULL;
	text_config(t.f, cfg);
	fputs("sensitive:       ", t.f);
	if (!pmg_config_has(cfg, PMGUARD_A_POLICY))
		fputs(" -", t.f);
	for (size_t i = 0; i < cfg->n_sensitive; i++) {
		fputc(' ', t.f);
		pmg_escape_text(t.f, cfg->sensitive[i], strlen(cfg->sensitive[i]));
	}
	return text_finish(&t);
}

/* ---- status ----------------------------------------------------------- */

static const char *const policy_state_names[] = {
	[PMG_POLICY_FILE_MISSING]	= "missing",
	[PMG_POLICY_FILE_UNREADABLE]	= "unreadable",
	[PMG_POLICY_FILE_INVALID]	= "invalid",
	[PMG_POLICY_FILE_MATCHES]	= "matches",
	[PMG_POLICY_FILE_DIFFERS]	= "differs",
};

static const char *status_state(int exit_code)
{
	switch (exit_code) {
	case PMG_EXIT_OK:		return "healthy";
	case PMG_EXIT_NO_MODULE:	return "not_loaded";
	case PMG_EXIT_PERMISSION:	return "no_permission";
	default:			return "degraded";
	}
}

static const char *policy_state_name(enum pmg_policy_file_state state)
{
	return (size_t)state < ARRAY_SIZE(policy_state_names) ?
	       policy_state_names[state] : NULL;
}

static struct json_object *json_status_policy(const struct pmg_status *s)
{
	struct json_object *obj = json_object_new_object();
	const char *state = policy_state_name(s->policy_state);

	json_add_cstr_untrusted(obj, "file", s->policy_path);
	if (state)
		json_add_cstr(obj, "state", state);
	if (s->policy_state == PMG_POLICY_FILE_MATCHES ||
	    s->policy_state == PMG_POLICY_FILE_DIFFERS) {
		json_add_u64(obj, "rules_differ", s->diff.rules);
		json_add(obj, "default_differs", json_object_new_boolean(s->diff.default_action));
		json_add(obj, "sensitive_differs", json_object_new_boolean(s->diff.sensitive));
		json_add_u64(obj, "skipped_missing", s->policy_skipped);
	}
	if (s->policy_state == PMG_POLICY_FILE_UNREADABLE ||
	    s->policy_state == PMG_POLICY_FILE_INVALID)
		json_add_cstr_untrusted(obj, "error", s->policy_error);
	return obj;
}

/* The stats part of the status: blind, probes, losses, subscribers. */
static void json_status_stats(struct json_object *obj, const struct pmguard_stats *st)
{
	struct json_object *probed = json_object_new_object();
	char buf[NAME_BUF_LEN];

	if (stat_has(st, PMGUARD_S_BLIND))
		json_add(obj, "blind", json_object_new_boolean(st->counter[PMGUARD_S_BLIND] != 0));
	if (stat_has(st, PMGUARD_S_BLINDED))
		json_add_u64(obj, "blinded", st->counter[PMGUARD_S_BLINDED]);
	if (stat_has(st, PMGUARD_S_PROBES))
		json_add_u64(obj, "probes", st->counter[PMGUARD_S_PROBES]);
	for (size_t i = 0; i < st->n_kinds; i++)
		if (st->kinds[i].present & (1u << PMGUARD_KS_PROBED))
			json_add(probed, kind_stats_name(&st->kinds[i], buf),
				 json_object_new_boolean(st->kinds[i].probed != 0));
	json_add(obj, "probed", probed);
	if (stat_has(st, PMGUARD_S_DROP_MISSED))
		json_add_u64(obj, "missed", st->counter[PMGUARD_S_DROP_MISSED]);
	json_add(obj, "dropped", json_drops(st));
	if (stat_has(st, PMGUARD_S_PRIORITY_DROPPED))
		json_add_u64(obj, "priority_dropped", st->counter[PMGUARD_S_PRIORITY_DROPPED]);
	if (stat_has(st, PMGUARD_S_SUBSCRIBERS))
		json_add_u64(obj, "subscribers", st->counter[PMGUARD_S_SUBSCRIBERS]);
}

static struct json_object *json_status(const struct pmg_status *s, uint64_t now_ns,
				       const char *host)
{
	struct json_object *obj = json_record("status", now_ns, host);
	struct json_object *reasons, *stale, *since;

	if (!obj)
		return NULL;
	json_add_cstr(obj, "state", status_state(s->exit_code));
	json_add_i64(obj, "exit_code", s->exit_code);
	reasons = json_object_new_array();
	for (size_t i = 0; i < s->n_reasons; i++) {
		char *clean = pmg_utf8_sanitize(s->reasons[i], strlen(s->reasons[i]), NULL);

		/* Reasons name paths given by the user: any bytes. */
		json_object_array_add(reasons, json_object_new_string(clean ? clean : "?"));
		free(clean);
	}
	json_add(obj, "degraded", reasons);
	json_add(obj, "loaded", json_object_new_boolean(s->loaded));
	if (s->module_version[0])
		json_add_cstr_untrusted(obj, "module_version", s->module_version);
	if (s->reader_version)
		json_add_cstr(obj, "reader_version", s->reader_version);
	if (s->module_version[0])
		json_add(obj, "version_mismatch", json_object_new_boolean(s->version_mismatch));
	if (s->cfg)
		json_add_config(obj, s->cfg);
	if (s->stats)
		json_status_stats(obj, s->stats);
	if (s->rules || s->cfg) {
		stale = json_object_new_array();
		for (size_t i = 0; i < s->n_rules; i++)
			if (s->rules[i].stale)
				json_object_array_add(stale, json_object_new_string(s->rules[i].name));
		json_add(obj, "stale_rules", stale);
	}
	if (s->policy_path && s->policy_state != PMG_POLICY_FILE_UNCHECKED)
		json_add(obj, "policy", json_status_policy(s));
	if (s->has_since && s->stats) {
		since = json_object_new_object();
		json_add_cstr_untrusted(since, "file", s->since_path ? s->since_path : "");
		json_add_cstr_untrusted(since, "time", s->since.time);
		json_add_u64(since, "missed", s->new_missed);
		json_add_u64(since, "priority_dropped", s->new_priority_dropped);
		json_add_u64(since, "blinded", s->new_blinded);
		json_add(obj, "since", since);
	}
	return obj;
}

/* "N" and, with --since, " (+D since TIME)". */
static void text_since(FILE *f, const struct pmg_status *s, int attr, uint64_t added)
{
	text_stat(f, s->stats, attr);
	if (s->has_since && stat_has(s->stats, attr))
		fprintf(f, " (+%" PRIu64 " since %s)", added, s->since.time);
	fputc('\n', f);
}

static void text_status_stats(FILE *f, const struct pmg_status *s)
{
	const struct pmguard_stats *st = s->stats;
	char buf[NAME_BUF_LEN];
	bool all = true;

	fprintf(f, "blind:            %s, blinded ", !stat_has(st, PMGUARD_S_BLIND) ? "-" :
		st->counter[PMGUARD_S_BLIND] ? "YES" : "no");
	text_since(f, s, PMGUARD_S_BLINDED, s->new_blinded);
	fputs("probes:           ", f);
	text_stat(f, st, PMGUARD_S_PROBES);
	fputs(" registered, not probed:", f);
	for (size_t i = 0; i < st->n_kinds; i++) {
		if ((st->kinds[i].present & (1u << PMGUARD_KS_PROBED)) && !st->kinds[i].probed) {
			fprintf(f, " %s", kind_stats_name(&st->kinds[i], buf));
			all = false;
		}
	}
	fputs(all ? " none\n" : "\n", f);
	fputs("missed:           ", f);
	text_since(f, s, PMGUARD_S_DROP_MISSED, s->new_missed);
	fputs("dropped:         ", f);
	text_drops(f, st);
	fputs("\npriority_dropped: ", f);
	text_since(f, s, PMGUARD_S_PRIORITY_DROPPED, s->new_priority_dropped);
	fputs("subscribers:      ", f);
	text_stat(f, st, PMGUARD_S_SUBSCRIBERS);
	fputc('\n', f);
}

static void text_status(FILE *f, const struct pmg_status *s)
{
	char line[PMG_STATUS_REASON_LEN];
	bool any = false;

	fprintf(f, "status:           %s", status_state(s->exit_code));
	for (size_t i = 0; i < s->n_reasons; i++)
		fprintf(f, "%s%s", i ? "; " : ": ", s->reasons[i]);
	fprintf(f, "\nmodule:           %s", s->loaded ? "loaded" : "not loaded");
	if (s->module_version[0]) {
		fputs(", version ", f);
		pmg_escape_text(f, s->module_version, strlen(s->module_version));
	}
	fprintf(f, "\nreader:           version %s%s\n",
		s->reader_version ? s->reader_version : "-",
		s->version_mismatch ? " (MISMATCH)" : "");
	if (s->cfg)
		text_config(f, s->cfg);
	if (s->stats)
		text_status_stats(f, s);
	if (s->cfg) {
		fputs("stale rules:     ", f);
		for (size_t i = 0; i < s->n_rules; i++) {
			if (s->rules[i].stale) {
				fputc(' ', f);
				pmg_escape_text(f, s->rules[i].name, strlen(s->rules[i].name));
				any = true;
			}
		}
		fputs(any ? "\n" : " none\n", f);
	}
	if (s->policy_path && s->policy_state != PMG_POLICY_FILE_UNCHECKED) {
		pmg_status_policy_line(s, line, sizeof(line));
		fprintf(f, "policy:           %s\n", line);
	}
}

char *pmg_format_status(enum pmg_format fmt, const struct pmg_status *s,
			uint64_t now_ns, const char *host)
{
	struct text t;
	char *out;
	size_t len;

	if (fmt == PMG_FMT_JSON)
		return json_finish(json_status(s, now_ns, host));
	if (!text_start(&t))
		return NULL;
	text_status(t.f, s);
	out = text_finish(&t);
	/* No trailing newline (format.h). */
	len = out ? strlen(out) : 0;
	if (len && out[len - 1] == '\n')
		out[len - 1] = '\0';
	return out;
}
