/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitor's stream logic: netlink message in, output lines out.
 *
 * Kept apart from sockets, signals and poll() (pmguard.c) so the whole
 * path from a message to the lines it produces -- loss notes before the
 * event, counters, module reload handling -- is unit-tested by feeding
 * messages built in memory.
 */
#ifndef PMG_MONITOR_H
#define PMG_MONITOR_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "account.h"
#include "format.h"

struct nlmsghdr;
struct iovec;

struct pmg_monitor {
	enum pmg_format fmt;
	bool stream;			/* write records to out (default) */
	bool journal;			/* send records to the journal too */
	FILE *out;			/* the event stream */
	const char *out_name;		/* for error messages */
	bool out_failed;		/* a write failed: stop writing */
	char host[HOST_NAME_MAX + 1];
	int family;			/* our family id: events carry it as type */
	struct pmg_seq_tracker seq;
	struct pmg_counters counters;
	bool stop;			/* the loop should end */
	int status;			/* exit code (exit_codes.h) once stopped */
	bool warned_unknown_cmd;
	/*
	 * Called when the module (re)appears with its "events" group id;
	 * returns an exit code.  pmguard.c joins the group here.
	 */
	int (*join_group)(void *ctx, int group);
	void *join_ctx;
	/*
	 * Sends one journal entry (sd_journal_sendv in pmguard.c, a recorder
	 * in the tests); returns 0 or -errno.
	 */
	int (*journal_send)(const struct iovec *iov, int n, void *ctx);
	void *journal_ctx;
	bool journal_failing;		/* warned about the current failure */
};

void pmg_monitor_init(struct pmg_monitor *m, enum pmg_format fmt, FILE *out,
		      const char *out_name, int family);

/* Re-read the host name (start-up and SIGHUP). */
void pmg_monitor_read_hostname(struct pmg_monitor *m);

/*
 * Handle one received message: an access event, a mem summary (which
 * has no seq of its own: not part of the loss accounting), or an nlctrl
 * notification.
 */
void pmg_monitor_handle(struct pmg_monitor *m, struct nlmsghdr *nlh);

/* The socket overran (ENOBUFS): report it; the next seq gap counts it. */
void pmg_monitor_overrun(struct pmg_monitor *m);

/*
 * Print the counters: in JSON mode as a {"type":"counters"} record in
 * the event stream, in text mode (or without a stream: --journal alone)
 * as a block on text_out (stderr), which keeps the event stream one line
 * per event.
 */
void pmg_monitor_print_counters(struct pmg_monitor *m, FILE *text_out);

/* Stop with an exit code (the first failure wins). */
void pmg_monitor_fail(struct pmg_monitor *m, int status);

#endif /* PMG_MONITOR_H */
