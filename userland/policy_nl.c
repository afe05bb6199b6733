// SPDX-License-Identifier: GPL-2.0
/*
 * Policies as netlink attributes (see policy.h): building RULE_ADD and
 * POLICY_REPLACE requests, decoding RULE_LIST dumps and GET_CONFIG.
 *
 * As in event.c, strings are NLA_UNSPEC and bounded with strnlen; a
 * string longer than the module itself allows is an error (-NLE_RANGE),
 * never cut: a listing or a saved policy must show exactly what runs.
 */
#include "policy.h"

#include <string.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

static struct nla_policy rule_policy[PMGUARD_R_MAX + 1] = {
	[PMGUARD_R_NAME]		= { .type = NLA_UNSPEC },
	[PMGUARD_R_ACTION]		= { .type = NLA_U32 },
	[PMGUARD_R_SEVERITY]		= { .type = NLA_U32 },
	[PMGUARD_R_CALLER_EXE]		= { .type = NLA_UNSPEC },
	[PMGUARD_R_CALLER_COMM]		= { .type = NLA_UNSPEC },
	[PMGUARD_R_CALLER_UID]		= { .type = NLA_U32 },
	[PMGUARD_R_TARGET_EXE]		= { .type = NLA_UNSPEC },
	[PMGUARD_R_TARGET_COMM]		= { .type = NLA_UNSPEC },
	[PMGUARD_R_KINDS]		= { .type = NLA_U32 },
	[PMGUARD_R_ACCESS]		= { .type = NLA_U32 },
	[PMGUARD_R_FLAGS_SET]		= { .type = NLA_U32 },
	[PMGUARD_R_FLAGS_CLEAR]		= { .type = NLA_U32 },
	[PMGUARD_R_CALLER_EXE_DEV]	= { .type = NLA_U32 },
	[PMGUARD_R_CALLER_EXE_INO]	= { .type = NLA_U64 },
	[PMGUARD_R_TARGET_EXE_DEV]	= { .type = NLA_U32 },
	[PMGUARD_R_TARGET_EXE_INO]	= { .type = NLA_U64 },
	[PMGUARD_R_STALE]		= { .type = NLA_U8 },
	[PMGUARD_R_INDEX]		= { .type = NLA_U32 },
	[PMGUARD_R_CALLER_SCRIPT]	= { .type = NLA_UNSPEC },
	[PMGUARD_R_CALLER_SCRIPT_DEV]	= { .type = NLA_U32 },
	[PMGUARD_R_CALLER_SCRIPT_INO]	= { .type = NLA_U64 },
};

static struct nla_policy top_policy[PMGUARD_A_MAX + 1] = {
	[PMGUARD_A_MODE]		= { .type = NLA_U32 },
	[PMGUARD_A_RULE_SPEC]		= { .type = NLA_NESTED },
	[PMGUARD_A_POLICY]		= { .type = NLA_NESTED },
	[PMGUARD_A_DEFAULT_ACTION]	= { .type = NLA_U32 },
	[PMGUARD_A_DEFAULT_SEVERITY]	= { .type = NLA_U32 },
	[PMGUARD_A_LOCKED]		= { .type = NLA_U8 },
	[PMGUARD_A_FOLD_MS]		= { .type = NLA_U32 },
	[PMGUARD_A_NR_RULES]		= { .type = NLA_U32 },
};

/* ---- building --------------------------------------------------------- */

static int put_str(struct nl_msg *msg, const struct pmg_rule *r, int attr,
		   const char *s)
{
	return pmg_rule_has(r, attr) ? nla_put_string(msg, attr, s) : 0;
}

static int put_u32(struct nl_msg *msg, const struct pmg_rule *r, int attr,
		   uint32_t v)
{
	return pmg_rule_has(r, attr) ? nla_put_u32(msg, attr, v) : 0;
}

int pmg_rule_put(struct nl_msg *msg, int attr, const struct pmg_rule *r)
{
	struct nlattr *nest = nla_nest_start(msg, attr);
	int err;

	if (!nest)
		return -NLE_NOMEM;
	err = nla_put_string(msg, PMGUARD_R_NAME, r->name);
	if (!err)
		err = nla_put_u32(msg, PMGUARD_R_ACTION, r->action);
	if (!err)
		err = put_u32(msg, r, PMGUARD_R_SEVERITY, r->severity);
	if (!err)
		err = put_str(msg, r, PMGUARD_R_CALLER_EXE, r->caller_exe);
	if (!err)
		err = put_str(msg, r, PMGUARD_R_CALLER_COMM, r->caller_comm);
	if (!err)
		err = put_u32(msg, r, PMGUARD_R_CALLER_UID, r->caller_uid);
	if (!err)
		err = put_str(msg, r, PMGUARD_R_TARGET_EXE, r->target_exe);
	if (!err)
		err = put_str(msg, r, PMGUARD_R_TARGET_COMM, r->target_comm);
	if (!err)
		err = put_str(msg, r, PMGUARD_R_CALLER_SCRIPT, r->caller_script);
	if (!err)
		err = put_u32(msg, r, PMGUARD_R_KINDS, r->kinds);
	if (!err)
		err = put_u32(msg, r, PMGUARD_R_ACCESS, r->access);
	if (!err)
		err = put_u32(msg, r, PMGUARD_R_FLAGS_SET, r->flags_set);
	if (!err)
		err = put_u32(msg, r, PMGUARD_R_FLAGS_CLEAR, r->flags_clear);
	if (err) {
		nla_nest_cancel(msg, nest);
		return err < 0 ? err : -NLE_NOMEM;
	}
	return nla_nest_end(msg, nest);
}

int pmg_policy_put(struct nl_msg *msg, const struct pmg_policy *pol)
{
	struct nlattr *nest = nla_nest_start(msg, PMGUARD_A_POLICY);
	int err = 0;

	if (!nest)
		return -NLE_NOMEM;
	for (size_t i = 0; i < pol->n_rules && !err; i++)
		err = pmg_rule_put(msg, PMGUARD_A_RULE_SPEC, &pol->rules[i]);
	if (!err && pol->has_default_action)
		err = nla_put_u32(msg, PMGUARD_A_DEFAULT_ACTION, pol->default_action);
	if (!err && pol->has_default_severity)
		err = nla_put_u32(msg, PMGUARD_A_DEFAULT_SEVERITY, pol->default_severity);
	for (size_t i = 0; i < pol->n_sensitive && !err; i++)
		err = nla_put_string(msg, PMGUARD_A_SENSITIVE_NAME, pol->sensitive[i]);
	if (err) {
		nla_nest_cancel(msg, nest);
		return err < 0 ? err : -NLE_NOMEM;
	}
	return nla_nest_end(msg, nest);
}

/* Is offset (from the start of the message) inside attribute nla? */
static bool within(const struct nlmsghdr *req, const struct nlattr *nla, uint32_t offset)
{
	size_t start = (size_t)((const char *)nla - (const char *)req);

	return offset >= start && offset < start + (size_t)nla_total_size(nla_len(nla));
}

enum pmg_policy_part pmg_policy_locate(const struct nlmsghdr *req, uint32_t offset,
				       size_t *index)
{
	struct nlattr *nla, *inner;
	size_t rules = 0, names = 0;
	int rem, rem2;

	if (!genlmsg_valid_hdr((struct nlmsghdr *)req, 0))
		return PMG_PART_NONE;
	nla_for_each_attr(nla, genlmsg_attrdata(genlmsg_hdr((struct nlmsghdr *)req), 0),
			  genlmsg_attrlen(genlmsg_hdr((struct nlmsghdr *)req), 0), rem) {
		if (!within(req, nla, offset))
			continue;
		if (nla_type(nla) == PMGUARD_A_RULE_SPEC) {
			*index = 0;
			return PMG_PART_RULE;
		}
		if (nla_type(nla) != PMGUARD_A_POLICY)
			return PMG_PART_NONE;
		nla_for_each_nested(inner, nla, rem2) {
			bool in = within(req, inner, offset);

			switch (nla_type(inner)) {
			case PMGUARD_A_RULE_SPEC:
				if (in) {
					*index = rules;
					return PMG_PART_RULE;
				}
				rules++;
				break;
			case PMGUARD_A_SENSITIVE_NAME:
				if (in) {
					*index = names;
					return PMG_PART_SENSITIVE;
				}
				names++;
				break;
			case PMGUARD_A_DEFAULT_ACTION:
			case PMGUARD_A_DEFAULT_SEVERITY:
				if (in)
					return PMG_PART_DEFAULT;
				break;
			}
		}
		return PMG_PART_NONE;
	}
	return PMG_PART_NONE;
}

/* ---- decoding --------------------------------------------------------- */

/* Copy a string attribute; -NLE_RANGE if it does not fit in size. */
static int get_str(const struct nlattr *nla, char *dst, size_t size)
{
	const char *data = nla_data(nla);
	size_t len = strnlen(data, (size_t)nla_len(nla));

	if (len >= size)
		return -NLE_RANGE;
	memcpy(dst, data, len);
	dst[len] = '\0';
	return 0;
}

int pmg_rule_from_nest(struct nlattr *nest, struct pmg_rule *r)
{
	static const struct {
		int attr;
		size_t off;
		size_t size;
	} strs[] = {
		{ PMGUARD_R_NAME, offsetof(struct pmg_rule, name), PMGUARD_RULE_NAME_MAX },
		{ PMGUARD_R_CALLER_EXE, offsetof(struct pmg_rule, caller_exe),
		  PMG_RULE_PATH_MAX },
		{ PMGUARD_R_CALLER_COMM, offsetof(struct pmg_rule, caller_comm),
		  PMGUARD_COMM_LEN },
		{ PMGUARD_R_TARGET_EXE, offsetof(struct pmg_rule, target_exe),
		  PMG_RULE_PATH_MAX },
		{ PMGUARD_R_TARGET_COMM, offsetof(struct pmg_rule, target_comm),
		  PMGUARD_COMM_LEN },
		{ PMGUARD_R_CALLER_SCRIPT, offsetof(struct pmg_rule, caller_script),
		  PMG_RULE_PATH_MAX },
	};
	static const struct {
		int attr;
		size_t off;
	} u32s[] = {
		{ PMGUARD_R_ACTION, offsetof(struct pmg_rule, action) },
		{ PMGUARD_R_SEVERITY, offsetof(struct pmg_rule, severity) },
		{ PMGUARD_R_CALLER_UID, offsetof(struct pmg_rule, caller_uid) },
		{ PMGUARD_R_KINDS, offsetof(struct pmg_rule, kinds) },
		{ PMGUARD_R_ACCESS, offsetof(struct pmg_rule, access) },
		{ PMGUARD_R_FLAGS_SET, offsetof(struct pmg_rule, flags_set) },
		{ PMGUARD_R_FLAGS_CLEAR, offsetof(struct pmg_rule, flags_clear) },
		{ PMGUARD_R_CALLER_EXE_DEV, offsetof(struct pmg_rule, caller_exe_dev) },
		{ PMGUARD_R_TARGET_EXE_DEV, offsetof(struct pmg_rule, target_exe_dev) },
		{ PMGUARD_R_CALLER_SCRIPT_DEV, offsetof(struct pmg_rule, caller_script_dev) },
		{ PMGUARD_R_INDEX, offsetof(struct pmg_rule, index) },
	};
	struct nlattr *tb[PMGUARD_R_MAX + 1];
	int err;

	memset(r, 0, sizeof(*r));
	err = nla_parse_nested(tb, PMGUARD_R_MAX, nest, rule_policy);
	if (err < 0)
		return err;
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (!tb[strs[i].attr])
			continue;
		err = get_str(tb[strs[i].attr], (char *)r + strs[i].off, strs[i].size);
		if (err < 0)
			return err;
		r->present |= 1u << strs[i].attr;
	}
	for (size_t i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		if (!tb[u32s[i].attr])
			continue;
		memcpy((char *)r + u32s[i].off, &(uint32_t){ nla_get_u32(tb[u32s[i].attr]) },
		       sizeof(uint32_t));
		r->present |= 1u << u32s[i].attr;
	}
	if (tb[PMGUARD_R_CALLER_EXE_INO]) {
		r->caller_exe_ino = nla_get_u64(tb[PMGUARD_R_CALLER_EXE_INO]);
		r->present |= 1u << PMGUARD_R_CALLER_EXE_INO;
	}
	if (tb[PMGUARD_R_TARGET_EXE_INO]) {
		r->target_exe_ino = nla_get_u64(tb[PMGUARD_R_TARGET_EXE_INO]);
		r->present |= 1u << PMGUARD_R_TARGET_EXE_INO;
	}
	if (tb[PMGUARD_R_CALLER_SCRIPT_INO]) {
		r->caller_script_ino = nla_get_u64(tb[PMGUARD_R_CALLER_SCRIPT_INO]);
		r->present |= 1u << PMGUARD_R_CALLER_SCRIPT_INO;
	}
	if (tb[PMGUARD_R_STALE]) {
		r->stale = nla_get_u8(tb[PMGUARD_R_STALE]);
		r->present |= 1u << PMGUARD_R_STALE;
	}
	return 0;
}

int pmg_rule_list_parse(struct nlmsghdr *nlh, struct pmg_rule *r)
{
	struct nlattr *tb[PMGUARD_A_MAX + 1];
	int err;

	err = genlmsg_parse(nlh, 0, tb, PMGUARD_A_MAX, top_policy);
	if (err < 0)
		return err;
	if (!tb[PMGUARD_A_RULE_SPEC])
		return -NLE_MISSING_ATTR;
	return pmg_rule_from_nest(tb[PMGUARD_A_RULE_SPEC], r);
}

/* The repeated PMGUARD_A_SENSITIVE_NAME of a PMGUARD_A_POLICY nest. */
static int get_sensitive(struct nlattr *nla, char (*names)[PMG_SENSITIVE_NAME_MAX],
			 size_t *n)
{
	if (*n == PMGUARD_MAX_SENSITIVE)
		return -NLE_RANGE;
	if (get_str(nla, names[*n], PMG_SENSITIVE_NAME_MAX) < 0)
		return -NLE_RANGE;
	(*n)++;
	return 0;
}

int pmg_policy_from_nest(struct nlattr *nest, struct pmg_policy *pol)
{
	struct nlattr *nla;
	int rem, err;

	nla_for_each_nested(nla, nest, rem) {
		switch (nla_type(nla)) {
		case PMGUARD_A_RULE_SPEC:
			if (pol->n_rules == PMGUARD_MAX_RULES)
				return -NLE_RANGE;
			err = pmg_rule_from_nest(nla, &pol->rules[pol->n_rules]);
			if (err < 0)
				return err;
			pol->n_rules++;
			break;
		case PMGUARD_A_DEFAULT_ACTION:
			if (nla_len(nla) < (int)sizeof(uint32_t))
				return -NLE_RANGE;
			pol->default_action = nla_get_u32(nla);
			pol->has_default_action = true;
			break;
		case PMGUARD_A_DEFAULT_SEVERITY:
			if (nla_len(nla) < (int)sizeof(uint32_t))
				return -NLE_RANGE;
			pol->default_severity = nla_get_u32(nla);
			pol->has_default_severity = true;
			break;
		case PMGUARD_A_SENSITIVE_NAME:
			err = get_sensitive(nla, pol->sensitive, &pol->n_sensitive);
			if (err < 0)
				return err;
			break;
		default:
			break;
		}
	}
	return 0;
}

int pmg_config_parse(struct nlmsghdr *nlh, struct pmg_config *cfg)
{
	static const int u32_attrs[] = {
		PMGUARD_A_MODE, PMGUARD_A_FOLD_MS, PMGUARD_A_DEFAULT_ACTION,
		PMGUARD_A_DEFAULT_SEVERITY, PMGUARD_A_NR_RULES,
	};
	struct nlattr *tb[PMGUARD_A_MAX + 1];
	struct nlattr *nla;
	int rem, err;

	memset(cfg, 0, sizeof(*cfg));
	err = genlmsg_parse(nlh, 0, tb, PMGUARD_A_MAX, top_policy);
	if (err < 0)
		return err;
	for (size_t i = 0; i < sizeof(u32_attrs) / sizeof(u32_attrs[0]); i++) {
		int a = u32_attrs[i];
		uint32_t v;

		if (!tb[a])
			continue;
		v = nla_get_u32(tb[a]);
		switch (a) {
		case PMGUARD_A_MODE:		 cfg->mode = v; break;
		case PMGUARD_A_FOLD_MS:		 cfg->fold_ms = v; break;
		case PMGUARD_A_DEFAULT_ACTION:	 cfg->default_action = v; break;
		case PMGUARD_A_DEFAULT_SEVERITY: cfg->default_severity = v; break;
		case PMGUARD_A_NR_RULES:	 cfg->nr_rules = v; break;
		}
		cfg->present |= 1u << a;
	}
	if (tb[PMGUARD_A_LOCKED]) {
		cfg->locked = nla_get_u8(tb[PMGUARD_A_LOCKED]);
		cfg->present |= 1u << PMGUARD_A_LOCKED;
	}
	if (tb[PMGUARD_A_POLICY]) {
		cfg->present |= 1u << PMGUARD_A_POLICY;
		nla_for_each_nested(nla, tb[PMGUARD_A_POLICY], rem) {
			if (nla_type(nla) != PMGUARD_A_SENSITIVE_NAME)
				continue;
			err = get_sensitive(nla, cfg->sensitive, &cfg->n_sensitive);
			if (err < 0)
				return err;
		}
	}
	return 0;
}
