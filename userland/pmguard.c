// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard: command-line reader for the pmguard kernel module.
 *
 *   pmguard monitor [--json] [--output FILE]   stream events, one per line
 *   pmguard stats [--json]                     the module's counters
 *   pmguard policy list|add|del|flush|load|save|check   (policy_cmd.c)
 *   pmguard mode [audit|enforce], config, fold MS, lock --yes
 *   pmguard help [COMMAND] | --help | --version
 *
 * Exit codes: see exit_codes.h (and the --help text).
 *
 * Commands live in two tables: commands[] below (what runs) and docs[]
 * in cli.c (the help texts); adding one means writing a run function and
 * adding a row to each.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <systemd/sd-daemon.h>
/* No CODE_FILE/CODE_LINE/CODE_FUNC of pmguard.c in every entry. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include <linux/pmguard.h>

#include "atomic.h"
#include "event.h"
#include "exit_codes.h"
#include "format.h"
#include "monitor.h"
#include "nl.h"
#include "cli.h"
#include "prom.h"
#include "query.h"

/* Receive buffer for the events socket: absorbs bursts of events. */
#define MONITOR_RCVBUF (8 * 1024 * 1024)
/* Messages handled per poll() wake-up, so signals are seen under load. */
#define MONITOR_BATCH 64
/*
 * Messages read when stopping: about what the receive buffer holds (no
 * message is under 512 bytes of buffer), so a flood cannot stall a stop.
 */
#define MONITOR_DRAIN_MAX (MONITOR_RCVBUF / 512)
/* Mode of a file created by --output: events name users and programs. */
#define OUTPUT_FILE_MODE 0640

/* ---- monitor ---------------------------------------------------------- */

/* The running monitor: stream logic (monitor.c) plus its resources. */
struct monitor {
	struct pmg_monitor core;
	const char *path;		/* --output FILE, or NULL for stdout */
	struct pmg_nl nl;
	const char *prom_path;		/* --prometheus FILE, or NULL */
	unsigned int prom_interval;	/* seconds */
	int timerfd;			/* ticks every prom_interval, or -1 */
	struct pmg_nl stats_nl;		/* quiet socket for GET_STATS */
	bool stats_failing;		/* warned that the kernel part is missing */
	bool prom_failing;		/* warned that FILE cannot be written */
};

/* Where sd_journal_sendv() sends entries. */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* sd_journal_sendv() as the monitor's journal sink. */
static int journal_send(const struct iovec *iov, int n, void *ctx)
{
	(void)ctx;
	return sd_journal_sendv(iov, n);
}

static int on_prom_stats(struct nlmsghdr *nlh, void *arg)
{
	return pmg_stats_parse(nlh, arg);
}

/*
 * The kernel's counters for the metrics, on a socket of their own (the
 * events socket is non-blocking and busy).  The socket is reopened after
 * a failure: a reloaded module has a new family id.  Failures are warned
 * about when they start and when they end, not every interval.
 */
static bool prom_stats(struct monitor *m, struct pmguard_stats *st)
{
	int status = PMG_EXIT_OK;

	m->stats_nl.quiet = true;
	if (!m->stats_nl.sk)
		status = pmg_nl_open(&m->stats_nl);
	if (status == PMG_EXIT_OK)
		status = pmg_nl_request(&m->stats_nl, PMGUARD_CMD_GET_STATS,
					"read statistics", "CAP_NET_ADMIN", NULL,
					on_prom_stats, st);
	if (status != PMG_EXIT_OK) {
		pmg_nl_close(&m->stats_nl);
		if (!m->stats_failing)
			fprintf(stderr, "pmguard: warning: metrics for %s without the "
				"module's counters (pmguard_kernel_up 0): %s", m->prom_path,
				m->stats_nl.last_error[0] ? m->stats_nl.last_error : "failed\n");
		m->stats_failing = true;
		return false;
	}
	if (m->stats_failing)
		fprintf(stderr, "pmguard: the module's counters are back in %s\n",
			m->prom_path);
	m->stats_failing = false;
	return true;
}

static void write_prom(struct monitor *m)
{
	struct pmguard_stats *st = calloc(1, sizeof(*st));
	char *text;
	int err;

	if (!st) {
		fprintf(stderr, "pmguard: out of memory writing %s\n", m->prom_path);
		return;
	}
	text = pmg_prom_render(&m->core.counters, prom_stats(m, st) ? st : NULL);
	free(st);
	err = text ? pmg_prom_write(m->prom_path, text) : -ENOMEM;
	free(text);
	if (err < 0) {
		if (!m->prom_failing)
			fprintf(stderr, "pmguard: warning: cannot write metrics to %s: %s\n",
				m->prom_path, strerror(-err));
		m->prom_failing = true;
	} else {
		if (m->prom_failing)
			fprintf(stderr, "pmguard: metrics written to %s again\n", m->prom_path);
		m->prom_failing = false;
	}
}

static int start_prom_timer(struct monitor *m)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = m->prom_interval },
		.it_value = { .tv_sec = m->prom_interval },
	};

	m->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (m->timerfd < 0 || timerfd_settime(m->timerfd, 0, &its, NULL) < 0) {
		fprintf(stderr, "pmguard: cannot set up the metrics timer: %s\n",
			strerror(errno));
		return PMG_EXIT_ERROR;
	}
	return PMG_EXIT_OK;
}

static void prom_tick(struct monitor *m)
{
	uint64_t expirations;

	/* Several missed ticks (suspend) still make one write. */
	if (read(m->timerfd, &expirations, sizeof(expirations)) > 0)
		write_prom(m);
}

static FILE *open_output(const char *path)
{
	int fd = pmg_open_append(path, OUTPUT_FILE_MODE);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "a");
	if (!f)
		close(fd);
	return f;
}

/* SIGHUP: logrotate moved the file away; start a new one at the path. */
static void reopen_output(struct monitor *m)
{
	FILE *f;

	pmg_monitor_read_hostname(&m->core);
	if (!m->path)
		return;
	f = open_output(m->path);
	if (!f) {
		/* Keep writing to the old file rather than losing events. */
		fprintf(stderr, "pmguard: warning: cannot reopen %s (%s); "
			"still writing to the previous file\n", m->path, strerror(errno));
		return;
	}
	if (fclose(m->core.out) != 0)
		fprintf(stderr, "pmguard: warning: closing the previous %s: %s\n",
			m->path, strerror(errno));
	m->core.out = f;
	/* A fresh file may succeed where the old one failed (disk full). */
	m->core.out_failed = false;
}

static int join_group(void *ctx, int group)
{
	return pmg_nl_join_group(ctx, group);
}

static int on_message(struct nl_msg *msg, void *arg)
{
	struct monitor *m = arg;

	pmg_monitor_handle(&m->core, nlmsg_hdr(msg));
	return m->core.stop ? NL_STOP : NL_OK;
}

static void handle_signals(struct monitor *m, int fd)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGUSR1:
			pmg_monitor_print_counters(&m->core, stderr);
			break;
		case SIGHUP:
			reopen_output(m);
			break;
		case SIGINT:
		case SIGTERM:
			m->core.stop = true;
			break;
		}
	}
}

/* Handle up to @max waiting messages; return when the socket is empty. */
static void receive(struct monitor *m, int max)
{
	for (int i = 0; i < max && !m->core.stop; i++) {
		int err = nl_recvmsgs_default(m->nl.sk);

		if (err >= 0)
			continue;
		if (err == -NLE_AGAIN)
			return;
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped messages for us. */
			pmg_monitor_overrun(&m->core);
			continue;
		}
		fprintf(stderr, "pmguard: receiving events failed: %s\n", nl_geterror(err));
		pmg_monitor_fail(&m->core, PMG_EXIT_ERROR);
	}
}

/*
 * Signals are read from a signalfd in the poll loop, never delivered
 * asynchronously, so no handler can interrupt a line half-written.
 */
static int block_signals(void)
{
	sigset_t set;

	/* A write to a closed pipe must fail with EPIPE (exit 5), not kill us. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/*
 * Asked to stop (SIGTERM, SIGINT): what the kernel already delivered to
 * our socket was counted as reported there, so log it rather than lose it
 * uncounted with the socket.  Read until the socket is empty or as much
 * as it can hold has been read.
 */
static void drain(struct monitor *m)
{
	m->core.stop = false;	/* else receive() returns at once */
	receive(m, MONITOR_DRAIN_MAX);
	m->core.stop = true;
}

static int monitor_loop(struct monitor *m, int sigfd)
{
	struct pollfd fds[3] = {
		{ .fd = nl_socket_get_fd(m->nl.sk), .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
		{ .fd = m->timerfd, .events = POLLIN },
	};
	nfds_t nfds = m->timerfd >= 0 ? 3 : 2;

	while (!m->core.stop) {
		if (poll(fds, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "pmguard: poll: %s\n", strerror(errno));
			return PMG_EXIT_ERROR;
		}
		/* Signals first: a SIGTERM under a flood still stops us promptly. */
		if (fds[1].revents)
			handle_signals(m, sigfd);
		if (fds[0].revents && !m->core.stop)
			receive(m, MONITOR_BATCH);
		if (nfds == 3 && fds[2].revents && !m->core.stop)
			prom_tick(m);
	}
	if (m->core.status == PMG_EXIT_OK)
		drain(m);
	return m->core.status;
}

static int monitor_setup(struct monitor *m)
{
	int status;

	status = pmg_nl_open(&m->nl);
	if (status != PMG_EXIT_OK)
		return status;
	m->core.family = m->nl.family;
	m->core.join_group = join_group;
	m->core.join_ctx = &m->nl;
	nl_socket_disable_seq_check(m->nl.sk);
	nl_socket_modify_cb(m->nl.sk, NL_CB_VALID, NL_CB_CUSTOM, on_message, m);
	pmg_nl_grow_rcvbuf(&m->nl, MONITOR_RCVBUF);

	status = pmg_nl_subscribe(&m->nl);
	if (status != PMG_EXIT_OK)
		return status;
	if (nl_socket_set_nonblocking(m->nl.sk) < 0) {
		fprintf(stderr, "pmguard: cannot make the netlink socket non-blocking\n");
		return PMG_EXIT_ERROR;
	}
	return PMG_EXIT_OK;
}

/* Longest --prometheus-interval: one day. */
#define PROM_INTERVAL_MAX 86400
#define PROM_INTERVAL_DEFAULT 15

static int cmd_monitor(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",		 no_argument,	    NULL, 'j' },
		{ "output",		 required_argument, NULL, 'o' },
		{ "journal",		 no_argument,	    NULL, 'J' },
		{ "prometheus",		 required_argument, NULL, 'p' },
		{ "prometheus-interval", required_argument, NULL, 'i' },
		{ "help",		 no_argument,	    NULL, 'h' },
		{ 0 }
	};
	enum pmg_format fmt = PMG_FMT_TEXT;
	struct monitor m = { .timerfd = -1, .prom_interval = PROM_INTERVAL_DEFAULT };
	bool journal = false, json = false, interval_set = false;
	FILE *out = stdout;
	int status = PMG_EXIT_OK;
	int opt, sigfd;
	char *end;
	unsigned long v;

	while ((opt = pmg_next_option("monitor", argc, argv, ":jo:Jp:i:h", longopts,
				      &status)) != -1) {
		switch (opt) {
		case 'j':
			fmt = PMG_FMT_JSON;
			json = true;
			break;
		case 'o':
			m.path = optarg;
			break;
		case 'J':
			journal = true;
			break;
		case 'p':
			m.prom_path = optarg;
			break;
		case 'i':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] < '0' || optarg[0] > '9' ||
			    v < 1 || v > PROM_INTERVAL_MAX)
				return pmg_usage_error("monitor", "--prometheus-interval: '%s' "
						       "is not a number of seconds from 1 "
						       "to 86400", optarg);
			m.prom_interval = (unsigned int)v;
			interval_set = true;
			break;
		case 'h':
			pmg_print_help("monitor");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK || (status = pmg_no_extra_args("monitor", argc, argv)))
		return status;
	if (interval_set && !m.prom_path)
		return pmg_usage_error("monitor", "%s", "--prometheus-interval needs "
				       "--prometheus FILE");

	/* Open the output first: a typo in the path must not need root to show. */
	if (m.path && !(out = open_output(m.path))) {
		fprintf(stderr, "pmguard: cannot open output file %s: %s\n",
			m.path, strerror(errno));
		return PMG_EXIT_OUTPUT;
	}
	pmg_monitor_init(&m.core, fmt, out, m.path ? m.path : "standard output", -1);
	/* --journal alone: the journal only; with --json or --output: both. */
	m.core.journal = journal;
	m.core.stream = !journal || json || m.path;
	m.core.journal_send = journal_send;
	/*
	 * sd_journal_sendv() reports success when journald is not running
	 * (its socket is missing) and the entry goes nowhere: say so once.
	 */
	if (journal && access(JOURNAL_SOCKET, W_OK) < 0)
		fprintf(stderr, "pmguard: warning: --journal: %s: %s; journald does not "
			"seem to run, and entries sent to it are lost%s\n", JOURNAL_SOCKET,
			strerror(errno), m.core.stream ? "" : " (and nothing else is written)");

	sigfd = block_signals();
	if (sigfd < 0) {
		fprintf(stderr, "pmguard: cannot set up signal handling: %s\n", strerror(errno));
		status = PMG_EXIT_ERROR;
		goto out;
	}
	status = monitor_setup(&m);
	if (status == PMG_EXIT_OK && m.prom_path)
		status = start_prom_timer(&m);
	if (status == PMG_EXIT_OK) {
		if (m.prom_path)
			write_prom(&m);
		/* Under systemd (Type=notify): ready once we are subscribed. */
		sd_notify(0, "READY=1");
		status = monitor_loop(&m, sigfd);
		sd_notify(0, "STOPPING=1");
		pmg_monitor_print_counters(&m.core, stderr);
		if (m.prom_path)
			write_prom(&m);
		/* Failing to write the final counters still fails the run. */
		if (status == PMG_EXIT_OK)
			status = m.core.status;
	}
	close(sigfd);
out:
	if (m.timerfd >= 0)
		close(m.timerfd);
	pmg_nl_close(&m.stats_nl);
	pmg_nl_close(&m.nl);
	if (m.path && fclose(m.core.out) != 0 && status == PMG_EXIT_OK) {
		fprintf(stderr, "pmguard: cannot write to %s: %s\n", m.path, strerror(errno));
		status = PMG_EXIT_OUTPUT;
	}
	return status;
}

/* ---- stats ------------------------------------------------------------ */

static int cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum pmg_format fmt = PMG_FMT_TEXT;
	struct pmguard_stats *st;
	struct pmg_nl nl = { 0 };
	char host[HOST_NAME_MAX + 1];
	int status = PMG_EXIT_OK;
	int opt;

	while ((opt = pmg_next_option("stats", argc, argv, ":jh", longopts, &status)) != -1) {
		switch (opt) {
		case 'j':
			fmt = PMG_FMT_JSON;
			break;
		case 'h':
			pmg_print_help("stats");
			return PMG_EXIT_OK;
		}
	}
	if (status != PMG_EXIT_OK || (status = pmg_no_extra_args("stats", argc, argv)))
		return status;

	st = calloc(1, sizeof(*st));
	if (!st) {
		fprintf(stderr, "pmguard: out of memory\n");
		return PMG_EXIT_ERROR;
	}
	status = pmg_nl_open(&nl);
	if (status == PMG_EXIT_OK)
		status = pmg_query_stats(&nl, st);
	pmg_nl_close(&nl);
	if (status != PMG_EXIT_OK)
		goto out;

	pmg_hostname(host, sizeof(host));
	status = pmg_print_result(pmg_format_stats(fmt, st, pmg_now_ns(), host));
out:
	free(st);
	return status;
}

/* ---- help, version, dispatch ------------------------------------------ */

static int cmd_help(int argc, char **argv)
{
	const char *help;

	if (argc > 2)
		return pmg_usage_error("help", "unexpected argument '%s'", argv[2]);
	if (argc < 2) {
		pmg_print_usage(stdout);
		return PMG_EXIT_OK;
	}
	help = pmg_command_help(argv[1]);
	if (!help)
		return pmg_usage_error(NULL, "unknown command '%s'", argv[1]);
	fputs(help, stdout);
	return PMG_EXIT_OK;
}

/* What runs each command; their help texts are in cli.c. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "monitor",	cmd_monitor },
	{ "stats",	cmd_stats },
	{ "status",	pmg_cmd_status },
	{ "policy",	pmg_cmd_policy },
	{ "mode",	pmg_cmd_mode },
	{ "config",	pmg_cmd_config },
	{ "fold",	pmg_cmd_fold },
	{ "lock",	pmg_cmd_lock },
	{ "help",	cmd_help },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return pmg_usage_error(NULL, "%s", "missing command");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		pmg_print_usage(stdout);
		return PMG_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("pmguard %s (%s%sgeneric netlink protocol version %d)\n",
		       PMG_VERSION, PMG_BUILD[0] ? "git " PMG_BUILD : "",
		       PMG_BUILD[0] ? ", " : "", PMGUARD_GENL_VERSION);
		return PMG_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		return pmg_usage_error(NULL, "unknown option '%s'", argv[1]);
	return pmg_usage_error(NULL, "unknown command '%s'", argv[1]);
}
