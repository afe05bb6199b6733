// SPDX-License-Identifier: GPL-2.0
/*
 * Commands that read or change the module's policy and configuration:
 *
 *   pmguard policy list [--json]
 *   pmguard policy add RULE-LINE [--index N]
 *   pmguard policy del NAME
 *   pmguard policy flush
 *   pmguard policy load FILE [--skip-missing]
 *   pmguard policy save [FILE]
 *   pmguard policy check FILE [--skip-missing]
 *   pmguard mode [audit|enforce]
 *   pmguard lock --yes
 *   pmguard config [--json]
 *   pmguard fold MS
 *
 * Files are parsed and validated completely before anything is sent
 * (policy.c); the policy is then replaced in one atomic request.  When
 * the module refuses (locked, unknown path), its own reason (extended
 * ACK) is printed by nl.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>

#include <linux/pmguard.h>

#include "atomic.h"
#include "cli.h"
#include "exit_codes.h"
#include "format.h"
#include "nl.h"
#include "policy.h"
#include "query.h"
#include "status.h"

/* What the module checks for changing the policy (reading: PMG_CAP_READ). */
#define CAP_CHANGE	"CAP_SYS_ADMIN and CAP_NET_ADMIN"

/* Mode of a file written by "policy save" (the policy is not secret). */
#define SAVE_FILE_MODE 0644

static int out_of_memory(void)
{
	fprintf(stderr, "pmguard: out of memory\n");
	return PMG_EXIT_ERROR;
}

/* What a rule-changing request carries, to name what the kernel refused. */
struct request_parts {
	const char *path;		/* the policy file, or NULL */
	const struct pmg_policy *pol;	/* POLICY_REPLACE */
	const struct pmg_rule *rule;	/* RULE_ADD */
};

static void describe_part(const struct nlmsghdr *req, uint32_t offset, char *buf,
			  size_t size, void *ctx)
{
	const struct request_parts *rp = ctx;
	const struct pmg_rule *r = NULL;
	size_t i = 0;

	switch (pmg_policy_locate(req, offset, &i)) {
	case PMG_PART_RULE:
		r = rp->rule ? rp->rule : rp->pol && i < rp->pol->n_rules ?
		    &rp->pol->rules[i] : NULL;
		if (r && rp->path)
			snprintf(buf, size, "rule '%s' (%s:%u)", r->name, rp->path, r->line);
		else if (r)
			snprintf(buf, size, "rule '%s'", r->name);
		break;
	case PMG_PART_SENSITIVE:
		if (rp->pol && i < rp->pol->n_sensitive)
			snprintf(buf, size, "sensitive name '%s'", rp->pol->sensitive[i]);
		break;
	case PMG_PART_DEFAULT:
		snprintf(buf, size, "default line");
		break;
	case PMG_PART_NONE:
		break;
	}
}

/* Open, send one request, close.  parts (may be NULL) names refused parts. */
static int parts_request(uint8_t cmd, const char *what, const char *cap,
			 pmg_nl_build_fn build, void *arg, struct request_parts *parts)
{
	struct pmg_nl nl = { 0 };
	int status;

	if (parts) {
		nl.describe = describe_part;
		nl.describe_ctx = parts;
	}
	status = pmg_nl_open(&nl);
	if (status == PMG_EXIT_OK)
		status = pmg_nl_request(&nl, cmd, what, cap, build, NULL, arg);
	pmg_nl_close(&nl);
	return status;
}

/* Open, send one request, close. */
static int simple_request(uint8_t cmd, const char *what, const char *cap,
			  pmg_nl_build_fn build, pmg_nl_reply_fn reply, void *arg)
{
	struct pmg_nl nl = { 0 };
	int status = pmg_nl_open(&nl);

	if (status == PMG_EXIT_OK)
		status = pmg_nl_request(&nl, cmd, what, cap, build, reply, arg);
	pmg_nl_close(&nl);
	return status;
}

static bool parse_u32_arg(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "FILE:LINE: reason" for each error; true if there were any. */
static bool print_parse_errors(const char *path, int ret,
			       const struct pmg_policy_errors *errs)
{
	if (ret == -2) {
		fprintf(stderr, "pmguard: cannot read %s: %s\n", path,
			errno == EFBIG ? "file too large" : strerror(errno));
		return true;
	}
	if (ret == 0)
		return false;
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "%s:%u: %s\n", path, errs->e[i].line, errs->e[i].reason);
	if (errs->n_more)
		fprintf(stderr, "%s: ... and %zu more errors\n", path, errs->n_more);
	fprintf(stderr, "pmguard: %s rejected: nothing was changed\n", path);
	return true;
}

/* ---- policy list ------------------------------------------------------ */

static int policy_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum pmg_format fmt = PMG_FMT_TEXT;
	struct pmg_rule *rules = NULL;
	struct pmg_nl nl = { 0 };
	int status = PMG_EXIT_OK;
	size_t n = 0;
	int opt;

	while ((opt = pmg_next_option("policy list", argc, argv, ":jh", longopts,
				      &status)) != -1) {
		if (opt == 'j')
			fmt = PMG_FMT_JSON;
		if (opt == 'h') {
			pmg_print_help("policy");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK || (status = pmg_no_extra_args("policy list", argc, argv)))
		return status;

	status = pmg_nl_open(&nl);
	if (status == PMG_EXIT_OK)
		status = pmg_query_rules(&nl, &rules, &n);
	pmg_nl_close(&nl);
	if (status == PMG_EXIT_OK)
		status = pmg_print_result(pmg_format_rules(fmt, rules, n));
	free(rules);
	return status;
}

/* ---- policy add / del / flush ----------------------------------------- */

struct add_request {
	struct pmg_rule rule;
	bool has_index;
	uint32_t index;
};

static int build_add(struct nl_msg *msg, void *arg)
{
	struct add_request *ar = arg;
	int err = pmg_rule_put(msg, PMGUARD_A_RULE_SPEC, &ar->rule);

	if (!err && ar->has_index)
		err = nla_put_u32(msg, PMGUARD_A_RULE_INDEX, ar->index);
	return err;
}

static int policy_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "help",  no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct add_request ar = { 0 };
	char reason[PMG_REASON_LEN];
	int status = PMG_EXIT_OK;
	char *line, what[128];
	int opt;

	while ((opt = pmg_next_option("policy add", argc, argv, ":i:h", longopts,
				      &status)) != -1) {
		if (opt == 'i') {
			if (!parse_u32_arg(optarg, PMGUARD_MAX_RULES - 1, &ar.index))
				return pmg_usage_error("policy add", "--index: '%s' is not a "
						       "position from 0 to 255", optarg);
			ar.has_index = true;
		}
		if (opt == 'h') {
			pmg_print_help("policy");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK)
		return status;
	if (optind >= argc)
		return pmg_usage_error("policy add", "%s", "missing rule: rule NAME "
				       "action=allow|alert|deny [FIELD=VALUE ...]");
	line = pmg_policy_join_words(argc - optind, argv + optind);
	if (!line)
		return out_of_memory();
	if (pmg_rule_parse_line(line, strlen(line), &ar.rule, reason) < 0) {
		fprintf(stderr, "pmguard policy add: %s\n", reason);
		free(line);
		return PMG_EXIT_USAGE;
	}
	free(line);
	snprintf(what, sizeof(what), "add rule '%s'", ar.rule.name);
	/* what names the rule already: no need to locate it in the request. */
	return parts_request(PMGUARD_CMD_RULE_ADD, what, CAP_CHANGE, build_add, &ar, NULL);
}

static int build_del(struct nl_msg *msg, void *arg)
{
	return nla_put_string(msg, PMGUARD_A_RULE_NAME, arg);
}

static int policy_del(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int status = PMG_EXIT_OK;
	char what[128];
	const char *name;
	int opt;

	while ((opt = pmg_next_option("policy del", argc, argv, ":h", longopts,
				      &status)) != -1) {
		if (opt == 'h') {
			pmg_print_help("policy");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK)
		return status;
	if (optind >= argc)
		return pmg_usage_error("policy del", "%s", "missing rule NAME");
	name = argv[optind++];
	if ((status = pmg_no_extra_args("policy del", argc, argv)))
		return status;
	if (!*name || strlen(name) >= PMGUARD_RULE_NAME_MAX)
		return pmg_usage_error("policy del", "rule names are 1 to 63 bytes, "
				       "not '%s'", name);
	snprintf(what, sizeof(what), "delete rule '%.64s'", name);
	return simple_request(PMGUARD_CMD_RULE_DEL, what, CAP_CHANGE, build_del, NULL,
			      (void *)name);
}

/*
 * Options of commands that have none but --help: returns PMG_EXIT_OK with
 * optind at the first argument, -1 after printing the help, or the
 * usage error's exit code.
 */
static int help_only(const char *cmd, const char *help, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int status = PMG_EXIT_OK;
	int opt;

	while ((opt = pmg_next_option(cmd, argc, argv, ":h", longopts, &status)) != -1) {
		if (opt == 'h') {
			pmg_print_help(help);
			return -1;
		}
	}
	return status;
}

static int policy_flush(int argc, char **argv)
{
	int status = help_only("policy flush", "policy", argc, argv);

	if (status)
		return status < 0 ? PMG_EXIT_OK : status;
	if ((status = pmg_no_extra_args("policy flush", argc, argv)))
		return status;
	return simple_request(PMGUARD_CMD_POLICY_FLUSH, "flush the policy", CAP_CHANGE,
			      NULL, NULL, NULL);
}

/* ---- policy load / check ---------------------------------------------- */

/* A path of a rule that does not name anything on this host. */
static bool path_missing(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 && (errno == ENOENT || errno == ENOTDIR);
}

static const char *missing_exe(const struct pmg_rule *r)
{
	if (pmg_rule_has(r, PMGUARD_R_CALLER_EXE) && path_missing(r->caller_exe))
		return r->caller_exe;
	if (pmg_rule_has(r, PMGUARD_R_TARGET_EXE) && path_missing(r->target_exe))
		return r->target_exe;
	if (pmg_rule_has(r, PMGUARD_R_CALLER_SCRIPT) && path_missing(r->caller_script))
		return r->caller_script;
	return NULL;
}

size_t pmg_policy_skip_missing(const char *path, struct pmg_policy *pol, bool skip,
			       bool warn)
{
	size_t kept = 0, missing = 0;

	for (size_t i = 0; i < pol->n_rules; i++) {
		const struct pmg_rule *r = &pol->rules[i];
		const char *exe = missing_exe(r);

		if (!exe) {
			if (kept != i)
				pol->rules[kept] = *r;
			kept++;
			continue;
		}
		missing++;
		if (skip && warn)
			fprintf(stderr, "pmguard: warning: %s:%u: rule '%s' skipped: %s "
				"does not exist\n", path, r->line, r->name, exe);
		else if (warn)
			fprintf(stderr, "pmguard: warning: %s:%u: rule '%s': %s does "
				"not exist; the module will refuse the policy unless it "
				"is loaded with --skip-missing\n", path, r->line, r->name, exe);
		if (!skip) {
			if (kept != i)
				pol->rules[kept] = *r;
			kept++;
		}
	}
	pol->n_rules = kept;
	return missing;
}

static int build_replace(struct nl_msg *msg, void *arg)
{
	return pmg_policy_put(msg, arg);
}

static int load_or_check(const char *cmd, bool load, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "skip-missing", no_argument, NULL, 's' },
		{ "help",	  no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pmg_policy_errors errs;
	struct pmg_policy *pol;
	bool skip = false;
	int status = PMG_EXIT_OK;
	const char *path;
	size_t missing;
	int opt, ret;

	while ((opt = pmg_next_option(cmd, argc, argv, ":sh", longopts, &status)) != -1) {
		if (opt == 's')
			skip = true;
		if (opt == 'h') {
			pmg_print_help("policy");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK)
		return status;
	if (optind >= argc)
		return pmg_usage_error(cmd, "%s", "missing policy FILE");
	path = argv[optind++];
	if ((status = pmg_no_extra_args(cmd, argc, argv)))
		return status;

	pol = malloc(sizeof(*pol));
	if (!pol)
		return out_of_memory();
	ret = pmg_policy_read_file(path, pol, &errs);
	if (print_parse_errors(path, ret, &errs)) {
		free(pol);
		return PMG_EXIT_USAGE;
	}
	missing = pmg_policy_skip_missing(path, pol, skip, true);
	if (!pol->n_sensitive) {
		for (size_t i = 0; i < pol->n_rules; i++) {
			if ((pol->rules[i].flags_set | pol->rules[i].flags_clear) &
			    PMGUARD_F_TARGET_SENSITIVE) {
				fprintf(stderr, "pmguard: warning: %s names no sensitive "
					"processes, so target_sensitive (rule '%s', line %u) "
					"never holds\n", path, pol->rules[i].name,
					pol->rules[i].line);
				break;
			}
		}
	}
	if (!load) {
		char *msg = NULL;

		if (asprintf(&msg, "%s: OK: %zu rules%s, %zu sensitive names, "
			     "default action=%s severity=%s", path, pol->n_rules,
			     skip && missing ? " (missing skipped)" : "",
			     pol->n_sensitive, pmg_action_name(pol->default_action),
			     pmg_severity_name(pol->default_severity)) < 0)
			msg = NULL;
		free(pol);
		return pmg_print_result(msg);
	}
	status = parts_request(PMGUARD_CMD_POLICY_REPLACE, "load the policy", CAP_CHANGE,
			       build_replace, pol,
			       &(struct request_parts){ .path = path, .pol = pol });
	if (status == PMG_EXIT_OK)
		printf("pmguard: policy %s loaded: %zu rules%s, %zu sensitive names\n",
		       path, pol->n_rules, skip && missing ? " (missing skipped)" : "",
		       pol->n_sensitive);
	free(pol);
	return status;
}

/* ---- policy save ------------------------------------------------------ */

static int fetch_policy(struct pmg_policy *pol)
{
	struct pmg_config *cfg = calloc(1, sizeof(*cfg));
	struct pmg_rule *rules = NULL;
	struct pmg_nl nl = { 0 };
	size_t n = 0;
	int status;

	memset(pol, 0, sizeof(*pol));
	if (!cfg)
		return out_of_memory();
	status = pmg_nl_open(&nl);
	if (status == PMG_EXIT_OK)
		status = pmg_query_config(&nl, cfg);
	if (status == PMG_EXIT_OK)
		status = pmg_query_rules(&nl, &rules, &n);
	pmg_nl_close(&nl);
	if (status != PMG_EXIT_OK)
		goto out;
	if (n > PMGUARD_MAX_RULES) {
		fprintf(stderr, "pmguard: the module has %zu rules, more than a policy "
			"file holds (%d)\n", n, PMGUARD_MAX_RULES);
		status = PMG_EXIT_ERROR;
		goto out;
	}
	if (pmg_config_has(cfg, PMGUARD_A_NR_RULES) && cfg->nr_rules != n)
		fprintf(stderr, "pmguard: warning: the policy changed while it was read "
			"(%" PRIu32 " rules, then %zu listed); save it again\n",
			cfg->nr_rules, n);
	pmg_policy_from_running(pol, cfg, rules, n);
out:
	free(rules);
	free(cfg);
	return status;
}

/*
 * "policy save FILE" over a file that exists: the file written has no
 * comments, so an existing FILE (the commented /etc/pmguard/policy.conf)
 * is replaced only with --force, and then kept as FILE.bak first.  A FILE
 * that holds the running policy already (comments apart, and leaving out
 * the rules naming missing executables, as "load --skip-missing" does) is
 * left as it is.  existing and errs are scratch space.
 */
static int save_to_file(const char *path, const char *text, const struct pmg_policy *pol,
			bool force, struct pmg_policy *existing,
			struct pmg_policy_errors *errs)
{
	struct pmg_policy_diff diff;
	char *bak = NULL;
	struct stat st;
	int err;

	if (lstat(path, &st) == 0) {
		if (pmg_policy_read_file(path, existing, errs) == 0) {
			pmg_policy_skip_missing(path, existing, true, false);
			if (pmg_policy_diff(existing, pol, &diff)) {
				printf("pmguard: %s holds the running policy already: left as "
				       "it is (its comments kept)\n", path);
				return PMG_EXIT_OK;
			}
		}
		if (!force) {
			fprintf(stderr, "pmguard policy save: %s exists and is not the "
				"running policy: not replaced, since the file written has "
				"none of its comments.  Use --force to replace it (the old "
				"file is kept as %s.bak), or save to another file and "
				"compare: pmguard policy save %s.new; diff -u %s %s.new\n",
				path, path, path, path, path);
			return PMG_EXIT_USAGE;
		}
		if (asprintf(&bak, "%s.bak", path) < 0)
			return out_of_memory();
		err = pmg_copy_file(path, bak);
		if (err < 0) {
			fprintf(stderr, "pmguard: cannot keep %s as %s: %s; %s not replaced\n",
				path, bak, strerror(-err), path);
			free(bak);
			return PMG_EXIT_OUTPUT;
		}
	}
	err = pmg_write_atomic(path, text, SAVE_FILE_MODE);
	if (err < 0) {
		fprintf(stderr, "pmguard: cannot write %s: %s\n", path, strerror(-err));
		free(bak);
		return PMG_EXIT_OUTPUT;
	}
	if (bak)
		printf("pmguard: %s replaced; the previous one is %s\n", path, bak);
	free(bak);
	return PMG_EXIT_OK;
}

static int policy_save(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help",  no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pmg_policy_errors *errs = NULL;
	struct pmg_policy *pol = NULL, *check = NULL;
	/*
	 * No date, host or version in the header: saving the same policy twice
	 * gives the same bytes (cmp, diff, configuration management).
	 */
	static const char header[] =
		"# pmguard policy, written by 'pmguard policy save'.\n"
		"# Load it with: pmguard policy load FILE\n\n";
	char reason[PMG_REASON_LEN];
	char *text = NULL;
	const char *path = NULL;
	int status = PMG_EXIT_OK;
	bool force = false;
	int opt;

	while ((opt = pmg_next_option("policy save", argc, argv, ":fh", longopts,
				      &status)) != -1) {
		if (opt == 'f')
			force = true;
		if (opt == 'h') {
			pmg_print_help("policy");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK)
		return status;
	if (optind < argc)
		path = argv[optind++];
	if ((status = pmg_no_extra_args("policy save", argc, argv)))
		return status;
	if (path && strcmp(path, "-") == 0)
		path = NULL;

	pol = malloc(sizeof(*pol));
	check = malloc(sizeof(*check));
	errs = malloc(sizeof(*errs));
	if (!pol || !check || !errs) {
		status = out_of_memory();
		goto out;
	}
	status = fetch_policy(pol);
	if (status != PMG_EXIT_OK)
		goto out;
	text = pmg_policy_format(pol, header, reason);
	if (!text) {
		fprintf(stderr, "pmguard: cannot save the policy: %s\n", reason);
		status = PMG_EXIT_ERROR;
		goto out;
	}
	/* What we write must load again: check it as "policy load" would. */
	if (pmg_policy_parse(text, strlen(text), check, errs) < 0) {
		fprintf(stderr, "pmguard: cannot save the policy: the running policy "
			"does not make a valid file (line %u: %s)\n", errs->e[0].line,
			errs->e[0].reason);
		status = PMG_EXIT_ERROR;
		goto out;
	}
	if (path)
		status = save_to_file(path, text, pol, force, check, errs);
	else if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		fprintf(stderr, "pmguard: cannot write to standard output: %s\n",
			strerror(errno));
		status = PMG_EXIT_OUTPUT;
	}
out:
	free(text);
	free(errs);
	free(check);
	free(pol);
	return status;
}

/* ---- policy ----------------------------------------------------------- */

int pmg_cmd_policy(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} subs[] = {
		{ "list",  policy_list },
		{ "add",   policy_add },
		{ "del",   policy_del },
		{ "flush", policy_flush },
		{ "save",  policy_save },
	};
	const char *sub;

	if (argc < 2)
		return pmg_usage_error("policy", "%s", "missing subcommand "
				       "(list, add, del, flush, load, save, check)");
	sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    strcmp(sub, "help") == 0) {
		pmg_print_help("policy");
		return PMG_EXIT_OK;
	}
	if (strcmp(sub, "load") == 0)
		return load_or_check("policy load", true, argc - 1, argv + 1);
	if (strcmp(sub, "check") == 0)
		return load_or_check("policy check", false, argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(sub, subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	return pmg_usage_error("policy", "unknown subcommand '%s'", sub);
}

/* ---- mode, fold, lock, config ----------------------------------------- */

struct set_config {
	bool has_mode;
	uint32_t mode;
	bool has_fold;
	uint32_t fold_ms;
};

static int build_set_config(struct nl_msg *msg, void *arg)
{
	struct set_config *sc = arg;
	int err = 0;

	if (sc->has_mode)
		err = nla_put_u32(msg, PMGUARD_A_MODE, sc->mode);
	if (!err && sc->has_fold)
		err = nla_put_u32(msg, PMGUARD_A_FOLD_MS, sc->fold_ms);
	return err;
}

int pmg_cmd_mode(int argc, char **argv)
{
	struct set_config sc = { 0 };
	struct pmg_config *cfg;
	struct pmg_nl nl = { 0 };
	char buf[32];
	const char *arg;
	int status = help_only("mode", "mode", argc, argv);

	if (status)
		return status < 0 ? PMG_EXIT_OK : status;
	if (argc - optind > 1)
		return pmg_usage_error("mode", "unexpected argument '%s'", argv[optind + 1]);
	if (argc - optind == 1) {
		arg = argv[optind];
		if (strcmp(arg, "audit") == 0)
			sc.mode = PMGUARD_MODE_AUDIT;
		else if (strcmp(arg, "enforce") == 0)
			sc.mode = PMGUARD_MODE_ENFORCE;
		else
			return pmg_usage_error("mode", "unknown mode '%s' (expected audit "
					       "or enforce)", arg);
		sc.has_mode = true;
		status = simple_request(PMGUARD_CMD_SET_CONFIG, "set the mode", CAP_CHANGE,
					build_set_config, NULL, &sc);
		if (status == PMG_EXIT_OK)
			printf("pmguard: mode set to %s\n", arg);
		return status;
	}

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return out_of_memory();
	status = pmg_nl_open(&nl);
	if (status == PMG_EXIT_OK)
		status = pmg_query_config(&nl, cfg);
	pmg_nl_close(&nl);
	if (status == PMG_EXIT_OK && !pmg_config_has(cfg, PMGUARD_A_MODE)) {
		fprintf(stderr, "pmguard: the module did not report its mode\n");
		status = PMG_EXIT_ERROR;
	}
	if (status == PMG_EXIT_OK) {
		const char *name = pmg_mode_name(cfg->mode);

		if (!name) {
			snprintf(buf, sizeof(buf), "unknown(%" PRIu32 ")", cfg->mode);
			name = buf;
		}
		status = pmg_print_result(strdup(name));
	}
	free(cfg);
	return status;
}

int pmg_cmd_fold(int argc, char **argv)
{
	struct set_config sc = { .has_fold = true };
	int status = help_only("fold", "fold", argc, argv);

	if (status)
		return status < 0 ? PMG_EXIT_OK : status;
	if (argc - optind < 1)
		return pmg_usage_error("fold", "%s", "missing MS (milliseconds; 0 turns "
				       "folding off)");
	if (argc - optind > 1)
		return pmg_usage_error("fold", "unexpected argument '%s'", argv[optind + 1]);
	if (!parse_u32_arg(argv[optind], UINT32_MAX, &sc.fold_ms))
		return pmg_usage_error("fold", "'%s' is not a number of milliseconds",
				       argv[optind]);
	status = simple_request(PMGUARD_CMD_SET_CONFIG, "set the fold window", CAP_CHANGE,
				build_set_config, NULL, &sc);
	if (status == PMG_EXIT_OK)
		printf("pmguard: fold window set to %" PRIu32 " ms%s\n", sc.fold_ms,
		       sc.fold_ms ? "" : " (folding off)");
	return status;
}

int pmg_cmd_lock(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "yes",  no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int status = PMG_EXIT_OK;
	bool yes = false;
	int opt;

	while ((opt = pmg_next_option("lock", argc, argv, ":yh", longopts, &status)) != -1) {
		if (opt == 'y')
			yes = true;
		if (opt == 'h') {
			pmg_print_help("lock");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK || (status = pmg_no_extra_args("lock", argc, argv)))
		return status;
	if (!yes) {
		fprintf(stderr, "pmguard lock: refusing without --yes: locking freezes the "
			"policy and the mode and pins the module until the next reboot; "
			"it cannot be undone\n");
		return PMG_EXIT_USAGE;
	}
	status = simple_request(PMGUARD_CMD_LOCK, "lock the policy", CAP_CHANGE,
				NULL, NULL, NULL);
	if (status == PMG_EXIT_OK)
		printf("pmguard: policy and mode locked until reboot\n");
	return status;
}

int pmg_cmd_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum pmg_format fmt = PMG_FMT_TEXT;
	char host[HOST_NAME_MAX + 1];
	struct pmg_config *cfg;
	struct pmg_nl nl = { 0 };
	int status = PMG_EXIT_OK;
	int opt;

	while ((opt = pmg_next_option("config", argc, argv, ":jh", longopts, &status)) != -1) {
		if (opt == 'j')
			fmt = PMG_FMT_JSON;
		if (opt == 'h') {
			pmg_print_help("config");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK || (status = pmg_no_extra_args("config", argc, argv)))
		return status;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return out_of_memory();
	status = pmg_nl_open(&nl);
	if (status == PMG_EXIT_OK)
		status = pmg_query_config(&nl, cfg);
	pmg_nl_close(&nl);
	if (status == PMG_EXIT_OK) {
		pmg_hostname(host, sizeof(host));
		status = pmg_print_result(pmg_format_config(fmt, cfg, pmg_now_ns(), host));
	}
	free(cfg);
	return status;
}
