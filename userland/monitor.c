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

void pmg_monitor_init(struct pmg_monitor *m, enum pmg_format fmt, FILE *out,
		      const char *out_name, int family)
{
	memset(m, 0, sizeof(*m));
	m->fmt = fmt;
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

static void note(struct pmg_monitor *m, const char *what, const char *message)
{
	emit(m, pmg_format_note(m->fmt, what, message, pmg_now_ns(), m->host));
}

void pmg_monitor_overrun(struct pmg_monitor *m)
{
	m->counters.overruns++;
	emit(m, pmg_format_overrun(m->fmt, pmg_now_ns(), m->host));
}

void pmg_monitor_print_counters(struct pmg_monitor *m, FILE *text_out)
{
	/* With the stream broken, the counters still get out, on stderr. */
	enum pmg_format fmt = m->out_failed ? PMG_FMT_TEXT : m->fmt;
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
			emit(m, pmg_format_gap(m->fmt, &r, pmg_now_ns(), m->host));
		else if (r.verdict == PMG_SEQ_RESET)
			emit(m, pmg_format_reset(m->fmt, &r, ev.seq, pmg_now_ns(), m->host));
	}
	pmg_counters_add_event(&m->counters, &ev);
	emit(m, pmg_format_event(m->fmt, &ev, m->host));
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
	} else if (!m->warned_unknown_cmd) {
		/* A newer module announcing something this reader does not know. */
		fprintf(stderr, "pmguard: warning: ignoring messages with unknown "
			"command %u from the module (newer module?)\n", cmd);
		m->warned_unknown_cmd = true;
	}
}
