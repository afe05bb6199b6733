// SPDX-License-Identifier: GPL-2.0
/*
 * Burst folding.  MimiPenguin-style tools open /proc/<pid>/mem once per
 * memory region, hundreds of times a second.  The first access of a burst
 * is reported at once; the same caller, target, kind, verdict, severity
 * and flags again within fold_ms are only counted, and when the window
 * closes one event reports them all with their count (flag "folded") and,
 * for the copy routes, the bytes they copied.  Every access is
 * still decided on its own, and counted: nothing is lost from the counts.
 */
#include <linux/bitops.h>
#include <linux/spinlock.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>

#include "internal.h"
#include "netlink.h"

#define PMGUARD_FOLD_SLOTS	64

struct pmguard_burst {
	struct pmguard_fold_key key;
	u64 start_ns;			/* pmguard_fold_now() */
	u32 folded;			/* accesses since the first one */
	u64 folded_bytes;		/* what they copied (copy routes) */
	struct pmguard_event ev;	/* the first access, with references */
};

static struct pmguard_burst pmguard_bursts[PMGUARD_FOLD_SLOTS];
/* Bit i: pmguard_bursts[i] holds a burst.  Scanned, not the slots. */
static u64 pmguard_bursts_used;
static DEFINE_RAW_SPINLOCK(pmguard_fold_lock);

/*
 * The next burst of a walk over those held when it started (@used: the
 * walk's own copy of pmguard_bursts_used), or NULL.
 */
static struct pmguard_burst *pmguard_next_burst(u64 *used)
{
	struct pmguard_burst *b;

	if (!*used)
		return NULL;
	b = &pmguard_bursts[__ffs64(*used)];
	*used &= *used - 1;
	return b;
}

static void pmguard_fold_expire(struct work_struct *work);
static DECLARE_DELAYED_WORK(pmguard_fold_work, pmguard_fold_expire);
static bool pmguard_fold_stopped;

static u64 pmguard_fold_window(void)
{
	return (u64)READ_ONCE(pmguard_fold_ms) * NSEC_PER_MSEC;
}

/*
 * Windows are timed by the coarse monotonic clock: it reads no clock
 * hardware (this runs on every access), and a tick is fine resolution for
 * windows of milliseconds to a minute.
 */
static u64 pmguard_fold_now(void)
{
	return ktime_get_coarse_ns();
}

/*
 * End a burst: report what it folded, or just drop its references.
 * Caller holds pmguard_fold_lock.
 */
static void pmguard_burst_close(struct pmguard_burst *b)
{
	if (b->folded) {
		b->ev.first_seq = b->ev.seq;
		b->ev.count = b->folded;
		b->ev.bytes = b->folded_bytes;
		b->ev.acc.flags |= PMGUARD_F_FOLDED;
		atomic64_add(b->folded, &pmguard_stats[PMGUARD_S_FOLDED]);
		pmguard_submit(&b->ev);	/* the queue takes the references */
	} else {
		pmguard_event_release(&b->ev);
	}
	pmguard_bursts_used &= ~BIT_ULL(b - pmguard_bursts);
}

/*
 * Probe context.  Returns true when @ev belongs to a running burst: it is
 * counted there, and the caller drops its references instead of reporting.
 * Otherwise @ev starts a burst (the oldest one is closed if all slots are
 * busy) and is reported as usual.
 */
bool pmguard_fold(struct pmguard_event *ev)
{
	u64 window = pmguard_fold_window(), now = pmguard_fold_now();
	struct pmguard_burst *b, *slot = NULL;
	struct pmguard_fold_key key;
	unsigned long flags;
	bool absorbed = false;
	u64 used;

	BUILD_BUG_ON(PMGUARD_FOLD_SLOTS != 64);
	if (!window)
		return false;
	pmguard_fold_key_of(&ev->acc, ev->action, ev->severity, &key);

	raw_spin_lock_irqsave(&pmguard_fold_lock, flags);
	if (pmguard_fold_stopped)
		goto out;
	for (used = pmguard_bursts_used; (b = pmguard_next_burst(&used));) {
		/* The caller first: most slots hold other callers' bursts. */
		if (b->key.caller_pid != key.caller_pid ||
		    memcmp(&b->key, &key, sizeof(key)))
			continue;
		if (pmguard_fold_same_burst(&b->key, b->start_ns, &key, now,
					    window)) {
			b->folded++;
			b->folded_bytes += ev->bytes;
			ev->first_seq = b->ev.seq;
			absorbed = true;
			goto out;
		}
		pmguard_burst_close(b);
		slot = b;
		break;
	}
	if (!slot && ~pmguard_bursts_used) {
		slot = &pmguard_bursts[ffz(pmguard_bursts_used)];
	} else if (!slot) {
		/* Every slot is busy: the oldest burst makes room. */
		slot = pmguard_bursts;
		for (b = pmguard_bursts + 1; b < pmguard_bursts + PMGUARD_FOLD_SLOTS; b++)
			if (b->start_ns < slot->start_ns)
				slot = b;
		pmguard_burst_close(slot);
	}
	pmguard_bursts_used |= BIT_ULL(slot - pmguard_bursts);
	slot->key = key;
	slot->start_ns = now;
	slot->folded = 0;
	slot->folded_bytes = 0;
	pmguard_event_complete(ev);
	slot->ev = *ev;
	slot->ev.seq = 0;
	pmguard_event_hold(&slot->ev);
	queue_delayed_work(system_unbound_wq, &pmguard_fold_work,
			   nsecs_to_jiffies(window) + 1);
out:
	raw_spin_unlock_irqrestore(&pmguard_fold_lock, flags);
	return absorbed;
}

/*
 * Add what a folded process_vm_readv/writev copied to its burst, the one
 * whose event has sequence number @seq, if that is still open.  Any
 * context.
 */
bool pmguard_fold_add_bytes(u64 seq, u64 bytes)
{
	struct pmguard_burst *b;
	unsigned long flags;
	bool added = false;
	u64 used;

	raw_spin_lock_irqsave(&pmguard_fold_lock, flags);
	for (used = pmguard_bursts_used; (b = pmguard_next_burst(&used));) {
		if (b->ev.seq == seq) {
			b->folded_bytes += bytes;
			b->ev.has_bytes = true;
			added = true;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&pmguard_fold_lock, flags);
	return added;
}

/* The burst's first event got its sequence number: remember it. */
void pmguard_fold_started(const struct pmguard_event *ev)
{
	struct pmguard_fold_key key;
	struct pmguard_burst *b;
	unsigned long flags;
	u64 used;

	pmguard_fold_key_of(&ev->acc, ev->action, ev->severity, &key);
	raw_spin_lock_irqsave(&pmguard_fold_lock, flags);
	for (used = pmguard_bursts_used; (b = pmguard_next_burst(&used));) {
		if (!b->ev.seq && !memcmp(&b->key, &key, sizeof(key)))
			b->ev.seq = ev->seq;
	}
	raw_spin_unlock_irqrestore(&pmguard_fold_lock, flags);
}

/* Close the bursts whose window is over (all of them when stopping). */
static void pmguard_fold_close_expired(bool all)
{
	u64 window = pmguard_fold_window(), now = pmguard_fold_now();
	struct pmguard_burst *b;
	unsigned long flags;
	bool pending = false;
	u64 used;

	raw_spin_lock_irqsave(&pmguard_fold_lock, flags);
	for (used = pmguard_bursts_used; (b = pmguard_next_burst(&used));) {
		if (all || now - b->start_ns >= window)
			pmguard_burst_close(b);
		else
			pending = true;
	}
	raw_spin_unlock_irqrestore(&pmguard_fold_lock, flags);
	if (pending && !all)
		queue_delayed_work(system_unbound_wq, &pmguard_fold_work,
				   nsecs_to_jiffies(window) + 1);
}

static void pmguard_fold_expire(struct work_struct *work)
{
	pmguard_fold_close_expired(false);
}

/* Module exit, probes gone: report every open burst. */
void pmguard_fold_stop(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pmguard_fold_lock, flags);
	pmguard_fold_stopped = true;
	raw_spin_unlock_irqrestore(&pmguard_fold_lock, flags);
	cancel_delayed_work_sync(&pmguard_fold_work);
	pmguard_fold_close_expired(true);
}
