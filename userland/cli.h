/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared pieces of the command line: the help texts and option parsing
 * with our own messages (cli.c), and the commands that live in other
 * files (policy_cmd.c).  Every function returning int returns an exit
 * code (exit_codes.h) and has printed its message.
 */
#ifndef PMG_CLI_H
#define PMG_CLI_H

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

/* Print a command's --help text on stdout. */
void pmg_print_help(const char *name);

/* policy_cmd.c */
int pmg_cmd_policy(int argc, char **argv);
int pmg_cmd_mode(int argc, char **argv);
int pmg_cmd_lock(int argc, char **argv);
int pmg_cmd_config(int argc, char **argv);
int pmg_cmd_fold(int argc, char **argv);

#endif /* PMG_CLI_H */
