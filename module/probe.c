// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard probes.
 *
 * Every procfs file that exposes another process's memory or address space
 * (mem, environ, auxv, maps, smaps, smaps_rollup, numa_maps, pagemap) gets
 * the target's mm from proc_mem_open(), which runs the kernel's own ptrace
 * access check.  One kretprobe there sees every path alias (/proc/<pid>/,
 * /proc/<pid>/task/<tid>/, /proc/self, openat() on a directory fd): all of
 * them end in the same inode open.  Its return is the one place where the
 * kernel's verdict, the target's mm and the caller are all known, so the
 * policy decides there, and like an LSM hook a denial replaces the mm with
 * -EPERM before any file holds it.
 *
 * Handlers run in atomic context (also on PREEMPT_RT): they take no
 * spinlock_t, never sleep, and hand events to a bounded queue that a worker
 * drains.
 */
#include <linux/kprobes.h>
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

#include "internal.h"
#include "compat.h"

/*
 * mem_open() is the only open whose file can be opened for writing in a
 * useful way; it calls proc_mem_open() right away, so the open mode is
 * passed on per CPU and checked against the task and inode.
 */
struct pmguard_mem_open_note {
	struct task_struct *task;
	struct inode *inode;
	struct file *file;
	fmode_t mode;
};

static DEFINE_PER_CPU(struct pmguard_mem_open_note, pmguard_mem_open_note);

static int pmguard_mem_open_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct pmguard_mem_open_note *note = this_cpu_ptr(&pmguard_mem_open_note);
	struct file *file = (struct file *)regs_get_kernel_argument(regs, 1);

	note->task = current;
	note->inode = (struct inode *)regs_get_kernel_argument(regs, 0);
	note->file = file;
	note->mode = file->f_mode;
	return 0;
}

NOKPROBE_SYMBOL(pmguard_mem_open_pre);

static struct kprobe pmguard_mem_open_probe = {
	.symbol_name	= "mem_open",
	.pre_handler	= pmguard_mem_open_pre,
};

/* The open mode of the mem file being opened, and the file. */
static u32 pmguard_mem_access(struct inode *inode, struct file **file)
{
	struct pmguard_mem_open_note *note = this_cpu_ptr(&pmguard_mem_open_note);
	u32 access = 0;

	if (note->task == current && note->inode == inode) {
		if (note->mode & FMODE_READ)
			access |= PMGUARD_ACCESS_READ;
		if (note->mode & FMODE_WRITE)
			access |= PMGUARD_ACCESS_WRITE;
		*file = note->file;
		note->task = NULL;
	}
	/* Unknown (preempted and migrated in between): assume the worst. */
	return access ?: PMGUARD_ACCESS_READ | PMGUARD_ACCESS_WRITE;
}

/*
 * Copy a dentry's name without d_lock (a spinlock_t, which sleeps on RT).
 * As in d_path(): the name may be renamed under us, so stop at the length
 * or the first NUL, whichever comes first.  Caller holds rcu_read_lock().
 */
static void pmguard_dentry_name(struct dentry *dentry, char *buf, size_t size)
{
	/* Pairs with the release in __d_move(): see the name's bytes. */
	const unsigned char *name = smp_load_acquire(&dentry->d_name.name);
	u32 len = READ_ONCE(dentry->d_name.len);
	size_t i;

	for (i = 0; i < len && i < size - 1 && name[i]; i++)
		buf[i] = name[i];
	buf[i] = '\0';
}

/* Fill the executable's identity and base name from a counted file. */
static void pmguard_exe_info(struct file *exe, struct pmguard_proc_info *info)
{
	struct dentry *dentry;
	struct inode *inode;

	if (!exe)
		return;
	/* The path's inode, not file_inode(): stacked filesystems differ. */
	dentry = exe->f_path.dentry;
	inode = d_inode(dentry);
	info->exe.dev = inode->i_sb->s_dev;
	info->exe.ino = inode->i_ino;
	rcu_read_lock();
	pmguard_dentry_name(dentry, info->exe_name, sizeof(info->exe_name));
	rcu_read_unlock();
}

static void pmguard_copy_comm(char *dst, struct task_struct *task)
{
	/* Lockless like __get_task_comm() on newer kernels; always terminated. */
	memcpy(dst, task->comm, TASK_COMM_LEN);
	dst[TASK_COMM_LEN - 1] = '\0';
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

void pmguard_fill_caller(struct pmguard_access *acc)
{
	struct pmguard_proc_info *c = &acc->caller;
	const struct cred *cred = current_cred();

	c->pid = task_tgid_nr(current);
	c->tid = task_pid_nr(current);
	rcu_read_lock();
	c->ppid = task_tgid_nr(rcu_dereference(current->real_parent));
	rcu_read_unlock();
	c->uid = from_kuid(&init_user_ns, cred->uid);
	c->euid = from_kuid(&init_user_ns, cred->euid);
	c->fsuid = from_kuid(&init_user_ns, cred->fsuid);
	c->gid = from_kgid(&init_user_ns, cred->gid);
	c->loginuid = from_kuid(&init_user_ns, audit_get_loginuid(current));
	c->sessionid = audit_get_sessionid(current);
	pmguard_copy_comm(c->comm, current);
	pmguard_fill_context(c, current);

	/* Read the capability set, do not use it: no audit, no PF_SUPERPRIV. */
	if (cap_raised(cred->cap_effective, CAP_SYS_PTRACE) &&
	    cred->user_ns == &init_user_ns)
		acc->flags |= PMGUARD_F_CALLER_CAP_PTRACE;
}

/* Caller holds rcu_read_lock(); @task is not in the caller's thread group. */
void pmguard_fill_target(struct pmguard_access *acc, struct task_struct *task)
{
	struct pmguard_proc_info *t = &acc->target;
	const struct cred *cred = __task_cred(task);

	t->pid = task_tgid_nr(task);
	t->tid = task_pid_nr(task);
	t->ppid = task_tgid_nr(rcu_dereference(task->real_parent));
	t->uid = from_kuid(&init_user_ns, cred->uid);
	t->euid = from_kuid(&init_user_ns, cred->euid);
	t->fsuid = from_kuid(&init_user_ns, cred->fsuid);
	t->gid = from_kgid(&init_user_ns, cred->gid);
	t->loginuid = from_kuid(&init_user_ns, audit_get_loginuid(task));
	t->sessionid = audit_get_sessionid(task);
	pmguard_copy_comm(t->comm, task);
	pmguard_fill_context(t, task);

	if (t->tid != t->pid)
		acc->flags |= PMGUARD_F_TASK_ALIAS;
	if (ptrace_parent(task) && same_thread_group(ptrace_parent(task), current))
		acc->flags |= PMGUARD_F_CALLER_IS_TRACER;
	if (pmguard_is_ancestor(task))
		acc->flags |= PMGUARD_F_CALLER_IS_ANCESTOR;
}

/*
 * Both executables, as counted references in @ev: the caller's and that of
 * @target_mm (the target's mm, kept alive by the caller; NULL if unknown).
 */
void pmguard_fill_exes(struct pmguard_event *ev, struct mm_struct *target_mm)
{
	if (current->mm)
		ev->caller_exe = pmguard_mm_exe_file(current->mm);
	pmguard_exe_info(ev->caller_exe, &ev->acc.caller);
	/* An executable the caller chose with prctl() matches no rule. */
	if (ev->caller_exe && pmguard_exe_replaced(current->mm, ev->caller_exe)) {
		ev->acc.flags |= PMGUARD_F_EXE_REPLACED;
		ev->acc.caller.exe.ino = 0;
	}
	if (target_mm) {
		ev->target_exe = pmguard_mm_exe_file(target_mm);
		pmguard_exe_info(ev->target_exe, &ev->acc.target);
	}
	if (!ev->target_exe) {
		ev->acc.flags |= PMGUARD_F_TARGET_EXE_UNKNOWN;
		/*
		 * No struct pid reference here: its last put would free in
		 * probe context, which PREEMPT_RT forbids.  The worker looks
		 * the task up by number, a few milliseconds later.
		 */
		ev->lookup_target_exe = true;
	}
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

	if (ev->acc.caller.uid == ev->acc.target.uid)
		ev->acc.flags |= PMGUARD_F_SAME_UID;
	ev->acc.flags |= pmguard_context_flags(&ev->acc);
	rcu_read_lock();
	policy = rcu_dereference(pmguard_policy);
	if (pmguard_target_sensitive(policy, ev->acc.target.comm,
				     ev->acc.target.exe_name))
		ev->acc.flags |= PMGUARD_F_TARGET_SENSITIVE;
	ev->acc.flags |= pmguard_comm_flags(policy, &ev->acc.caller);
	pmguard_decide(policy, &ev->acc, &verdict);
	strscpy(ev->rule, verdict.rule, sizeof(ev->rule));
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
 * Hand a decided access on: counted into a running burst (its references
 * dropped here; ev->first_seq names the burst's event), or reported now
 * with a sequence number in ev->seq.  The queue owns the references; the
 * tracepoint fires last, so it shows the sequence number.
 */
void pmguard_report_access(struct pmguard_event *ev)
{
	pmguard_count_action(ev->action);
	if (pmguard_fold(ev)) {
		pmguard_trace_access(ev);
		pmguard_event_release(ev);
		return;
	}
	pmguard_submit(ev);
	pmguard_fold_started(ev);
	pmguard_trace_access(ev);
}

/*
 * Entry of proc_mem_open(inode, mode): find which /proc/<pid>/<file> is
 * being opened and by whom.  Opens of one's own thread group (glibc, JVMs
 * and sanitizers read /proc/self/maps constantly) end here, cheaply.
 */
static int pmguard_open_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct pmguard_event *ev = (struct pmguard_event *)ri->data;
	struct inode *inode = (struct inode *)regs_get_kernel_argument(regs, 0);
	char name[PMGUARD_NAME_LEN];
	struct task_struct *task;
	struct dentry *dentry;
	enum pmguard_kind kind;
	u32 tid;

	rcu_read_lock();
	/*
	 * A /proc/<pid> inode has the one dentry being opened, which the
	 * open pins; procfs never renames it.
	 */
	dentry = pmguard_inode_dentry(inode);
	if (!dentry)
		goto skip;
	pmguard_dentry_name(dentry, name, sizeof(name));
	kind = pmguard_kind_from_name(name);
	pmguard_dentry_name(dentry->d_parent, name, sizeof(name));
	if (kind == PMGUARD_KIND_UNSPEC || !pmguard_parse_tid(name, &tid))
		goto skip;
	task = pid_task(find_pid_ns(tid, proc_pid_ns(inode->i_sb)), PIDTYPE_PID);
	if (!task || same_thread_group(task, current))
		goto skip;

	memset(ev, 0, sizeof(*ev));
	ev->acc.kind = kind;
	ev->acc.access = kind == PMGUARD_KIND_MEM ?
			 pmguard_mem_access(inode, &ev->mem_file) :
			 PMGUARD_ACCESS_READ;
	pmguard_fill_target(&ev->acc, task);
	rcu_read_unlock();

	pmguard_fill_caller(&ev->acc);
	pmguard_count_seen(kind);
	return 0;

skip:
	rcu_read_unlock();
	return 1;	/* not ours: no return probe */
}

NOKPROBE_SYMBOL(pmguard_open_entry);

/*
 * Return of proc_mem_open(): the result is the target's mm (counted with
 * mmgrab()), NULL for a task without one, or the ptrace check's error.
 */
static int pmguard_open_return(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct pmguard_event *ev = (struct pmguard_event *)ri->data;
	void *ret = (void *)regs_return_value(regs);
	struct mm_struct *mm = IS_ERR_OR_NULL(ret) ? NULL : ret;
	bool track;

	ev->acc.result = IS_ERR(ret) ? PTR_ERR(ret) : 0;
	pmguard_fill_exes(ev, mm);
	if (pmguard_decide_event(ev) && !IS_ERR(ret)) {
		/*
		 * Deny before any file holds the mm.  Every caller of
		 * proc_mem_open() handles an error pointer; the reference it
		 * took is ours to drop, as the scheduler does (mmdrop_sched:
		 * RCU-deferred on RT).
		 */
		regs_set_return_value(regs, (unsigned long)ERR_PTR(-EPERM));
		if (mm)
			pmguard_mmdrop_atomic(mm);
		ev->acc.result = -EPERM;
	}
	/* Account reads through a mem file the caller now holds. */
	track = ev->mem_file && !ev->acc.result;
	if (track)
		pmguard_track_mem(ev->mem_file, ev);
	pmguard_report_access(ev);
	/* Summaries name the event that reported the access (or its burst). */
	if (track)
		pmguard_track_set_seq(ev->mem_file, ev->first_seq ?: ev->seq);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_open_return);

static struct kretprobe pmguard_open_probe = {
	.kp.symbol_name	= "proc_mem_open",
	.entry_handler	= pmguard_open_entry,
	.handler	= pmguard_open_return,
	.data_size	= sizeof(struct pmguard_event),
};

static void pmguard_probes_unregister_procfs(void)
{
	if (pmguard_mem_open_probe.addr)
		unregister_kprobe(&pmguard_mem_open_probe);
	unregister_kretprobe(&pmguard_open_probe);
}

int pmguard_probes_register(unsigned int maxactive)
{
	int err;

	pmguard_open_probe.maxactive = maxactive;
	err = register_kretprobe(&pmguard_open_probe);
	if (err) {
		pr_err("cannot probe proc_mem_open (%d): nothing to guard\n", err);
		return err;
	}
	/* Optional: without it, mem opens are reported as read-write. */
	err = register_kprobe(&pmguard_mem_open_probe);
	if (err) {
		pr_warn("cannot probe mem_open (%d): mem open modes unknown\n", err);
		pmguard_mem_open_probe.addr = NULL;
	}
	err = pmguard_routes_register(maxactive);
	if (err) {
		pmguard_probes_unregister_procfs();
		return err;
	}
	return 0;
}

void pmguard_probes_unregister(void)
{
	pmguard_routes_unregister();
	pmguard_probes_unregister_procfs();
}

u64 pmguard_probes_missed(void)
{
	u64 missed = pmguard_open_probe.nmissed + pmguard_open_probe.kp.nmissed;

	if (pmguard_mem_open_probe.addr)
		missed += pmguard_mem_open_probe.nmissed;
	return missed + pmguard_routes_missed() + pmguard_account_missed();
}

unsigned int pmguard_probes_active(void)
{
	return 1 + !!pmguard_mem_open_probe.addr + pmguard_routes_active();
}
