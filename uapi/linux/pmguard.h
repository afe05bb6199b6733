/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pmguard: kernel-level detection of process memory access through procfs
 * (/proc/<pid>/mem, environ, maps and their aliases).
 *
 * This is the one header shared by the kernel module and every subscriber.
 * Transport: generic netlink, family PMGUARD_GENL_NAME.
 *
 * Compatibility rules: enum values are never renumbered or reused; new
 * attributes and commands are only appended.  Readers must ignore unknown
 * attributes.  PMGUARD_GENL_VERSION is bumped when the meaning of an
 * existing attribute changes.
 */
#ifndef _UAPI_LINUX_PMGUARD_H
#define _UAPI_LINUX_PMGUARD_H

#include <linux/types.h>

#define PMGUARD_GENL_NAME		"pmguard"
/*
 * 2: events are unicast to sockets that sent PMGUARD_CMD_SUBSCRIBE; the
 * "events" multicast group is still declared but carries nothing.
 * 3: vm_read and vm_write events are sent when decided, without
 * PMGUARD_A_BYTES (a folded one still has the sum of the calls it folds);
 * what each call copied follows as a PMGUARD_CMD_MEM_SUMMARY of the same
 * kind, joined by PMGUARD_A_SEQ.
 */
#define PMGUARD_GENL_VERSION		3
#define PMGUARD_GENL_MCGRP_EVENTS	"events"

#define PMGUARD_COMM_LEN		16
#define PMGUARD_PATH_MAX		4096
#define PMGUARD_RULE_NAME_MAX		64

/*
 * Which route into another process's memory: a procfs file that was opened,
 * a process_vm_readv/writev call, a ptrace attach or memory access (and,
 * as ptrace_read/ptrace_write, a tracer's register reads and writes), an
 * open file taken from the process with pidfd_getfd(2), pages pushed out to
 * swap, /proc/kcore, a core dump.
 */
enum pmguard_kind {
	PMGUARD_KIND_UNSPEC,
	PMGUARD_KIND_MEM,		/* /proc/<pid>/mem */
	PMGUARD_KIND_ENVIRON,		/* /proc/<pid>/environ */
	PMGUARD_KIND_MAPS,		/* /proc/<pid>/maps */
	PMGUARD_KIND_SMAPS,		/* /proc/<pid>/smaps */
	PMGUARD_KIND_SMAPS_ROLLUP,	/* /proc/<pid>/smaps_rollup */
	PMGUARD_KIND_NUMA_MAPS,		/* /proc/<pid>/numa_maps */
	PMGUARD_KIND_PAGEMAP,		/* /proc/<pid>/pagemap */
	PMGUARD_KIND_AUXV,		/* /proc/<pid>/auxv */
	PMGUARD_KIND_VM_READ,		/* process_vm_readv(2) */
	PMGUARD_KIND_VM_WRITE,		/* process_vm_writev(2) */
	PMGUARD_KIND_PTRACE,		/* ptrace(PTRACE_ATTACH or PTRACE_SEIZE) */
	PMGUARD_KIND_PTRACE_READ,	/* ptrace(PTRACE_PEEKTEXT/PEEKDATA) */
	PMGUARD_KIND_PTRACE_WRITE,	/* ptrace(PTRACE_POKETEXT/POKEDATA) */
	PMGUARD_KIND_GETFD,		/* pidfd_getfd(2) */
	/*
	 * process_madvise(2) with MADV_PAGEOUT or MADV_COLD: pushes the
	 * target's pages towards swap, where the swap device shows them
	 */
	PMGUARD_KIND_PAGEOUT,
	/* open of /proc/kcore: every process's memory (target: the kernel, pid 0) */
	PMGUARD_KIND_KCORE,
	/* a core dump of the target (caller and target: the dumping process) */
	PMGUARD_KIND_CORE,
	/*
	 * an open through the target's /proc/<pid>/fd/N or map_files/<range>
	 * link: the file it holds open or maps (a memfd of secrets), the
	 * procfs twin of pidfd_getfd
	 */
	PMGUARD_KIND_FD_REOPEN,
	/*
	 * a uprobe (perf, BPF, tracefs) registered on a file: a credential
	 * holder's executable or a library that handles credentials (PAM,
	 * libcrypt, libssl, ...) is a sensitive target; target pid 0, its comm
	 * the file's name
	 */
	PMGUARD_KIND_UPROBE,
	/*
	 * a perf event that samples the target's user stack or registers
	 * (PERF_SAMPLE_STACK_USER, REGS_USER, REGS_INTR: perf record
	 * --call-graph dwarf); target pid 0 for one that samples every
	 * process (perf record -a)
	 */
	PMGUARD_KIND_PERF_SAMPLE,
	/*
	 * a write of kernel.core_pattern or fs.suid_dumpable: where core
	 * dumps go (a pipe to any program) and whether setuid processes are
	 * dumped; target pid 0, its comm the setting's name
	 */
	PMGUARD_KIND_DUMP_CONFIG,
	__PMGUARD_KIND_MAX,
};

#define PMGUARD_KIND_MAX (__PMGUARD_KIND_MAX - 1)

/* Open mode bits (PMGUARD_A_ACCESS). */
#define PMGUARD_ACCESS_READ		0x1
#define PMGUARD_ACCESS_WRITE		0x2

/* Policy outcome. */
enum pmguard_action {
	PMGUARD_ACTION_ALLOW,		/* allowed by a rule, still reported */
	PMGUARD_ACTION_ALERT,		/* allowed, reported as suspicious */
	/*
	 * refused in enforce mode: a procfs open fails with -EACCES, a
	 * ptrace attach, pidfd_getfd or process_vm_readv/writev with -EPERM,
	 * PTRACE_PEEK/POKE with -EIO
	 */
	PMGUARD_ACTION_DENY,
	__PMGUARD_ACTION_MAX,
};

enum pmguard_severity {
	PMGUARD_SEV_INFO,
	PMGUARD_SEV_LOW,
	PMGUARD_SEV_MEDIUM,
	PMGUARD_SEV_HIGH,
	PMGUARD_SEV_CRITICAL,
	__PMGUARD_SEV_MAX,
};

/* pmguard's own state (PMGUARD_A_GUARD). */
enum pmguard_guard {
	PMGUARD_GUARD_UNSPEC,
	PMGUARD_GUARD_BLIND,		/* kprobes disarmed: nothing is seen */
	PMGUARD_GUARD_SEEING,		/* armed again */
	__PMGUARD_GUARD_MAX,
};

enum pmguard_mode {
	PMGUARD_MODE_AUDIT,
	PMGUARD_MODE_ENFORCE,
	__PMGUARD_MODE_MAX,
};

/* Facts about an access (PMGUARD_A_FLAGS). */
#define PMGUARD_F_CALLER_CAP_PTRACE	0x0001	/* caller has CAP_SYS_PTRACE (init ns) */
#define PMGUARD_F_CALLER_IS_TRACER	0x0002	/* caller ptrace-attached to target */
#define PMGUARD_F_CALLER_IS_ANCESTOR	0x0004	/* caller is an ancestor of target */
#define PMGUARD_F_SAME_UID		0x0008	/* caller (fs)uid == target's uid, euid, suid */
#define PMGUARD_F_TARGET_SENSITIVE	0x0010	/* target on the sensitive list */
#define PMGUARD_F_COMM_MISMATCH		0x0020	/* caller comm != its exe name */
#define PMGUARD_F_COMM_SPOOFS_ALLOWED	0x0040	/* comm names an allowlisted tool, exe is not */
#define PMGUARD_F_TASK_ALIAS		0x0080	/* opened via a thread (tid != tgid) */
#define PMGUARD_F_TARGET_EXE_UNKNOWN	0x0100	/* target exe not known at decision */
#define PMGUARD_F_WOULD_DENY		0x0200	/* a deny rule matched in audit mode */
#define PMGUARD_F_FOLDED		0x0400	/* stands for COUNT accesses */
#define PMGUARD_F_COMPAT_SYSCALL	0x0800	/* caller used the 32-bit syscall ABI */
#define PMGUARD_F_EXE_REPLACED		0x1000	/* caller's exe set by prctl(PR_SET_MM) */
/*
 * The caller is in a container (its pid or user namespace is not the
 * initial one) and the target is not inside that container: another
 * container, or the host.  A host process reading a container's is not.
 */
#define PMGUARD_F_CROSS_CONTAINER	0x2000
#define PMGUARD_F_FROM_CONTAINER	0x4000	/* the caller is in a container */
/*
 * The target is not dumpable (setuid or setgid, PR_SET_DUMPABLE 0, changed
 * credentials), or a user process whose mm is already gone (exiting): the
 * kernel's own sign of a process that may hold secrets
 */
#define PMGUARD_F_TARGET_NONDUMPABLE	0x8000

/*
 * Commands.  Every request needs CAP_NET_ADMIN in the initial user
 * namespace; those that change policy or mode need CAP_SYS_ADMIN there too.
 */
enum pmguard_cmd {
	PMGUARD_CMD_UNSPEC,
	PMGUARD_CMD_EVENT,		/* kernel -> subscribers: one access */
	PMGUARD_CMD_GET_STATS,		/* request: -> reply with PMGUARD_A_STATS */
	PMGUARD_CMD_GET_CONFIG,		/* request: -> mode, locked, defaults, fold */
	PMGUARD_CMD_RULE_LIST,		/* dump: one PMGUARD_A_RULE per message */
	PMGUARD_CMD_RULE_ADD,		/* PMGUARD_A_RULE [+ PMGUARD_A_RULE_INDEX] */
	PMGUARD_CMD_RULE_DEL,		/* PMGUARD_A_RULE_NAME */
	PMGUARD_CMD_POLICY_FLUSH,	/* no attributes: remove every rule */
	PMGUARD_CMD_POLICY_REPLACE,	/* PMGUARD_A_POLICY: all rules, atomically */
	PMGUARD_CMD_SET_CONFIG,		/* PMGUARD_A_MODE and/or PMGUARD_A_FOLD_MS */
	PMGUARD_CMD_LOCK,		/* freeze policy and mode, pin the module */
	PMGUARD_CMD_MEM_SUMMARY,	/* kernel -> subscribers: what an access copied */
	/*
	 * no attributes: send PMGUARD_CMD_EVENT and PMGUARD_CMD_MEM_SUMMARY
	 * to this socket until it is closed or the module unloads
	 */
	PMGUARD_CMD_SUBSCRIBE,
	/*
	 * kernel -> subscribers: pmguard's own state changed: PMGUARD_A_GUARD,
	 * PMGUARD_A_SEVERITY, PMGUARD_A_TIME_NS (no sequence number)
	 */
	PMGUARD_CMD_GUARD,
	__PMGUARD_CMD_MAX,
};

#define PMGUARD_CMD_MAX (__PMGUARD_CMD_MAX - 1)

/* Top-level attributes. */
enum pmguard_attr {
	PMGUARD_A_UNSPEC,
	PMGUARD_A_PAD,
	PMGUARD_A_SEQ,			/* u64: per-boot sequence, starts at 1 */
	PMGUARD_A_TIME_NS,		/* u64: CLOCK_REALTIME, ns */
	PMGUARD_A_KIND,			/* u32: enum pmguard_kind */
	PMGUARD_A_ACCESS,		/* u32: PMGUARD_ACCESS_* */
	PMGUARD_A_RESULT,		/* s32: the access's result (0 or -errno) */
	PMGUARD_A_ACTION,		/* u32: enum pmguard_action */
	PMGUARD_A_SEVERITY,		/* u32: enum pmguard_severity */
	PMGUARD_A_RULE,			/* string: name of the rule that matched */
	PMGUARD_A_FLAGS,		/* u32: PMGUARD_F_* */
	PMGUARD_A_CALLER,		/* nested: enum pmguard_proc_attr */
	PMGUARD_A_TARGET,		/* nested: enum pmguard_proc_attr */
	PMGUARD_A_STATS,		/* nested: enum pmguard_stat_attr */
	PMGUARD_A_MODE,			/* u32: enum pmguard_mode */
	PMGUARD_A_COUNT,		/* u32: accesses this event stands for */
	PMGUARD_A_RULE_NAME,		/* string: a rule, for RULE_DEL */
	PMGUARD_A_RULE_INDEX,		/* u32: position for RULE_ADD (default: end) */
	PMGUARD_A_RULE_SPEC,		/* nested: enum pmguard_rule_attr */
	/* nested: PMGUARD_A_RULE_SPEC and PMGUARD_A_SENSITIVE_NAME
	 * (both repeated), PMGUARD_A_DEFAULT_ACTION and _SEVERITY
	 */
	PMGUARD_A_POLICY,
	PMGUARD_A_DEFAULT_ACTION,	/* u32: when no rule matches */
	PMGUARD_A_DEFAULT_SEVERITY,	/* u32 */
	PMGUARD_A_LOCKED,		/* u8: 1 once PMGUARD_CMD_LOCK ran */
	PMGUARD_A_FOLD_MS,		/* u32: burst folding window, 0 = off */
	PMGUARD_A_NR_RULES,		/* u32 */
	PMGUARD_A_SUMMARY,		/* nested: enum pmguard_summary_attr */
	PMGUARD_A_FIRST_SEQ,		/* u64: first access this event folds */
	PMGUARD_A_SENSITIVE_NAME,	/* string, repeated in PMGUARD_A_POLICY */
	/*
	 * u64: bytes the access copied (vm_read, vm_write, ptrace_read,
	 * ptrace_write); a folded event: the sum over the accesses it folds
	 */
	PMGUARD_A_BYTES,
	PMGUARD_A_GUARD,		/* u32: enum pmguard_guard */
	__PMGUARD_A_MAX,
};

#define PMGUARD_A_MAX (__PMGUARD_A_MAX - 1)

/* A process: the caller or the target. */
enum pmguard_proc_attr {
	PMGUARD_P_UNSPEC,
	PMGUARD_P_PID,			/* u32: thread group id (init pid ns) */
	PMGUARD_P_TID,			/* u32: thread id (init pid ns) */
	PMGUARD_P_PPID,			/* u32: parent's thread group id */
	PMGUARD_P_UID,			/* u32 */
	PMGUARD_P_EUID,			/* u32 */
	PMGUARD_P_FSUID,		/* u32 */
	PMGUARD_P_GID,			/* u32 */
	PMGUARD_P_LOGINUID,		/* u32: (u32)-1 when unset */
	PMGUARD_P_SESSIONID,		/* u32: (u32)-1 when unset */
	PMGUARD_P_COMM,			/* string: task comm (untrusted) */
	PMGUARD_P_EXE,			/* string: executable path (may be absent) */
	PMGUARD_P_PAD,
	PMGUARD_P_CGROUP_ID,		/* u64: cgroup v2 id (inode of its directory) */
	/* string: cgroup v2 path as the initial cgroup namespace sees it */
	PMGUARD_P_CGROUP,
	PMGUARD_P_NS_PID,		/* u32: pid in its own pid namespace */
	PMGUARD_P_PID_NS,		/* u32: namespace inode numbers, as */
	PMGUARD_P_MNT_NS,		/* u32: stat -L -c %i /proc/PID/ns/X; */
	PMGUARD_P_USER_NS,		/* u32: absent when unknown (the */
	PMGUARD_P_NET_NS,		/* u32: process exited before the */
	PMGUARD_P_CGROUP_NS,		/* u32: worker could look) */
	/* u8: 1 when its pid or user namespace is not the initial one */
	PMGUARD_P_IN_CONTAINER,
	__PMGUARD_P_MAX,
};

#define PMGUARD_P_MAX (__PMGUARD_P_MAX - 1)

/*
 * A policy rule.  Every match field is optional; a rule matches when all
 * of its fields do, and the first matching rule decides.  Executables are
 * given as paths and matched by identity (device and inode, resolved when
 * the rule is loaded); dumps return the identity and whether the path now
 * names another file (an upgraded binary: reload the policy).
 */
enum pmguard_rule_attr {
	PMGUARD_R_UNSPEC,
	PMGUARD_R_PAD,
	PMGUARD_R_NAME,			/* string, required, unique, < 64 bytes */
	PMGUARD_R_ACTION,		/* u32: enum pmguard_action, required */
	PMGUARD_R_SEVERITY,		/* u32: enum pmguard_severity */
	PMGUARD_R_CALLER_EXE,		/* string: absolute path */
	PMGUARD_R_CALLER_COMM,		/* string, < 16 bytes */
	PMGUARD_R_CALLER_UID,		/* u32 */
	PMGUARD_R_TARGET_EXE,		/* string: absolute path */
	PMGUARD_R_TARGET_COMM,		/* string, < 16 bytes */
	PMGUARD_R_KINDS,		/* u32: bit (1 << enum pmguard_kind) */
	PMGUARD_R_ACCESS,		/* u32: PMGUARD_ACCESS_* */
	PMGUARD_R_FLAGS_SET,		/* u32: PMGUARD_F_* that must be set */
	PMGUARD_R_FLAGS_CLEAR,		/* u32: PMGUARD_F_* that must be clear */
	PMGUARD_R_CALLER_EXE_DEV,	/* u32, dumps only: st_dev as stat(2) gives it */
	PMGUARD_R_CALLER_EXE_INO,	/* u64, dumps only */
	PMGUARD_R_TARGET_EXE_DEV,	/* u32, dumps only: st_dev as stat(2) gives it */
	PMGUARD_R_TARGET_EXE_INO,	/* u64, dumps only */
	PMGUARD_R_STALE,		/* u8, dumps only: a path names another file now */
	PMGUARD_R_INDEX,		/* u32, dumps only: position, from 0 */
	/*
	 * string: absolute path of a script that the caller runs by its "#!"
	 * line (needrestart: /usr/bin/perl running /usr/sbin/needrestart),
	 * matched by identity like the executables; a rule naming it does
	 * not match the interpreter running anything else
	 */
	PMGUARD_R_CALLER_SCRIPT,
	PMGUARD_R_CALLER_SCRIPT_DEV,	/* u32, dumps only: st_dev as stat(2) gives it */
	PMGUARD_R_CALLER_SCRIPT_INO,	/* u64, dumps only */
	__PMGUARD_R_MAX,
};

#define PMGUARD_R_MAX (__PMGUARD_R_MAX - 1)
#define PMGUARD_MAX_RULES		256
#define PMGUARD_MAX_SENSITIVE		64	/* names, each < 64 bytes */

/* Read accounting of one /proc/<pid>/mem file, sent when it is closed. */
enum pmguard_summary_attr {
	PMGUARD_SUM_UNSPEC,
	PMGUARD_SUM_PAD,
	PMGUARD_SUM_READS,		/* u64: read() calls that returned data */
	PMGUARD_SUM_BYTES_READ,		/* u64 */
	PMGUARD_SUM_WRITES,		/* u64 */
	PMGUARD_SUM_BYTES_WRITTEN,	/* u64 */
	PMGUARD_SUM_FIRST_OFFSET,	/* u64: lowest address accessed */
	PMGUARD_SUM_LAST_OFFSET,	/* u64: end of the highest access */
	PMGUARD_SUM_DURATION_NS,	/* u64: open to close */
	PMGUARD_SUM_ERRORS,		/* u64: calls that failed */
	__PMGUARD_SUM_MAX,
};

#define PMGUARD_SUM_MAX (__PMGUARD_SUM_MAX - 1)

/* Counters, all u64.  Reported in PMGUARD_A_STATS. */
enum pmguard_stat_attr {
	PMGUARD_S_UNSPEC,
	PMGUARD_S_PAD,
	PMGUARD_S_SEEN,			/* cross-process opens observed */
	PMGUARD_S_REPORTED,		/* events handed to netlink */
	PMGUARD_S_ALLOWED,		/* action allow */
	PMGUARD_S_ALERTED,		/* action alert */
	PMGUARD_S_DENIED,		/* action deny */
	PMGUARD_S_DROP_QUEUE_FULL,	/* event queue full in probe context */
	PMGUARD_S_DROP_NOMEM,		/* netlink message allocation failed */
	PMGUARD_S_DROP_NO_LISTENER,	/* nobody subscribed */
	PMGUARD_S_DROP_SEND,		/* multicast failed (listener overrun) */
	PMGUARD_S_DROP_MISSED,		/* probe hits that could not run (kretprobe
					 * instances exhausted, recursion): every
					 * probe, read accounting included
					 */
	PMGUARD_S_KIND,			/* nested, repeated: pmguard_kind_stat_attr */
	PMGUARD_S_PROBES,		/* u64: probes registered */
	PMGUARD_S_FOLDED,		/* accesses folded into another event */
	PMGUARD_S_SUMMARIES,		/* mem read summaries sent */
	PMGUARD_S_DROP_TRACKING,	/* mem files not accounted (table full) */
	PMGUARD_S_SUBSCRIBERS,		/* sockets subscribed now */
	/*
	 * accesses of severity high or above, deny or would-deny, that were
	 * dropped: already counted in the drop counters above, not in addition
	 */
	PMGUARD_S_PRIORITY_DROPPED,
	/* priority events held back for a subscriber whose socket was full */
	PMGUARD_S_HELD,
	/*
	 * u64: 1 while every kprobe on the system is disarmed (debugfs
	 * kprobes/enabled = 0, or ftrace off): pmguard sees nothing
	 */
	PMGUARD_S_BLIND,
	PMGUARD_S_BLINDED,		/* times pmguard found itself blind */
	/* guard records (PMGUARD_CMD_GUARD) not delivered to some subscriber */
	PMGUARD_S_DROP_GUARD,
	/*
	 * scripts a rule names that were run while the table of running
	 * scripts was full: their processes met the rules as their interpreter
	 */
	PMGUARD_S_SCRIPTS_UNNOTED,
	/*
	 * of PMGUARD_S_PRIORITY_DROPPED, those that got through or that
	 * pmguard itself refused (not refused by the kernel first): a real
	 * dump, or the try of one, lost.  Those of root (or CAP_SYS_PTRACE)
	 * come first and are lost only to a flood of root's own.
	 */
	PMGUARD_S_URGENT_DROPPED,
	/*
	 * priority events that found no subscriber (counted in no_listener),
	 * sent later to the next subscriber: the last 64 are kept for it
	 */
	PMGUARD_S_REPLAYED,
	__PMGUARD_S_MAX,
};

#define PMGUARD_S_MAX (__PMGUARD_S_MAX - 1)

enum pmguard_kind_stat_attr {
	PMGUARD_KS_UNSPEC,
	PMGUARD_KS_PAD,
	PMGUARD_KS_KIND,		/* u32: enum pmguard_kind */
	PMGUARD_KS_SEEN,		/* u64 */
	PMGUARD_KS_REPORTED,		/* u64 */
	PMGUARD_KS_PROBED,		/* u32: 1 if this kind's probe is active */
	__PMGUARD_KS_MAX,
};

#define PMGUARD_KS_MAX (__PMGUARD_KS_MAX - 1)

#endif /* _UAPI_LINUX_PMGUARD_H */
