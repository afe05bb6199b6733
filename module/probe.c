// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard probes: procfs opens, and what every route shares.
 *
 * Every procfs file that exposes another process's memory or address space
 * (mem, environ, auxv, maps, smaps, smaps_rollup, numa_maps, pagemap) gets
 * the target's mm from proc_mem_open(), which hands its mode to the
 * kernel's own ptrace access check (mm_access() -> ptrace_may_access()).
 * Every path alias (/proc/<pid>/, /proc/<pid>/task/<tid>/, /proc/self,
 * openat() on a directory fd, io_uring) ends in that call.
 *
 * The open is decided where every other route is: in the access check's
 * probe (route.c), which never sleeps, so its instances cannot run out on
 * a non-RT kernel while an open waits for a target's exec to finish.  A
 * plain kprobe on proc_mem_open() (nothing to run out of either) names the
 * file being opened in bits of the mode no PTRACE_MODE_* flag uses; the
 * check's probe takes them out before the check runs.  The mark travels
 * with the call: nothing is stored, so it cannot be lost, go stale or be
 * seen by another task.  A denial makes the check fail, so the open fails
 * with -EACCES like any the kernel refuses, and no mm is ever taken.
 *
 * Handlers run in atomic context (also on PREEMPT_RT): they take no
 * spinlock_t, never sleep, and hand events to a bounded queue that a worker
 * drains.
 */
#include <linux/kprobes.h>
#include <linux/compat.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/cred.h>
#include <linux/audit.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/dcache.h>
#include <linux/percpu.h>
#include <linux/err.h>
#include <linux/fs.h>

#include "internal.h"
#include "compat.h"

/*
 * Copy a dentry's name without d_lock (a spinlock_t, which sleeps on RT).
 * As in d_path(): the name may be renamed under us, so stop at the length
 * or the first NUL, whichever comes first.  Caller holds rcu_read_lock().
 */
void pmguard_dentry_name(struct dentry *dentry, char *buf, size_t size)
{
	/* Pairs with the release in __d_move(): see the name's bytes. */
	const unsigned char *name = smp_load_acquire(&dentry->d_name.name);
	u32 len = READ_ONCE(dentry->d_name.len);
	size_t i;

	for (i = 0; i < len && i < size - 1 && name[i]; i++)
		buf[i] = name[i];
	buf[i] = '\0';
}

/*
 * Read @mm's executable's identity into @info (ino 0 and no name when
 * unknown; the name NUL-padded) without taking a reference: an access
 * folded into a running burst never needs one.  Returns the file it came
 * from, or NULL.  @mm holds a reference to its exe_file, so a file that is
 * still its exe_file after the read was not freed (or, since 6.7, reused
 * for another file) before it.  Caller holds rcu_read_lock().
 */
static struct file *pmguard_exe_peek(struct mm_struct *mm,
				     struct pmguard_proc_info *info)
{
	struct file *exe = mm ? rcu_dereference(mm->exe_file) : NULL;
	struct dentry *dentry = exe ? READ_ONCE(exe->f_path.dentry) : NULL;
	/* The path's inode, not file_inode(): stacked filesystems differ. */
	struct inode *inode = dentry ? d_inode_rcu(dentry) : NULL;

	memset(info->exe_name, 0, sizeof(info->exe_name));
	if (inode) {
		info->exe.dev = inode->i_sb->s_dev;
		info->exe.ino = inode->i_ino;
		info->exe.inode = inode;
		pmguard_dentry_name(dentry, info->exe_name,
				    sizeof(info->exe_name));
		/* The reads above come before the check; the swap is an xchg(). */
		smp_rmb();
		if (rcu_access_pointer(mm->exe_file) == exe)
			return exe;
		memset(info->exe_name, 0, sizeof(info->exe_name));
	}
	info->exe.dev = 0;
	info->exe.ino = 0;
	info->exe.inode = NULL;
	return NULL;
}

/* A counted reference to @mm's executable if it is still @exe, or NULL. */
static struct file *pmguard_exe_pin(struct mm_struct *mm, struct file *exe)
{
	struct file *pinned;

	if (!mm || !exe)
		return NULL;
	pinned = pmguard_mm_exe_file(mm);
	if (pinned == exe)
		return pinned;
	if (pinned)
		fput(pinned);
	return NULL;
}

static void pmguard_copy_comm(char *dst, struct task_struct *task)
{
	/* Lockless like __get_task_comm() on newer kernels; always terminated. */
	memcpy(dst, task->comm, TASK_COMM_LEN);
	dst[TASK_COMM_LEN - 1] = '\0';
}

/*
 * An id as the initial user namespace sees it, which maps every id to
 * itself (what from_kuid(&init_user_ns, id) returns, without the map
 * lookup on every access).
 */
static u32 pmguard_uid(kuid_t uid)
{
	return __kuid_val(uid);
}

static u32 pmguard_gid(kgid_t gid)
{
	return __kgid_val(gid);
}

/* Caller holds rcu_read_lock(). */
static bool pmguard_is_ancestor(struct task_struct *task)
{
	int depth;

	for (depth = 0; depth < 256; depth++) {
		struct task_struct *parent = rcu_dereference(task->real_parent);

		if (parent == task)
			return false;
		if (same_thread_group(parent, current))
			return true;
		if (parent->pid <= 1)
			return false;
		task = parent;
	}
	return false;
}

/*
 * "The same user" as the kernel's own check has it (__ptrace_may_access()):
 * the caller's uid, or for a procfs file its fsuid, is the target's real,
 * effective and saved uid.  A setuid program run by the caller is not the
 * caller's, and a root process that took a user's fsuid reads that user's
 * files as that user.
 */
static bool pmguard_same_uid(enum pmguard_kind kind, const struct cred *cred,
			     const struct cred *tcred)
{
	bool procfs = kind < PMGUARD_KIND_VM_READ || kind == PMGUARD_KIND_FD_REOPEN;
	kuid_t uid = procfs ? cred->fsuid : cred->uid;

	return uid_eq(uid, tcred->uid) && uid_eq(uid, tcred->euid) &&
	       uid_eq(uid, tcred->suid);
}

/*
 * Events are filled in two steps.  The first, on every access, reads what
 * the policy and the fold look at: pids, uid, comm, executable, the
 * container flags.  The second, pmguard_event_complete(), reads the rest
 * and counts the executables' references, only for an access that is
 * reported, starts a burst or is kept: in a burst, the accesses after the
 * first skip it.
 *
 * The first step for one side, @task being current (@cred its subjective
 * credentials) or the target.  Caller holds rcu_read_lock().
 */
static void pmguard_fill_identity(struct pmguard_proc_info *info,
				  struct task_struct *task,
				  const struct cred *cred)
{
	info->pid = task_tgid_nr(task);
	info->tid = task_pid_nr(task);
	info->uid = pmguard_uid(cred->uid);
	pmguard_copy_comm(info->comm, task);
	info->ctx = pmguard_context_of(task);
}

/* The second step for one side.  Caller holds rcu_read_lock(). */
static void pmguard_fill_details(struct pmguard_proc_info *info,
				 struct task_struct *task,
				 const struct cred *cred)
{
	info->ppid = task_tgid_nr(rcu_dereference(task->real_parent));
	info->euid = pmguard_uid(cred->euid);
	info->fsuid = pmguard_uid(cred->fsuid);
	info->gid = pmguard_gid(cred->gid);
	info->loginuid = pmguard_uid(audit_get_loginuid(task));
	info->sessionid = audit_get_sessionid(task);
	pmguard_fill_context(info, task);
}

/* Real, effective and saved ids not all one: a setuid or setgid run. */
static bool pmguard_creds_changed(const struct cred *cred)
{
	return !uid_eq(cred->uid, cred->euid) || !uid_eq(cred->uid, cred->suid) ||
	       !gid_eq(cred->gid, cred->egid) || !gid_eq(cred->gid, cred->sgid);
}

/*
 * Start @ev: an access of @kind by current to @task, of another thread
 * group and stable until the handler that reports, parks or drops @ev
 * returns; its mm too when @mm_stable, else the target's executable is
 * found by the worker and its dumpability judged by its credentials.
 */
static void pmguard_event_begin(struct pmguard_event *ev, enum pmguard_kind kind,
				u32 access, struct task_struct *task,
				bool mm_stable)
{
	const struct cred *cred = current_cred();
	struct mm_struct *target_mm = mm_stable ? READ_ONCE(task->mm) : NULL;
	struct pmguard_access *acc = &ev->acc;
	char leader_comm[TASK_COMM_LEN];

	/*
	 * All of it, padding included: the event is copied whole into the
	 * queue, the trace buffer and the burst table, and no byte of the
	 * probed task's kernel stack may go with it.
	 */
	memset(ev, 0, sizeof(*ev));
	ev->type = PMGUARD_EV_ACCESS;
	ev->count = 1;
	ev->target_task = task;
	acc->kind = kind;
	acc->access = access;
	if (in_compat_syscall())
		acc->flags |= PMGUARD_F_COMPAT_SYSCALL;
	/* Read the capability set, do not use it: no audit, no PF_SUPERPRIV. */
	if (cap_raised(cred->cap_effective, CAP_SYS_PTRACE) &&
	    cred->user_ns == &init_user_ns)
		acc->flags |= PMGUARD_F_CALLER_CAP_PTRACE;

	rcu_read_lock();
	pmguard_fill_identity(&acc->caller, current, cred);
	pmguard_fill_identity(&acc->target, task, __task_cred(task));
	ev->caller_exe = pmguard_exe_peek(current->mm, &acc->caller);
	ev->target_exe = pmguard_exe_peek(target_mm, &acc->target);
	pmguard_script_of_current(&acc->caller.script);
	if (pmguard_same_uid(kind, cred, __task_cred(task)))
		acc->flags |= PMGUARD_F_SAME_UID;
	if (acc->target.tid != acc->target.pid) {
		acc->flags |= PMGUARD_F_TASK_ALIAS;
		/*
		 * Sensitivity is the process's: a thread that renamed itself
		 * is still a credential holder's if its leader's name says so.
		 */
		pmguard_copy_comm(leader_comm, task->group_leader);
		if (pmguard_target_sensitive(rcu_dereference(pmguard_policy),
					     leader_comm, ""))
			acc->flags |= PMGUARD_F_TARGET_SENSITIVE;
	}
	if (ptrace_parent(task) && same_thread_group(ptrace_parent(task), current))
		acc->flags |= PMGUARD_F_CALLER_IS_TRACER;
	if (mm_stable ? pmguard_task_nondumpable(task, target_mm) :
			pmguard_creds_changed(__task_cred(task)))
		acc->flags |= PMGUARD_F_TARGET_NONDUMPABLE;
	if (pmguard_is_ancestor(task))
		acc->flags |= PMGUARD_F_CALLER_IS_ANCESTOR;
	rcu_read_unlock();

	/* An executable the caller chose with prctl() matches no rule. */
	if (ev->caller_exe && pmguard_exe_replaced(current->mm, ev->caller_exe)) {
		acc->flags |= PMGUARD_F_EXE_REPLACED;
		acc->caller.exe.ino = 0;
	}
	if (!ev->target_exe)
		acc->flags |= PMGUARD_F_TARGET_EXE_UNKNOWN;
}

void pmguard_event_start(struct pmguard_event *ev, enum pmguard_kind kind,
			 u32 access, struct task_struct *task)
{
	pmguard_event_begin(ev, kind, access, task, true);
}

/* @task is held, its mm is not: it may exit meanwhile (perf). */
void pmguard_event_start_unpinned(struct pmguard_event *ev,
				  enum pmguard_kind kind, u32 access,
				  struct task_struct *task)
{
	pmguard_event_begin(ev, kind, access, task, false);
}

/*
 * The second step: the rest of both identities, and counted references to
 * the executables the first step read (the queue, a burst or a mem file's
 * accounting keeps them).  Runs once, before the handler that started @ev
 * returns.
 */
void pmguard_event_complete(struct pmguard_event *ev)
{
	struct task_struct *task = ev->target_task;

	if (ev->complete)
		return;
	ev->complete = true;
	rcu_read_lock();
	pmguard_fill_details(&ev->acc.caller, current, current_cred());
	pmguard_fill_details(&ev->acc.target, task, __task_cred(task));
	rcu_read_unlock();
	ev->caller_exe = pmguard_exe_pin(current->mm, ev->caller_exe);
	ev->target_exe = pmguard_exe_pin(READ_ONCE(task->mm), ev->target_exe);
	/*
	 * No struct pid reference here: its last put would free in probe
	 * context, which PREEMPT_RT forbids.  The worker looks the target up
	 * by number, a few milliseconds later.
	 */
	ev->lookup_target_exe = !ev->target_exe;
	ev->target_task = NULL;
}

/*
 * The policy's verdict is a function of the access's kind, mode and flags
 * and of both sides' uid, comm and executable (identity and name) and the
 * caller's script, under one policy.  The calls of a burst (MPI's process_vm_readv, a dumper's
 * opens) ask the same question again, so each CPU keeps its last one with
 * the answer: the sensitivity and comm flags and the first matching rule.
 * The question is compared whole, and the policy by its generation (unique
 * per installed policy, so the answer's rule still points into it).
 * Handlers run with preemption off: the CPU cannot change under the memo.
 */
struct pmguard_side_key {
	/* Both multiples of 8 bytes (pmguard_words_equal()). */
	char comm[TASK_COMM_LEN];
	char exe_name[PMGUARD_NAME_LEN];	/* NUL-padded, as in proc_info */
	unsigned long exe_ino, script_ino;
	const void *exe_inode, *script_inode;
	dev_t exe_dev, script_dev;
	u32 uid;
};

struct pmguard_verdict_memo {
	u64 generation;			/* 0: empty */
	u32 kind, access, flags;
	struct pmguard_side_key caller, target;
	u32 side_flags;
	struct pmguard_verdict verdict;
};

static DEFINE_PER_CPU(struct pmguard_verdict_memo, pmguard_verdict_memo);

/*
 * Two byte arrays of @size (a constant multiple of 8), compared a word at
 * a time: the compiler unrolls it, where memcmp() would loop.
 */
static __always_inline bool pmguard_words_equal(const void *a, const void *b,
						size_t size)
{
	u64 diff = 0, x, y;
	size_t i;

	for (i = 0; i < size; i += sizeof(u64)) {
		memcpy(&x, a + i, sizeof(x));
		memcpy(&y, b + i, sizeof(y));
		diff |= x ^ y;
	}
	return !diff;
}

static bool pmguard_side_same(const struct pmguard_side_key *key,
			      const struct pmguard_proc_info *info)
{
	return key->exe_inode == info->exe.inode &&
	       key->script_inode == info->script.inode &&
	       key->exe_ino == info->exe.ino && key->exe_dev == info->exe.dev &&
	       key->script_ino == info->script.ino &&
	       key->script_dev == info->script.dev && key->uid == info->uid &&
	       pmguard_words_equal(key->comm, info->comm, sizeof(key->comm)) &&
	       pmguard_words_equal(key->exe_name, info->exe_name,
				   sizeof(key->exe_name));
}

static void pmguard_side_set(struct pmguard_side_key *key,
			     const struct pmguard_proc_info *info)
{
	memcpy(key->comm, info->comm, sizeof(key->comm));
	memcpy(key->exe_name, info->exe_name, sizeof(key->exe_name));
	key->exe_inode = info->exe.inode;
	key->script_inode = info->script.inode;
	key->exe_ino = info->exe.ino;
	key->exe_dev = info->exe.dev;
	key->script_ino = info->script.ino;
	key->script_dev = info->script.dev;
	key->uid = info->uid;
}

/*
 * Flags and verdict of @acc under @policy: the memo's, or computed and
 * kept.  Caller holds rcu_read_lock(), preemption off.
 */
static void pmguard_decide_memo(const struct pmguard_policy *policy,
				struct pmguard_access *acc,
				struct pmguard_verdict *verdict)
{
	struct pmguard_verdict_memo *memo = this_cpu_ptr(&pmguard_verdict_memo);

	if (memo->generation != policy->generation ||
	    memo->kind != acc->kind || memo->access != acc->access ||
	    memo->flags != acc->flags ||
	    !pmguard_side_same(&memo->target, &acc->target) ||
	    !pmguard_side_same(&memo->caller, &acc->caller)) {
		memo->kind = acc->kind;
		memo->access = acc->access;
		memo->flags = acc->flags;
		pmguard_side_set(&memo->caller, &acc->caller);
		pmguard_side_set(&memo->target, &acc->target);
		memo->side_flags = pmguard_comm_flags(policy, &acc->caller);
		if (pmguard_target_sensitive(policy, acc->target.comm,
					     acc->target.exe_name))
			memo->side_flags |= PMGUARD_F_TARGET_SENSITIVE;
		acc->flags |= memo->side_flags;
		pmguard_decide(policy, acc, &memo->verdict);
		memo->generation = policy->generation;
	} else {
		acc->flags |= memo->side_flags;
	}
	*verdict = memo->verdict;
}

/*
 * The policy's verdict on @ev, whose identities and kernel result are
 * filled in: sensitivity and comm flags first, then the first matching
 * rule.  In audit mode a deny is reported as an alert flagged would_deny.
 * Returns true when the access must be refused now (enforce mode).
 */
bool pmguard_decide_event(struct pmguard_event *ev)
{
	const struct pmguard_policy *policy;
	struct pmguard_verdict verdict;
	bool deny;

	ev->acc.flags |= pmguard_context_flags(&ev->acc);
	rcu_read_lock();
	policy = rcu_dereference(pmguard_policy);
	pmguard_decide_memo(policy, &ev->acc, &verdict);
	/* Padded: the tracepoint copies the whole array out of the kernel. */
	strscpy_pad(ev->rule, verdict.rule, sizeof(ev->rule));
	rcu_read_unlock();

	deny = verdict.action == PMGUARD_ACTION_DENY;
	if (deny && READ_ONCE(pmguard_mode) != PMGUARD_MODE_ENFORCE) {
		verdict.action = PMGUARD_ACTION_ALERT;
		ev->acc.flags |= PMGUARD_F_WOULD_DENY;
		deny = false;
	}
	ev->action = verdict.action;
	ev->severity = verdict.severity;
	ev->count = 1;
	return deny;
}

/*
 * Hand a decided access on: counted into a running burst (references it
 * holds dropped here; ev->first_seq names the burst's event), or completed
 * and reported now with a sequence number in ev->seq.  The queue owns the
 * references; the tracepoint fires last, so it shows the sequence number.
 */
void pmguard_report_access(struct pmguard_event *ev)
{
	pmguard_count_action(ev->action);
	if (pmguard_fold(ev)) {
		pmguard_trace_access(ev);
		pmguard_event_release(ev);
		return;
	}
	pmguard_event_complete(ev);
	pmguard_submit(ev);
	pmguard_fold_started(ev);
	pmguard_trace_access(ev);
}

/*
 * The procfs mark in a ptrace mode: PMGUARD_MODE_MARK, and the kind of the
 * file being opened.  PTRACE_MODE_* flags are the low bits; every user of
 * the mode (the credential checks, Yama, the LSMs) tests them one by one.
 */
#define PMGUARD_MODE_MARK	0x40000000U
#define PMGUARD_MODE_KIND_SHIFT	24
#define PMGUARD_MODE_KIND_MASK	(0x1fU << PMGUARD_MODE_KIND_SHIFT)

/*
 * The kind of /proc/<pid>/<file> @inode is; PMGUARD_KIND_UNSPEC for
 * another file and, where proc_mem_open()'s return is probed, for a <pid>
 * of the caller's own thread group (the access check is not even called
 * for those: that probe has no other way to leave them at once).  Caller
 * holds rcu_read_lock().
 */
static enum pmguard_kind pmguard_open_kind(struct inode *inode)
{
	char name[PMGUARD_NAME_LEN];
	struct task_struct *task;
	struct dentry *dentry;
	enum pmguard_kind kind;
	u32 tid;

	/*
	 * A /proc/<pid> inode has the one dentry being opened, which the
	 * open pins; procfs never renames it.
	 */
	dentry = pmguard_inode_dentry(inode);
	if (!dentry)
		return PMGUARD_KIND_UNSPEC;
	kind = pmguard_kind_from_qstr((const char *)dentry->d_name.name,
				      dentry->d_name.len);
	if (kind == PMGUARD_KIND_UNSPEC || !pmguard_mm_access_overrides_read())
		return kind;
	pmguard_dentry_name(dentry->d_parent, name, sizeof(name));
	if (!pmguard_parse_tid(name, &tid))
		return PMGUARD_KIND_UNSPEC;
	task = pid_task(find_pid_ns(tid, proc_pid_ns(inode->i_sb)), PIDTYPE_PID);
	if (!task || same_thread_group(task, current))
		return PMGUARD_KIND_UNSPEC;
	return kind;
}

/*
 * Entry of proc_mem_open(inode, mode): which /proc/<pid>/<file> is being
 * opened?  Marks the mode (once; on 6.14+ both probes there call this, in
 * whatever order the kprobe core runs them) and returns the kind, or
 * PMGUARD_KIND_UNSPEC for a file that is not ours.  Opens of one's own
 * thread group (glibc, JVMs and sanitizers read /proc/self/maps
 * constantly) never reach the access check.
 */
static enum pmguard_kind pmguard_mark_open(struct pt_regs *regs)
{
	struct inode *inode = (struct inode *)regs_get_kernel_argument(regs, 0);
	unsigned long mode = regs_get_kernel_argument(regs, 1);
	enum pmguard_kind kind;

	if (mode & PMGUARD_MODE_MARK)
		return (mode & PMGUARD_MODE_KIND_MASK) >> PMGUARD_MODE_KIND_SHIFT;
	rcu_read_lock();
	kind = pmguard_open_kind(inode);
	rcu_read_unlock();
	pmguard_set_second_argument(regs, mode | PMGUARD_MODE_MARK |
					  (kind << PMGUARD_MODE_KIND_SHIFT));
	return kind;
}

NOKPROBE_SYMBOL(pmguard_mark_open);

/* The task opening a file to check, at load, that the probe fires. */
static struct task_struct *pmguard_selftest_task;
static bool pmguard_selftest_hit;

static int pmguard_proc_mem_open_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (unlikely(READ_ONCE(pmguard_selftest_task) == current))
		WRITE_ONCE(pmguard_selftest_hit, true);
	pmguard_mark_open(regs);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_proc_mem_open_pre);

static struct kprobe pmguard_proc_mem_open_probe = {
	.symbol_name	= "proc_mem_open",
	.pre_handler	= pmguard_proc_mem_open_pre,
};

/*
 * Since 6.14, mm_access() also gives a READ-mode procfs file (environ,
 * maps, auxv, ...) to a caller with CAP_PERFMON or CAP_SYS_ADMIN when the
 * ptrace check refused it (may_access_mm()).  A refusal pmguard made there
 * is then enforced here, at the return of proc_mem_open(): the access
 * check left "denied" in the caller's call slot, and an mm returned anyway
 * is replaced with -EACCES and its reference dropped, as proc_mem_open()'s
 * callers all handle.  (ATTACH mode, mem's, has no such bypass.)  Without
 * a slot or an instance here, such an open is counted as missed.  The probe
 * is registered on those kernels only.
 */
static int pmguard_open_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	bool read_mode = !(regs_get_kernel_argument(regs, 1) & PTRACE_MODE_ATTACH);

	if (pmguard_mark_open(regs) == PMGUARD_KIND_UNSPEC || !read_mode)
		return 1;
	/* A READ-mode open is in no other call that holds a slot. */
	return pmguard_call_claim_open(NULL, 0) ? 0 : 1;
}

NOKPROBE_SYMBOL(pmguard_open_entry);

static int pmguard_open_return(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	void *ret = (void *)regs_return_value(regs);

	if (pmguard_call_denied() && !IS_ERR_OR_NULL(ret)) {
		if (pmguard_mmdrop_atomic(ret))
			regs_set_return_value(regs, (unsigned long)ERR_PTR(-EACCES));
		else
			pmguard_count_unenforced();
	}
	pmguard_call_release();
	return 0;
}

NOKPROBE_SYMBOL(pmguard_open_return);

static struct kretprobe pmguard_open_probe = {
	.kp.symbol_name	= "proc_mem_open",
	.entry_handler	= pmguard_open_entry,
	.handler	= pmguard_open_return,
};

/*
 * At the entry of the access check (@mode its second argument): the kind
 * of procfs file whose open asked, or PMGUARD_KIND_UNSPEC.  The mark is
 * taken out of the mode the check will see.
 */
enum pmguard_kind pmguard_procfs_kind(struct pt_regs *regs)
{
	unsigned long mode = regs_get_kernel_argument(regs, 1);

	BUILD_BUG_ON(PMGUARD_KIND_MAX > (PMGUARD_MODE_KIND_MASK >> PMGUARD_MODE_KIND_SHIFT));
	if (!(mode & PMGUARD_MODE_MARK))
		return PMGUARD_KIND_UNSPEC;
	pmguard_set_second_argument(regs, mode & ~(unsigned long)
				    (PMGUARD_MODE_MARK | PMGUARD_MODE_KIND_MASK));
	return (mode & PMGUARD_MODE_KIND_MASK) >> PMGUARD_MODE_KIND_SHIFT;
}

/*
 * mem_open(inode, file) is the only open whose file can be opened for
 * writing in a useful way, and whose reads are accounted: it calls
 * proc_mem_open() right away.  Its file and open mode wait in a per-task
 * call slot (route.c) for the access check's decision.
 */
static int pmguard_mem_open_entry(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct file *file = (struct file *)regs_get_kernel_argument(regs, 1);

	return pmguard_call_claim_open(file, file->f_mode) ? 0 : 1;
}

NOKPROBE_SYMBOL(pmguard_mem_open_entry);

static int pmguard_mem_open_return(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	pmguard_call_release();
	return 0;
}

NOKPROBE_SYMBOL(pmguard_mem_open_return);

static struct kretprobe pmguard_mem_open_probe = {
	.kp.symbol_name	= "mem_open",
	.entry_handler	= pmguard_mem_open_entry,
	.handler	= pmguard_mem_open_return,
};

static void pmguard_probes_unregister_procfs(void)
{
	if (pmguard_mem_open_probe.kp.addr)
		unregister_kretprobe(&pmguard_mem_open_probe);
	if (pmguard_open_probe.kp.addr)
		unregister_kretprobe(&pmguard_open_probe);
	unregister_kprobe(&pmguard_proc_mem_open_probe);
}

int pmguard_probes_register(unsigned int maxactive)
{
	int err;

	/* The access check's probe first: it takes the marks out. */
	err = pmguard_routes_register(maxactive);
	if (err)
		return err;
	err = register_kprobe(&pmguard_proc_mem_open_probe);
	if (err) {
		pr_err("cannot probe proc_mem_open (%d): procfs opens not guarded\n", err);
		pmguard_routes_unregister();
		return err;
	}
	/* Not needed (and not paid for on every open) before 6.14. */
	pmguard_open_probe.maxactive = maxactive;
	err = pmguard_mm_access_overrides_read() ?
	      register_kretprobe(&pmguard_open_probe) : 0;
	if (err) {
		pr_err("cannot probe proc_mem_open's return (%d)\n", err);
		unregister_kprobe(&pmguard_proc_mem_open_probe);
		pmguard_routes_unregister();
		return err;
	}
	/* Optional: without it, mem opens are read-write and unaccounted. */
	pmguard_mem_open_probe.maxactive = maxactive;
	err = register_kretprobe(&pmguard_mem_open_probe);
	if (err) {
		pr_warn("cannot probe mem_open (%d): mem open modes unknown\n", err);
		pmguard_mem_open_probe.kp.addr = NULL;
	}
	return 0;
}

/*
 * A kprobe on proc_mem_open() registers as long as the symbol exists, but
 * on a build where the compiler also inlined it into its callers, opens
 * would never reach it: every procfs open unseen.  At load, open
 * /proc/self/maps (no access check, no event: one's own) and see that the
 * probe fired; refuse to load otherwise.  /proc not mounted: said, and
 * not checked.
 */
int pmguard_probes_selftest(void)
{
	struct file *file;

	WRITE_ONCE(pmguard_selftest_task, current);
	file = filp_open("/proc/self/maps", O_RDONLY, 0);
	WRITE_ONCE(pmguard_selftest_task, NULL);
	if (IS_ERR(file)) {
		pr_warn("cannot open /proc/self/maps (%ld): the procfs probe is not checked\n",
			PTR_ERR(file));
		return 0;
	}
	filp_close(file, NULL);
	if (!READ_ONCE(pmguard_selftest_hit)) {
		pr_err("an open of /proc/self/maps did not reach the proc_mem_open() probe (inlined on this build?): procfs opens would go unseen\n");
		return -ENOENT;
	}
	return 0;
}

void pmguard_probes_unregister(void)
{
	/* Marks stop before the probe that takes them out. */
	pmguard_probes_unregister_procfs();
	pmguard_routes_unregister();
}

u64 pmguard_probes_missed(void)
{
	u64 missed = pmguard_proc_mem_open_probe.nmissed +
		     pmguard_open_probe.nmissed + pmguard_open_probe.kp.nmissed;

	if (pmguard_mem_open_probe.kp.addr)
		missed += pmguard_mem_open_probe.nmissed +
			  pmguard_mem_open_probe.kp.nmissed;
	return missed + pmguard_routes_missed() + pmguard_account_missed() +
	       pmguard_script_missed() + pmguard_dump_missed();
}

unsigned int pmguard_probes_active(void)
{
	return 1 + !!pmguard_open_probe.kp.addr +
	       !!pmguard_mem_open_probe.kp.addr + pmguard_routes_active() +
	       pmguard_dump_active();
}
