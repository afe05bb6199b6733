// SPDX-License-Identifier: GPL-2.0
/* Stream logic of "pmguard monitor"; see monitor.h. */
#include "monitor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>

#include <linux/pmguard.h>

#include "event.h"
#include "exit_codes.h"
#include "journal.h"

void pmg_monitor_init(struct pmg_monitor *m, enum pmg_format fmt, FILE *out,
		      const char *out_name, int family)
{
	memset(m, 0, sizeof(*m));
	m->fmt = fmt;
	m->stream = true;
	m->out = out;
	m->out_name = out_name;
	m->family = family;
	pmg_monitor_read_hostname(m);
}

void pmg_monitor_read_hostname(struct pmg_monitor *m)
{
	pmg_hostname(m->host, sizeof(m->host));
}

void pmg_monitor_fail(struct pmg_monitor *m, int status)
{
	m->stop = true;
	if (m->status == PMG_EXIT_OK)
		m->status = status;
}

/*
 * Write one record and flush, so a consumer (tail -f, a log shipper)
 * always sees whole lines.  A record that could not be built (ENOMEM) is
 * an error, not something to skip quietly.
 */
static void emit(struct pmg_monitor *m, char *line)
{
	if (!line) {
		fprintf(stderr, "pmguard: out of memory formatting a record\n");
		pmg_monitor_fail(m, PMG_EXIT_ERROR);
		return;
	}
	if (!m->out_failed &&
	    (fputs(line, m->out) == EOF || fputc('\n', m->out) == EOF ||
	     fflush(m->out) == EOF)) {
		fprintf(stderr, "pmguard: cannot write to %s: %s\n",
			m->out_name, strerror(errno));
		m->out_failed = true;
		pmg_monitor_fail(m, PMG_EXIT_OUTPUT);
	}
	free(line);
}

/*
 * Send one entry built by a pmg_journal_* function (built: its return).
 * A failure is warned about once until sending works again, and counted:
 * the stream (if any) still has the record.
 */
static void journal(struct pmg_monitor *m, int built, struct pmg_journal_fields *f)
{
	int err;

	if (built < 0) {
		fprintf(stderr, "pmguard: out of memory building a journal entry\n");
		pmg_monitor_fail(m, PMG_EXIT_ERROR);
		return;
	}
	err = m->journal_send ? m->journal_send(f->iov, (int)f->n, m->journal_ctx) : -ENOSYS;
	pmg_journal_free(f);
	if (err < 0) {
		m->counters.journal_errors++;
		if (!m->journal_failing)
			fprintf(stderr, "pmguard: warning: cannot send to the journal: %s "
				"(counted as journal_errors)\n", strerror(-err));
		m->journal_failing = true;
	} else {
		m->journal_failing = false;
	}
}

/*
 * Format the text line (MESSAGE=) with text_expr, then build the entry
 * with build_expr, which may use f_ (the fields) and text; a NULL text
 * is handled by journal() as ENOMEM.
 */
#define JOURNAL(m, text_expr, build_expr)				\
	do {								\
		struct pmg_journal_fields f_;				\
		char *text = (text_expr);				\
									\
		journal((m), text ? (build_expr) : -1, &f_);		\
		free(text);						\
	} while (0)

static void note(struct pmg_monitor *m, const char *what, const char *message)
{
	uint64_t now = pmg_now_ns();

	if (m->stream)
		emit(m, pmg_format_note(m->fmt, what, message, now, m->host));
	if (m->journal)
		JOURNAL(m, pmg_format_note(PMG_FMT_TEXT, what, message, now, m->host),
			pmg_journal_note(&f_, what, text));
}

void pmg_monitor_overrun(struct pmg_monitor *m)
{
	uint64_t now = pmg_now_ns();

	m->counters.overruns++;
	if (m->stream)
		emit(m, pmg_format_overrun(m->fmt, now, m->host));
	if (m->journal)
		JOURNAL(m, pmg_format_overrun(PMG_FMT_TEXT, now, m->host),
			pmg_journal_lost(&f_, NULL, text));
}

void pmg_monitor_print_counters(struct pmg_monitor *m, FILE *text_out)
{
	/* With the stream broken (or none), the counters still get out, on stderr. */
	enum pmg_format fmt = m->out_failed || !m->stream ? PMG_FMT_TEXT : m->fmt;
	char *s = pmg_format_counters(fmt, &m->counters, pmg_now_ns(), m->host);

	if (fmt == PMG_FMT_JSON) {
		emit(m, s);
		return;
	}
	if (s)
		fprintf(text_out, "%s\n", s);
	else
		fprintf(stderr, "pmguard: out of memory formatting the counters\n");
	free(s);
}

static void out_gap(struct pmg_monitor *m, const struct pmg_seq_report *r)
{
	uint64_t now = pmg_now_ns();

	if (m->stream)
		emit(m, pmg_format_gap(m->fmt, r, now, m->host));
	if (m->journal)
		JOURNAL(m, pmg_format_gap(PMG_FMT_TEXT, r, now, m->host),
			pmg_journal_lost(&f_, r, text));
}

static void out_reset(struct pmg_monitor *m, const struct pmg_seq_report *r, uint64_t seq)
{
	uint64_t now = pmg_now_ns();

	if (m->stream)
		emit(m, pmg_format_reset(m->fmt, r, seq, now, m->host));
	if (m->journal)
		JOURNAL(m, pmg_format_reset(PMG_FMT_TEXT, r, seq, now, m->host),
			pmg_journal_reset(&f_, r, seq, text));
}

static void handle_event(struct pmg_monitor *m, struct nlmsghdr *nlh)
{
	struct pmguard_event ev;
	struct pmg_seq_report r;
	int err = pmg_event_parse(nlh, &ev);

	if (err < 0) {
		m->counters.malformed++;
		fprintf(stderr, "pmguard: warning: malformed event message skipped "
			"(counted as malformed): %s\n", nl_geterror(err));
		return;
	}
	if (pmg_event_has(&ev, PMGUARD_A_SEQ)) {
		r = pmg_seq_observe(&m->seq, ev.seq);
		pmg_counters_add_seq(&m->counters, &r);
		if (r.verdict == PMG_SEQ_GAP)
			out_gap(m, &r);
		else if (r.verdict == PMG_SEQ_RESET)
			out_reset(m, &r, ev.seq);
	}
	pmg_counters_add_event(&m->counters, &ev);
	if (m->stream)
		emit(m, pmg_format_event(m->fmt, &ev, m->host));
	if (m->journal)
		JOURNAL(m, pmg_format_event(PMG_FMT_TEXT, &ev, m->host),
			pmg_journal_event(&f_, &ev, text));
}

/* Its PMGUARD_A_SEQ names the access it belongs to: no seq accounting. */
static void handle_summary(struct pmg_monitor *m, struct nlmsghdr *nlh)
{
	struct pmguard_mem_summary sum;
	int err = pmg_summary_parse(nlh, &sum);

	if (err < 0) {
		m->counters.malformed++;
		fprintf(stderr, "pmguard: warning: malformed mem summary message skipped "
			"(counted as malformed): %s\n", nl_geterror(err));
		return;
	}
	m->counters.summaries++;
	if (m->stream)
		emit(m, pmg_format_summary(m->fmt, &sum, m->host));
	if (m->journal)
		JOURNAL(m, pmg_format_summary(PMG_FMT_TEXT, &sum, m->host),
			pmg_journal_summary(&f_, &sum, text));
}

/* The module says it went blind (kprobes disarmed), or sees again. */
static void handle_guard(struct pmg_monitor *m, struct nlmsghdr *nlh)
{
	struct pmg_guard g;
	uint64_t now = pmg_now_ns();
	int err = pmg_guard_parse(nlh, &g);

	if (err < 0) {
		m->counters.malformed++;
		fprintf(stderr, "pmguard: warning: malformed guard message skipped "
			"(counted as malformed): %s\n", nl_geterror(err));
		return;
	}
	if (m->stream)
		emit(m, pmg_format_guard(m->fmt, &g, now, m->host));
	if (m->journal)
		JOURNAL(m, pmg_format_guard(PMG_FMT_TEXT, &g, now, m->host),
			pmg_journal_guard(&f_, &g));
}

/*
 * Unloading the module drops every subscription, and when it comes back
 * it may have another family id and group id.  Following nlctrl keeps a
 * long-running monitor alive across module upgrades.  The new module
 * numbers events from 1 again, so loss tracking restarts (like at start
 * up, events before we re-joined are not counted as lost).
 */
static void handle_ctrl(struct pmg_monitor *m, struct nlmsghdr *nlh)
{
	struct pmg_ctrl_note cn;

	if (pmg_ctrl_parse(nlh, &cn) < 0 || !cn.is_pmguard)
		return;
	switch (cn.cmd) {
	case CTRL_CMD_DELFAMILY:
		pmg_seq_forget(&m->seq);
		note(m, "module_unloaded",
		     "the pmguard module went away; waiting for it to come back");
		break;
	case CTRL_CMD_NEWFAMILY:
	case CTRL_CMD_NEWMCAST_GRP:
		if (cn.family_id >= 0)
			m->family = cn.family_id;
		if (cn.events_group < 0)
			break;
		if (m->join_group && m->join_group(m->join_ctx, cn.events_group) != PMG_EXIT_OK) {
			pmg_monitor_fail(m, PMG_EXIT_ERROR);
			break;
		}
		pmg_seq_forget(&m->seq);
		note(m, "module_loaded", "the pmguard module is back; subscribed again");
		break;
	default:
		break;
	}
}

void pmg_monitor_handle(struct pmg_monitor *m, struct nlmsghdr *nlh)
{
	uint8_t cmd;

	if (!genlmsg_valid_hdr(nlh, 0)) {
		m->counters.malformed++;
		fprintf(stderr, "pmguard: warning: truncated netlink message skipped "
			"(counted as malformed)\n");
		return;
	}
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		handle_ctrl(m, nlh);
		return;
	}
	if (nlh->nlmsg_type != m->family)
		return;
	cmd = genlmsg_hdr(nlh)->cmd;
	if (cmd == PMGUARD_CMD_EVENT) {
		handle_event(m, nlh);
	} else if (cmd == PMGUARD_CMD_MEM_SUMMARY) {
		handle_summary(m, nlh);
	} else if (cmd == PMGUARD_CMD_GUARD) {
		handle_guard(m, nlh);
	} else if (!m->warned_unknown_cmd) {
		/* A newer module announcing something this reader does not know. */
		fprintf(stderr, "pmguard: warning: ignoring messages with unknown "
			"command %u from the module (newer module?)\n", cmd);
		m->warned_unknown_cmd = true;
	}
}
