// SPDX-License-Identifier: GPL-2.0
/*
 * The command line's words: the help texts, the usage, and option
 * parsing with our own messages (see cli.h).  Nothing here calls back
 * into pmguard.c or the commands: they call this.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
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
		.name = "status",
		.synopsis = "status [--json] [--policy FILE] ...",
		.summary = "is the guard working? exit 0 healthy, 1 degraded, 3, 4",
		.help =
"Usage: pmguard status [--json] [--policy FILE] [--since FILE]\n"
"\n"
"One screen that says whether the guard works: module loaded, its version\n"
"and the reader's, mode, lock, blind, probes registered and probed, missed\n"
"probe hits, drops, priority events dropped, subscribers, stale rules, and\n"
"whether the running policy is the one in the policy file.  The first line\n"
"is the verdict: \"status: healthy\" or \"status: degraded: REASON; ...\".\n"
"\n"
"  -j, --json          one JSON object (\"degraded\": the reasons)\n"
"  -p, --policy FILE   compare the running policy with FILE (default\n"
"                      /etc/pmguard/policy.conf; rules naming executables\n"
"                      missing here are left out, as pmguard-policy.service's\n"
"                      'policy load --skip-missing' does)\n"
"  -s, --since FILE    count missed probe hits, priority drops and blindings\n"
"                      since the check that wrote FILE (each run rewrites\n"
"                      it); without it, since the module was loaded\n"
"  -h, --help          this help\n"
"\n"
"Degraded: blind now (or blinded since), no probes or a kind not probed,\n"
"probe hits missed, priority events dropped, no subscriber, stale rules,\n"
"module and reader versions differ, the policy differs from FILE (or FILE\n"
"is missing or does not parse).  Other drops (queue_full, no_listener, ...)\n"
"are shown but do not degrade.\n"
"\n"
"Exit status: 0 healthy, 1 degraded (also when a question to the module\n"
"failed), 2 usage error, 3 module not loaded, 4 permission denied (asking\n"
"the module needs CAP_NET_ADMIN in the initial user namespace), 5 output.\n",
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
"       pmguard policy save [--force] [FILE]\n"
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
"          FILE atomically); 'policy load' takes it back.  The file written\n"
"          has no comments: a FILE that exists and is not the running policy\n"
"          is replaced only with --force, which keeps it as FILE.bak (one that\n"
"          holds it already is left as it is)\n"
"  check   validate FILE only\n"
"\n"
"  --skip-missing   drop (with a warning each) rules whose caller_exe,\n"
"                   caller_script or target_exe does not exist on this\n"
"                   host; the module refuses a policy naming a missing file\n"
"  -j, --json       list: a JSON array of rule objects\n"
"  -f, --force      save: replace an existing FILE (kept as FILE.bak)\n"
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
"        ptrace_read ptrace_write (PEEK/POKE, register reads/writes)\n"
"        getfd (pidfd_getfd) pageout (process_madvise PAGEOUT/COLD)\n"
"        kcore (/proc/kcore) core (a core dump) fd_reopen\n"
"        (/proc/<pid>/fd/N or map_files reopen) uprobe (a uprobe on a file);\n"
"        all alone: any kind\n"
"  FLAG: caller_cap_ptrace caller_is_tracer caller_is_ancestor same_uid\n"
"        target_sensitive comm_mismatch comm_spoofs_allowed task_alias\n"
"        target_exe_unknown exe_replaced cross_container from_container\n"
"        target_nondumpable\n"
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
"only reported; enforce: an access a deny rule matches fails: a procfs\n"
"open (mem, environ, maps, ...) with EACCES, process_vm_readv/writev,\n"
"ptrace attach/seize and pidfd_getfd with EPERM, an attached tracer's\n"
"PEEK/POKE with EIO.\n"
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

/* The doc of "policy add" is policy's: the first word names it. */
static const struct pmg_command_doc *command_doc(const char *cmd)
{
	size_t len = strcspn(cmd, " ");

	for (size_t i = 0; i < N_DOCS; i++)
		if (strlen(docs[i].name) == len && strncmp(docs[i].name, cmd, len) == 0)
			return &docs[i];
	return NULL;
}

int pmg_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	const struct pmg_command_doc *doc = cmd ? command_doc(cmd) : NULL;
	const char *end;

	fprintf(stderr, "pmguard%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	fprintf(stderr, fmt, arg);
	fputs("\n\n", stderr);
	if (!doc) {
		pmg_print_usage(stderr);
		return PMG_EXIT_USAGE;
	}
	/* That command's synopsis: its help up to the first blank line. */
	end = strstr(doc->help, "\n\n");
	fprintf(stderr, "%.*s", end ? (int)(end - doc->help + 1) : (int)strlen(doc->help),
		doc->help);
	fprintf(stderr, "Try 'pmguard help %s' for more.\n", doc->name);
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

int pmg_print_result(char *s)
{
	int status = PMG_EXIT_OK;

	if (!s) {
		fprintf(stderr, "pmguard: out of memory\n");
		return PMG_EXIT_ERROR;
	}
	if (printf("%s\n", s) < 0 || fflush(stdout) == EOF) {
		fprintf(stderr, "pmguard: cannot write to standard output: %s\n",
			strerror(errno));
		status = PMG_EXIT_OUTPUT;
	}
	free(s);
	return status;
}
