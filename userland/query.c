// SPDX-License-Identifier: GPL-2.0
/* The module's counters, configuration and rules; see query.h. */
#include "query.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <netlink/errno.h>

#include <linux/pmguard.h>

#include "exit_codes.h"
#include "nl.h"

/* One reply decoded by parse() into out; received once it was. */
struct reply {
	int (*parse)(struct nlmsghdr *nlh, void *out);
	void *out;
	bool received;
};

static int on_reply(struct nlmsghdr *nlh, void *arg)
{
	struct reply *r = arg;
	int err = r->parse(nlh, r->out);

	if (err == 0)
		r->received = true;
	return err;
}

static int ask(struct pmg_nl *nl, uint8_t cmd, const char *what, const char *noun,
	       struct reply *r)
{
	int status = pmg_nl_request(nl, cmd, what, PMG_CAP_READ, NULL, on_reply, r);

	if (status == PMG_EXIT_OK && !r->received) {
		fprintf(stderr, "pmguard: the module acknowledged the %s request but "
			"sent no %s\n", noun, noun);
		status = PMG_EXIT_ERROR;
	}
	return status;
}

static int parse_stats(struct nlmsghdr *nlh, void *out)
{
	return pmg_stats_parse(nlh, out);
}

static int parse_config(struct nlmsghdr *nlh, void *out)
{
	return pmg_config_parse(nlh, out);
}

int pmg_query_stats(struct pmg_nl *nl, struct pmguard_stats *st)
{
	struct reply r = { .parse = parse_stats, .out = st };

	return ask(nl, PMGUARD_CMD_GET_STATS, "read statistics", "statistics", &r);
}

int pmg_query_config(struct pmg_nl *nl, struct pmg_config *cfg)
{
	struct reply r = { .parse = parse_config, .out = cfg };

	return ask(nl, PMGUARD_CMD_GET_CONFIG, "read the configuration", "configuration",
		   &r);
}

struct rule_list {
	struct pmg_rule *rules;
	size_t n;
	size_t cap;
};

static int on_rule(struct nlmsghdr *nlh, void *arg)
{
	struct rule_list *rl = arg;

	if (rl->n == rl->cap) {
		size_t cap = rl->cap ? rl->cap * 2 : 64;
		struct pmg_rule *bigger = realloc(rl->rules, cap * sizeof(*bigger));

		if (!bigger)
			return -NLE_NOMEM;
		rl->rules = bigger;
		rl->cap = cap;
	}
	if (pmg_rule_list_parse(nlh, &rl->rules[rl->n]) < 0)
		return -NLE_PARSE_ERR;
	rl->n++;
	return 0;
}

int pmg_query_rules(struct pmg_nl *nl, struct pmg_rule **rules, size_t *n)
{
	struct rule_list rl = { 0 };
	int status = pmg_nl_dump(nl, PMGUARD_CMD_RULE_LIST, "list the rules",
				 PMG_CAP_READ, on_rule, &rl);

	*rules = rl.rules;
	*n = rl.n;
	return status;
}
