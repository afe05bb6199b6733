/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared pieces of the command line: the help texts and option parsing
 * with our own messages (cli.c), and the commands that live in other
 * files (policy_cmd.c).  Every function returning int returns an exit
 * code (exit_codes.h) and has printed its message.
 */
#ifndef PMG_CLI_H
#define PMG_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct option;

/* The usage: every command's synopsis and summary, the exit codes. */
void pmg_print_usage(FILE *f);

/* A command's --help text, or NULL for an unknown command. */
const char *pmg_command_help(const char *name);

/* "pmguard CMD: <fmt with arg>", then the usage; returns PMG_EXIT_USAGE. */
int pmg_usage_error(const char *cmd, const char *fmt, const char *arg);

/*
 * getopt_long with our messages (getopt's would name argv[0], which is
 * the subcommand here): a bad option is named as written ("-x" of
 * "-xj", "--name" of "--name=value").  Returns the option, or -1 at the
 * end; on a bad option *status is set to PMG_EXIT_USAGE after the
 * message.
 */
int pmg_next_option(const char *cmd, int argc, char **argv, const char *shortopts,
		    const struct option *longopts, int *status);

/* PMG_EXIT_USAGE (with a message) if arguments remain after the options. */
int pmg_no_extra_args(const char *cmd, int argc, char **argv);

/*
 * Print s (a command's result) and a newline on stdout, and free s; NULL
 * is out of memory.  An exit code: PMG_EXIT_OUTPUT when stdout fails.
 */
int pmg_print_result(char *s);

/* Print a command's --help text on stdout. */
void pmg_print_help(const char *name);

/*
 * The reader's version: the package's, dkms.conf PACKAGE_VERSION (equal
 * to the module's MODULE_VERSION), given by the Makefile; PMG_BUILD is
 * the git revision it was built from, when known.
 */
#ifndef PMG_VERSION
#define PMG_VERSION "0.0.0-dev"
#endif
#ifndef PMG_BUILD
#define PMG_BUILD ""
#endif

/* policy_cmd.c */
int pmg_cmd_policy(int argc, char **argv);
int pmg_cmd_mode(int argc, char **argv);
int pmg_cmd_lock(int argc, char **argv);
int pmg_cmd_config(int argc, char **argv);
int pmg_cmd_fold(int argc, char **argv);

/*
 * Rules of pol (read from path) whose caller_exe or target_exe does not
 * exist on this host: the module would refuse the whole policy.  skip:
 * drop them (as "policy load --skip-missing" does); warn: a warning each
 * on stderr.  Returns the number of such rules.
 */
struct pmg_policy;
size_t pmg_policy_skip_missing(const char *path, struct pmg_policy *pol, bool skip,
			       bool warn);

/* status_cmd.c */
int pmg_cmd_status(int argc, char **argv);

#endif /* PMG_CLI_H */
