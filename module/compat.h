/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels pmguard supports (Debian 6.1 and
 * 6.12, with and without PREEMPT_RT), kept in one place.
 */
#ifndef _PMGUARD_COMPAT_H
#define _PMGUARD_COMPAT_H

#include <linux/version.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>

/*
 * Only CAP_NET_ADMIN in the initial user namespace may join the events
 * group.  The flag came with 6.7 and was backported to the stable series
 * Debian ships (6.1.66+); without it anyone could listen.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "this kernel lacks GENL_MCAST_CAP_NET_ADMIN (genetlink multicast capability checks, 6.1.66+/6.7+)"
#endif

/*
 * A counted reference to @mm's executable, or NULL.  The caller keeps @mm
 * alive.  get_file_rcu() took a file pointer until 6.7 and takes the
 * address of the RCU-protected pointer since (files became
 * SLAB_TYPESAFE_BY_RCU).
 */
static inline struct file *pmguard_mm_exe_file(struct mm_struct *mm)
{
	struct file *exe;

	rcu_read_lock();
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	exe = get_file_rcu(&mm->exe_file);
#else
	exe = rcu_dereference(mm->exe_file);
	if (exe && !get_file_rcu(exe))
		exe = NULL;
#endif
	rcu_read_unlock();
	return exe;
}

#endif /* _PMGUARD_COMPAT_H */
