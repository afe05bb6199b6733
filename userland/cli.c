// SPDX-License-Identifier: GPL-2.0
/*
 * The command line's words: the help texts, the usage, and option
 * parsing with our own messages (see cli.h).  Nothing here calls back
 * into pmguard.c or the commands: they call this.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"

struct pmg_command_doc {
	const char *name;
	const char *synopsis;
	const char *summary;
	const char *help;
};

static const struct pmg_command_doc docs[] = {
	{
		.name = "monitor",
		.synopsis = "monitor [--json] [--output FILE] ...",
		.summary = "print each access event reported by the module, one per line",
		.help =
"Usage: pmguard monitor [--json] [--output FILE] [--journal]\n"
"                       [--prometheus FILE [--prometheus-interval SECONDS]]\n"
"\n"
"Subscribe to the module's events and print one line per event: access\n"
"events (a folded one stands for count=N accesses) and SUMMARY lines /\n"
"{\"type\":\"mem_summary\"} records of what was read through a mem file.\n"
"Needs CAP_NET_ADMIN in the initial user namespace (run as root).\n"
"\n"
"  -j, --json          JSON lines instead of text\n"
"  -o, --output FILE   append to FILE (reopened on SIGHUP) instead of stdout\n"
"      --journal       send each record to the systemd journal (MESSAGE_ID,\n"
"                      PRIORITY from the severity, PMGUARD_* fields); alone it\n"
"                      writes nothing else, with --json or --output both\n"
"      --prometheus FILE\n"
"                      write metrics for node_exporter's textfile collector\n"
"                      to FILE (atomically) every interval and at exit\n"
"      --prometheus-interval SECONDS   default 15\n"
"  -h, --help          this help\n"
"\n"
"Lost events (gaps in the kernel's sequence numbers, receive-buffer\n"
"overruns) are reported as LOST lines / {\"type\":\"lost\"} records.\n"
"Signals: SIGUSR1 prints the counters (text: stderr; JSON: in the stream),\n"
"SIGHUP reopens FILE, SIGINT/SIGTERM log the events already in the socket,\n"
"print the counters and exit 0.\n",
	},
	{
		.name = "stats",
		.synopsis = "stats [--json]",
		.summary = "print the module's counters and mode",
		.help =
"Usage: pmguard stats [--json]\n"
"\n"
"Ask the module for its counters (PMGUARD_CMD_GET_STATS) and print them.\n"
"\n"
"  -j, --json   one JSON object instead of text\n"
"  -h, --help   this help\n",
	},
	{
		.name = "policy",
		.synopsis = "policy list|add|del|flush|load|...",
		.summary = "show, change, load, save or check the rules",
		.help =
"Usage: pmguard policy list [--json]\n"
"       pmguard policy add [--index N] rule NAME action=A [FIELD=VALUE ...]\n"
"       pmguard policy del NAME\n"
"       pmguard policy flush\n"
"       pmguard policy load [--skip-missing] FILE\n"
"       pmguard policy save [FILE]\n"
"       pmguard policy check [--skip-missing] FILE\n"
"\n"
"  list    print the rules in the order they are tried (first match wins);\n"
"          STALE marks a rule whose executable path names another file now\n"
"  add     insert one rule, written as a 'rule' line of the policy file, at\n"
"          position N (from 0; default: at the end)\n"
"  del     remove the rule called NAME\n"
"  flush   remove every rule (the default action then applies to all)\n"
"  load    validate FILE completely, then replace the whole policy (rules,\n"
"          default, sensitive names) in one atomic step; on any error print\n"
"          FILE:LINE: reason and change nothing (exit 2)\n"
"  save    write the running policy in the file format (to stdout, or to\n"
"          FILE atomically); 'policy load' takes it back\n"
"  check   validate FILE only\n"
"\n"
"  --skip-missing   drop (with a warning each) rules whose caller_exe,\n"
"                   caller_script or target_exe does not exist on this\n"
"                   host; the module refuses a policy naming a missing file\n"
"  -j, --json       list: a JSON array of rule objects\n"
"\n"
"File format (default file: /etc/pmguard/policy.conf):\n"
"  # comment ('#' outside double quotes starts one)\n"
"  default action=allow|alert|deny [severity=info|low|medium|high|critical]\n"
"  sensitive NAME...        (repeatable; at most 64 names of < 64 bytes)\n"
"  rule NAME action=A [severity=S] [caller_exe=/PATH] [caller_script=/PATH]\n"
"       [caller_comm=COMM] [caller_uid=UID|USER] [target_exe=/PATH]\n"
"       [target_comm=COMM]\n"
"       [kinds=KIND,...|all] [access=read,write] [if=FLAG,...] [unless=FLAG,...]\n"
"  Rules are tried in order, the first match decides; a rule without\n"
"  severity= gets medium.  caller_script: a script the caller runs by its\n"
"  #! line (its executable is the interpreter), matched by identity.\n"
"  KIND: mem environ maps smaps smaps_rollup numa_maps pagemap auxv\n"
"        vm_read vm_write (process_vm_readv/writev) ptrace (attach, seize)\n"
"        ptrace_read ptrace_write (PEEK/POKE) getfd (pidfd_getfd);\n"
"        all alone: any kind\n"
"  FLAG: caller_cap_ptrace caller_is_tracer caller_is_ancestor same_uid\n"
"        target_sensitive comm_mismatch comm_spoofs_allowed task_alias\n"
"        target_exe_unknown exe_replaced cross_container from_container\n"
"  Values may be double-quoted (\\\" and \\\\ escapes) to hold blanks or '#'.\n"
"  add: one rule line, as one argument or one word per token; a '#'\n"
"  outside quotes is an error there, not a comment.\n"
"\n"
"Reading needs CAP_NET_ADMIN, changing also CAP_SYS_ADMIN (initial user\n"
"namespace).  After 'pmguard lock' the module refuses every change.\n",
	},
	{
		.name = "mode",
		.synopsis = "mode [audit|enforce]",
		.summary = "print or set the mode (enforce: deny rules refuse the access)",
		.help =
"Usage: pmguard mode [audit|enforce]\n"
"\n"
"Without an argument, print the module's mode.  audit: every access is\n"
"only reported; enforce: accesses a deny rule matches fail with EPERM.\n"
"Setting it needs CAP_SYS_ADMIN; refused once the module is locked.\n",
	},
	{
		.name = "config",
		.synopsis = "config [--json]",
		.summary = "print mode, lock state, fold window, defaults, sensitive names",
		.help =
"Usage: pmguard config [--json]\n"
"\n"
"Ask the module for its configuration (PMGUARD_CMD_GET_CONFIG): mode,\n"
"whether it is locked, the burst folding window, the default action and\n"
"severity, the number of rules and the sensitive process names.\n"
"\n"
"  -j, --json   one JSON object instead of text\n"
"  -h, --help   this help\n",
	},
	{
		.name = "fold",
		.synopsis = "fold MS",
		.summary = "set the burst folding window (0: off)",
		.help =
"Usage: pmguard fold MS\n"
"\n"
"Repeated identical accesses within MS milliseconds are reported as one\n"
"event with a count (flag \"folded\"); 0 turns folding off.\n"
"Needs CAP_SYS_ADMIN; refused once the module is locked.\n",
	},
	{
		.name = "lock",
		.synopsis = "lock --yes",
		.summary = "freeze policy and mode until reboot (irreversible)",
		.help =
"Usage: pmguard lock --yes\n"
"\n"
"Freeze the policy and the mode and pin the module (it can no longer be\n"
"unloaded) until the next reboot.  There is no unlock.  No question is\n"
"asked, but --yes is required so that it cannot happen by accident.\n"
"Needs CAP_SYS_ADMIN.\n",
	},
	{
		.name = "help",
		.synopsis = "help [COMMAND]",
		.summary = "show help for pmguard or one command",
		.help = "Usage: pmguard help [COMMAND]\n",
	},
};

#define N_DOCS (sizeof(docs) / sizeof(docs[0]))

const char *pmg_command_help(const char *name)
{
	for (size_t i = 0; i < N_DOCS; i++)
		if (strcmp(docs[i].name, name) == 0)
			return docs[i].help;
	return NULL;
}

void pmg_print_help(const char *name)
{
	fputs(pmg_command_help(name), stdout);
}

void pmg_print_usage(FILE *f)
{
	fputs("Usage: pmguard <command> [options]\n"
	      "       pmguard --help | --version\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < N_DOCS; i++)
		fprintf(f, "  %-34s %s\n", docs[i].synopsis, docs[i].summary);
	fputs("\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  internal or unexpected error\n"
	      "  2  usage error\n"
	      "  3  kernel module not loaded\n"
	      "  4  permission denied (missing capability)\n"
	      "  5  cannot open or write the output\n", f);
}

int pmg_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "pmguard%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	fprintf(stderr, fmt, arg);
	fputs("\n\n", stderr);
	pmg_print_usage(stderr);
	return PMG_EXIT_USAGE;
}

/*
 * The message for the option getopt_long just refused (opt is '?' or
 * ':'), naming the option itself: "-x" of a cluster "-xj" (getopt may
 * not have moved optind past it), "--name" of "--name=value".  A long
 * option always moves optind past its word; a short one whose cluster
 * goes on does not, so a word that optind did not pass is short.
 */
static void option_error(char *buf, size_t size, int opt, char **argv, int before,
			 const struct option *longopts)
{
	const char *word = optind > before ? argv[optind - 1] : NULL;

	if (word && strncmp(word, "--", 2) == 0) {
		int len = (int)strcspn(word, "="), matches = 0;

		/* glibc takes an abbreviation that names one option. */
		for (const struct option *o = longopts; o && o->name; o++)
			matches += strncmp(o->name, word + 2, (size_t)len - 2) == 0;
		if (opt == ':')
			snprintf(buf, size, "option '%.*s' needs an argument", len, word);
		else if (word[len] == '=' && optopt)
			snprintf(buf, size, "option '%.*s' takes no argument", len, word);
		else if (matches > 1)
			snprintf(buf, size, "ambiguous option '%.*s'", len, word);
		else
			snprintf(buf, size, "unknown option '%.*s'", len, word);
	} else if (opt == ':') {
		snprintf(buf, size, "option '-%c' needs an argument", optopt);
	} else if (optopt > 0x20 && optopt < 0x7f) {
		snprintf(buf, size, "unknown option '-%c'", optopt);
	} else {
		snprintf(buf, size, "unknown option character 0x%02x", optopt & 0xff);
	}
}

int pmg_next_option(const char *cmd, int argc, char **argv, const char *shortopts,
		    const struct option *longopts, int *status)
{
	int before = optind, opt;
	char msg[160];

	opterr = 0;
	opt = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (opt == '?' || opt == ':') {
		option_error(msg, sizeof(msg), opt, argv, before, longopts);
		*status = pmg_usage_error(cmd, "%s", msg);
		return -1;
	}
	return opt;
}

int pmg_no_extra_args(const char *cmd, int argc, char **argv)
{
	if (optind < argc)
		return pmg_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return PMG_EXIT_OK;
}
