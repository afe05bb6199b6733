/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels pmguard supports (Debian 5.10, 6.1,
 * 6.12 and 7.3, with and without PREEMPT_RT), kept in one place.  Tested
 * by feature (the kernel's own macros and config, or Kbuild's look at its
 * headers), never by version in C.
 */
#ifndef _PMGUARD_COMPAT_H
#define _PMGUARD_COMPAT_H

#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/coredump.h>
#include <linux/minmax.h>
#include <linux/nsproxy.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

/*
 * Since 6.14, mm_access() gives a READ-mode procfs file (environ, maps, ...)
 * to a perfmon_capable() caller whatever the ptrace check said
 * (may_access_mm(), static in kernel/fork.c: Kbuild can only tell by the
 * version).  Only there must a refusal be enforced again at
 * proc_mem_open()'s return.
 */
#ifdef PMGUARD_MM_ACCESS_OVERRIDES_READ
#define pmguard_mm_access_overrides_read()	true
#else
#define pmguard_mm_access_overrides_read()	false
#endif

/*
 * The events group's designated initializer that makes joining it
 * privileged.  The group carries nothing (events are unicast to
 * subscribers, see netlink.c): this only keeps it closed where the kernel
 * can.  Since 6.7 (and 6.1.66+ stable): CAP_NET_ADMIN.  5.10 stable
 * (5.10.262 in Debian 11) has only the older bit from the drop_monitor fix,
 * cap_sys_admin: CAP_SYS_ADMIN in the netns's user namespace.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define PMGUARD_MCGRP_PRIVILEGED .flags = GENL_MCAST_CAP_NET_ADMIN
#else
#define PMGUARD_MCGRP_PRIVILEGED .cap_sys_admin = 1
#endif

/*
 * A counted reference to @mm's executable, or NULL.  The caller keeps @mm
 * alive.  get_file_rcu() was a macro over a file pointer until 6.7; since
 * files became SLAB_TYPESAFE_BY_RCU it is a function that takes the
 * address of the RCU-protected pointer and rechecks it.
 */
static inline struct file *pmguard_mm_exe_file(struct mm_struct *mm)
{
	struct file *exe;

	rcu_read_lock();
#ifdef get_file_rcu
	exe = rcu_dereference(mm->exe_file);
	if (exe && !get_file_rcu(exe))
		exe = NULL;
#else
	exe = get_file_rcu(&mm->exe_file);
#endif
	rcu_read_unlock();
	return exe;
}

/*
 * The dentry of a procfs inode (it has exactly one).  The caller holds
 * rcu_read_lock().
 */
static inline struct dentry *pmguard_inode_dentry(struct inode *inode)
{
	/*
	 * 7.3 moved d_alias out of d_u into an anonymous union of its own
	 * and added for_each_alias() with it.
	 */
#ifdef for_each_alias
	return hlist_entry_safe(READ_ONCE(inode->i_dentry.first),
				struct dentry, d_alias);
#else
	return hlist_entry_safe(READ_ONCE(inode->i_dentry.first),
				struct dentry, d_u.d_alias);
#endif
}

/*
 * Drop an mm_count reference from probe context, if this kernel can: the
 * final __mmdrop() may sleep, so on RT it must be deferred, which
 * mmdrop_sched() does (6.0+; before, RT kernels had no exported way).
 * pmguard's exit runs rcu_barrier(): the deferred callback's body is
 * inlined into this module.
 */
static inline bool pmguard_mmdrop_atomic(struct mm_struct *mm)
{
#ifndef CONFIG_PREEMPT_RT
	mmdrop(mm);
	return true;
#elif defined(PMGUARD_HAVE_MMDROP_SCHED)
	mmdrop_sched(mm);
	return true;
#else
	return false;
#endif
}

/*
 * Copy a string attribute into @dst, NUL-terminated and zero-padded,
 * truncated to @size - 1 characters: what nla_strscpy() (5.11+) and
 * nla_strlcpy() (before) both do, on every kernel.
 */
static inline void pmguard_nla_strscpy(char *dst, const struct nlattr *nla,
				       size_t size)
{
	const char *src = nla_data(nla);
	size_t len = nla_len(nla);

	if (!size)
		return;
	if (len && !src[len - 1])
		len--;
	len = min(len, size - 1);
	memcpy(dst, src, len);
	memset(dst + len, 0, size - len);
}

/*
 * The task's cgroup v2 id (the caller holds rcu_read_lock()), and a
 * cgroup namespace's inode number: 0 without CONFIG_CGROUPS, where
 * struct cgroup_namespace is not even defined.
 */
static inline u64 pmguard_task_cgroup_id(struct task_struct *task)
{
#ifdef CONFIG_CGROUPS
	return cgroup_id(task_dfl_cgroup(task));
#else
	return 0;
#endif
}

static inline u32 pmguard_cgroup_ns(const struct nsproxy *nsproxy)
{
#ifdef CONFIG_CGROUPS
	return nsproxy->cgroup_ns->ns.inum;
#else
	return 0;
#endif
}

/*
 * Is current in a cgroup namespace of its own, and is @task's cgroup v2
 * outside that namespace's root (another container's, or the host's)?
 * The caller holds rcu_read_lock(); only current changes its own nsproxy,
 * and the root css_set lives as long as the namespace.
 */
static inline bool pmguard_current_cgroup_ns_private(void)
{
#ifdef CONFIG_CGROUPS
	return current->nsproxy &&
	       current->nsproxy->cgroup_ns != init_task.nsproxy->cgroup_ns;
#else
	return false;
#endif
}

static inline bool pmguard_cgroup_outside_current_ns(struct task_struct *task)
{
#ifdef CONFIG_CGROUPS
	struct cgroup *root = current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;

	return !cgroup_is_descendant(task_dfl_cgroup(task), root);
#else
	return false;
#endif
}

/*
 * A counted reference to the cgroup v2 with id @id, or NULL.  Exported
 * since 6.1 (module/Kbuild looks for it in Module.symvers: a header cannot
 * tell); without it the worker finds the cgroup through the task, if the
 * task still lives.
 */
static inline struct cgroup *pmguard_cgroup_get_from_id(u64 id)
{
#ifdef PMGUARD_HAVE_CGROUP_GET_FROM_ID
	struct cgroup *cgrp = id ? cgroup_get_from_id(id) : NULL;

	return IS_ERR(cgrp) ? NULL : cgrp;
#else
	return NULL;
#endif
}

/*
 * file_open_root() takes a struct path since 5.12, a dentry and a mount
 * before (module/Kbuild reads its prototype in linux/fs.h).
 */
static inline struct file *pmguard_file_open_root(const struct path *root,
						  const char *name, int flags)
{
#ifdef PMGUARD_FILE_OPEN_ROOT_PATH
	return file_open_root(root, name, flags, 0);
#else
	return file_open_root(root->dentry, root->mnt, name, flags, 0);
#endif
}

/*
 * Is @task (whose mm is @mm, or NULL) one the kernel itself treats as
 * holding secrets: not dumpable (setuid, changed credentials,
 * PR_SET_DUMPABLE 0), or a user process whose mm is already gone, where
 * the ptrace check skips the dumpable test?  Dumpability is in mm->flags
 * until 7.x, in task->exec_state since.  Caller holds rcu_read_lock().
 */
#ifdef PMGUARD_HAVE_TASK_EXEC_STATE
#include <linux/sched/exec_state.h>
#endif

/* @task's dumpability, with its mm @mm: 0 off, 1 the owner's, 2 root's. */
static inline int pmguard_task_dumpable(struct task_struct *task,
					struct mm_struct *mm)
{
#ifdef PMGUARD_HAVE_TASK_EXEC_STATE
	struct task_exec_state *state = rcu_dereference(task->exec_state);

	return state ? READ_ONCE(state->dumpable) : 0;
#else
	return get_dumpable(mm);
#endif
}

static inline bool pmguard_task_nondumpable(struct task_struct *task,
					    struct mm_struct *mm)
{
	if (!mm)
		return !(READ_ONCE(task->flags) & PF_KTHREAD);
	return pmguard_task_dumpable(task, mm) != 1;
}

#endif /* _PMGUARD_COMPAT_H */
