// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the uapi's values and UTF-8 checks (see names.h): what the
 * renderings (format.c, journal.c, prom.c) and the policy file (policy.c)
 * share, so neither needs the other for them.
 */
#include "names.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kind_names[__PMGUARD_KIND_MAX] = {
	[PMGUARD_KIND_MEM]		= "mem",
	[PMGUARD_KIND_ENVIRON]		= "environ",
	[PMGUARD_KIND_MAPS]		= "maps",
	[PMGUARD_KIND_SMAPS]		= "smaps",
	[PMGUARD_KIND_SMAPS_ROLLUP]	= "smaps_rollup",
	[PMGUARD_KIND_NUMA_MAPS]	= "numa_maps",
	[PMGUARD_KIND_PAGEMAP]		= "pagemap",
	[PMGUARD_KIND_AUXV]		= "auxv",
	[PMGUARD_KIND_VM_READ]		= "vm_read",
	[PMGUARD_KIND_VM_WRITE]		= "vm_write",
	[PMGUARD_KIND_PTRACE]		= "ptrace",
	[PMGUARD_KIND_PTRACE_READ]	= "ptrace_read",
	[PMGUARD_KIND_PTRACE_WRITE]	= "ptrace_write",
	[PMGUARD_KIND_GETFD]		= "getfd",
	[PMGUARD_KIND_PAGEOUT]		= "pageout",
	[PMGUARD_KIND_KCORE]		= "kcore",
	[PMGUARD_KIND_CORE]		= "core",
	[PMGUARD_KIND_FD_REOPEN]	= "fd_reopen",
	[PMGUARD_KIND_UPROBE]		= "uprobe",
	[PMGUARD_KIND_PERF_SAMPLE]	= "perf_sample",
	[PMGUARD_KIND_DUMP_CONFIG]	= "dump_config",
};

static const char *const action_names[__PMGUARD_ACTION_MAX] = {
	[PMGUARD_ACTION_ALLOW]	= "allow",
	[PMGUARD_ACTION_ALERT]	= "alert",
	[PMGUARD_ACTION_DENY]	= "deny",
};

static const char *const severity_names[__PMGUARD_SEV_MAX] = {
	[PMGUARD_SEV_INFO]	= "info",
	[PMGUARD_SEV_LOW]	= "low",
	[PMGUARD_SEV_MEDIUM]	= "medium",
	[PMGUARD_SEV_HIGH]	= "high",
	[PMGUARD_SEV_CRITICAL]	= "critical",
};

static const char *const mode_names[__PMGUARD_MODE_MAX] = {
	[PMGUARD_MODE_AUDIT]	= "audit",
	[PMGUARD_MODE_ENFORCE]	= "enforce",
};

const struct pmg_flag pmg_flags[] = {
	{ PMGUARD_F_CALLER_CAP_PTRACE,	"caller_cap_ptrace",	true },
	{ PMGUARD_F_CALLER_IS_TRACER,	"caller_is_tracer",	true },
	{ PMGUARD_F_CALLER_IS_ANCESTOR,	"caller_is_ancestor",	true },
	{ PMGUARD_F_SAME_UID,		"same_uid",		true },
	{ PMGUARD_F_TARGET_SENSITIVE,	"target_sensitive",	true },
	{ PMGUARD_F_COMM_MISMATCH,	"comm_mismatch",	true },
	{ PMGUARD_F_COMM_SPOOFS_ALLOWED, "comm_spoofs_allowed",	true },
	{ PMGUARD_F_TASK_ALIAS,		"task_alias",		true },
	{ PMGUARD_F_TARGET_EXE_UNKNOWN,	"target_exe_unknown",	true },
	{ PMGUARD_F_EXE_REPLACED,	"exe_replaced",		true },
	{ PMGUARD_F_CROSS_CONTAINER,	"cross_container",	true },
	{ PMGUARD_F_FROM_CONTAINER,	"from_container",	true },
	{ PMGUARD_F_TARGET_NONDUMPABLE,	"target_nondumpable",	true },
	/* Facts about the report, not the access: no rule can test them. */
	{ PMGUARD_F_WOULD_DENY,		"would_deny",		false },
	{ PMGUARD_F_FOLDED,		"folded",		false },
	{ PMGUARD_F_COMPAT_SYSCALL,	"compat_syscall",	false },
};

const size_t pmg_n_flags = sizeof(pmg_flags) / sizeof(pmg_flags[0]);

const struct pmg_stat_name pmg_drop_names[] = {
	{ PMGUARD_S_DROP_QUEUE_FULL,	"queue_full" },
	{ PMGUARD_S_DROP_NOMEM,		"nomem" },
	{ PMGUARD_S_DROP_NO_LISTENER,	"no_listener" },
	{ PMGUARD_S_DROP_SEND,		"send" },
	{ PMGUARD_S_DROP_MISSED,	"missed" },
	{ PMGUARD_S_DROP_TRACKING,	"tracking" },
	{ PMGUARD_S_DROP_GUARD,		"guard" },
};

const size_t pmg_n_drop_names = ARRAY_SIZE(pmg_drop_names);

static const char *table_name(const char *const *names, size_t n, uint32_t v)
{
	return v < n ? names[v] : NULL;
}

const char *pmg_kind_name(uint32_t kind)
{
	return table_name(kind_names, ARRAY_SIZE(kind_names), kind);
}

const char *pmg_action_name(uint32_t action)
{
	return table_name(action_names, ARRAY_SIZE(action_names), action);
}

const char *pmg_severity_name(uint32_t severity)
{
	return table_name(severity_names, ARRAY_SIZE(severity_names), severity);
}

const char *pmg_mode_name(uint32_t mode)
{
	return table_name(mode_names, ARRAY_SIZE(mode_names), mode);
}

const char *pmg_name_or_unknown(const char *name, uint32_t v, char *buf)
{
	if (name)
		return name;
	snprintf(buf, PMG_NAME_BUF_LEN, "unknown(%" PRIu32 ")", v);
	return buf;
}

const char *pmg_access_name(uint32_t access, char *buf)
{
	switch (access) {
	case 0:
		return "none";
	case PMGUARD_ACCESS_READ:
		return "read";
	case PMGUARD_ACCESS_WRITE:
		return "write";
	case PMGUARD_ACCESS_READ | PMGUARD_ACCESS_WRITE:
		return "read-write";
	default:
		return pmg_name_or_unknown(NULL, access, buf);
	}
}

void pmg_flags_join(uint32_t flags, char *buf, size_t size)
{
	size_t o = 0;
	int n;

	buf[0] = '\0';
	for (size_t i = 0; i < pmg_n_flags && o < size; i++) {
		if (!(flags & pmg_flags[i].bit))
			continue;
		n = snprintf(buf + o, size - o, "%s%s", o ? "," : "", pmg_flags[i].name);
		o += n > 0 ? (size_t)n : 0;
		flags &= ~pmg_flags[i].bit;
	}
	if (flags && o < size)
		snprintf(buf + o, size - o, "%sunknown(0x%" PRIx32 ")", o ? "," : "", flags);
}

/* ---- UTF-8 ----------------------------------------------------------- */

static bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * Length of the valid UTF-8 sequence at s, or 0 if s does not start one.
 * Follows Unicode table 3-7 (well-formed byte sequences): the second
 * byte's range excludes overlong forms, surrogates and > U+10FFFF.
 */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;	/* continuation byte, C0/C1, F5..FF */

	if (c == 0xe0)
		lo = 0xa0;	/* overlong 3-byte */
	else if (c == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (c == 0xf0)
		lo = 0x90;	/* overlong 4-byte */
	else if (c == 0xf4)
		hi = 0x8f;	/* > U+10FFFF */

	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (!is_cont(s[i]))
			return 0;
	return n;
}

char *pmg_utf8_sanitize(const char *s, size_t len, size_t *out_len)
{
	static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */
	const unsigned char *in = (const unsigned char *)s;
	/* Worst case: every byte becomes a 3-byte replacement. */
	char *out = malloc(len * 3 + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(in + i, len - i);

		if (n == 0) {
			memcpy(out + o, replacement, 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, in + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
}

size_t pmg_utf8_invalid_at(const char *s, size_t len)
{
	const unsigned char *in = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(in + i, len - i);

		if (n == 0)
			return i;
		i += n;
	}
	return len;
}
