// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of pmguard generic netlink messages (see event.h).
 *
 * libnl's policy checks that integer attributes are at least as long as
 * their type, so a truncated attribute fails the whole message instead of
 * being read past its end.  Strings are deliberately NLA_UNSPEC: libnl
 * would reject a string without a terminating NUL, and one odd string
 * must not cost us the whole event; we bound them with strnlen instead.
 */
#include "event.h"

#include <string.h>

#include <linux/genetlink.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

static struct nla_policy event_policy[PMGUARD_A_MAX + 1] = {
	[PMGUARD_A_SEQ]		= { .type = NLA_U64 },
	[PMGUARD_A_TIME_NS]	= { .type = NLA_U64 },
	[PMGUARD_A_KIND]	= { .type = NLA_U32 },
	[PMGUARD_A_ACCESS]	= { .type = NLA_U32 },
	[PMGUARD_A_RESULT]	= { .type = NLA_U32 },	/* s32, same size */
	[PMGUARD_A_ACTION]	= { .type = NLA_U32 },
	[PMGUARD_A_SEVERITY]	= { .type = NLA_U32 },
	[PMGUARD_A_RULE]	= { .type = NLA_UNSPEC },
	[PMGUARD_A_FLAGS]	= { .type = NLA_U32 },
	[PMGUARD_A_CALLER]	= { .type = NLA_NESTED },
	[PMGUARD_A_TARGET]	= { .type = NLA_NESTED },
	[PMGUARD_A_STATS]	= { .type = NLA_NESTED },
	[PMGUARD_A_MODE]	= { .type = NLA_U32 },
	[PMGUARD_A_COUNT]	= { .type = NLA_U32 },
	[PMGUARD_A_SUMMARY]	= { .type = NLA_NESTED },
	[PMGUARD_A_FIRST_SEQ]	= { .type = NLA_U64 },
	[PMGUARD_A_BYTES]	= { .type = NLA_U64 },
	[PMGUARD_A_GUARD]	= { .type = NLA_U32 },
};

static struct nla_policy summary_policy[PMGUARD_SUM_MAX + 1] = {
	[PMGUARD_SUM_READS]		= { .type = NLA_U64 },
	[PMGUARD_SUM_BYTES_READ]	= { .type = NLA_U64 },
	[PMGUARD_SUM_WRITES]		= { .type = NLA_U64 },
	[PMGUARD_SUM_BYTES_WRITTEN]	= { .type = NLA_U64 },
	[PMGUARD_SUM_FIRST_OFFSET]	= { .type = NLA_U64 },
	[PMGUARD_SUM_LAST_OFFSET]	= { .type = NLA_U64 },
	[PMGUARD_SUM_DURATION_NS]	= { .type = NLA_U64 },
	[PMGUARD_SUM_ERRORS]		= { .type = NLA_U64 },
};

static struct nla_policy proc_policy[PMGUARD_P_MAX + 1] = {
	[PMGUARD_P_PID]		= { .type = NLA_U32 },
	[PMGUARD_P_TID]		= { .type = NLA_U32 },
	[PMGUARD_P_PPID]	= { .type = NLA_U32 },
	[PMGUARD_P_UID]		= { .type = NLA_U32 },
	[PMGUARD_P_EUID]	= { .type = NLA_U32 },
	[PMGUARD_P_FSUID]	= { .type = NLA_U32 },
	[PMGUARD_P_GID]		= { .type = NLA_U32 },
	[PMGUARD_P_LOGINUID]	= { .type = NLA_U32 },
	[PMGUARD_P_SESSIONID]	= { .type = NLA_U32 },
	[PMGUARD_P_COMM]	= { .type = NLA_UNSPEC },
	[PMGUARD_P_EXE]		= { .type = NLA_UNSPEC },
	[PMGUARD_P_CGROUP_ID]	= { .type = NLA_U64 },
	[PMGUARD_P_CGROUP]	= { .type = NLA_UNSPEC },
	[PMGUARD_P_NS_PID]	= { .type = NLA_U32 },
	[PMGUARD_P_PID_NS]	= { .type = NLA_U32 },
	[PMGUARD_P_MNT_NS]	= { .type = NLA_U32 },
	[PMGUARD_P_USER_NS]	= { .type = NLA_U32 },
	[PMGUARD_P_NET_NS]	= { .type = NLA_U32 },
	[PMGUARD_P_CGROUP_NS]	= { .type = NLA_U32 },
	[PMGUARD_P_IN_CONTAINER] = { .type = NLA_U8 },
};

static struct nla_policy stats_policy[PMGUARD_S_MAX + 1] = {
	[PMGUARD_S_SEEN]		= { .type = NLA_U64 },
	[PMGUARD_S_REPORTED]		= { .type = NLA_U64 },
	[PMGUARD_S_ALLOWED]		= { .type = NLA_U64 },
	[PMGUARD_S_ALERTED]		= { .type = NLA_U64 },
	[PMGUARD_S_DENIED]		= { .type = NLA_U64 },
	[PMGUARD_S_DROP_QUEUE_FULL]	= { .type = NLA_U64 },
	[PMGUARD_S_DROP_NOMEM]		= { .type = NLA_U64 },
	[PMGUARD_S_DROP_NO_LISTENER]	= { .type = NLA_U64 },
	[PMGUARD_S_DROP_SEND]		= { .type = NLA_U64 },
	[PMGUARD_S_DROP_MISSED]		= { .type = NLA_U64 },
	[PMGUARD_S_KIND]		= { .type = NLA_NESTED },
	[PMGUARD_S_PROBES]		= { .type = NLA_U64 },
	[PMGUARD_S_FOLDED]		= { .type = NLA_U64 },
	[PMGUARD_S_SUMMARIES]		= { .type = NLA_U64 },
	[PMGUARD_S_DROP_TRACKING]	= { .type = NLA_U64 },
	[PMGUARD_S_SUBSCRIBERS]		= { .type = NLA_U64 },
	[PMGUARD_S_PRIORITY_DROPPED]	= { .type = NLA_U64 },
	[PMGUARD_S_HELD]		= { .type = NLA_U64 },
	[PMGUARD_S_BLIND]		= { .type = NLA_U64 },
	[PMGUARD_S_BLINDED]		= { .type = NLA_U64 },
	[PMGUARD_S_DROP_GUARD]		= { .type = NLA_U64 },
	[PMGUARD_S_SCRIPTS_UNNOTED]	= { .type = NLA_U64 },
	[PMGUARD_S_URGENT_DROPPED]	= { .type = NLA_U64 },
	[PMGUARD_S_REPLAYED]		= { .type = NLA_U64 },
};

static struct nla_policy kind_stats_policy[PMGUARD_KS_MAX + 1] = {
	[PMGUARD_KS_KIND]	= { .type = NLA_U32 },
	[PMGUARD_KS_SEEN]	= { .type = NLA_U64 },
	[PMGUARD_KS_REPORTED]	= { .type = NLA_U64 },
	[PMGUARD_KS_PROBED]	= { .type = NLA_U32 },
};

/* A string attribute as a view: up to its first NUL, never past its end. */
static struct pmg_str attr_str(const struct nlattr *nla)
{
	const char *data = nla_data(nla);

	return (struct pmg_str){ data, strnlen(data, nla_len(nla)) };
}

static void parse_u32(struct nlattr **tb, int attr, uint32_t *dst,
		      uint32_t *present)
{
	if (tb[attr]) {
		*dst = nla_get_u32(tb[attr]);
		*present |= 1u << attr;
	}
}

static void parse_str(struct nlattr **tb, int attr, struct pmg_str *dst,
		      uint32_t *present)
{
	if (tb[attr]) {
		*dst = attr_str(tb[attr]);
		*present |= 1u << attr;
	}
}

uint32_t pmg_proc_u32(const struct pmguard_proc *p, int attr)
{
	switch (attr) {
	case PMGUARD_P_PID:		return p->pid;
	case PMGUARD_P_TID:		return p->tid;
	case PMGUARD_P_PPID:		return p->ppid;
	case PMGUARD_P_UID:		return p->uid;
	case PMGUARD_P_EUID:		return p->euid;
	case PMGUARD_P_FSUID:		return p->fsuid;
	case PMGUARD_P_GID:		return p->gid;
	case PMGUARD_P_LOGINUID:	return p->loginuid;
	case PMGUARD_P_SESSIONID:	return p->sessionid;
	case PMGUARD_P_NS_PID:		return p->ns_pid;
	case PMGUARD_P_PID_NS:		return p->pid_ns;
	case PMGUARD_P_MNT_NS:		return p->mnt_ns;
	case PMGUARD_P_USER_NS:		return p->user_ns;
	case PMGUARD_P_NET_NS:		return p->net_ns;
	case PMGUARD_P_CGROUP_NS:	return p->cgroup_ns;
	default:			return 0;
	}
}

static int parse_proc(struct nlattr *nest, struct pmguard_proc *p)
{
	struct nlattr *tb[PMGUARD_P_MAX + 1];
	int err;

	err = nla_parse_nested(tb, PMGUARD_P_MAX, nest, proc_policy);
	if (err < 0)
		return err;

	parse_u32(tb, PMGUARD_P_PID, &p->pid, &p->present);
	parse_u32(tb, PMGUARD_P_TID, &p->tid, &p->present);
	parse_u32(tb, PMGUARD_P_PPID, &p->ppid, &p->present);
	parse_u32(tb, PMGUARD_P_UID, &p->uid, &p->present);
	parse_u32(tb, PMGUARD_P_EUID, &p->euid, &p->present);
	parse_u32(tb, PMGUARD_P_FSUID, &p->fsuid, &p->present);
	parse_u32(tb, PMGUARD_P_GID, &p->gid, &p->present);
	parse_u32(tb, PMGUARD_P_LOGINUID, &p->loginuid, &p->present);
	parse_u32(tb, PMGUARD_P_SESSIONID, &p->sessionid, &p->present);
	parse_str(tb, PMGUARD_P_COMM, &p->comm, &p->present);
	parse_str(tb, PMGUARD_P_EXE, &p->exe, &p->present);
	parse_str(tb, PMGUARD_P_CGROUP, &p->cgroup, &p->present);
	if (tb[PMGUARD_P_CGROUP_ID]) {
		p->cgroup_id = nla_get_u64(tb[PMGUARD_P_CGROUP_ID]);
		p->present |= 1u << PMGUARD_P_CGROUP_ID;
	}
	parse_u32(tb, PMGUARD_P_NS_PID, &p->ns_pid, &p->present);
	parse_u32(tb, PMGUARD_P_PID_NS, &p->pid_ns, &p->present);
	parse_u32(tb, PMGUARD_P_MNT_NS, &p->mnt_ns, &p->present);
	parse_u32(tb, PMGUARD_P_USER_NS, &p->user_ns, &p->present);
	parse_u32(tb, PMGUARD_P_NET_NS, &p->net_ns, &p->present);
	parse_u32(tb, PMGUARD_P_CGROUP_NS, &p->cgroup_ns, &p->present);
	if (tb[PMGUARD_P_IN_CONTAINER]) {
		p->in_container = nla_get_u8(tb[PMGUARD_P_IN_CONTAINER]);
		p->present |= 1u << PMGUARD_P_IN_CONTAINER;
	}
	return 0;
}

int pmg_event_parse(struct nlmsghdr *nlh, struct pmguard_event *ev)
{
	struct nlattr *tb[PMGUARD_A_MAX + 1];
	uint32_t present = 0;
	int err;

	memset(ev, 0, sizeof(*ev));
	err = genlmsg_parse(nlh, 0, tb, PMGUARD_A_MAX, event_policy);
	if (err < 0)
		return err;

	if (tb[PMGUARD_A_SEQ]) {
		ev->seq = nla_get_u64(tb[PMGUARD_A_SEQ]);
		ev->present |= 1ull << PMGUARD_A_SEQ;
	}
	if (tb[PMGUARD_A_TIME_NS]) {
		ev->time_ns = nla_get_u64(tb[PMGUARD_A_TIME_NS]);
		ev->present |= 1ull << PMGUARD_A_TIME_NS;
	}
	parse_u32(tb, PMGUARD_A_KIND, &ev->kind, &present);
	parse_u32(tb, PMGUARD_A_ACCESS, &ev->access, &present);
	if (tb[PMGUARD_A_RESULT]) {
		ev->result = nla_get_s32(tb[PMGUARD_A_RESULT]);
		present |= 1u << PMGUARD_A_RESULT;
	}
	parse_u32(tb, PMGUARD_A_ACTION, &ev->action, &present);
	parse_u32(tb, PMGUARD_A_SEVERITY, &ev->severity, &present);
	parse_u32(tb, PMGUARD_A_FLAGS, &ev->flags, &present);
	parse_u32(tb, PMGUARD_A_COUNT, &ev->count, &present);
	if (tb[PMGUARD_A_FIRST_SEQ]) {
		ev->first_seq = nla_get_u64(tb[PMGUARD_A_FIRST_SEQ]);
		ev->present |= 1ull << PMGUARD_A_FIRST_SEQ;
	}
	if (tb[PMGUARD_A_BYTES]) {
		ev->bytes = nla_get_u64(tb[PMGUARD_A_BYTES]);
		ev->present |= 1ull << PMGUARD_A_BYTES;
	}
	if (tb[PMGUARD_A_RULE]) {
		ev->rule = attr_str(tb[PMGUARD_A_RULE]);
		present |= 1u << PMGUARD_A_RULE;
	}
	ev->present |= present;

	if (tb[PMGUARD_A_CALLER]) {
		err = parse_proc(tb[PMGUARD_A_CALLER], &ev->caller);
		if (err < 0)
			return err;
		ev->present |= 1ull << PMGUARD_A_CALLER;
	}
	if (tb[PMGUARD_A_TARGET]) {
		err = parse_proc(tb[PMGUARD_A_TARGET], &ev->target);
		if (err < 0)
			return err;
		ev->present |= 1ull << PMGUARD_A_TARGET;
	}
	return 0;
}

int pmg_guard_parse(struct nlmsghdr *nlh, struct pmg_guard *g)
{
	struct nlattr *tb[PMGUARD_A_MAX + 1];
	int err;

	memset(g, 0, sizeof(*g));
	err = genlmsg_parse(nlh, 0, tb, PMGUARD_A_MAX, event_policy);
	if (err < 0)
		return err;
	if (!tb[PMGUARD_A_GUARD] || !tb[PMGUARD_A_SEVERITY])
		return -NLE_MISSING_ATTR;
	g->state = nla_get_u32(tb[PMGUARD_A_GUARD]);
	g->severity = nla_get_u32(tb[PMGUARD_A_SEVERITY]);
	if (tb[PMGUARD_A_TIME_NS])
		g->time_ns = nla_get_u64(tb[PMGUARD_A_TIME_NS]);
	return 0;
}

int pmg_summary_parse(struct nlmsghdr *nlh, struct pmguard_mem_summary *s)
{
	struct nlattr *tb[PMGUARD_A_MAX + 1];
	struct nlattr *sb[PMGUARD_SUM_MAX + 1];
	int err;

	memset(s, 0, sizeof(*s));
	err = genlmsg_parse(nlh, 0, tb, PMGUARD_A_MAX, event_policy);
	if (err < 0)
		return err;
	if (tb[PMGUARD_A_SEQ]) {
		s->seq = nla_get_u64(tb[PMGUARD_A_SEQ]);
		s->present |= 1ull << PMGUARD_A_SEQ;
	}
	if (tb[PMGUARD_A_TIME_NS]) {
		s->time_ns = nla_get_u64(tb[PMGUARD_A_TIME_NS]);
		s->present |= 1ull << PMGUARD_A_TIME_NS;
	}
	if (tb[PMGUARD_A_KIND]) {
		s->kind = nla_get_u32(tb[PMGUARD_A_KIND]);
		s->present |= 1ull << PMGUARD_A_KIND;
	}
	if (tb[PMGUARD_A_CALLER]) {
		err = parse_proc(tb[PMGUARD_A_CALLER], &s->caller);
		if (err < 0)
			return err;
		s->present |= 1ull << PMGUARD_A_CALLER;
	}
	if (tb[PMGUARD_A_TARGET]) {
		err = parse_proc(tb[PMGUARD_A_TARGET], &s->target);
		if (err < 0)
			return err;
		s->present |= 1ull << PMGUARD_A_TARGET;
	}
	if (tb[PMGUARD_A_SUMMARY]) {
		err = nla_parse_nested(sb, PMGUARD_SUM_MAX, tb[PMGUARD_A_SUMMARY],
				       summary_policy);
		if (err < 0)
			return err;
		for (int a = 0; a <= PMGUARD_SUM_MAX; a++) {
			if (!sb[a] || summary_policy[a].type != NLA_U64)
				continue;
			s->sum[a] = nla_get_u64(sb[a]);
			s->sum_present |= 1u << a;
		}
		s->present |= 1ull << PMGUARD_A_SUMMARY;
	}
	return 0;
}

static int parse_kind_stats(struct nlattr *nest, struct pmguard_kind_stats *ks)
{
	struct nlattr *tb[PMGUARD_KS_MAX + 1];
	int err;

	err = nla_parse_nested(tb, PMGUARD_KS_MAX, nest, kind_stats_policy);
	if (err < 0)
		return err;

	memset(ks, 0, sizeof(*ks));
	parse_u32(tb, PMGUARD_KS_KIND, &ks->kind, &ks->present);
	parse_u32(tb, PMGUARD_KS_PROBED, &ks->probed, &ks->present);
	if (tb[PMGUARD_KS_SEEN]) {
		ks->seen = nla_get_u64(tb[PMGUARD_KS_SEEN]);
		ks->present |= 1u << PMGUARD_KS_SEEN;
	}
	if (tb[PMGUARD_KS_REPORTED]) {
		ks->reported = nla_get_u64(tb[PMGUARD_KS_REPORTED]);
		ks->present |= 1u << PMGUARD_KS_REPORTED;
	}
	return 0;
}

/*
 * PMGUARD_S_KIND is repeated, one nest per kind, so the nest is walked
 * attribute by attribute rather than through a table (which would keep
 * only the last one).
 */
static int parse_stats(struct nlattr *nest, struct pmguard_stats *st)
{
	struct nlattr *tb[PMGUARD_S_MAX + 1];
	struct nlattr *nla;
	int rem, err;

	err = nla_parse_nested(tb, PMGUARD_S_MAX, nest, stats_policy);
	if (err < 0)
		return err;

	for (int attr = 0; attr <= PMGUARD_S_MAX; attr++) {
		if (!tb[attr] || stats_policy[attr].type != NLA_U64)
			continue;
		st->counter[attr] = nla_get_u64(tb[attr]);
		st->present |= 1u << attr;
	}

	nla_for_each_nested(nla, nest, rem) {
		if (nla_type(nla) != PMGUARD_S_KIND)
			continue;
		if (st->n_kinds == PMG_STATS_MAX_KINDS) {
			st->n_kinds_dropped++;
			continue;
		}
		err = parse_kind_stats(nla, &st->kinds[st->n_kinds]);
		if (err < 0)
			return err;
		st->n_kinds++;
	}
	return 0;
}

int pmg_stats_parse(struct nlmsghdr *nlh, struct pmguard_stats *st)
{
	struct nlattr *tb[PMGUARD_A_MAX + 1];
	int err;

	memset(st, 0, sizeof(*st));
	err = genlmsg_parse(nlh, 0, tb, PMGUARD_A_MAX, event_policy);
	if (err < 0)
		return err;

	if (tb[PMGUARD_A_MODE]) {
		st->mode = nla_get_u32(tb[PMGUARD_A_MODE]);
		st->has_mode = true;
	}
	if (tb[PMGUARD_A_STATS]) {
		err = parse_stats(tb[PMGUARD_A_STATS], st);
		if (err < 0)
			return err;
		st->has_stats = true;
	}
	return 0;
}

static int find_events_group(struct nlattr *groups)
{
	struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nlattr *grp;
	int rem;

	nla_for_each_nested(grp, groups, rem) {
		if (nla_parse_nested(tb, CTRL_ATTR_MCAST_GRP_MAX, grp, NULL) < 0)
			continue;
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
		    nla_len(tb[CTRL_ATTR_MCAST_GRP_ID]) < (int)sizeof(uint32_t))
			continue;
		if (nla_strcmp(tb[CTRL_ATTR_MCAST_GRP_NAME], PMGUARD_GENL_MCGRP_EVENTS) == 0)
			return (int)nla_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return -1;
}

int pmg_ctrl_parse(struct nlmsghdr *nlh, struct pmg_ctrl_note *note)
{
	static struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID]		= { .type = NLA_U16 },
		[CTRL_ATTR_FAMILY_NAME]		= { .type = NLA_UNSPEC },
		[CTRL_ATTR_MCAST_GROUPS]	= { .type = NLA_NESTED },
	};
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	int err;

	memset(note, 0, sizeof(*note));
	note->family_id = -1;
	note->events_group = -1;
	err = genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, ctrl_policy);
	if (err < 0)
		return err;

	note->cmd = genlmsg_hdr(nlh)->cmd;
	note->is_pmguard = tb[CTRL_ATTR_FAMILY_NAME] &&
			   nla_strcmp(tb[CTRL_ATTR_FAMILY_NAME], PMGUARD_GENL_NAME) == 0;
	if (tb[CTRL_ATTR_FAMILY_ID])
		note->family_id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		note->events_group = find_events_group(tb[CTRL_ATTR_MCAST_GROUPS]);
	return 0;
}
