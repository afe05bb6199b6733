/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the uapi's enum values and flags, and UTF-8 checks: shared by
 * the renderings (format.c, journal.c, prom.c) and the policy file
 * (policy.c).  Depends on nothing of the reader's but the uapi header.
 */
#ifndef PMG_NAMES_H
#define PMG_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/pmguard.h>

/*
 * Names of enum values; NULL when the value is unknown to this reader
 * (callers print "unknown(N)" then).
 */
const char *pmg_kind_name(uint32_t kind);
const char *pmg_action_name(uint32_t action);
const char *pmg_severity_name(uint32_t severity);
const char *pmg_mode_name(uint32_t mode);

/* Room for "unknown(4294967295)" and "unknown(0xffffffff)". */
#define PMG_NAME_BUF_LEN 24

/* name, or "unknown(v)" written to buf[PMG_NAME_BUF_LEN]. */
const char *pmg_name_or_unknown(const char *name, uint32_t v, char *buf);

/* read|write|read-write|none|unknown(N), as in the JSON "access" key. */
const char *pmg_access_name(uint32_t access, char *buf);

/*
 * Flag names joined by commas ("" for none, "unknown(0x..)" for bits
 * this reader does not know), as in the JSON "flags" array.  buf of 512
 * bytes always suffices.
 */
void pmg_flags_join(uint32_t flags, char *buf, size_t size);

/*
 * Every PMGUARD_F_* flag this reader knows, in the order it prints them.
 * rule: a rule can test it (if=, unless=); the others describe the
 * report (would_deny, folded, compat_syscall).
 */
struct pmg_flag {
	uint32_t bit;
	const char *name;
	bool rule;
};

extern const struct pmg_flag pmg_flags[];
extern const size_t pmg_n_flags;

/* A counter of PMGUARD_CMD_GET_STATS (enum pmguard_stat_attr) and its name. */
struct pmg_stat_name {
	int attr;
	const char *name;
};

/*
 * The drop counters, as "stats" (text, JSON "dropped") and the metrics
 * (pmguard_kernel_dropped_total{reason}) name them.
 */
extern const struct pmg_stat_name pmg_drop_names[];
extern const size_t pmg_n_drop_names;

/*
 * Copy of s with every byte that does not begin a valid UTF-8 sequence
 * (stray continuation, overlong form, surrogate, > U+10FFFF, truncated
 * sequence) replaced by U+FFFD.  Result is malloc'd and NUL-terminated;
 * *out_len (if not NULL) receives its length.  NULL on ENOMEM.
 */
char *pmg_utf8_sanitize(const char *s, size_t len, size_t *out_len);

/* Offset of the first byte of s that is not valid UTF-8; len if none. */
size_t pmg_utf8_invalid_at(const char *s, size_t len);

#endif /* PMG_NAMES_H */
