/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmguard policies: the policy file format (parser and writer, policy.c)
 * and its netlink encoding (policy_nl.c).  The file format is documented
 * at the top of policy.c.
 *
 * Nothing here touches a socket or the terminal: the CLI (policy_cmd.c)
 * reads files, sends requests and prints; everything in between is pure
 * and unit-tested.
 */
#ifndef PMG_POLICY_H
#define PMG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/pmguard.h>

struct nl_msg;
struct nlattr;
struct nlmsghdr;

/* The module keeps rule paths in 256-byte buffers (PMGUARD_RULE_PATH_MAX). */
#define PMG_RULE_PATH_MAX	256
/* Sensitive names are "< 64 bytes" (uapi: PMGUARD_MAX_SENSITIVE). */
#define PMG_SENSITIVE_NAME_MAX	64
/* Longest line of a policy file, without its newline. */
#define PMG_POLICY_LINE_MAX	4096
/* Largest policy file read (256 rules of 4096 bytes plus comments). */
#define PMG_POLICY_FILE_MAX	(4 * 1024 * 1024)
/* Errors remembered per file; more are only counted. */
#define PMG_POLICY_MAX_ERRORS	20
/* Room for a "reason" text. */
#define PMG_REASON_LEN		512

/* One rule (enum pmguard_rule_attr). */
struct pmg_rule {
	uint32_t present;		/* bit (1u << PMGUARD_R_x) per field */
	unsigned int line;		/* line in the file; 0 if from the kernel */
	char name[PMGUARD_RULE_NAME_MAX];
	uint32_t action;		/* enum pmguard_action */
	uint32_t severity;		/* enum pmguard_severity */
	char caller_exe[PMG_RULE_PATH_MAX];
	char caller_comm[PMGUARD_COMM_LEN];
	uint32_t caller_uid;
	char target_exe[PMG_RULE_PATH_MAX];
	char target_comm[PMGUARD_COMM_LEN];
	char caller_script[PMG_RULE_PATH_MAX];
	uint32_t kinds;			/* bit (1u << enum pmguard_kind); 0 = any */
	uint32_t access;		/* PMGUARD_ACCESS_*; 0 = any */
	uint32_t flags_set;		/* if=: PMGUARD_F_* that must be set */
	uint32_t flags_clear;		/* unless=: PMGUARD_F_* that must be clear */
	/* Only in dumps (PMGUARD_CMD_RULE_LIST): */
	uint32_t caller_exe_dev;
	uint64_t caller_exe_ino;
	uint32_t target_exe_dev;
	uint64_t target_exe_ino;
	uint32_t caller_script_dev;
	uint64_t caller_script_ino;
	uint8_t stale;
	uint32_t index;
};

static inline bool pmg_rule_has(const struct pmg_rule *r, int attr)
{
	return attr < 32 && (r->present & (1u << attr));
}

/* A whole policy: what PMGUARD_CMD_POLICY_REPLACE carries. */
struct pmg_policy {
	bool has_default_action;
	bool has_default_severity;
	uint32_t default_action;
	uint32_t default_severity;
	size_t n_rules;
	struct pmg_rule rules[PMGUARD_MAX_RULES];
	size_t n_sensitive;
	char sensitive[PMGUARD_MAX_SENSITIVE][PMG_SENSITIVE_NAME_MAX];
};

/* When the file has no "default" line (or it leaves severity out). */
#define PMG_DEFAULT_ACTION	PMGUARD_ACTION_ALERT
#define PMG_DEFAULT_SEVERITY	PMGUARD_SEV_LOW

struct pmg_policy_error {
	unsigned int line;		/* 1-based; 0: the file as a whole */
	char reason[PMG_REASON_LEN];
};

struct pmg_policy_errors {
	size_t n;			/* errors stored in e[] */
	size_t n_more;			/* errors beyond PMG_POLICY_MAX_ERRORS */
	struct pmg_policy_error e[PMG_POLICY_MAX_ERRORS];
};

/*
 * Parse and validate a whole policy file held in memory (text, len bytes;
 * may contain NULs, which are errors).  pol is filled from scratch.
 * Returns 0 when the file is valid, else -1 with every error (up to
 * PMG_POLICY_MAX_ERRORS) in errs; pol is then unusable.  A policy
 * without a "default" line gets PMG_DEFAULT_ACTION/PMG_DEFAULT_SEVERITY.
 */
int pmg_policy_parse(const char *text, size_t len, struct pmg_policy *pol,
		     struct pmg_policy_errors *errs);

/*
 * Read and parse a file.  Returns 0; -1 with parse errors in errs; or
 * -2 when the file cannot be read (errno set; too big: EFBIG).
 */
int pmg_policy_read_file(const char *path, struct pmg_policy *pol,
			 struct pmg_policy_errors *errs);

/*
 * Parse one "rule ..." line (for "pmguard policy add").  Returns 0, or -1
 * with the reason in reason[PMG_REASON_LEN].
 */
int pmg_rule_parse_line(const char *line, size_t len, struct pmg_rule *rule,
			char *reason);

/*
 * Build one line from command-line words: each word is one token; a
 * value that needs quoting (blanks, '#', quotes, backslashes) is quoted.
 * A single word that contains blanks is taken as the whole line.  Returns
 * a malloc'd string, NULL on ENOMEM.
 */
char *pmg_policy_join_words(int n, char *const *words);

/*
 * One rule as a "rule ..." line (no newline), fields in canonical order.
 * Returns a malloc'd string; NULL on ENOMEM or when the rule cannot be
 * written in the file format (bits this reader does not know, bytes a
 * file cannot hold): then reason says why.
 */
char *pmg_rule_format(const struct pmg_rule *r, char *reason);

/*
 * A whole policy in the file format: header (comment lines, may be NULL),
 * "default", "sensitive" (wrapped, several lines) and the rules in order;
 * newline-terminated.  Stale rules get a comment line above them.
 * NULL on ENOMEM or an unwritable rule (reason set).
 */
char *pmg_policy_format(const struct pmg_policy *pol, const char *header,
			char *reason);

/* Names of the flags usable in if=/unless=; NULL for other bits. */
const char *pmg_rule_flag_name(uint32_t bit);

/* ---- netlink (policy_nl.c) -------------------------------------------- */

/* Put r as a nest of type attr (PMGUARD_A_RULE_SPEC).  0 or -NLE_*. */
int pmg_rule_put(struct nl_msg *msg, int attr, const struct pmg_rule *r);

/* Put pol as a PMGUARD_A_POLICY nest (for POLICY_REPLACE).  0 or -NLE_*. */
int pmg_policy_put(struct nl_msg *msg, const struct pmg_policy *pol);

/*
 * Decode a PMGUARD_A_RULE_SPEC nest.  Strings longer than the module
 * allows are an error (-NLE_RANGE), never silently cut.
 */
int pmg_rule_from_nest(struct nlattr *nest, struct pmg_rule *r);

/* Decode one PMGUARD_CMD_RULE_LIST dump message. */
int pmg_rule_list_parse(struct nlmsghdr *nlh, struct pmg_rule *r);

/*
 * Decode a PMGUARD_A_POLICY nest into pol (rules appended in order,
 * defaults, sensitive names).  -NLE_RANGE when it does not fit.
 */
int pmg_policy_from_nest(struct nlattr *nest, struct pmg_policy *pol);

/*
 * Which part of a RULE_ADD or POLICY_REPLACE request a byte offset (the
 * kernel's extended ACK points at the attribute it refused) falls in:
 * the index-th rule, or the index-th sensitive name.
 */
enum pmg_policy_part {
	PMG_PART_NONE,
	PMG_PART_RULE,
	PMG_PART_SENSITIVE,
	PMG_PART_DEFAULT,
};

enum pmg_policy_part pmg_policy_locate(const struct nlmsghdr *req, uint32_t offset,
				       size_t *index);

/* The reply to PMGUARD_CMD_GET_CONFIG. */
struct pmg_config {
	uint32_t present;		/* bit (1u << PMGUARD_A_x) */
	uint32_t mode;
	uint8_t locked;
	uint32_t fold_ms;
	uint32_t default_action;
	uint32_t default_severity;
	uint32_t nr_rules;
	size_t n_sensitive;
	char sensitive[PMGUARD_MAX_SENSITIVE][PMG_SENSITIVE_NAME_MAX];
};

static inline bool pmg_config_has(const struct pmg_config *c, int attr)
{
	return attr < 32 && (c->present & (1u << attr));
}

int pmg_config_parse(struct nlmsghdr *nlh, struct pmg_config *cfg);

#endif /* PMG_POLICY_H */
