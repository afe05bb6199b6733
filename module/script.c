// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard scripts: which script an interpreter process runs.
 *
 * A script started by its "#!" line has its interpreter as executable:
 * needrestart is /usr/bin/perl running /usr/sbin/needrestart.  A rule that
 * named the interpreter would allow every perl script, so a rule names the
 * script (caller_script=), and the script must be known by identity, not
 * by a name or an argument the caller chose.  The kernel holds the script
 * only during the exec: load_script() gets it as bprm->file.  Its identity
 * (device and inode, as for executables) is noted there, and at the point
 * of no return, begin_new_exec(), the note becomes the process's, keyed by
 * thread group id and start time, until the process execs again (the note
 * goes) or exits (its slot is reused once the process is gone).
 *
 * Every exec starts with security_bprm_creds_for_exec(): a note left by an
 * exec that failed after load_script() is dropped there, so the next exec
 * of that task can never take it.
 *
 * Only scripts a rule of the current policy names are noted, so the tables
 * stay small; when one is full, the script goes unnoted (counted), and its
 * process meets the rules as its interpreter: it can lose an allowlisting,
 * never gain one.  A process the script forks is not the script's: it meets
 * the rules as its interpreter too.
 *
 * Handlers run in probe context: one raw spinlock, nothing sleeps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/binfmts.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/rcupdate.h>

#include "internal.h"
#include "netlink.h"

#define PMGUARD_SCRIPT_PENDING	16	/* execs between the two probes */
#define PMGUARD_SCRIPT_PROCS	64	/* running processes of named scripts */

struct pmguard_script_pending {
	const struct task_struct *task;	/* compared, never dereferenced */
	struct pmguard_exe_id id;
};

struct pmguard_script_proc {
	u32 tgid;			/* 0: free */
	u64 start_time;			/* the thread group leader's */
	struct pmguard_exe_id id;
};

static struct {
	raw_spinlock_t lock;		/* raw: taken in probe context on RT too */
	unsigned int next_pending;	/* round robin when every slot is used */
	struct pmguard_script_pending pending[PMGUARD_SCRIPT_PENDING];
	struct pmguard_script_proc procs[PMGUARD_SCRIPT_PROCS];
} pmguard_scripts = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(pmguard_scripts.lock),
};

/* Slots in use: every probe leaves at once while both are 0. */
static atomic_t pmguard_scripts_pending;
static atomic_t pmguard_scripts_procs;

/* The identity of the file @file's path names (as pmguard_exe_lookup()). */
static bool pmguard_file_id(struct file *file, struct pmguard_exe_id *id)
{
	struct inode *inode = file ? d_inode(file->f_path.dentry) : NULL;

	if (!inode)
		return false;
	id->dev = inode->i_sb->s_dev;
	id->ino = inode->i_ino;
	id->inode = inode;
	return true;
}

static bool pmguard_script_named(const struct pmguard_exe_id *id)
{
	bool named;

	rcu_read_lock();
	named = pmguard_policy_names_script(rcu_dereference(pmguard_policy), id);
	rcu_read_unlock();
	return named;
}

/* Caller holds the lock. */
static struct pmguard_script_pending *pmguard_pending_of(const struct task_struct *task)
{
	unsigned int i;

	for (i = 0; i < PMGUARD_SCRIPT_PENDING; i++)
		if (pmguard_scripts.pending[i].task == task)
			return &pmguard_scripts.pending[i];
	return NULL;
}

static void pmguard_pending_clear(struct pmguard_script_pending *slot)
{
	slot->task = NULL;
	atomic_dec(&pmguard_scripts_pending);
}

/* Every exec starts here: drop what a failed exec of this task left. */
static int pmguard_exec_start_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct pmguard_script_pending *slot;
	unsigned long flags;

	if (!atomic_read(&pmguard_scripts_pending))
		return 0;
	raw_spin_lock_irqsave(&pmguard_scripts.lock, flags);
	slot = pmguard_pending_of(current);
	if (slot)
		pmguard_pending_clear(slot);
	raw_spin_unlock_irqrestore(&pmguard_scripts.lock, flags);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_exec_start_pre);

/*
 * load_script(bprm): bprm->file is the script.  A script's interpreter
 * may be a script again: the first one, the file that was executed, is
 * noted.
 */
static int pmguard_load_script_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct linux_binprm *bprm = (struct linux_binprm *)regs_get_kernel_argument(regs, 0);
	struct pmguard_script_pending *slot;
	struct pmguard_exe_id id;
	unsigned long flags;

	if (bprm->buf[0] != '#' || bprm->buf[1] != '!' ||
	    !pmguard_file_id(bprm->file, &id) || !pmguard_script_named(&id))
		return 0;
	raw_spin_lock_irqsave(&pmguard_scripts.lock, flags);
	if (!pmguard_pending_of(current)) {
		slot = pmguard_pending_of(NULL);
		if (!slot) {
			/* Overwritten: that exec goes unnoted. */
			slot = &pmguard_scripts.pending[pmguard_scripts.next_pending++ %
							PMGUARD_SCRIPT_PENDING];
			atomic64_inc(&pmguard_stats[PMGUARD_S_SCRIPTS_UNNOTED]);
		} else {
			atomic_inc(&pmguard_scripts_pending);
		}
		slot->task = current;
		slot->id = id;
	}
	raw_spin_unlock_irqrestore(&pmguard_scripts.lock, flags);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_load_script_pre);

/* Is the process of @slot gone?  Caller holds the lock. */
static bool pmguard_proc_gone(const struct pmguard_script_proc *slot)
{
	struct task_struct *task;
	bool gone;

	rcu_read_lock();
	task = pid_task(find_pid_ns(slot->tgid, &init_pid_ns), PIDTYPE_TGID);
	gone = !task || task->start_time != slot->start_time;
	rcu_read_unlock();
	return gone;
}

/* Caller holds the lock. */
static void pmguard_proc_note(u32 tgid, u64 start_time,
			      const struct pmguard_exe_id *id)
{
	struct pmguard_script_proc *slot = NULL;
	unsigned int i;

	for (i = 0; i < PMGUARD_SCRIPT_PROCS && !slot; i++)
		if (!pmguard_scripts.procs[i].tgid)
			slot = &pmguard_scripts.procs[i];
	for (i = 0; i < PMGUARD_SCRIPT_PROCS && !slot; i++)
		if (pmguard_proc_gone(&pmguard_scripts.procs[i])) {
			slot = &pmguard_scripts.procs[i];
			slot->tgid = 0;
			atomic_dec(&pmguard_scripts_procs);
		}
	if (!slot) {
		atomic64_inc(&pmguard_stats[PMGUARD_S_SCRIPTS_UNNOTED]);
		return;
	}
	slot->tgid = tgid;
	slot->start_time = start_time;
	slot->id = *id;
	atomic_inc(&pmguard_scripts_procs);
}

/*
 * begin_new_exec(bprm): the point of no return.  The process now runs
 * what this exec loaded: the script noted for it, or nothing noted.
 */
static int pmguard_exec_commit_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct pmguard_script_pending *pending;
	struct pmguard_exe_id id = { };
	u32 tgid = task_tgid_nr(current);
	unsigned long flags;
	unsigned int i;

	if (!atomic_read(&pmguard_scripts_pending) &&
	    !atomic_read(&pmguard_scripts_procs))
		return 0;
	raw_spin_lock_irqsave(&pmguard_scripts.lock, flags);
	pending = pmguard_pending_of(current);
	if (pending) {
		id = pending->id;
		pmguard_pending_clear(pending);
	}
	for (i = 0; i < PMGUARD_SCRIPT_PROCS; i++)
		if (pmguard_scripts.procs[i].tgid == tgid) {
			pmguard_scripts.procs[i].tgid = 0;
			atomic_dec(&pmguard_scripts_procs);
		}
	/* After de_thread() the leader's start time is this task's. */
	if (id.ino)
		pmguard_proc_note(tgid, current->group_leader->start_time, &id);
	raw_spin_unlock_irqrestore(&pmguard_scripts.lock, flags);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_exec_commit_pre);

/*
 * The script current's process runs, if a rule names it (ino 0 if not).
 * Probe context.
 */
void pmguard_script_of_current(struct pmguard_exe_id *id)
{
	u32 tgid = task_tgid_nr(current);
	unsigned long flags;
	unsigned int i;

	id->dev = 0;
	id->ino = 0;
	if (!atomic_read(&pmguard_scripts_procs))
		return;
	raw_spin_lock_irqsave(&pmguard_scripts.lock, flags);
	for (i = 0; i < PMGUARD_SCRIPT_PROCS; i++) {
		const struct pmguard_script_proc *slot = &pmguard_scripts.procs[i];

		if (slot->tgid == tgid &&
		    slot->start_time == current->group_leader->start_time) {
			*id = slot->id;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&pmguard_scripts.lock, flags);
}

static struct kprobe pmguard_script_probes[] = {
	{ .symbol_name = "security_bprm_creds_for_exec",
	  .pre_handler = pmguard_exec_start_pre },
	{ .symbol_name = "load_script", .pre_handler = pmguard_load_script_pre },
	{ .symbol_name = "begin_new_exec", .pre_handler = pmguard_exec_commit_pre },
};

static bool pmguard_script_registered;

/*
 * Optional: without these probes no script is known, and a rule naming one
 * matches nothing.  All three or none: the first is what makes a note safe.
 */
int pmguard_script_register(void)
{
	struct kprobe *probes[ARRAY_SIZE(pmguard_script_probes)];
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(pmguard_script_probes); i++)
		probes[i] = &pmguard_script_probes[i];
	err = register_kprobes(probes, ARRAY_SIZE(probes));
	if (err) {
		pr_warn("cannot probe exec (%d): rules naming a script match nothing\n",
			err);
		return err;
	}
	pmguard_script_registered = true;
	return 0;
}

void pmguard_script_unregister(void)
{
	struct kprobe *probes[ARRAY_SIZE(pmguard_script_probes)];
	unsigned int i;

	if (!pmguard_script_registered)
		return;
	for (i = 0; i < ARRAY_SIZE(pmguard_script_probes); i++)
		probes[i] = &pmguard_script_probes[i];
	unregister_kprobes(probes, ARRAY_SIZE(probes));
	pmguard_script_registered = false;
}

/* Probe hits that could not run. */
u64 pmguard_script_missed(void)
{
	u64 missed = 0;
	unsigned int i;

	if (pmguard_script_registered)
		for (i = 0; i < ARRAY_SIZE(pmguard_script_probes); i++)
			missed += pmguard_script_probes[i].nmissed;
	return missed;
}
