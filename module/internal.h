/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmguard internal definitions, shared by the module's files and the KUnit
 * tests.  policy.c is pure logic over these types so that it can be tested
 * without probes or netlink.
 */
#ifndef _PMGUARD_INTERNAL_H
#define _PMGUARD_INTERNAL_H

#include <linux/types.h>
#include <linux/sched.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/pmguard.h>
#include <asm/ptrace.h>

#define PMGUARD_NAME_LEN	64	/* an executable's base name, truncated */
#define PMGUARD_RULE_PATH_MAX	256

/*
 * Identity of an executable: the inode itself, compared as a pointer and
 * never dereferenced (device and inode number are for showing).  Numbers
 * alone can be forged: btrfs subvolumes, which any user may create, share
 * their filesystem's device and number inodes from 256 each, and a freed
 * ext4 inode's number comes back for the next file.  A rule holds a
 * reference to the files it names (pmguard_rule.pins), so no other file
 * can be given their inodes while it exists.
 */
struct pmguard_exe_id {
	dev_t dev;
	unsigned long ino;
	const void *inode;
};

/* One side of an access, as known when the decision is made. */
struct pmguard_proc_info {
	u32 pid, tid, ppid;
	u32 uid, euid, fsuid, gid;
	u32 loginuid, sessionid;
	char comm[TASK_COMM_LEN];
	char exe_name[PMGUARD_NAME_LEN];	/* "" when unknown */
	struct pmguard_exe_id exe;		/* ino 0 when unknown */
	/* The caller only: the script a rule names that it runs (script.c). */
	struct pmguard_exe_id script;		/* ino 0: none */
	/* Container and service context (context.c); 0 when unknown. */
	u64 cgroup_id;				/* cgroup v2 */
	u64 start_time;				/* the worker finds the same task */
	u32 ns_pid;				/* pid in its own pid namespace */
	u32 pid_ns, user_ns, net_ns, cgroup_ns;	/* namespace inode numbers */
	u8 ctx;					/* PMGUARD_CTX_* */
};

#define PMGUARD_CTX_KNOWN		0x1	/* the fields above are filled */
#define PMGUARD_CTX_IN_CONTAINER	0x2	/* pid, user or (caller) cgroup ns not initial */
/* The target's pid and user namespaces are the caller's or inside them. */
#define PMGUARD_CTX_WITHIN_CALLER	0x4

/* Everything a rule can look at. */
struct pmguard_access {
	enum pmguard_kind kind;
	u32 access;			/* PMGUARD_ACCESS_* */
	int result;			/* the kernel's own result */
	u32 flags;			/* PMGUARD_F_* */
	struct pmguard_proc_info caller;
	struct pmguard_proc_info target;
};

/* Which fields of a rule must match (pmguard_rule.match). */
#define PMGUARD_M_CALLER_EXE	0x01
#define PMGUARD_M_CALLER_COMM	0x02
#define PMGUARD_M_CALLER_UID	0x04
#define PMGUARD_M_TARGET_EXE	0x08
#define PMGUARD_M_TARGET_COMM	0x10
#define PMGUARD_M_CALLER_SCRIPT	0x20

enum {
	PMGUARD_PIN_CALLER_EXE,
	PMGUARD_PIN_TARGET_EXE,
	PMGUARD_PIN_CALLER_SCRIPT,
	PMGUARD_RULE_PINS
};

struct pmguard_rule {
	char name[PMGUARD_RULE_NAME_MAX];
	u32 match;			/* PMGUARD_M_* */
	struct pmguard_exe_id caller_exe;
	struct pmguard_exe_id target_exe;
	struct pmguard_exe_id caller_script;
	char caller_exe_path[PMGUARD_RULE_PATH_MAX];	/* as given, for listing */
	char target_exe_path[PMGUARD_RULE_PATH_MAX];
	char caller_script_path[PMGUARD_RULE_PATH_MAX];
	char caller_comm[TASK_COMM_LEN];
	char target_comm[TASK_COMM_LEN];
	u32 caller_uid;
	u32 kinds;			/* bit (1 << kind); 0 = any */
	u32 access;			/* any of PMGUARD_ACCESS_*; 0 = any */
	u32 flags_set;			/* PMGUARD_F_* that must be present */
	u32 flags_clear;		/* PMGUARD_F_* that must be absent */
	u8 action;			/* enum pmguard_action */
	u8 severity;			/* enum pmguard_severity */
	/* The files named above, held (see struct pmguard_exe_id). */
	struct path pins[PMGUARD_RULE_PINS];
};

/* Replaced whole under RCU; readers never see a half-written policy. */
struct pmguard_policy {
	u64 generation;			/* unique per installed policy */
	unsigned int nr_rules;
	unsigned int nr_sensitive;
	u8 default_action;
	u8 default_severity;
	char sensitive[PMGUARD_MAX_SENSITIVE][PMGUARD_NAME_LEN];
	struct pmguard_rule rules[];
};

struct pmguard_verdict {
	u8 action;
	u8 severity;
	const char *rule;		/* points into the policy or a literal */
};

#define PMGUARD_KINDS_MEMORY	(BIT(PMGUARD_KIND_MEM) | BIT(PMGUARD_KIND_PAGEMAP))
/* Routes that copy memory by call, not through a file: they report bytes. */
#define PMGUARD_KINDS_COPY	(BIT(PMGUARD_KIND_VM_READ) | BIT(PMGUARD_KIND_VM_WRITE) | \
				 BIT(PMGUARD_KIND_PTRACE_READ) | \
				 BIT(PMGUARD_KIND_PTRACE_WRITE))
/*
 * Every route that reads or writes another process's memory directly, and
 * pidfd_getfd(2), which hands over whatever it holds open: a memfd it keeps
 * secrets in, its own /proc/self/mem, its sockets.
 */
#define PMGUARD_KINDS_DIRECT	(PMGUARD_KINDS_MEMORY | PMGUARD_KINDS_COPY | \
				 BIT(PMGUARD_KIND_PTRACE) | BIT(PMGUARD_KIND_GETFD) | \
				 BIT(PMGUARD_KIND_PAGEOUT) | BIT(PMGUARD_KIND_FD_REOPEN) | \
				 BIT(PMGUARD_KIND_PERF_SAMPLE))
#define PMGUARD_KINDS_MAPS	(BIT(PMGUARD_KIND_MAPS) | BIT(PMGUARD_KIND_SMAPS) | \
				 BIT(PMGUARD_KIND_SMAPS_ROLLUP) | \
				 BIT(PMGUARD_KIND_NUMA_MAPS))

/* Burst folding: accesses that are "the same" within a window. */
struct pmguard_fold_key {
	u32 caller_pid;
	u32 target_pid;
	/* Targets of pid 0 (uprobes, settings) differ by file and name. */
	unsigned long target_ino;
	char target_comm[TASK_COMM_LEN];
	u32 kind;
	u32 access;
	int result;
	u32 flags;			/* all but PMGUARD_F_FOLDED */
	u8 action;
	u8 severity;
};

static inline bool pmguard_kind_copies(u32 kind)
{
	return kind <= PMGUARD_KIND_MAX && (BIT(kind) & PMGUARD_KINDS_COPY);
}

/* policy.c: pure functions */
enum pmguard_kind pmguard_kind_from_qstr(const char *name, u32 len);
const char *pmguard_kind_name(enum pmguard_kind kind);
bool pmguard_parse_tid(const char *name, u32 *tid);
bool pmguard_comm_matches(const char *comm, const char *name);
bool pmguard_target_sensitive(const struct pmguard_policy *policy,
			      const char *comm, const char *exe_name);
bool pmguard_rule_matches(const struct pmguard_rule *rule,
			  const struct pmguard_access *acc);
void pmguard_decide(const struct pmguard_policy *policy,
		    const struct pmguard_access *acc,
		    struct pmguard_verdict *verdict);
u32 pmguard_comm_flags(const struct pmguard_policy *policy,
		       const struct pmguard_proc_info *caller);
bool pmguard_policy_names_script(const struct pmguard_policy *policy,
				 const struct pmguard_exe_id *id);
bool pmguard_rule_name_valid(const char *name);
void pmguard_fold_key_of(const struct pmguard_access *acc, u8 action,
			 u8 severity, struct pmguard_fold_key *key);
bool pmguard_fold_same_burst(const struct pmguard_fold_key *burst,
			     u64 burst_start_ns, const struct pmguard_fold_key *key,
			     u64 now_ns, u64 window_ns);

/* Kernel side: the event as queued from probe context to the worker. */
struct file;
struct pid;

enum pmguard_event_type {
	PMGUARD_EV_ACCESS,		/* an open, decided */
	PMGUARD_EV_SUMMARY,		/* reads through a reported mem file */
	PMGUARD_EV_GUARD,		/* pmguard's own state: blind or seeing */
};

/* Read accounting of one /proc/<pid>/mem file. */
struct pmguard_mem_stats {
	u64 reads, bytes_read;
	u64 writes, bytes_written;
	u64 first_offset, last_offset;
	u64 errors;
	u64 duration_ns;
};

struct pmguard_event {
	u8 type;			/* enum pmguard_event_type */
	u64 seq;			/* for a summary: its access event's */
	u64 first_seq;			/* folded: the burst's first event */
	u64 time_ns;
	struct pmguard_mem_stats mem;	/* PMGUARD_EV_SUMMARY */
	struct pmguard_access acc;
	u8 action;
	u8 severity;
	u8 guard;			/* PMGUARD_EV_GUARD: enum pmguard_guard */
	u32 count;
	u64 bytes;			/* copy routes: bytes copied (summed when folded) */
	bool has_bytes;			/* bytes is known */
	char rule[PMGUARD_RULE_NAME_MAX];
	/* Counted references once complete, dropped by the worker. */
	struct file *caller_exe;
	struct file *target_exe;
	bool lookup_target_exe;		/* the worker finds it by target tid */
	struct file *mem_file;		/* the mem file being opened, not counted */
	/* Until complete, in the handler that started it: not counted. */
	struct task_struct *target_task;
	bool complete;			/* pmguard_event_complete() ran */
};

extern struct pmguard_policy __rcu *pmguard_policy;
extern int pmguard_mode;
extern unsigned int pmguard_fold_ms;
extern bool pmguard_locked;
extern struct mutex pmguard_config_mutex;

struct pmguard_policy *pmguard_policy_alloc(unsigned int nr_rules);
void pmguard_policy_free(struct pmguard_policy *policy);
void pmguard_policy_install(struct pmguard_policy *policy);
void pmguard_policy_stamp(struct pmguard_policy *policy);
void pmguard_lock(void);
int pmguard_exe_lookup(const char *path, struct pmguard_exe_id *id,
		       struct path *pin);
void pmguard_rule_pin(struct pmguard_rule *rule);
void pmguard_rule_unpin(struct pmguard_rule *rule);

/* main.c */
bool pmguard_is_blind(void);
void pmguard_count_seen(enum pmguard_kind kind);
void pmguard_count_action(u8 action);
void pmguard_submit(struct pmguard_event *ev);
void pmguard_event_release(struct pmguard_event *ev);
void pmguard_event_hold(struct pmguard_event *ev);

/* account.c: read accounting of reported /proc/<pid>/mem files */
void pmguard_track_mem(struct file *file, const struct pmguard_event *ev);
int pmguard_account_register(void);
void pmguard_account_unregister(void);
u64 pmguard_account_missed(void);

/* fold.c */
bool pmguard_fold(struct pmguard_event *ev);
void pmguard_fold_started(const struct pmguard_event *ev);
bool pmguard_fold_add_bytes(u64 seq, u64 bytes);
void pmguard_fold_stop(void);
void pmguard_track_set_seq(struct file *file, u64 seq);
void pmguard_trace_access(const struct pmguard_event *ev);
void pmguard_submit_summary(struct pmguard_event *ev);

/* The second argument of a probed function, at its entry (x86-64: rsi). */
static inline void pmguard_set_second_argument(struct pt_regs *regs,
					       unsigned long val)
{
	regs->si = val;
}

/* probe.c: procfs opens, and what every route shares */
struct mm_struct;
struct dentry;
void pmguard_dentry_name(struct dentry *dentry, char *buf, size_t size);
void pmguard_event_start_unpinned(struct pmguard_event *ev,
				  enum pmguard_kind kind, u32 access,
				  struct task_struct *task);
void pmguard_event_start(struct pmguard_event *ev, enum pmguard_kind kind,
			 u32 access, struct task_struct *task);
void pmguard_event_complete(struct pmguard_event *ev);
bool pmguard_decide_event(struct pmguard_event *ev);
void pmguard_report_access(struct pmguard_event *ev);
int pmguard_probes_register(unsigned int maxactive);
int pmguard_probes_selftest(void);
void pmguard_probes_unregister(void);
u64 pmguard_probes_missed(void);
unsigned int pmguard_probes_active(void);
enum pmguard_kind pmguard_procfs_kind(struct pt_regs *regs);

/* dump.c: /proc/kcore and core dumps */
void pmguard_dump_register(unsigned int maxactive);
void pmguard_dump_unregister(void);
u64 pmguard_dump_missed(void);
unsigned int pmguard_dump_active(void);

/* script.c: which script a rule names an interpreter process runs */
int pmguard_script_register(void);
void pmguard_script_unregister(void);
void pmguard_script_of_current(struct pmguard_exe_id *id);
u64 pmguard_script_missed(void);

/* context.c: container and service context of each side */
u8 pmguard_context_of(struct task_struct *task);
void pmguard_fill_context(struct pmguard_proc_info *info,
			  struct task_struct *task);
u32 pmguard_context_flags(const struct pmguard_access *acc);

/* Worker side: what probe context could not read. */
struct pmguard_ctx_resolved {
	u32 mnt_ns, net_ns, cgroup_ns;	/* 0 when unknown */
	const char *cgroup;		/* cgroup v2 path, or NULL */
};

struct task_struct *pmguard_task_get(u32 tid, u64 start_time);
void pmguard_context_resolve(const struct pmguard_proc_info *info,
			     struct pmguard_ctx_resolved *res,
			     char *buf, size_t size);

/* route.c: process_vm_readv/writev and ptrace */
int pmguard_routes_register(unsigned int maxactive);
void pmguard_routes_unregister(void);
u64 pmguard_routes_missed(void);
unsigned int pmguard_routes_active(void);
bool pmguard_exe_replaced(struct mm_struct *mm, struct file *exe);
bool pmguard_call_claim_open(struct file *file, fmode_t mode);
void pmguard_call_release(void);
bool pmguard_call_denied(void);
void pmguard_count_unenforced(void);

#endif /* _PMGUARD_INTERNAL_H */
