/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMGUARD_NETLINK_H
#define _PMGUARD_NETLINK_H

#include <linux/limits.h>
#include <linux/atomic.h>
#include <net/genetlink.h>

#include "internal.h"

/*
 * The worker's scratch space: for the caller and for the target, the
 * executable's path and the cgroup's.
 */
#define PMGUARD_NL_BUF_SIZE	(4 * PATH_MAX)

extern atomic64_t pmguard_stats[__PMGUARD_S_MAX];
extern atomic64_t pmguard_kind_seen[__PMGUARD_KIND_MAX];
extern atomic64_t pmguard_kind_reported[__PMGUARD_KIND_MAX];

extern struct genl_family pmguard_nl_family;

/* control.c: policy, mode and lock commands */
int pmguard_ctl_get_config(struct sk_buff *skb, struct genl_info *info);
int pmguard_ctl_rule_list(struct sk_buff *skb, struct netlink_callback *cb);
int pmguard_ctl_rule_add(struct sk_buff *skb, struct genl_info *info);
int pmguard_ctl_rule_del(struct sk_buff *skb, struct genl_info *info);
int pmguard_ctl_flush(struct sk_buff *skb, struct genl_info *info);
int pmguard_ctl_replace(struct sk_buff *skb, struct genl_info *info);
int pmguard_ctl_set_config(struct sk_buff *skb, struct genl_info *info);
int pmguard_ctl_lock(struct sk_buff *skb, struct genl_info *info);

int pmguard_nl_register(void);
void pmguard_nl_unregister(void);
void pmguard_nl_report(const struct pmguard_event *ev, char *buf);

/*
 * Severity high or above, deny or would-deny: given the last queue slots,
 * and held back for a subscriber whose socket is full.  Probe context too.
 */
static inline bool pmguard_event_priority(const struct pmguard_event *ev)
{
	return ev->severity >= PMGUARD_SEV_HIGH ||
	       ev->action == PMGUARD_ACTION_DENY ||
	       (ev->acc.flags & PMGUARD_F_WOULD_DENY);
}

/*
 * Among priority events, who goes first when room runs out.  Anyone can
 * make the kernel refuse them something of root's, as fast as they can
 * fork; what matters is what got through or what only pmguard stopped,
 * and, of those, what a privileged caller did (an unprivileged one only
 * ever reaches its own processes).  So a flood of refused attempts cannot
 * push out a real dump, nor can one of an unprivileged user's reads of
 * its own credential holders push out root's.
 */
enum pmguard_urgency {
	PMGUARD_URGENCY_NONE,		/* not priority */
	PMGUARD_URGENCY_REFUSED,	/* the kernel refused it anyway */
	PMGUARD_URGENCY_OWN,		/* got through, or pmguard stopped it */
	PMGUARD_URGENCY_PRIVILEGED,	/* that, by root or CAP_SYS_PTRACE */
};

/* A dropped access of @urgency, standing for @count: the drop counters. */
static inline void pmguard_count_urgent_dropped(u8 urgency, u32 count)
{
	if (urgency == PMGUARD_URGENCY_NONE)
		return;
	atomic64_add(count, &pmguard_stats[PMGUARD_S_PRIORITY_DROPPED]);
	if (urgency >= PMGUARD_URGENCY_OWN)
		atomic64_add(count, &pmguard_stats[PMGUARD_S_URGENT_DROPPED]);
}

static inline enum pmguard_urgency pmguard_event_urgency(const struct pmguard_event *ev)
{
	if (!pmguard_event_priority(ev))
		return PMGUARD_URGENCY_NONE;
	if (ev->acc.result && ev->action != PMGUARD_ACTION_DENY)
		return PMGUARD_URGENCY_REFUSED;
	if (!ev->acc.caller.euid || (ev->acc.flags & PMGUARD_F_CALLER_CAP_PTRACE))
		return PMGUARD_URGENCY_PRIVILEGED;
	return PMGUARD_URGENCY_OWN;
}

#endif /* _PMGUARD_NETLINK_H */
