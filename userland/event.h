/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink messages of the pmguard family decoded into plain structs.
 *
 * Nothing here touches a socket: the parse functions take a complete
 * generic netlink message, so they are unit-tested with messages built in
 * memory.  Strings are views into the message (pointer + length), valid as
 * long as the message is; they are NOT NUL-terminated and never trusted:
 * comm and exe are chosen by the (possibly hostile) processes involved.
 *
 * Every attribute is optional.  A "present" bitmask records which ones
 * the kernel sent, so formatters can omit what is absent instead of
 * printing a made-up zero.  Unknown attributes are ignored and unknown
 * enum values are kept as numbers (forward compatibility, see the uapi
 * header's rules).
 */
#ifndef PMG_EVENT_H
#define PMG_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/pmguard.h>

struct nlmsghdr;

/* An untrusted byte string inside a netlink message. */
struct pmg_str {
	const char *ptr;
	size_t len;
};

/* A process: the caller or the target (enum pmguard_proc_attr). */
struct pmguard_proc {
	uint32_t present;		/* bit (1u << PMGUARD_P_x) per attribute */
	uint32_t pid;
	uint32_t tid;
	uint32_t ppid;
	uint32_t uid;
	uint32_t euid;
	uint32_t fsuid;
	uint32_t gid;
	uint32_t loginuid;		/* (u32)-1: unset */
	uint32_t sessionid;		/* (u32)-1: unset */
	struct pmg_str comm;
	struct pmg_str exe;
	/* Container and service context (0 or absent when unknown). */
	uint64_t cgroup_id;
	struct pmg_str cgroup;		/* cgroup v2 path (untrusted names) */
	uint32_t ns_pid;		/* pid in its own pid namespace */
	uint32_t pid_ns, mnt_ns, user_ns, net_ns, cgroup_ns;
	uint8_t in_container;		/* the kernel's view: pid or user ns */
};

/* One PMGUARD_CMD_EVENT message. */
struct pmguard_event {
	uint64_t present;		/* bit (1ull << PMGUARD_A_x) per attribute */
	uint64_t seq;
	uint64_t time_ns;
	uint32_t kind;			/* enum pmguard_kind, may be unknown */
	uint32_t access;		/* PMGUARD_ACCESS_* bits */
	int32_t result;			/* 0 or -errno */
	uint32_t action;		/* enum pmguard_action, may be unknown */
	uint32_t severity;		/* enum pmguard_severity, may be unknown */
	uint32_t flags;			/* PMGUARD_F_* */
	uint32_t count;			/* accesses this event stands for */
	uint64_t first_seq;		/* folded: seq of the first access folded */
	uint64_t bytes;			/* bytes copied (vm_*, ptrace_read/write);
					 * folded: the sum over the accesses */
	struct pmg_str rule;
	struct pmguard_proc caller;
	struct pmguard_proc target;
};

static inline bool pmg_event_has(const struct pmguard_event *ev, int attr)
{
	return attr < 64 && (ev->present & (1ull << attr));
}

static inline bool pmg_proc_has(const struct pmguard_proc *p, int attr)
{
	return attr < 32 && (p->present & (1u << attr));
}

/* The value of a u32 process attribute (PMGUARD_P_PID, ...); 0 for others. */
uint32_t pmg_proc_u32(const struct pmguard_proc *p, int attr);

/*
 * One PMGUARD_CMD_MEM_SUMMARY message: what was read or written through
 * a /proc/<pid>/mem file, sent when it is closed.  seq is the seq of the
 * access event (the open) it summarizes; summaries have no seq of their
 * own and are not part of the loss accounting.
 */
struct pmguard_mem_summary {
	uint64_t present;		/* bit (1ull << PMGUARD_A_x) */
	uint64_t seq;
	uint64_t time_ns;
	uint32_t kind;
	struct pmguard_proc caller;
	struct pmguard_proc target;
	uint32_t sum_present;		/* bit (1u << PMGUARD_SUM_x) */
	uint64_t sum[__PMGUARD_SUM_MAX];	/* indexed by PMGUARD_SUM_x */
};

static inline bool pmg_summary_has(const struct pmguard_mem_summary *s, int attr)
{
	return attr < 64 && (s->present & (1ull << attr));
}

static inline bool pmg_summary_has_sum(const struct pmguard_mem_summary *s, int attr)
{
	return attr < 32 && (s->sum_present & (1u << attr));
}

/* Per-kind counters of the reply to PMGUARD_CMD_GET_STATS. */
struct pmguard_kind_stats {
	uint32_t present;		/* bit (1u << PMGUARD_KS_x) */
	uint32_t kind;
	uint64_t seen;
	uint64_t reported;
	uint32_t probed;
};

/* Room for every kind we know plus some the kernel may add later. */
#define PMG_STATS_MAX_KINDS 64

/* The reply to PMGUARD_CMD_GET_STATS. */
struct pmguard_stats {
	bool has_stats;			/* PMGUARD_A_STATS was there */
	bool has_mode;
	uint32_t mode;			/* enum pmguard_mode, may be unknown */
	uint32_t present;		/* bit (1u << PMGUARD_S_x), u64 counters */
	uint64_t counter[__PMGUARD_S_MAX];	/* indexed by PMGUARD_S_x */
	size_t n_kinds;
	struct pmguard_kind_stats kinds[PMG_STATS_MAX_KINDS];
	size_t n_kinds_dropped;		/* beyond PMG_STATS_MAX_KINDS */
};

/*
 * Decode a PMGUARD_CMD_EVENT message.  Returns 0, or a negative libnl
 * error code (-NLE_*) if the message is not a well-formed generic netlink
 * message of this family (too short, attribute of the wrong size, ...).
 * The caller checks the command.
 */
int pmg_event_parse(struct nlmsghdr *nlh, struct pmguard_event *ev);

/* Decode a PMGUARD_CMD_MEM_SUMMARY message; same return convention. */
int pmg_summary_parse(struct nlmsghdr *nlh, struct pmguard_mem_summary *s);

/* A PMGUARD_CMD_GUARD message: pmguard's own state (blind, seeing). */
struct pmg_guard {
	uint32_t state;			/* enum pmguard_guard */
	uint32_t severity;
	uint64_t time_ns;		/* 0: not sent */
};

/* Decode a PMGUARD_CMD_GUARD message; same return convention. */
int pmg_guard_parse(struct nlmsghdr *nlh, struct pmg_guard *g);

/* Decode the reply to PMGUARD_CMD_GET_STATS; same return convention. */
int pmg_stats_parse(struct nlmsghdr *nlh, struct pmguard_stats *st);

/*
 * A notification of the generic netlink controller ("nlctrl" family,
 * "notify" group) about the pmguard family: how the monitor notices the
 * module going away and coming back (with a possibly new family id and
 * group id) and re-subscribes.
 */
struct pmg_ctrl_note {
	uint8_t cmd;		/* CTRL_CMD_NEWFAMILY, _DELFAMILY, _NEWMCAST_GRP, ... */
	bool is_pmguard;	/* CTRL_ATTR_FAMILY_NAME == PMGUARD_GENL_NAME */
	int family_id;		/* -1 when absent */
	int events_group;	/* id of PMGUARD_GENL_MCGRP_EVENTS, -1 when absent */
};

/* Decode an nlctrl notification; same return convention. */
int pmg_ctrl_parse(struct nlmsghdr *nlh, struct pmg_ctrl_note *note);

#endif /* PMG_EVENT_H */
