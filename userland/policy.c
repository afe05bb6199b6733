// SPDX-License-Identifier: GPL-2.0
/*
 * The pmguard policy file: parser, validator and writer (see policy.h).
 *
 * Format (/etc/pmguard/policy.conf, "pmguard policy load|check|save"):
 *
 *   # comments and blank lines are ignored; '#' starts a comment
 *   # anywhere outside double quotes
 *   default action=alert severity=low
 *   sensitive sshd sshd-session sudo su      # repeatable
 *   rule NAME action=allow|alert|deny [FIELD=VALUE ...]
 *
 * A line is a keyword followed by blank-separated (space, tab) tokens.
 * A token may contain double-quoted parts, which can hold blanks and '#';
 * inside quotes \" is a quote and \\ a backslash (no other escapes).
 * FIELD=VALUE splits at the first '=' outside quotes, so both
 * caller_exe="/opt/my app/bin/x" and "caller_exe"=/x are fine.
 *
 * default action=A [severity=S]
 *     What happens when no rule matches.  At most one line.  Without it:
 *     action=alert severity=low; without severity=: low.
 * sensitive NAME...
 *     Process names (executable base name or comm) whose memory holds
 *     credentials; sets the target_sensitive flag.  Repeatable; each name
 *     1..63 bytes, at most 64 names in all (PMGUARD_MAX_SENSITIVE).
 * rule NAME action=A [severity=S] [caller_exe=PATH] [caller_script=PATH]
 *      [caller_comm=COMM] [caller_uid=UID|USER] [target_exe=PATH]
 *      [target_comm=COMM]
 *      [kinds=KIND,...] [access=read,write] [if=FLAG,...] [unless=FLAG,...]
 *     NAME: 1..63 of A-Z a-z 0-9 _ . : -, unique in the file.
 *     A: allow | alert | deny.  S: info | low | medium | high | critical
 *     (left out: the module uses medium, and lists it as such).  PATH: absolute, < 256 bytes,
 *     matched by identity (device and inode, resolved when loaded).
 *     caller_script: a script the caller runs by its "#!" line (its
 *     executable is then the interpreter), by the script's identity.
 *     COMM: 1..15 bytes.  UID: a number, or a user name looked up when
 *     the file is read (written back as a number).
 *     KIND: mem environ maps smaps smaps_rollup numa_maps pagemap auxv
 *     vm_read vm_write ptrace ptrace_read ptrace_write getfd pageout kcore
 *     core, or all alone
 *     (= leaving kinds out: any kind, also kinds a newer module adds).
 *     FLAG: caller_cap_ptrace caller_is_tracer caller_is_ancestor
 *     same_uid target_sensitive comm_mismatch comm_spoofs_allowed
 *     task_alias target_exe_unknown exe_replaced cross_container
 *     from_container target_nondumpable.  if=: all must be set;
 *     unless=: all must be clear.
 *     A rule matches when all its fields do; rules are tried in file
 *     order and the first match decides (at most 256 rules).
 *
 * Rejected, each as "FILE:LINE: reason", and then the whole file: an
 * unknown keyword or field, a missing action=, a field twice on a line, a
 * duplicate rule NAME or default line, a bad NAME, overlong strings, a
 * relative path, an unknown user or bad uid, an unknown enum value, flag
 * or kind, all with other kinds, an empty value or list, a flag in both
 * if= and unless=, too many rules or sensitive names, invalid UTF-8, NUL
 * or other control bytes, lines over 4096 bytes, an unterminated quote, a
 * bad escape.
 *
 * One rule for what a value may hold, in a file read and in one written
 * ("policy save"): valid UTF-8 without NUL or control bytes other than
 * tab.  Outside quotes a blank (space, tab) ends a token; inside quotes
 * it is part of the value, and the writer quotes such values.
 *
 * "policy add" takes one rule line (as one argument, or one word per
 * token: each word becomes exactly one token, quoted as needed).  A '#'
 * outside quotes there is an error, not a comment that would silently
 * drop the rest of the rule.
 */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Enough of a user's string in a message to recognize it. */
#define CLIP_LEN 48

/* Every kind this reader knows, as a rule bitmask. */
#define ALL_KINDS (((1u << __PMGUARD_KIND_MAX) - 1) & ~1u)

/* The flags a rule can test: the rule ones of names.c's table. */
const char *pmg_rule_flag_name(uint32_t bit)
{
	for (size_t i = 0; i < pmg_n_flags; i++)
		if (pmg_flags[i].rule && pmg_flags[i].bit == bit)
			return pmg_flags[i].name;
	return NULL;
}

static uint32_t rule_flags_mask(void)
{
	uint32_t m = 0;

	for (size_t i = 0; i < pmg_n_flags; i++)
		if (pmg_flags[i].rule)
			m |= pmg_flags[i].bit;
	return m;
}

static int failf(char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int failf(char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, PMG_REASON_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

/* The n bytes at s, cut to CLIP_LEN at a UTF-8 boundary ("..." if cut), in buf. */
static const char *clip_len(const char *s, size_t n, char buf[CLIP_LEN + 4])
{
	bool cut = n > CLIP_LEN;

	if (cut) {
		n = CLIP_LEN;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	memcpy(buf + n, cut ? "..." : "", cut ? 4 : 1);
	return buf;
}

/* s, cut to CLIP_LEN bytes at a UTF-8 boundary, with "..." if cut. */
static const char *clip(const char *s, char buf[CLIP_LEN + 4])
{
	return clip_len(s, strlen(s), buf);
}

/* ---- lines and tokens ------------------------------------------------- */

/*
 * Bytes a line may not hold anywhere (comments included): returns 0 or
 * -1 with the reason.  Columns are 1-based byte offsets.
 */
static int check_bytes(const char *s, size_t len, char *reason)
{
	const char *nul = memchr(s, '\0', len);
	size_t bad;

	if (len > PMG_POLICY_LINE_MAX)
		return failf(reason, "line is %zu bytes, longer than %d", len,
			     PMG_POLICY_LINE_MAX);
	if (nul)
		return failf(reason, "NUL byte at column %zu", (size_t)(nul - s) + 1);
	bad = pmg_utf8_invalid_at(s, len);
	if (bad < len)
		return failf(reason, "invalid UTF-8 at column %zu (byte 0x%02x)",
			     bad + 1, (unsigned char)s[bad]);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' && i + 1 == len)
			return failf(reason, "carriage return at the end of the line "
				     "(DOS line endings?)");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return failf(reason, "control character 0x%02x at column %zu",
				     c, i + 1);
	}
	return 0;
}

struct token {
	const char *s;		/* decoded, NUL-terminated */
	size_t len;
	bool has_eq;		/* an '=' outside quotes */
	size_t eq;		/* its offset in s */
};

#define MAX_TOKENS (PMG_POLICY_LINE_MAX / 2 + 2)

struct tokens {
	size_t n;
	size_t comment;		/* column (1-based) of a comment's '#', or 0 */
	struct token t[MAX_TOKENS];
	size_t used;
	char buf[PMG_POLICY_LINE_MAX * 2 + 4];
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split a checked line into tokens; comments end it. */
static int tokenize(const char *s, size_t len, struct tokens *tk, char *reason)
{
	size_t i = 0;

	tk->n = 0;
	tk->used = 0;
	tk->comment = 0;
	for (;;) {
		struct token *t;
		char *out;

		while (i < len && is_blank(s[i]))
			i++;
		if (i < len && s[i] == '#')
			tk->comment = i + 1;
		if (i == len || s[i] == '#')
			return 0;
		if (tk->n == MAX_TOKENS)	/* cannot happen for <= 4096 bytes */
			return failf(reason, "too many tokens");
		t = &tk->t[tk->n++];
		out = tk->buf + tk->used;
		t->s = out;
		t->len = 0;
		t->has_eq = false;
		t->eq = 0;
		while (i < len && !is_blank(s[i]) && s[i] != '#') {
			if (s[i] != '"') {
				if (s[i] == '=' && !t->has_eq) {
					t->has_eq = true;
					t->eq = t->len;
				}
				out[t->len++] = s[i++];
				continue;
			}
			size_t open = i++;

			for (;;) {
				if (i == len)
					return failf(reason, "unterminated quote "
						     "(opened at column %zu)", open + 1);
				if (s[i] == '"') {
					i++;
					break;
				}
				if (s[i] == '\\') {
					if (i + 1 == len)
						return failf(reason, "unterminated quote "
							     "(opened at column %zu)", open + 1);
					if (s[i + 1] != '"' && s[i + 1] != '\\')
						return failf(reason, "bad escape '\\%c' at "
							     "column %zu (inside quotes only "
							     "\\\" and \\\\)", s[i + 1], i + 1);
					i++;
				}
				out[t->len++] = s[i++];
			}
		}
		out[t->len] = '\0';
		tk->used += t->len + 1;
		if (i < len && s[i] == '#') {
			tk->comment = i + 1;
			return 0;
		}
	}
}

/* ---- values ----------------------------------------------------------- */

static const char *const action_values[] = { "allow", "alert", "deny" };
static const char *const severity_values[] = {
	"info", "low", "medium", "high", "critical",
};

static int parse_enum(const char *field, const char *v, const char *const *names,
		      size_t n, uint32_t *out, char *reason)
{
	char clipbuf[CLIP_LEN + 4];
	char expected[128] = "";

	for (size_t i = 0; i < n; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		strcat(expected, names[i]);
		strcat(expected, i + 2 < n ? ", " : i + 2 == n ? " or " : "");
	}
	return failf(reason, "%s: unknown value '%s' (expected %s)", field,
		     clip(v, clipbuf), expected);
}

static int parse_action(const char *field, const char *v, uint32_t *out, char *reason)
{
	return parse_enum(field, v, action_values, ARRAY_SIZE(action_values), out, reason);
}

static int parse_severity(const char *field, const char *v, uint32_t *out, char *reason)
{
	return parse_enum(field, v, severity_values, ARRAY_SIZE(severity_values),
			  out, reason);
}

/* Copy a string field, checking its length against the buffer. */
static int parse_string(const char *field, const char *v, size_t len,
			char *dst, size_t size, char *reason)
{
	char clipbuf[CLIP_LEN + 4];

	if (len >= size)
		return failf(reason, "%s: '%s' is %zu bytes, longer than %zu",
			     field, clip(v, clipbuf), len, size - 1);
	memcpy(dst, v, len + 1);
	return 0;
}

static int parse_path(const char *field, const char *v, size_t len, char *dst,
		      char *reason)
{
	char clipbuf[CLIP_LEN + 4];

	if (v[0] != '/')
		return failf(reason, "%s: path must be absolute: '%s'", field,
			     clip(v, clipbuf));
	return parse_string(field, v, len, dst, PMG_RULE_PATH_MAX, reason);
}

static int parse_uid(const char *field, const char *v, uint32_t *out, char *reason)
{
	char clipbuf[CLIP_LEN + 4];
	struct passwd *pw;
	bool digits = true;

	for (const char *p = v; *p; p++)
		if (*p < '0' || *p > '9')
			digits = false;
	if (digits) {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(v, &end, 10);
		/* (uid_t)-1 is "no uid", never a process's uid. */
		if (errno || *end || n >= UINT32_MAX)
			return failf(reason, "%s: uid '%s' out of range (0 to %" PRIu32 ")",
				     field, clip(v, clipbuf), UINT32_MAX - 1);
		*out = (uint32_t)n;
		return 0;
	}
	errno = 0;
	pw = getpwnam(v);
	if (!pw)
		return failf(reason, "%s: unknown user or bad uid '%s'", field,
			     clip(v, clipbuf));
	*out = (uint32_t)pw->pw_uid;
	return 0;
}

/*
 * A comma-separated list of names from a table of (bit, name); "all"
 * (when all_bits is not 0) stands for all_bits.
 */
struct name_bit {
	uint32_t bit;
	const char *name;
};

static int parse_list(const char *field, const char *v, const struct name_bit *tab,
		      size_t n, const char *all_name, uint32_t all_bits,
		      uint32_t *out, char *reason)
{
	char clipbuf[CLIP_LEN + 4];
	char item[PMG_POLICY_LINE_MAX + 1];
	const char *p = v;
	uint32_t mask = 0;
	bool all = false, other = false;

	if (!*v)
		return failf(reason, "%s: empty list", field);
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		bool found = false;

		memcpy(item, p, len);
		item[len] = '\0';
		if (len == 0)
			return failf(reason, "%s: empty item in '%s'", field,
				     clip(v, clipbuf));
		if (all_name && strcmp(item, all_name) == 0) {
			mask |= all_bits;
			found = all = true;
		}
		for (size_t i = 0; i < n && !found; i++) {
			if (strcmp(item, tab[i].name) == 0) {
				mask |= tab[i].bit;
				found = other = true;
			}
		}
		/* "all,mem" would read as all and act as mem: say which. */
		if (all && other)
			return failf(reason, "%s: '%s' with other items in '%s' (%s alone "
				     "means any; or list the ones meant)", field, all_name,
				     clip(v, clipbuf), all_name);
		if (!found) {
			char expected[256] = "";

			for (size_t i = 0; i < n; i++) {
				strcat(expected, tab[i].name);
				strcat(expected, ", ");
			}
			if (all_name)
				strcat(expected, all_name);
			else
				expected[strlen(expected) - 2] = '\0';
			return failf(reason, "%s: unknown %s '%s' (expected %s)", field,
				     strcmp(field, "kinds") == 0 ? "kind" :
				     strcmp(field, "access") == 0 ? "access" : "flag",
				     clip(item, clipbuf), expected);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = mask;
	return 0;
}

static size_t kind_table(struct name_bit *tab)
{
	size_t n = 0;

	for (uint32_t k = 1; k < __PMGUARD_KIND_MAX; k++)
		tab[n++] = (struct name_bit){ 1u << k, pmg_kind_name(k) };
	return n;
}

static const struct name_bit access_table[] = {
	{ PMGUARD_ACCESS_READ,	"read" },
	{ PMGUARD_ACCESS_WRITE,	"write" },
};

static size_t flag_table(struct name_bit *tab)
{
	size_t n = 0;

	for (size_t i = 0; i < pmg_n_flags; i++)
		if (pmg_flags[i].rule)
			tab[n++] = (struct name_bit){ pmg_flags[i].bit, pmg_flags[i].name };
	return n;
}

/* ---- rule lines ------------------------------------------------------- */

static const struct {
	const char *name;
	int attr;
} rule_fields[] = {
	{ "action",	 PMGUARD_R_ACTION },
	{ "severity",	 PMGUARD_R_SEVERITY },
	{ "caller_exe",	 PMGUARD_R_CALLER_EXE },
	{ "caller_script", PMGUARD_R_CALLER_SCRIPT },
	{ "caller_comm", PMGUARD_R_CALLER_COMM },
	{ "caller_uid",	 PMGUARD_R_CALLER_UID },
	{ "target_exe",	 PMGUARD_R_TARGET_EXE },
	{ "target_comm", PMGUARD_R_TARGET_COMM },
	{ "kinds",	 PMGUARD_R_KINDS },
	{ "access",	 PMGUARD_R_ACCESS },
	{ "if",		 PMGUARD_R_FLAGS_SET },
	{ "unless",	 PMGUARD_R_FLAGS_CLEAR },
};

static bool valid_rule_name(const char *s, size_t len)
{
	if (len < 1 || len >= PMGUARD_RULE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == ':' || c == '-'))
			return false;
	}
	return true;
}

/* A rule's string field (NULL for the others) and its room. */
static char *rule_string(struct pmg_rule *r, int attr, size_t *size)
{
	switch (attr) {
	case PMGUARD_R_CALLER_EXE:
		*size = sizeof(r->caller_exe);
		return r->caller_exe;
	case PMGUARD_R_CALLER_COMM:
		*size = sizeof(r->caller_comm);
		return r->caller_comm;
	case PMGUARD_R_TARGET_EXE:
		*size = sizeof(r->target_exe);
		return r->target_exe;
	case PMGUARD_R_TARGET_COMM:
		*size = sizeof(r->target_comm);
		return r->target_comm;
	case PMGUARD_R_CALLER_SCRIPT:
		*size = sizeof(r->caller_script);
		return r->caller_script;
	}
	return NULL;
}

/* A rule's list field (NULL for the others), and the names it takes in tab. */
static uint32_t *rule_list(struct pmg_rule *r, int attr, struct name_bit tab[32],
			   size_t *n)
{
	switch (attr) {
	case PMGUARD_R_KINDS:
		*n = kind_table(tab);
		return &r->kinds;
	case PMGUARD_R_ACCESS:
		*n = ARRAY_SIZE(access_table);
		memcpy(tab, access_table, sizeof(access_table));
		return &r->access;
	case PMGUARD_R_FLAGS_SET:
		*n = flag_table(tab);
		return &r->flags_set;
	case PMGUARD_R_FLAGS_CLEAR:
		*n = flag_table(tab);
		return &r->flags_clear;
	}
	return NULL;
}

static int parse_field(struct pmg_rule *r, int attr, const char *field,
		       const char *v, size_t len, char *reason)
{
	struct name_bit tab[32];
	size_t n, size;
	char *str = rule_string(r, attr, &size);
	uint32_t *mask = rule_list(r, attr, tab, &n);

	if (attr == PMGUARD_R_CALLER_EXE || attr == PMGUARD_R_TARGET_EXE ||
	    attr == PMGUARD_R_CALLER_SCRIPT)
		return parse_path(field, v, len, str, reason);
	if (str)
		return parse_string(field, v, len, str, size, reason);
	/* kinds=all: any kind, also those a newer module adds (mask 0). */
	if (mask)
		return parse_list(field, v, tab, n, attr == PMGUARD_R_KINDS ? "all" : NULL,
				  0, mask, reason);
	switch (attr) {
	case PMGUARD_R_ACTION:
		return parse_action(field, v, &r->action, reason);
	case PMGUARD_R_SEVERITY:
		return parse_severity(field, v, &r->severity, reason);
	case PMGUARD_R_CALLER_UID:
		return parse_uid(field, v, &r->caller_uid, reason);
	}
	return failf(reason, "internal error: field %s", field);
}

/* tokens t[0..n-1]: NAME FIELD=VALUE... (after the "rule" keyword) */
static int parse_rule_tokens(const struct token *t, size_t n, struct pmg_rule *r,
			     char *reason)
{
	char clipbuf[CLIP_LEN + 4];

	memset(r, 0, sizeof(*r));
	if (n == 0)
		return failf(reason, "rule: missing NAME");
	if (t[0].has_eq)
		return failf(reason, "rule: missing NAME before '%s'", clip(t[0].s, clipbuf));
	if (!valid_rule_name(t[0].s, t[0].len))
		return failf(reason, "invalid rule name '%s': use 1 to %d of "
			     "A-Z a-z 0-9 _ . : -", clip(t[0].s, clipbuf),
			     PMGUARD_RULE_NAME_MAX - 1);
	memcpy(r->name, t[0].s, t[0].len + 1);
	r->present |= 1u << PMGUARD_R_NAME;

	for (size_t i = 1; i < n; i++) {
		char field[PMG_POLICY_LINE_MAX + 1];
		const char *v;
		size_t vlen;
		int attr = -1;

		if (!t[i].has_eq)
			return failf(reason, "expected FIELD=VALUE, got '%s'",
				     clip(t[i].s, clipbuf));
		v = t[i].s + t[i].eq + 1;
		vlen = t[i].len - t[i].eq - 1;
		memcpy(field, t[i].s, t[i].eq);
		field[t[i].eq] = '\0';
		for (size_t f = 0; f < ARRAY_SIZE(rule_fields); f++)
			if (strcmp(field, rule_fields[f].name) == 0)
				attr = rule_fields[f].attr;
		if (attr < 0)
			return failf(reason, "unknown field '%s'", clip(field, clipbuf));
		if (pmg_rule_has(r, attr))
			return failf(reason, "duplicate field '%s'", field);
		if (vlen == 0 && attr != PMGUARD_R_KINDS && attr != PMGUARD_R_ACCESS &&
		    attr != PMGUARD_R_FLAGS_SET && attr != PMGUARD_R_FLAGS_CLEAR)
			return failf(reason, "%s: empty value", field);
		if (parse_field(r, attr, field, v, vlen, reason) < 0)
			return -1;
		r->present |= 1u << attr;
	}
	if (!pmg_rule_has(r, PMGUARD_R_ACTION))
		return failf(reason, "rule '%s': missing action= (allow, alert or deny)",
			     r->name);
	if (r->flags_set & r->flags_clear) {
		uint32_t both = r->flags_set & r->flags_clear;

		return failf(reason, "flag '%s' in both if= and unless= (never matches)",
			     pmg_rule_flag_name(both & -both));
	}
	/* kinds=all is the same as no kinds= at all. */
	if (pmg_rule_has(r, PMGUARD_R_KINDS) && r->kinds == 0)
		r->present &= ~(1u << PMGUARD_R_KINDS);
	return 0;
}

/* ---- whole files ------------------------------------------------------ */

struct parser {
	struct pmg_policy *pol;
	struct pmg_policy_errors *errs;
	struct tokens *tk;
	unsigned int line;
	unsigned int default_line;
};

static void add_error(struct pmg_policy_errors *errs, unsigned int line,
		      const char *reason)
{
	if (errs->n == PMG_POLICY_MAX_ERRORS) {
		errs->n_more++;
		return;
	}
	errs->e[errs->n].line = line;
	snprintf(errs->e[errs->n].reason, PMG_REASON_LEN, "%s", reason);
	errs->n++;
}

static int parse_default(struct parser *p, char *reason)
{
	struct pmg_policy *pol = p->pol;
	struct tokens *tk = p->tk;
	char clipbuf[CLIP_LEN + 4];
	bool has_action = false, has_severity = false;
	uint32_t action = 0, severity = PMG_DEFAULT_SEVERITY;

	if (p->default_line)
		return failf(reason, "duplicate default line (first on line %u)",
			     p->default_line);
	for (size_t i = 1; i < tk->n; i++) {
		const struct token *t = &tk->t[i];
		const char *v;

		if (!t->has_eq)
			return failf(reason, "expected FIELD=VALUE, got '%s'",
				     clip(t->s, clipbuf));
		v = t->s + t->eq + 1;
		if (strncmp(t->s, "action", t->eq) == 0 && t->eq == 6) {
			if (has_action)
				return failf(reason, "duplicate field 'action'");
			if (parse_action("action", v, &action, reason) < 0)
				return -1;
			has_action = true;
		} else if (strncmp(t->s, "severity", t->eq) == 0 && t->eq == 8) {
			if (has_severity)
				return failf(reason, "duplicate field 'severity'");
			if (parse_severity("severity", v, &severity, reason) < 0)
				return -1;
			has_severity = true;
		} else {
			char field[PMG_POLICY_LINE_MAX + 1];

			memcpy(field, t->s, t->eq);
			field[t->eq] = '\0';
			return failf(reason, "unknown field '%s' (default takes action= "
				     "and severity=)", clip(field, clipbuf));
		}
	}
	if (!has_action)
		return failf(reason, "default: missing action= (allow, alert or deny)");
	pol->default_action = action;
	pol->default_severity = severity;
	p->default_line = p->line;
	return 0;
}

static int parse_sensitive(struct parser *p, char *reason)
{
	struct pmg_policy *pol = p->pol;
	struct tokens *tk = p->tk;
	char clipbuf[CLIP_LEN + 4];

	if (tk->n < 2)
		return failf(reason, "sensitive: no names given");
	for (size_t i = 1; i < tk->n; i++) {
		const struct token *t = &tk->t[i];

		if (t->len == 0)
			return failf(reason, "sensitive: empty name");
		if (t->len >= PMG_SENSITIVE_NAME_MAX)
			return failf(reason, "sensitive: name '%s' is %zu bytes, longer "
				     "than %d", clip(t->s, clipbuf), t->len,
				     PMG_SENSITIVE_NAME_MAX - 1);
		if (pol->n_sensitive == PMGUARD_MAX_SENSITIVE)
			return failf(reason, "too many sensitive names (max %d)",
				     PMGUARD_MAX_SENSITIVE);
		memcpy(pol->sensitive[pol->n_sensitive++], t->s, t->len + 1);
	}
	return 0;
}

static int parse_rule(struct parser *p, char *reason)
{
	struct pmg_policy *pol = p->pol;
	struct pmg_rule *r;

	if (pol->n_rules == PMGUARD_MAX_RULES)
		return failf(reason, "too many rules (max %d)", PMGUARD_MAX_RULES);
	r = &pol->rules[pol->n_rules];
	if (parse_rule_tokens(p->tk->t + 1, p->tk->n - 1, r, reason) < 0)
		return -1;
	for (size_t i = 0; i < pol->n_rules; i++)
		if (strcmp(pol->rules[i].name, r->name) == 0)
			return failf(reason, "duplicate rule name '%s' (first on line %u)",
				     r->name, pol->rules[i].line);
	r->line = p->line;
	pol->n_rules++;
	return 0;
}

static int parse_line(struct parser *p, const char *s, size_t len, char *reason)
{
	char clipbuf[CLIP_LEN + 4];
	const char *kw;

	if (check_bytes(s, len, reason) < 0 || tokenize(s, len, p->tk, reason) < 0)
		return -1;
	if (p->tk->n == 0)
		return 0;
	kw = p->tk->t[0].s;
	if (strcmp(kw, "rule") == 0)
		return parse_rule(p, reason);
	if (strcmp(kw, "default") == 0)
		return parse_default(p, reason);
	if (strcmp(kw, "sensitive") == 0)
		return parse_sensitive(p, reason);
	return failf(reason, "unknown keyword '%s' (expected default, sensitive or rule)",
		     clip(kw, clipbuf));
}

int pmg_policy_parse(const char *text, size_t len, struct pmg_policy *pol,
		     struct pmg_policy_errors *errs)
{
	struct parser p = { .pol = pol, .errs = errs };
	char reason[PMG_REASON_LEN];
	size_t pos = 0;

	memset(pol, 0, sizeof(*pol));
	memset(errs, 0, sizeof(*errs));
	pol->default_action = PMG_DEFAULT_ACTION;
	pol->default_severity = PMG_DEFAULT_SEVERITY;
	pol->has_default_action = true;
	pol->has_default_severity = true;
	p.tk = malloc(sizeof(*p.tk));
	if (!p.tk) {
		add_error(errs, 0, "out of memory");
		return -1;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		p.line++;
		if (parse_line(&p, text + pos, end - pos, reason) < 0)
			add_error(errs, p.line, reason);
		pos = end + 1;
	}
	free(p.tk);
	return errs->n || errs->n_more ? -1 : 0;
}

int pmg_policy_read_file(const char *path, struct pmg_policy *pol,
			 struct pmg_policy_errors *errs)
{
	size_t cap = 64 * 1024, len = 0;
	char *buf = malloc(cap);
	int fd, ret, saved;

	if (!buf)
		return errno = ENOMEM, -2;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *bigger;

			if (cap > PMG_POLICY_FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger)
				goto fail;
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > PMG_POLICY_FILE_MAX) {
		free(buf);
		return errno = EFBIG, -2;
	}
	ret = pmg_policy_parse(buf, len, pol, errs);
	free(buf);
	return ret;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = saved;
	return -2;
}

int pmg_rule_parse_line(const char *line, size_t len, struct pmg_rule *rule,
			char *reason)
{
	struct tokens *tk = malloc(sizeof(*tk));
	int ret = -1;

	if (!tk)
		return failf(reason, "out of memory");
	if (check_bytes(line, len, reason) < 0 || tokenize(line, len, tk, reason) < 0)
		goto out;
	if (tk->n == 0 || strcmp(tk->t[0].s, "rule") != 0) {
		failf(reason, "expected a rule line: rule NAME action=allow|alert|deny "
		      "[FIELD=VALUE ...]");
		goto out;
	}
	if (tk->comment) {
		char clipbuf[CLIP_LEN + 4];

		failf(reason, "'#' at column %zu would start a comment and drop '%s' "
		      "from the rule; quote it (\"#\") if it is part of a value",
		      tk->comment, clip_len(line + tk->comment - 1, len - tk->comment + 1,
					    clipbuf));
		goto out;
	}
	ret = parse_rule_tokens(tk->t + 1, tk->n - 1, rule, reason);
out:
	free(tk);
	return ret;
}

/* ---- writing ---------------------------------------------------------- */

static bool needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++)
		if (is_blank(*s) || *s == '#' || *s == '"' || *s == '\\')
			return true;
	return false;
}

static void put_value(FILE *f, const char *s)
{
	if (!needs_quotes(s)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

char *pmg_policy_join_words(int n, char *const *words)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (n == 1 && strpbrk(words[0], " \t"))
		return strdup(words[0]);
	f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(words[i], '=');

		if (i)
			fputc(' ', f);
		if (eq) {
			/* The field name too: '#=1' must not start a comment. */
			char *field = strndup(words[i], (size_t)(eq - words[i]));

			if (!field) {
				fclose(f);
				free(buf);
				return NULL;
			}
			put_value(f, field);
			free(field);
			fputc('=', f);
			put_value(f, eq + 1);
		} else {
			put_value(f, words[i]);
		}
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A string the file format can carry: what the parser accepts (check_bytes). */
/*
 * A value the writer may write is one the parser takes back: the bytes
 * a line may hold, and whatever parse_field asks of the field (absolute
 * path, length, uid range; no empty value).  "policy save" lists what the
 * module holds, which need not be what a file can say.
 */
static int check_writable(const char *rule, int attr, const char *field,
			  const char *s, char *reason)
{
	struct pmg_rule scratch;
	char why[PMG_REASON_LEN];
	size_t len = strlen(s);

	if (check_bytes(s, len, reason) < 0)
		return failf(reason, "rule '%s': %s holds bytes the policy file "
			     "cannot represent", rule, field);
	if (len == 0)
		return failf(reason, "rule '%s': %s is empty, which the policy file "
			     "cannot represent", rule, field);
	if (parse_field(&scratch, attr, field, s, len, why) < 0)
		return failf(reason, "rule '%s': %s", rule, why);
	return 0;
}

static int put_list(FILE *f, const char *field, uint32_t mask,
		    const struct name_bit *tab, size_t n)
{
	const char *sep = "";

	fprintf(f, " %s=", field);
	for (size_t i = 0; i < n; i++) {
		if (mask & tab[i].bit) {
			fprintf(f, "%s%s", sep, tab[i].name);
			mask &= ~tab[i].bit;
			sep = ",";
		}
	}
	return mask ? -1 : 0;
}

char *pmg_rule_format(const struct pmg_rule *r, char *reason)
{
	/* rule_string and rule_list hand out pointers; nothing is written. */
	struct pmg_rule *rw = (struct pmg_rule *)r;
	struct name_bit tab[32];
	char *buf = NULL;
	size_t size = 0, n;
	FILE *f;
	const char *sev;
	bool bad = false;

	if (!valid_rule_name(r->name, strlen(r->name))) {
		failf(reason, "rule name '%s' cannot be written to a policy file",
		      r->name);
		return NULL;
	}
	if (!pmg_action_name(r->action)) {
		failf(reason, "rule '%s': unknown action %" PRIu32, r->name, r->action);
		return NULL;
	}
	sev = pmg_rule_has(r, PMGUARD_R_SEVERITY) ? pmg_severity_name(r->severity) : "";
	if (!sev) {
		failf(reason, "rule '%s': unknown severity %" PRIu32, r->name, r->severity);
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rule_fields); i++) {
		int attr = rule_fields[i].attr;
		const char *str = rule_string(rw, attr, &n);
		char uid[16];

		if (attr == PMGUARD_R_CALLER_UID) {
			snprintf(uid, sizeof(uid), "%" PRIu32, r->caller_uid);
			str = uid;
		}
		if (str && pmg_rule_has(r, attr) &&
		    check_writable(r->name, attr, rule_fields[i].name, str, reason) < 0)
			return NULL;
	}

	f = open_memstream(&buf, &size);
	if (!f) {
		failf(reason, "out of memory");
		return NULL;
	}
	fprintf(f, "rule %s action=%s", r->name, pmg_action_name(r->action));
	if (*sev)
		fprintf(f, " severity=%s", sev);
	/* The other fields in the order of rule_fields[]. */
	for (size_t i = 0; i < ARRAY_SIZE(rule_fields); i++) {
		int attr = rule_fields[i].attr;
		const char *name = rule_fields[i].name;
		const char *str = rule_string(rw, attr, &n);
		const uint32_t *mask = rule_list(rw, attr, tab, &n);

		if (!pmg_rule_has(r, attr))
			continue;
		if (str) {
			fprintf(f, " %s=", name);
			put_value(f, str);
		} else if (mask && *mask) {
			bad |= put_list(f, name, *mask, tab, n) < 0;
		} else if (attr == PMGUARD_R_CALLER_UID) {
			fprintf(f, " %s=%" PRIu32, name, r->caller_uid);
		}
	}
	if (fclose(f) != 0) {
		free(buf);
		failf(reason, "out of memory");
		return NULL;
	}
	if (bad) {
		free(buf);
		failf(reason, "rule '%s' uses kinds, access bits or flags this version "
		      "of pmguard does not know (kinds 0x%" PRIx32 ", access 0x%" PRIx32
		      ", if 0x%" PRIx32 ", unless 0x%" PRIx32 "); upgrade pmguard",
		      r->name, r->kinds & ~ALL_KINDS,
		      r->access & ~(uint32_t)(PMGUARD_ACCESS_READ | PMGUARD_ACCESS_WRITE),
		      r->flags_set & ~rule_flags_mask(),
		      r->flags_clear & ~rule_flags_mask());
		return NULL;
	}
	return buf;
}

/* Sensitive names, several per line, lines kept under ~76 columns. */
static int put_sensitive(FILE *f, const struct pmg_policy *pol, char *reason)
{
	size_t col = 0;

	for (size_t i = 0; i < pol->n_sensitive; i++) {
		const char *s = pol->sensitive[i];
		size_t len = strlen(s);

		if (check_bytes(s, len, reason) < 0 || !len)
			return failf(reason, "sensitive name %zu holds bytes the policy "
				     "file cannot represent", i + 1);
		if (col && col + len + 3 > 76) {
			fputc('\n', f);
			col = 0;
		}
		if (!col) {
			fputs("sensitive", f);
			col = 9;
		}
		fputc(' ', f);
		put_value(f, s);
		col += len + 1 + (needs_quotes(s) ? 2 : 0);
	}
	if (col)
		fputc('\n', f);
	return 0;
}

char *pmg_policy_format(const struct pmg_policy *pol, const char *header,
			char *reason)
{
	char *buf = NULL;
	size_t size = 0;
	bool failed = false;
	FILE *f = open_memstream(&buf, &size);

	if (!f) {
		failf(reason, "out of memory");
		return NULL;
	}
	if (header)
		fputs(header, f);
	if (pol->has_default_action) {
		const char *a = pmg_action_name(pol->default_action);
		const char *s = pmg_severity_name(pol->default_severity);

		if (!a || (pol->has_default_severity && !s)) {
			failf(reason, "unknown default action %" PRIu32 " or severity %"
			      PRIu32, pol->default_action, pol->default_severity);
			failed = true;
		} else {
			fprintf(f, "default action=%s", a);
			if (pol->has_default_severity)
				fprintf(f, " severity=%s", s);
			fputc('\n', f);
		}
	}
	if (!failed && put_sensitive(f, pol, reason) < 0)
		failed = true;
	if (!failed && pol->n_rules)
		fputc('\n', f);
	for (size_t i = 0; i < pol->n_rules && !failed; i++) {
		const struct pmg_rule *r = &pol->rules[i];
		char *line = pmg_rule_format(r, reason);

		if (!line) {
			failed = true;
			break;
		}
		if (r->stale)
			fputs("# stale: an executable path of this rule names another "
			      "file now; load the policy again\n", f);
		fprintf(f, "%s\n", line);
		free(line);
	}
	if (fclose(f) != 0 && !failed) {
		failf(reason, "out of memory");
		failed = true;
	}
	if (failed) {
		free(buf);
		return NULL;
	}
	return buf;
}
