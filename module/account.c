// SPDX-License-Identifier: GPL-2.0
/*
 * Read accounting: for every /proc/<pid>/mem file pmguard reported, count
 * what is read and written through it, and report a summary when it is
 * closed: "python3 read 132 KiB of sshd's heap" (a file closed without a
 * read or write gets none).  A small table keyed by the struct file holds
 * one slot per open file; kretprobes on mem_read() and mem_write() update
 * it and a kprobe on mem_release() closes it.
 *
 * Also defines the module's trace events, fired here and from probe.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/hash.h>
#include <linux/spinlock.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/atomic.h>

#include "internal.h"
#include "netlink.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/*
 * 512 slots in 64 sets of 8: a file is looked up only in its own set, so
 * a lookup (every read of any mem file, tracked or not) costs at most 8
 * compares under the lock.  A ninth open tracked file hashing to a full
 * set is not accounted (counted as a lost summary).
 */
#define PMGUARD_TRACK_SET_BITS	6
#define PMGUARD_TRACK_WAYS	8
#define PMGUARD_TRACK_SLOTS	(PMGUARD_TRACK_WAYS << PMGUARD_TRACK_SET_BITS)

/*
 * Reads and writes in flight on tracked files at once.  A read of a mem
 * file can block as long as its caller likes (a FUSE or userfaultfd page
 * of the target, which the caller may own), each holding an instance:
 * with 64, as many blocked reads of a file of one's own silenced the
 * accounting of everyone's (counted, in missed).  2 instances per tracked
 * file: 1024 blocked readers, then counted.
 */
#define PMGUARD_RW_MAXACTIVE	(2 * PMGUARD_TRACK_SLOTS)

struct pmguard_track {
	struct file *file;		/* NULL: free slot */
	struct pmguard_event ev;	/* the access, with its references */
};

static struct pmguard_track *pmguard_tracks;
static DEFINE_RAW_SPINLOCK(pmguard_track_lock);

static struct pmguard_track *pmguard_track_set(const struct file *file)
{
	return &pmguard_tracks[hash_ptr(file, PMGUARD_TRACK_SET_BITS) *
			       PMGUARD_TRACK_WAYS];
}

/*
 * The slot of @file in @set, or of NULL: a free one.  Writers hold the
 * lock; a lockless caller may see a slot just filled or emptied.
 */
static struct pmguard_track *pmguard_track_in_set(struct pmguard_track *set,
						  const struct file *file)
{
	unsigned int i;

	for (i = 0; i < PMGUARD_TRACK_WAYS; i++)
		if (READ_ONCE(set[i].file) == file)
			return &set[i];
	return NULL;
}

static struct pmguard_track *pmguard_track_find(const struct file *file)
{
	return pmguard_track_in_set(pmguard_track_set(file), file);
}

/*
 * Start accounting @file, just opened for the access @ev (probe context).
 * The slot takes its own references to the executables.
 */
void pmguard_track_mem(struct file *file, const struct pmguard_event *ev)
{
	struct pmguard_track *slot;
	unsigned long flags;

	if (!pmguard_tracks)
		return;
	raw_spin_lock_irqsave(&pmguard_track_lock, flags);
	slot = pmguard_track_in_set(pmguard_track_set(file), NULL);
	if (slot) {
		WRITE_ONCE(slot->file, file);
		slot->ev = *ev;
		slot->ev.type = PMGUARD_EV_SUMMARY;
		slot->ev.time_ns = ktime_get_real_ns();
		memset(&slot->ev.mem, 0, sizeof(slot->ev.mem));
		slot->ev.mem.first_offset = U64_MAX;
		/* The open's time, monotonic: a clock change is no duration. */
		slot->ev.mem.duration_ns = ktime_get_ns();
		pmguard_event_hold(&slot->ev);
	}
	raw_spin_unlock_irqrestore(&pmguard_track_lock, flags);
	if (!slot)
		atomic64_inc(&pmguard_stats[PMGUARD_S_DROP_TRACKING]);
}

/* The access event got its number after the slot was filled. */
void pmguard_track_set_seq(struct file *file, u64 seq)
{
	struct pmguard_track *t;
	unsigned long flags;

	if (!pmguard_tracks)
		return;
	raw_spin_lock_irqsave(&pmguard_track_lock, flags);
	t = pmguard_track_find(file);
	if (t)
		t->ev.seq = seq;
	raw_spin_unlock_irqrestore(&pmguard_track_lock, flags);
}

struct pmguard_rw {
	struct file *file;
	u64 offset;
};

static int pmguard_rw_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct pmguard_rw *rw = (struct pmguard_rw *)ri->data;
	loff_t *ppos = (loff_t *)regs_get_kernel_argument(regs, 3);

	rw->file = (struct file *)regs_get_kernel_argument(regs, 0);
	rw->offset = *ppos;
	/*
	 * Lockless: a tracked file's slot was filled before its open
	 * returned, so before any read of it; a stale match is checked
	 * again under the lock on return.
	 */
	return pmguard_track_find(rw->file) ? 0 : 1;
}

NOKPROBE_SYMBOL(pmguard_rw_entry);

static void pmguard_rw_account(struct pt_regs *regs, struct pmguard_rw *rw,
			       bool write)
{
	long ret = regs_return_value(regs);
	struct pmguard_mem_stats *mem;
	struct pmguard_track *t;
	unsigned long flags;

	raw_spin_lock_irqsave(&pmguard_track_lock, flags);
	t = pmguard_track_find(rw->file);
	if (t) {
		mem = &t->ev.mem;
		if (ret < 0) {
			mem->errors++;
		} else if (ret > 0) {
			if (write) {
				mem->writes++;
				mem->bytes_written += ret;
			} else {
				mem->reads++;
				mem->bytes_read += ret;
			}
			mem->first_offset = min(mem->first_offset, rw->offset);
			mem->last_offset = max(mem->last_offset, rw->offset + ret);
		}
	}
	raw_spin_unlock_irqrestore(&pmguard_track_lock, flags);
}

static int pmguard_read_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	pmguard_rw_account(regs, (struct pmguard_rw *)ri->data, false);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_read_return);

static int pmguard_write_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	pmguard_rw_account(regs, (struct pmguard_rw *)ri->data, true);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_write_return);

/* mem_release(inode, file): the last reference is gone; report. */
static int pmguard_release_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct file *file = (struct file *)regs_get_kernel_argument(regs, 1);
	struct pmguard_event *ev = NULL;
	struct pmguard_track *t;
	unsigned long flags;

	raw_spin_lock_irqsave(&pmguard_track_lock, flags);
	t = pmguard_track_find(file);
	if (t) {
		WRITE_ONCE(t->file, NULL);
		ev = &t->ev;
		/*
		 * Closed with nothing read or written, not even a failed try:
		 * its access event said all there is.  Summarizing bare opens
		 * would keep the worker and the reader busy during a flood of
		 * them while telling nothing.
		 */
		if (!ev->mem.reads && !ev->mem.writes && !ev->mem.errors) {
			pmguard_event_release(ev);
		} else {
			if (ev->mem.first_offset == U64_MAX)
				ev->mem.first_offset = 0;
			ev->mem.duration_ns = ktime_get_ns() - ev->mem.duration_ns;
			pmguard_submit_summary(ev);
		}
	}
	raw_spin_unlock_irqrestore(&pmguard_track_lock, flags);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_release_pre);

static struct kretprobe pmguard_read_probe = {
	.kp.symbol_name	= "mem_read",
	.entry_handler	= pmguard_rw_entry,
	.handler	= pmguard_read_return,
	.data_size	= sizeof(struct pmguard_rw),
	.maxactive	= PMGUARD_RW_MAXACTIVE,
};

static struct kretprobe pmguard_write_probe = {
	.kp.symbol_name	= "mem_write",
	.entry_handler	= pmguard_rw_entry,
	.handler	= pmguard_write_return,
	.data_size	= sizeof(struct pmguard_rw),
	.maxactive	= PMGUARD_RW_MAXACTIVE,
};

static struct kprobe pmguard_release_probe = {
	.symbol_name	= "mem_release",
	.pre_handler	= pmguard_release_pre,
};

/* Best effort: without these, mem files are reported but not accounted. */
int pmguard_account_register(void)
{
	int err;

	pmguard_tracks = kcalloc(PMGUARD_TRACK_SLOTS, sizeof(*pmguard_tracks),
				 GFP_KERNEL);
	if (!pmguard_tracks)
		return -ENOMEM;
	err = register_kprobe(&pmguard_release_probe);
	if (err)
		goto err_free;
	err = register_kretprobe(&pmguard_read_probe);
	if (err)
		goto err_release;
	err = register_kretprobe(&pmguard_write_probe);
	if (err)
		goto err_read;
	return 0;

err_read:
	unregister_kretprobe(&pmguard_read_probe);
err_release:
	unregister_kprobe(&pmguard_release_probe);
err_free:
	pr_warn("cannot probe mem_read/mem_write/mem_release (%d): no read accounting\n",
		err);
	kfree(pmguard_tracks);
	pmguard_tracks = NULL;
	return err;
}

/* After the probes are gone: drop what open files still hold. */
void pmguard_account_unregister(void)
{
	unsigned int i;

	if (!pmguard_tracks)
		return;
	unregister_kretprobe(&pmguard_write_probe);
	unregister_kretprobe(&pmguard_read_probe);
	unregister_kprobe(&pmguard_release_probe);
	for (i = 0; i < PMGUARD_TRACK_SLOTS; i++)
		if (pmguard_tracks[i].file)
			pmguard_event_release(&pmguard_tracks[i].ev);
	kfree(pmguard_tracks);
	pmguard_tracks = NULL;
}

/* Reads and writes not accounted because a probe could not run. */
u64 pmguard_account_missed(void)
{
	if (!pmguard_tracks)
		return 0;
	return pmguard_read_probe.nmissed + pmguard_read_probe.kp.nmissed +
	       pmguard_write_probe.nmissed + pmguard_write_probe.kp.nmissed +
	       pmguard_release_probe.nmissed;
}

void pmguard_trace_access(const struct pmguard_event *ev)
{
	trace_access(ev);
}

/*
 * Trace and queue a summary, mem file's or copy call's; the queue copies
 * the event and owns its references.
 */
void pmguard_submit_summary(struct pmguard_event *ev)
{
	trace_mem_summary(ev);
	pmguard_submit(ev);
}
