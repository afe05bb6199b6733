/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "pmguard status": is the guard working?  The command (status_cmd.c)
 * gathers the facts (sysfs, the module's stats, config and rules, the
 * policy file, the counters of the previous check); everything from
 * there on is pure and unit-tested: comparing the running policy with
 * the file, the degraded reasons, the exit code (pmg_status_evaluate),
 * and the rendering (pmg_format_status, format.c).
 *
 * Exit codes (documented in pmguard(8) and "pmguard help status"):
 *   0  healthy
 *   1  degraded: the reasons are listed (also when a question to the
 *      module failed for a reason other than the two below)
 *   3  the module is not loaded (or its netlink family is absent)
 *   4  the module cannot be asked: permission denied (CAP_NET_ADMIN)
 * and, as for every command, 2 for a usage error, 5 for an output error.
 */
#ifndef PMG_STATUS_H
#define PMG_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "format.h"
#include "policy.h"

/* The policy file, as the command found it. */
enum pmg_policy_file_state {
	PMG_POLICY_FILE_UNCHECKED,	/* the module could not be asked */
	PMG_POLICY_FILE_MISSING,	/* ENOENT */
	PMG_POLICY_FILE_UNREADABLE,	/* another error; file_error says it */
	PMG_POLICY_FILE_INVALID,	/* does not parse; file_error: line and reason */
	PMG_POLICY_FILE_PARSED,		/* file holds it: evaluate compares */
	/* results of pmg_status_evaluate() for a parsed file: */
	PMG_POLICY_FILE_MATCHES,
	PMG_POLICY_FILE_DIFFERS,
};

/* How a policy file differs from the running policy. */
struct pmg_policy_diff {
	/*
	 * Rules only on one side, written differently, or standing at
	 * another place in the order (first match wins): each counts once.
	 */
	size_t rules;
	bool default_action;	/* or its severity */
	bool sensitive;		/* as sets of names */
};

/*
 * The counters a check compares with the previous one (--since FILE,
 * which holds the previous "status --json" object).
 */
struct pmg_status_since {
	char time[PMG_TIME_LEN];	/* the previous check's "time" */
	uint64_t missed, priority_dropped, blinded;
};

#define PMG_STATUS_MAX_REASONS	16
#define PMG_STATUS_REASON_LEN	400
#define PMG_STATUS_ERROR_LEN	320

struct pmg_status {
	/* ---- facts, filled by the command (or a test) ---- */
	bool loaded;			/* /sys/module/pmguard or the family */
	char module_version[64];	/* /sys/module/pmguard/version; "" unknown */
	const char *reader_version;
	/*
	 * The questions to the module: PMG_EXIT_OK, or the first failure
	 * (PMG_EXIT_NO_MODULE, PMG_EXIT_PERMISSION, PMG_EXIT_ERROR with
	 * its message in query_error).
	 */
	int query;
	char query_error[PMG_STATUS_ERROR_LEN];
	const struct pmguard_stats *stats;	/* NULL: not read */
	const struct pmg_config *cfg;		/* NULL: not read */
	const struct pmg_rule *rules;		/* the running rules, in order */
	size_t n_rules;
	const char *policy_path;
	enum pmg_policy_file_state policy_state;
	char policy_error[PMG_STATUS_ERROR_LEN];
	/* PARSED: the file, without the rules skipped as --skip-missing does */
	const struct pmg_policy *file;
	size_t policy_skipped;		/* rules naming missing executables */
	const char *since_path;		/* --since FILE, or NULL */
	bool has_since;			/* FILE held a previous check */
	struct pmg_status_since since;

	/* ---- results of pmg_status_evaluate() ---- */
	struct pmg_policy_diff diff;
	bool version_mismatch;
	uint64_t new_missed, new_priority_dropped, new_blinded;	/* since */
	size_t n_reasons;
	char reasons[PMG_STATUS_MAX_REASONS][PMG_STATUS_REASON_LEN];
	int exit_code;
};

/*
 * The running policy as a struct pmg_policy: the rules of a dump and the
 * defaults and sensitive names of GET_CONFIG (n <= PMGUARD_MAX_RULES).
 */
void pmg_policy_from_running(struct pmg_policy *pol, const struct pmg_config *cfg,
			     const struct pmg_rule *rules, size_t n);

/*
 * Compare a policy file's contents with the running policy.  Rules are
 * compared as the file format writes them (pmg_rule_format), so identity
 * fields of dumps (dev, ino, stale) do not count, and a file rule without
 * severity= is the module's medium.  Returns true when they are the same.
 */
bool pmg_policy_diff(const struct pmg_policy *file, const struct pmg_policy *running,
		     struct pmg_policy_diff *diff);

/*
 * The policy file's state in words: "matches FILE", "differs from FILE
 * (N rules differ)", "FILE is missing", "FILE does not parse: ...".
 */
void pmg_status_policy_line(const struct pmg_status *s, char *buf, size_t size);

/* Fill the results from the facts. */
void pmg_status_evaluate(struct pmg_status *s);

/*
 * Read the counters of a previous "status --json" object (--since).
 * Returns 0, or -1 when text is not such an object.
 */
int pmg_status_parse_since(const char *text, struct pmg_status_since *since);

/*
 * The status: an aligned text block whose first line is the verdict
 * ("status: healthy", "status: degraded: REASON; REASON"), or one JSON
 * object:
 *   {"type":"status","time":T,"host":H,"state":"healthy|degraded|
 *    not_loaded|no_permission","exit_code":N,"degraded":[S,...],
 *    "loaded":bool,"module_version":S,"reader_version":S,
 *    "version_mismatch":bool,"mode":M,"locked":bool,"blind":bool,
 *    "blinded":N,"probes":N,"probed":{"mem":bool,...},"missed":N,
 *    "dropped":{"queue_full":N,...},"priority_dropped":N,"subscribers":N,
 *    "rules":N,"default_action":A,"default_severity":S,
 *    "stale_rules":[S,...],
 *    "policy":{"file":F,"state":"matches|differs|missing|unreadable|invalid",
 *              "rules_differ":N,"default_differs":bool,
 *              "sensitive_differs":bool,"skipped_missing":N,"error":S},
 *    "since":{"file":F,"time":T,"missed":N,"priority_dropped":N,
 *             "blinded":N}}
 * Keys of what is not known (module not loaded, not asked) are left out;
 * "degraded" is always there ([] when healthy).
 */
char *pmg_format_status(enum pmg_format fmt, const struct pmg_status *s,
			uint64_t now_ns, const char *host);

#endif /* PMG_STATUS_H */
