// SPDX-License-Identifier: GPL-2.0
/*
 * Which container or service each side of an access belongs to.
 *
 * In probe context only what is cheap and safe to read without a lock:
 * the pid and user namespaces (RCU: struct pid and the credentials), the
 * cgroup v2 id (RCU: the task's css_set), the pid in the task's own pid
 * namespace, and, for the caller only, its network and cgroup namespaces
 * (only current changes its own nsproxy).  Another task's nsproxy may be
 * freed as soon as it is switched (it is not RCU-freed, and task_lock() is
 * a spinlock_t), so the target's network and cgroup namespaces, both
 * sides' mount namespace (struct mnt_namespace is private: its inode
 * number is read through init's /proc/<tid>/ns/mnt) and the cgroup paths are
 * resolved by the worker, which finds the same task again by tid and
 * start time.
 *
 * "In a container", kernel-side: the pid, user or cgroup namespace is not
 * the initial one (docker and podman give a container a cgroup namespace
 * of its own on cgroup v2 even with --pid=host, and rootless podman's
 * containers share one user namespace; systemd's services get none).  An
 * access crosses containers when the caller is in a container and the
 * target's pid and user namespaces are not the caller's or inside them,
 * or, for a caller with a cgroup namespace of its own, the target's cgroup
 * is outside that namespace's root: another container, or the host.  The
 * host (or an outer container) reading a process of a container inside it
 * does not.  A container that shares the host's pid, user and cgroup
 * namespaces (--pid=host --cgroupns=host, as root) is not told from the
 * host here.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/file.h>
#include <linux/magic.h>
#include <linux/nsproxy.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "internal.h"
#include "compat.h"

/* @ns is @outer or one of its descendants.  Caller holds rcu_read_lock(). */
static bool pmguard_pid_ns_within(struct pid_namespace *ns,
				  const struct pid_namespace *outer)
{
	if (!ns || !outer)
		return false;
	while (ns->level > outer->level)
		ns = ns->parent;
	return ns == outer;
}

static bool pmguard_user_ns_within(const struct user_namespace *ns,
				   const struct user_namespace *outer)
{
	while (ns->level > outer->level)
		ns = ns->parent;
	return ns == outer;
}

/*
 * Probe context, what the policy looks at: PMGUARD_CTX_* of @task, which
 * is current (the caller) or the target of current's access.  Caller holds
 * rcu_read_lock().
 */
u8 pmguard_context_of(struct task_struct *task)
{
	struct pid_namespace *pid_ns = ns_of_pid(task_pid(task));	/* NULL once reaped */
	const struct user_namespace *user_ns = __task_cred(task)->user_ns;
	u8 ctx = PMGUARD_CTX_KNOWN;

	if ((pid_ns && pid_ns != &init_pid_ns) || user_ns != &init_user_ns ||
	    (task == current && pmguard_current_cgroup_ns_private()))
		ctx |= PMGUARD_CTX_IN_CONTAINER;
	if (task != current &&
	    pmguard_pid_ns_within(pid_ns, task_active_pid_ns(current)) &&
	    pmguard_user_ns_within(user_ns, current_user_ns()) &&
	    !(pmguard_current_cgroup_ns_private() &&
	      pmguard_cgroup_outside_current_ns(task)))
		ctx |= PMGUARD_CTX_WITHIN_CALLER;
	return ctx;
}

/*
 * Probe context, for a report: the ids of @task (as above), every field
 * written.  No lock but RCU (the caller holds it), no allocation.
 */
void pmguard_fill_context(struct pmguard_proc_info *info,
			  struct task_struct *task)
{
	struct pid_namespace *pid_ns = ns_of_pid(task_pid(task));

	info->start_time = task->start_boottime;
	info->user_ns = __task_cred(task)->user_ns->ns.inum;
	info->pid_ns = pid_ns ? pid_ns->ns.inum : 0;
	info->ns_pid = pid_ns ? task_tgid_nr_ns(task, pid_ns) : 0;
	info->cgroup_id = pmguard_task_cgroup_id(task);
	info->net_ns = 0;
	info->cgroup_ns = 0;
	if (task == current) {
		struct nsproxy *nsproxy = current->nsproxy;

		if (nsproxy) {
			info->net_ns = nsproxy->net_ns->ns.inum;
			info->cgroup_ns = pmguard_cgroup_ns(nsproxy);
		}
	}
}

/* The event flags the two sides' context gives. */
u32 pmguard_context_flags(const struct pmguard_access *acc)
{
	u32 flags = 0;

	if (!(acc->caller.ctx & PMGUARD_CTX_IN_CONTAINER))
		return 0;
	flags |= PMGUARD_F_FROM_CONTAINER;
	if ((acc->target.ctx & PMGUARD_CTX_KNOWN) &&
	    !(acc->target.ctx & PMGUARD_CTX_WITHIN_CALLER))
		flags |= PMGUARD_F_CROSS_CONTAINER;
	return flags;
}

/*
 * Worker context from here on: may sleep.
 *
 * The task @tid (initial pid namespace) if it is still the one that
 * started at @start_time (0: any), with a reference; or NULL.
 */
struct task_struct *pmguard_task_get(u32 tid, u64 start_time)
{
	struct task_struct *task;

	rcu_read_lock();
	task = pid_task(find_pid_ns(tid, &init_pid_ns), PIDTYPE_PID);
	if (task && start_time && task->start_boottime != start_time)
		task = NULL;
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/*
 * A file under the root of the initial pid namespace's init, or NULL.
 * Not the worker's own root: kernel threads may have theirs elsewhere
 * (their root stays the initramfs where init does not share it with them).
 */
static struct file *pmguard_ctx_open(const struct path *root, const char *fmt,
				     u32 tid, int flags)
{
	struct file *file;
	char name[32];

	snprintf(name, sizeof(name), fmt, tid);
	file = pmguard_file_open_root(root, name, flags);
	return IS_ERR(file) ? NULL : file;
}

/*
 * The mount namespace's inode number, through proc/<tid>/ns/mnt under
 * init's root, where a procfs of the initial pid namespace must be:
 * struct mnt_namespace is private, and the nsfs helpers are not
 * exported.  0 when it cannot be seen.
 */
static u32 pmguard_ctx_mnt_ns(u32 tid)
{
	struct task_struct *init = pmguard_task_get(1, 0);
	struct path root = {};
	struct super_block *sb;
	struct file *file;
	bool procfs;
	u32 inum = 0;

	if (!init)
		return 0;
	task_lock(init);
	if (init->fs)
		get_fs_root(init->fs, &root);
	task_unlock(init);
	put_task_struct(init);
	if (!root.mnt)
		return 0;
	file = pmguard_ctx_open(&root, "proc/%u/ns", tid, O_PATH | O_DIRECTORY);
	if (!file)
		goto out;
	sb = file_inode(file)->i_sb;
	procfs = sb->s_magic == PROC_SUPER_MAGIC && proc_pid_ns(sb) == &init_pid_ns;
	fput(file);
	if (!procfs)
		goto out;
	file = pmguard_ctx_open(&root, "proc/%u/ns/mnt", tid, O_PATH);
	if (!file)
		goto out;
	if (file_inode(file)->i_sb->s_magic == NSFS_MAGIC)
		inum = file_inode(file)->i_ino;
	fput(file);
out:
	path_put(&root);
	return inum;
}

#ifdef CONFIG_CGROUPS
/* The cgroup v2 path of @info's cgroup, in @buf, or NULL. */
static const char *pmguard_ctx_cgroup_path(const struct pmguard_proc_info *info,
					   struct task_struct *task,
					   char *buf, size_t size)
{
	struct cgroup *cgrp;
	int len;

	/* By id: the cgroup outlives a caller that exited meanwhile. */
	cgrp = pmguard_cgroup_get_from_id(info->cgroup_id);
	if (!cgrp && task) {
		rcu_read_lock();
		cgrp = task_dfl_cgroup(task);
		if (cgroup_id(cgrp) != info->cgroup_id || !css_tryget(&cgrp->self))
			cgrp = NULL;
		rcu_read_unlock();
	}
	if (!cgrp)
		return NULL;
	/* The initial cgroup namespace (init_cgroup_ns is not exported). */
	len = cgroup_path_ns(cgrp, buf, size, init_task.nsproxy->cgroup_ns);
	cgroup_put(cgrp);
	return len > 0 && len < size ? buf : NULL;
}
#else
static const char *pmguard_ctx_cgroup_path(const struct pmguard_proc_info *info,
					   struct task_struct *task,
					   char *buf, size_t size)
{
	return NULL;
}
#endif

/*
 * What probe context could not read, for the side @info: its mount
 * namespace, the target's network and cgroup namespaces, the cgroup path
 * (in @buf, @size bytes).  Fields stay 0 (NULL) when the task is gone.
 */
void pmguard_context_resolve(const struct pmguard_proc_info *info,
			     struct pmguard_ctx_resolved *res,
			     char *buf, size_t size)
{
	struct task_struct *task;

	memset(res, 0, sizeof(*res));
	res->net_ns = info->net_ns;
	res->cgroup_ns = info->cgroup_ns;
	if (!(info->ctx & PMGUARD_CTX_KNOWN))
		return;
	task = pmguard_task_get(info->tid, info->start_time);
	if (task && !res->net_ns) {
		task_lock(task);
		if (task->nsproxy) {
			res->net_ns = task->nsproxy->net_ns->ns.inum;
			res->cgroup_ns = pmguard_cgroup_ns(task->nsproxy);
		}
		task_unlock(task);
	}
	if (task) {
		res->mnt_ns = pmguard_ctx_mnt_ns(info->tid);
		/* Reaped meanwhile: the tid may name another task now. */
		if (!pid_alive(task))
			res->mnt_ns = 0;
	}
	res->cgroup = pmguard_ctx_cgroup_path(info, task, buf, size);
	if (task)
		put_task_struct(task);
}
