/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels pmguard supports (Debian 6.1 and
 * 6.12, with and without PREEMPT_RT), kept in one place.
 */
#ifndef _PMGUARD_COMPAT_H
#define _PMGUARD_COMPAT_H

#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <net/genetlink.h>

/*
 * Only CAP_NET_ADMIN in the initial user namespace may join the events
 * group.  The flag came with 6.7 and was backported to the stable series
 * Debian ships (6.1.66+); without it anyone could listen.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "kernel lacks GENL_MCAST_CAP_NET_ADMIN (needs 6.7, or 6.1.66+ stable)"
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
	return hlist_entry_safe(READ_ONCE(inode->i_dentry.first),
				struct dentry, d_u.d_alias);
}

/*
 * Drop an mm_count reference from probe context: the final __mmdrop()
 * may sleep, so on RT it is deferred.  pmguard's exit runs rcu_barrier()
 * because the deferred callback's body is inlined into this module.
 */
static inline void pmguard_mmdrop_atomic(struct mm_struct *mm)
{
	mmdrop_sched(mm);
}

#endif /* _PMGUARD_COMPAT_H */
