// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the decoders of what the kernel (or anyone who can
 * send to the reader's socket) sends, and the three renderings of what
 * they decode (event.c, policy_nl.c, format.c, journal.c, monitor.c).
 *
 * The input is one byte choosing the message type, one the generic
 * netlink command, then the attributes.  The message is built in a
 * buffer of exactly its size, so reading past it is caught.
 *
 * Oracles, beyond the sanitizers: an access event or summary renders as
 * one printable-ASCII text line, and as one line of valid JSON in valid
 * UTF-8 that json-c parses back; its journal fields have valid names; a
 * listed rule that "policy save" can write loads back as the same rule.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "format.h"
#include "journal.h"
#include "monitor.h"
#include "policy.h"
#include "../testutil.h"

static void die(const char *what, const char *s)
{
	fprintf(stderr, "fuzz_event: %s: %s\n", what, s ? s : "(null)");
	abort();
}

static void check_text_line(char *s)
{
	if (!s)
		return;		/* out of memory is allowed, not a wrong line */
	if (!test_printable_ascii_line(s))
		die("text line is not one line of printable ASCII", s);
	free(s);
}

/* One JSON value per line: an object (a record) or an array (policy list). */
static void check_json_line(char *s)
{
	struct json_object *obj;

	if (!s)
		return;
	if (strchr(s, '\n') || !test_valid_utf8(s, strlen(s)))
		die("JSON record is not one line of valid UTF-8", s);
	obj = json_tokener_parse(s);
	if (!obj || !(json_object_is_type(obj, json_type_object) ||
		      json_object_is_type(obj, json_type_array)))
		die("JSON record does not parse back", s);
	json_object_put(obj);
	free(s);
}

static void check_journal(struct pmg_journal_fields *f, int ret)
{
	if (ret < 0)
		return;
	for (size_t i = 0; i < f->n; i++) {
		const char *s = f->iov[i].iov_base;
		const char *eq = memchr(s, '=', f->iov[i].iov_len);

		if (!eq || eq == s || s[0] == '_')
			die("bad journal field", s);
		for (const char *p = s; p < eq; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
				die("bad journal field name", s);
	}
	pmg_journal_free(f);
}

/*
 * "policy save" writes what the module lists: a rule it can write must
 * load again ("policy load") as the same rule.
 */
static void check_saved_rule(const struct pmg_rule *rule)
{
	char reason[PMG_REASON_LEN];
	struct pmg_rule back;
	char *line = pmg_rule_format(rule, reason), *again;

	if (!line)
		return;
	if (pmg_rule_parse_line(line, strlen(line), &back, reason) < 0)
		die("a saved rule does not load", line);
	again = pmg_rule_format(&back, reason);
	if (!again || strcmp(line, again) != 0)
		die("a saved rule loads as another rule", line);
	free(line);
	free(again);
}

static void decode_all(struct nlmsghdr *nlh)
{
	struct pmguard_event ev;
	struct pmguard_mem_summary sum;
	struct pmguard_stats *st = malloc(sizeof(*st));
	struct pmg_config *cfg = malloc(sizeof(*cfg));
	struct pmg_journal_fields jf;
	struct pmg_ctrl_note note;
	struct pmg_rule rule;

	if (pmg_event_parse(nlh, &ev) == 0) {
		check_text_line(pmg_format_event(PMG_FMT_TEXT, &ev, "h"));
		check_json_line(pmg_format_event(PMG_FMT_JSON, &ev, "h\xff"));
		check_journal(&jf, pmg_journal_event(&jf, &ev, "m"));
	}
	if (pmg_summary_parse(nlh, &sum) == 0) {
		check_text_line(pmg_format_summary(PMG_FMT_TEXT, &sum, "h"));
		check_json_line(pmg_format_summary(PMG_FMT_JSON, &sum, "h"));
		check_journal(&jf, pmg_journal_summary(&jf, &sum, "m"));
	}
	if (st && pmg_stats_parse(nlh, st) == 0) {
		free(pmg_format_stats(PMG_FMT_TEXT, st, 0, "h"));
		check_json_line(pmg_format_stats(PMG_FMT_JSON, st, 0, "h"));
	}
	if (cfg && pmg_config_parse(nlh, cfg) == 0) {
		free(pmg_format_config(PMG_FMT_TEXT, cfg, 0, "h"));
		check_json_line(pmg_format_config(PMG_FMT_JSON, cfg, 0, "h"));
	}
	if (pmg_rule_list_parse(nlh, &rule) == 0) {
		free(pmg_format_rules(PMG_FMT_TEXT, &rule, 1));
		check_json_line(pmg_format_rules(PMG_FMT_JSON, &rule, 1));
		check_saved_rule(&rule);
	}
	pmg_ctrl_parse(nlh, &note);
	free(st);
	free(cfg);
}

static FILE *devnull;

static int no_join(void *ctx, int group)
{
	(void)ctx;
	(void)group;
	return 0;
}

static int no_journal(const struct iovec *iov, int n, void *ctx)
{
	(void)iov;
	(void)n;
	(void)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pmg_monitor m;
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN, len;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (size < 2)
		return 0;
	len = hdr + size - 2;
	nlh = malloc(len);
	if (!nlh)
		return 0;
	memset(nlh, 0, hdr);
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = data[0] & 1 ? GENL_ID_CTRL : TEST_FAMILY_ID;
	g = NLMSG_DATA(nlh);
	g->cmd = data[1];
	g->version = PMGUARD_GENL_VERSION;
	memcpy((char *)nlh + hdr, data + 2, size - 2);

	decode_all(nlh);

	/* The monitor's path: accounting, loss tracking, every output. */
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
		pmg_monitor_init(&m, PMG_FMT_JSON, devnull, "/dev/null", TEST_FAMILY_ID);
		m.join_group = no_join;
		m.journal_send = no_journal;
		m.journal = true;
	}
	m.fmt = data[0] & 2 ? PMG_FMT_TEXT : PMG_FMT_JSON;
	m.stop = false;
	m.out_failed = false;
	pmg_monitor_handle(&m, nlh);
	free(nlh);
	return 0;
}
