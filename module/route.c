// SPDX-License-Identifier: GPL-2.0
/*
 * Every route into another process's memory is decided where the kernel
 * decides it: procfs opens, process_vm_readv(2)/process_vm_writev(2),
 * ptrace(2), and pidfd_getfd(2), which takes a file the target holds open
 * (a memfd of secrets, its own /proc/self/mem).
 *
 * Each of them asks the kernel's ptrace access check, which ends in
 * __ptrace_may_access() after the credential checks and before Yama and
 * the LSMs have their say in security_ptrace_access_check(): procfs opens
 * through proc_mem_open() -> mm_access() (marked by probe.c with the file
 * being opened), process_vm_readv/writev through mm_access() and
 * PTRACE_ATTACH/PTRACE_SEIZE and pidfd_getfd directly, all of them in
 * PTRACE_MODE_ATTACH.  A kretprobe there sees the kernel's own verdict (a
 * refused attempt is reported too) and replaces a success with -EPERM when
 * the policy denies: the syscall then fails before the target's mm (or
 * file) is even taken.  The current syscall tells which route asked;
 * unmarked checks in READ mode (ps and top reading /proc/<pid>/stat) are
 * left at once.  The function runs under task_lock() and never sleeps, so
 * in-flight instances are bounded by the CPUs (not on RT, where
 * task_lock() can be preempted: see pmguard_probes_missed()).
 *
 * An attached tracer reads and writes its tracee's memory with
 * PTRACE_PEEKDATA/POKEDATA (and TEXT) with no new access check: a target
 * can become a credential holder after the attach (a traced shell that
 * execs sudo).  A kprobe on arch_ptrace() decides each such request, and a
 * denial turns it into an unknown request, so nothing is copied either way.
 *
 * process_vm_readv/writev are reported when they are decided, like every
 * route: the caller cannot hold its own event back by making the copy
 * block (a FUSE or userfaultfd page in its local iovec).  What they then
 * copied follows as a summary joined by the event's sequence number: a
 * kretprobe on process_vm_rw() holds a slot for the calling task while
 * it runs, the decision parks a copy of its event there, and the return
 * sends it with the call's result (or adds it to the burst it folded
 * into).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/compat.h>
#include <asm/syscall.h>
#include <linux/sched/mm.h>
#include <linux/hash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/err.h>

#include "internal.h"
#include "compat.h"

#ifndef CONFIG_X86_64
#error "pmguard's syscall routes are written for x86-64"
#endif

/*
 * The route the current syscall takes, by its number in the caller's ABI
 * (64-bit, ia32 or x32: numbers fixed by each ABI); PMGUARD_KIND_UNSPEC for
 * any other syscall.
 */
static enum pmguard_kind pmguard_syscall_kind(void)
{
	long nr = syscall_get_nr(current, task_pt_regs(current));

	if (in_ia32_syscall()) {
		switch (nr) {
		case 26:	return PMGUARD_KIND_PTRACE;
		case 347:	return PMGUARD_KIND_VM_READ;
		case 348:	return PMGUARD_KIND_VM_WRITE;
		case 438:	return PMGUARD_KIND_GETFD;
		case 440:	return PMGUARD_KIND_PAGEOUT;
		}
		return PMGUARD_KIND_UNSPEC;
	}
	if (nr & __X32_SYSCALL_BIT) {
		switch (nr & ~__X32_SYSCALL_BIT) {
		case 521:	return PMGUARD_KIND_PTRACE;
		case 539:	return PMGUARD_KIND_VM_READ;
		case 540:	return PMGUARD_KIND_VM_WRITE;
		case 438:	return PMGUARD_KIND_GETFD;
		case 440:	return PMGUARD_KIND_PAGEOUT;
		}
		return PMGUARD_KIND_UNSPEC;
	}
	switch (nr) {
	case __NR_ptrace:		return PMGUARD_KIND_PTRACE;
	case __NR_process_vm_readv:	return PMGUARD_KIND_VM_READ;
	case __NR_process_vm_writev:	return PMGUARD_KIND_VM_WRITE;
	case __NR_pidfd_getfd:		return PMGUARD_KIND_GETFD;
	case __NR_process_madvise:	return PMGUARD_KIND_PAGEOUT;
	}
	return PMGUARD_KIND_UNSPEC;
}

/*
 * process_madvise(pidfd, iov, vlen, advice, flags): does the advice push
 * the target's pages out (to swap, where the device shows them)?
 * MADV_WILLNEED and MADV_COLLAPSE bring pages in: no route.
 */
static bool pmguard_pageout_advice(void)
{
	unsigned long args[6];

	syscall_get_arguments(current, task_pt_regs(current), args);
	return (int)args[3] == MADV_PAGEOUT || (int)args[3] == MADV_COLD;
}

/* The routes decided by syscall, not by a procfs file. */
#define PMGUARD_KINDS_VM	(BIT(PMGUARD_KIND_VM_READ) | BIT(PMGUARD_KIND_VM_WRITE))
#define PMGUARD_KINDS_CALLS	(PMGUARD_KINDS_VM | BIT(PMGUARD_KIND_PTRACE) | \
				 BIT(PMGUARD_KIND_GETFD) | BIT(PMGUARD_KIND_PAGEOUT) | \
				 BIT(PMGUARD_KIND_FD_REOPEN))

/*
 * The tasks inside process_vm_rw(), mem_open() or a READ-mode
 * proc_mem_open(): 16 sets of 8 call slots, looked up by the task, which
 * is in at most one of them at a time.  A task that finds its set full
 * goes on without one: its vm_read summary is not sent, its mem open
 * is taken as read-write and not accounted, a READ-mode denial is not
 * enforced where mm_access() overrides it (all counted as missed).
 *
 * process_vm_rw() may block for as long as its caller likes (a FUSE page
 * in its iovec), so it takes only the first PMGUARD_CALL_VM_WAYS ways of a
 * set, and not for a copy within the caller's own process: however many
 * threads park there, the opens and link walks, which hold a slot only
 * for a moment, always find the last ways.
 */
#define PMGUARD_CALL_SET_BITS	4
#define PMGUARD_CALL_WAYS	8
#define PMGUARD_CALL_VM_WAYS	5
#define PMGUARD_CALL_SLOTS	(PMGUARD_CALL_WAYS << PMGUARD_CALL_SET_BITS)

struct pmguard_call {
	struct task_struct *task;	/* NULL: free */
	bool parked;			/* process_vm_rw(): ev holds a decided access */
	bool denied;			/* proc_mem_open(): pmguard refused the open */
	bool fd_link;			/* following a /proc/<pid>/fd/N link */
	struct file *mem_file;		/* mem_open(): the file, not counted */
	fmode_t mem_mode;
	struct pmguard_event ev;
};

static struct pmguard_call *pmguard_calls;
/* Calls that found no slot, and denials that could not be enforced. */
static atomic64_t pmguard_calls_missed = ATOMIC64_INIT(0);

/* The slots the calling task may use. */
static struct pmguard_call *pmguard_call_set(void)
{
	return &pmguard_calls[hash_ptr(current, PMGUARD_CALL_SET_BITS) *
			      PMGUARD_CALL_WAYS];
}

/* The calling task's slot, or NULL. */
static struct pmguard_call *pmguard_call_mine(void)
{
	struct pmguard_call *set = pmguard_call_set();
	unsigned int i;

	for (i = 0; i < PMGUARD_CALL_WAYS; i++)
		if (READ_ONCE(set[i].task) == current)
			return &set[i];
	return NULL;
}

/* A free slot among the first @ways of the caller's set, or NULL (counted). */
static struct pmguard_call *pmguard_call_claim(unsigned int ways)
{
	struct pmguard_call *set = pmguard_call_set();
	unsigned int i;

	for (i = 0; i < ways; i++) {
		/* A full barrier: the claim comes before our writes to it. */
		if (!READ_ONCE(set[i].task) &&
		    !cmpxchg(&set[i].task, NULL, current)) {
			set[i].parked = false;
			set[i].denied = false;
			set[i].fd_link = false;
			set[i].mem_file = NULL;
			return &set[i];
		}
	}
	atomic64_inc(&pmguard_calls_missed);
	return NULL;
}

/* Did the access check refuse the caller's open (proc_mem_open())? */
bool pmguard_call_denied(void)
{
	struct pmguard_call *slot = pmguard_call_mine();

	return slot && slot->denied;
}

void pmguard_count_unenforced(void)
{
	atomic64_inc(&pmguard_calls_missed);
}

/*
 * Only the task itself fills or frees its slot, so it needs no lock to
 * use it.
 */
void pmguard_call_release(void)
{
	struct pmguard_call *slot = pmguard_call_mine();

	if (slot)	/* our writes to it before another task can claim it */
		smp_store_release(&slot->task, NULL);
}

/*
 * A slot for an open: mem_open() with its file and open mode, or a
 * READ-mode proc_mem_open() (@file NULL), which only needs "denied".
 */
bool pmguard_call_claim_open(struct file *file, fmode_t mode)
{
	struct pmguard_call *slot = pmguard_call_claim(PMGUARD_CALL_WAYS);

	if (!slot)
		return false;
	slot->mem_file = file;
	slot->mem_mode = mode;
	return true;
}

/*
 * What a reported process_vm_readv/writev copied, @ret (bytes or -errno):
 * added to the burst its event folded into while that is still open, else
 * a summary of its own, joined to the event by its sequence number.
 */
static void pmguard_vm_summarize(struct pmguard_event *ev, long ret)
{
	struct pmguard_mem_stats *mem = &ev->mem;
	u64 bytes = ret > 0 ? ret : 0;

	if (ev->first_seq && pmguard_fold_add_bytes(ev->first_seq, bytes)) {
		pmguard_event_release(ev);
		return;
	}
	ev->type = PMGUARD_EV_SUMMARY;
	ev->seq = ev->first_seq ?: ev->seq;
	memset(mem, 0, sizeof(*mem));
	if (ret < 0) {
		mem->errors = 1;
	} else if (ev->acc.kind == PMGUARD_KIND_VM_WRITE) {
		mem->writes = 1;
		mem->bytes_written = bytes;
	} else {
		mem->reads = 1;
		mem->bytes_read = bytes;
	}
	/* Decision to return; time_ns is the decision's (monotonic). */
	mem->duration_ns = ktime_get_ns() - ev->time_ns;
	pmguard_submit_summary(ev);
}

/* Entry of process_vm_rw(): hold a slot for the calling task. */
static int pmguard_vm_rw_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	/* process_vm_rw(pid, ...): the pid as the caller's namespace sees it. */
	if ((pid_t)regs_get_kernel_argument(regs, 0) == task_tgid_vnr(current))
		return 1;
	return pmguard_call_claim(PMGUARD_CALL_VM_WAYS) ? 0 : 1;
}

NOKPROBE_SYMBOL(pmguard_vm_rw_entry);

/* Return of process_vm_rw(): the bytes copied, or -errno. */
static int pmguard_vm_rw_return(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	long ret = (long)regs_return_value(regs);
	struct pmguard_call *slot = pmguard_call_mine();

	if (!slot)
		return 0;
	if (slot->parked) {
		slot->parked = false;
		pmguard_vm_summarize(&slot->ev, ret);
	}
	pmguard_call_release();
	return 0;
}

NOKPROBE_SYMBOL(pmguard_vm_rw_return);

static struct kretprobe pmguard_vm_rw_probe = {
	.kp.symbol_name	= "process_vm_rw",
	.entry_handler	= pmguard_vm_rw_entry,
	.handler	= pmguard_vm_rw_return,
};

/*
 * Since 6.14 mm_access() gives a READ-mode mm to a perfmon_capable() caller
 * after a failed ptrace check (may_access_mm()), and process_madvise()
 * asks in READ mode: a pageout pmguard refused is refused again at
 * mm_access()'s return, where an mm returned anyway is put back
 * (mmput_async(): probe context) and -EACCES returned, as
 * process_madvise() handles.  Registered on those kernels only.
 */
static int pmguard_mm_access_entry(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	if (pmguard_syscall_kind() != PMGUARD_KIND_PAGEOUT ||
	    !pmguard_pageout_advice())
		return 1;
	return pmguard_call_claim(PMGUARD_CALL_WAYS) ? 0 : 1;
}

NOKPROBE_SYMBOL(pmguard_mm_access_entry);

static int pmguard_mm_access_return(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	struct mm_struct *mm = (struct mm_struct *)regs_return_value(regs);

	if (pmguard_call_denied() && !IS_ERR_OR_NULL(mm)) {
		mmput_async(mm);
		regs_set_return_value(regs, (unsigned long)ERR_PTR(-EACCES));
	}
	pmguard_call_release();
	return 0;
}

NOKPROBE_SYMBOL(pmguard_mm_access_return);

static struct kretprobe pmguard_mm_access_probe = {
	.kp.symbol_name	= "mm_access",
	.entry_handler	= pmguard_mm_access_entry,
	.handler	= pmguard_mm_access_return,
};

/*
 * /proc/<pid>/fd/N (and map_files/<range>) are magic links: following one
 * opens the very file the target holds (a memfd of secrets, its own
 * /proc/self/mem), after a READ-mode ptrace check, the same check that
 * readlink() (ls -l of an fd directory, ss -p) and stat() (lsof) pass.
 * The link is followed in proc_pid_get_link() (map_files:
 * proc_map_files_get_link(), which calls it), for an open or for a stat:
 * the current syscall tells.  For anything but the stat and access family,
 * the task holds a call slot marked fd_link while it follows the link, and
 * the check inside decides the open as fd_reopen (a denial makes the link
 * fail with -EACCES, the open with it).  io_uring opens (io_uring_enter,
 * or an io worker) are decided too.
 */
static atomic_t pmguard_fd_links = ATOMIC_INIT(0);

/* Does the current syscall only look at what a link names? */
static bool pmguard_syscall_stats(void)
{
	long nr = syscall_get_nr(current, task_pt_regs(current));

	if (in_ia32_syscall()) {
		switch (nr) {
		case 12: case 33: case 99: case 100: case 106: case 107:
		case 195: case 196: case 229: case 268: case 269: case 300:
		case 307: case 383: case 439:
			return true;	/* chdir access statfs stat fstatat statx ... */
		}
		return false;
	}
	switch (nr & ~__X32_SYSCALL_BIT) {
	case __NR_stat:
	case __NR_lstat:
	case __NR_newfstatat:
	case __NR_statx:
	case __NR_access:
	case __NR_faccessat:
	case __NR_faccessat2:
	case __NR_statfs:
	case __NR_chdir:
	case __NR_getxattr:
	case __NR_listxattr:
	case __NR_readlink:
	case __NR_readlinkat:
		return true;
	}
	return false;
}

/* Entry of proc_pid_get_link(dentry, ...) and proc_map_files_get_link(). */
static int pmguard_fd_link_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct dentry *dentry = (struct dentry *)regs_get_kernel_argument(regs, 0);
	struct pmguard_call *slot;
	const struct qstr *dir;

	/* NULL: an RCU walk, retried with a reference. */
	if (!dentry)
		return 1;
	dir = &dentry->d_parent->d_name;
	if (!((dir->len == 2 && !memcmp(dir->name, "fd", 2)) ||
	      (dir->len == 9 && !memcmp(dir->name, "map_files", 9))))
		return 1;
	if (pmguard_syscall_stats() || pmguard_call_mine())
		return 1;
	slot = pmguard_call_claim(PMGUARD_CALL_WAYS);
	if (!slot)
		return 1;
	slot->fd_link = true;
	atomic_inc(&pmguard_fd_links);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_fd_link_entry);

static int pmguard_fd_link_return(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct pmguard_call *slot = pmguard_call_mine();

	if (slot && slot->fd_link) {
		atomic_dec(&pmguard_fd_links);
		pmguard_call_release();
	}
	return 0;
}

NOKPROBE_SYMBOL(pmguard_fd_link_return);

static struct kretprobe pmguard_fd_link_probes[] = {
	{ .kp.symbol_name = "proc_pid_get_link",
	  .entry_handler = pmguard_fd_link_entry,
	  .handler = pmguard_fd_link_return },
	{ .kp.symbol_name = "proc_map_files_get_link",
	  .entry_handler = pmguard_fd_link_entry,
	  .handler = pmguard_fd_link_return },
};

/*
 * Report a decided vm_read/vm_write at once; when the kernel lets it copy,
 * park a copy of the event, with references of its own, for the summary of
 * what it copied (pmguard_vm_rw_return()).
 */
static void pmguard_vm_report(struct pmguard_event *ev)
{
	struct pmguard_call *slot = NULL;

	if (!ev->acc.result)
		slot = pmguard_call_mine();
	if (slot && !slot->parked) {
		/* The target is not stable any more at process_vm_rw()'s return. */
		pmguard_event_complete(ev);
		slot->ev = *ev;
		slot->ev.time_ns = ktime_get_ns();	/* the decision's */
		pmguard_event_hold(&slot->ev);
		pmguard_report_access(ev);
		slot->ev.seq = ev->seq;
		slot->ev.first_seq = ev->first_seq;
		/* The return handler runs on this task: no barrier needed. */
		slot->parked = true;
		return;
	}
	pmguard_report_access(ev);
}

/* Start @ev, an access by current to @task (see pmguard_event_start()). */
static void pmguard_route_event(struct pmguard_event *ev, enum pmguard_kind kind,
				u32 access, struct task_struct *task)
{
	pmguard_event_start(ev, kind, access, task);
	pmguard_count_seen(kind);
}

/* A procfs open's access: the mem file's open mode, or read. */
static u32 pmguard_procfs_access(enum pmguard_kind kind, struct file **file)
{
	struct pmguard_call *slot;
	u32 access = 0;

	if (kind != PMGUARD_KIND_MEM)
		return PMGUARD_ACCESS_READ;
	slot = pmguard_call_mine();
	if (slot && slot->mem_file) {
		if (slot->mem_mode & FMODE_READ)
			access |= PMGUARD_ACCESS_READ;
		if (slot->mem_mode & FMODE_WRITE)
			access |= PMGUARD_ACCESS_WRITE;
		*file = slot->mem_file;
	}
	/* Unknown (mem_open() not probed, or no slot): assume the worst. */
	return access ?: PMGUARD_ACCESS_READ | PMGUARD_ACCESS_WRITE;
}

/*
 * Entry of __ptrace_may_access(task, mode): a procfs open (marked by
 * proc_mem_open()'s probe), or a PTRACE_MODE_ATTACH check by
 * process_vm_readv/writev, ptrace attach or pidfd_getfd, on another
 * thread group?
 */
static int pmguard_check_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct pmguard_event *ev = (struct pmguard_event *)ri->data;
	enum pmguard_kind kind = pmguard_procfs_kind(regs);
	struct pmguard_call *slot = NULL;
	struct file *mem_file = NULL;
	struct task_struct *task;
	u32 access;

	if (kind == PMGUARD_KIND_UNSPEC && atomic_read(&pmguard_fd_links))
		slot = pmguard_call_mine();
	if (kind != PMGUARD_KIND_UNSPEC) {
		access = pmguard_procfs_access(kind, &mem_file);
	} else if (slot && slot->fd_link) {
		/* The READ-mode check of following the link, for an open. */
		kind = PMGUARD_KIND_FD_REOPEN;
		access = PMGUARD_ACCESS_READ;
	} else {
		kind = pmguard_syscall_kind();
		/* process_madvise() asks in READ mode; the others in ATTACH. */
		if (kind == PMGUARD_KIND_PAGEOUT) {
			if (!pmguard_pageout_advice())
				return 1;
			access = PMGUARD_ACCESS_WRITE;
		} else if (!(regs_get_kernel_argument(regs, 1) & PTRACE_MODE_ATTACH)) {
			return 1;
		} else if (kind == PMGUARD_KIND_VM_READ) {
			access = PMGUARD_ACCESS_READ;
		} else if (kind == PMGUARD_KIND_VM_WRITE) {
			access = PMGUARD_ACCESS_WRITE;
		} else if (kind == PMGUARD_KIND_PTRACE || kind == PMGUARD_KIND_GETFD) {
			access = PMGUARD_ACCESS_READ | PMGUARD_ACCESS_WRITE;
		} else {
			return 1;
		}
	}
	task = (struct task_struct *)regs_get_kernel_argument(regs, 0);
	if (same_thread_group(task, current))
		return 1;

	/* The caller holds task_lock(task): task->mm is stable. */
	pmguard_route_event(ev, kind, access, task);
	ev->mem_file = mem_file;
	return 0;
}

NOKPROBE_SYMBOL(pmguard_check_entry);

/* Return of the check: 0 or -errno; a denial replaces 0 with -EPERM. */
static int pmguard_check_return(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct pmguard_event *ev = (struct pmguard_event *)ri->data;
	int ret = (int)regs_return_value(regs);
	bool procfs = !(BIT(ev->acc.kind) & PMGUARD_KINDS_CALLS);
	/* Through mm_access() or a procfs link: a refusal is -EACCES. */
	bool read_mm = procfs || ev->acc.kind == PMGUARD_KIND_PAGEOUT ||
		       ev->acc.kind == PMGUARD_KIND_FD_REOPEN;
	struct pmguard_call *slot;
	bool track;

	ev->acc.result = read_mm && ret ? -EACCES : ret;
	if (pmguard_decide_event(ev)) {
		if (!ret) {
			regs_set_return_value(regs, (unsigned long)-EPERM);
			ev->acc.result = read_mm ? -EACCES : -EPERM;
		}
		/*
		 * For the return probes, should mm_access() say yes anyway
		 * (6.14+: perfmon_capable() after a refusal, the kernel's own
		 * included): what pmguard decided is what holds.
		 */
		slot = read_mm ? pmguard_call_mine() : NULL;
		if (slot)
			slot->denied = true;
	}
	if (!procfs) {
		if (BIT(ev->acc.kind) & PMGUARD_KINDS_VM)
			pmguard_vm_report(ev);
		else
			pmguard_report_access(ev);
		return 0;
	}
	/* Account reads through a mem file the caller will hold. */
	track = ev->mem_file && !ev->acc.result;
	if (track) {
		pmguard_event_complete(ev);
		pmguard_track_mem(ev->mem_file, ev);
	}
	pmguard_report_access(ev);
	/* Summaries name the event that reported the access (or its burst). */
	if (track)
		pmguard_track_set_seq(ev->mem_file, ev->first_seq ?: ev->seq);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_check_return);

/*
 * __ptrace_may_access() is static, but a real function on every kernel
 * pmguard builds for; security_ptrace_access_check() (the LSM hook it
 * ends in, same arguments and result) is the fallback, which sees only
 * the accesses that passed the credential checks.
 */
static const char * const pmguard_attach_symbols[] = {
	"__ptrace_may_access", "security_ptrace_access_check",
};

static struct kretprobe pmguard_attach_probe = {
	.entry_handler	= pmguard_check_entry,
	.handler	= pmguard_check_return,
	.data_size	= sizeof(struct pmguard_event),
};

/*
 * What a ptrace request does to the tracee's memory or registers: 0
 * nothing, or a PMGUARD_ACCESS_* bit, with the bytes it names in @bytes
 * (a word for PEEK/POKE, 0 when not known).  Register writes are how a
 * tracer that followed a shell's exec into sudo would make it write out
 * its secrets (SETREGS at a syscall stop); register reads show what a
 * credential holder computes.
 */
static u32 pmguard_ptrace_request_access(long request, u64 *bytes)
{
	*bytes = 0;
	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		*bytes = in_compat_syscall() ? sizeof(u32) : sizeof(unsigned long);
		return PMGUARD_ACCESS_READ;
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		*bytes = in_compat_syscall() ? sizeof(u32) : sizeof(unsigned long);
		return PMGUARD_ACCESS_WRITE;
	case PTRACE_PEEKUSR:
	case PTRACE_GETREGS:
	case PTRACE_GETFPREGS:
	case PTRACE_GETREGSET:
#ifdef PTRACE_GETFPXREGS
	case PTRACE_GETFPXREGS:
#endif
		return PMGUARD_ACCESS_READ;
	case PTRACE_POKEUSR:
	case PTRACE_SETREGS:
	case PTRACE_SETFPREGS:
	case PTRACE_SETREGSET:
#ifdef PTRACE_SETFPXREGS
	case PTRACE_SETFPXREGS:
#endif
		return PMGUARD_ACCESS_WRITE;
	}
	return 0;
}

/*
 * Entry of arch_ptrace(child, request, addr, data) and, for 32-bit
 * callers, compat_arch_ptrace(): sys_ptrace() calls them from another
 * file, after ptrace_check_attach() made sure @child is the caller's
 * tracee, stopped.  (ptrace_access_vm(), which does the copy, is inlined
 * into its callers on some kernels.)  PEEKTEXT/PEEKDATA read a word of
 * the tracee, POKETEXT/POKEDATA write one, the register requests read or
 * write its registers (ptrace_read, ptrace_write); a denial turns the
 * request into one no architecture knows, which fails with -EIO before
 * anything is copied.
 */
static int pmguard_peek_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct task_struct *task;
	struct pmguard_event ev;
	u32 access;
	u64 bytes;
	bool write;

	access = pmguard_ptrace_request_access(regs_get_kernel_argument(regs, 1),
					       &bytes);
	if (!access)
		return 0;
	task = (struct task_struct *)regs_get_kernel_argument(regs, 0);
	if (same_thread_group(task, current))
		return 0;
	write = access == PMGUARD_ACCESS_WRITE;

	/* The tracee is frozen by ptrace_check_attach(): task->mm is stable. */
	pmguard_route_event(&ev, write ? PMGUARD_KIND_PTRACE_WRITE :
					 PMGUARD_KIND_PTRACE_READ,
			    write ? PMGUARD_ACCESS_WRITE : PMGUARD_ACCESS_READ, task);

	/* A word of the caller's ABI: what PEEK/POKE ask to copy. */
	ev.bytes = bytes;
	if (pmguard_decide_event(&ev)) {
		pmguard_set_second_argument(regs, -1UL);
		ev.acc.result = -EIO;
		ev.bytes = 0;
	}
	ev.has_bytes = bytes || ev.acc.result;
	pmguard_report_access(&ev);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_peek_pre);

static struct kprobe pmguard_peek_probe = {
	.symbol_name	= "arch_ptrace",
	.pre_handler	= pmguard_peek_pre,
};

static struct kprobe pmguard_compat_peek_probe = {
	.symbol_name	= "compat_arch_ptrace",
	.pre_handler	= pmguard_peek_pre,
};

/*
 * prctl(PR_SET_MM, PR_SET_MM_EXE_FILE or PR_SET_MM_MAP) lets a process with
 * CAP_SYS_RESOURCE (root, or anyone in a user namespace) that has unmapped
 * its own executable point mm->exe_file at another one, /usr/bin/gdb say,
 * and so meet that tool's allow rules.  The mms that did are remembered
 * with the file they were given; while an mm's exe_file is still that file,
 * its executable identity is not trusted.  The last 64 are kept; an older
 * one that is pushed out is counted in the kernel log.
 */
#define PMGUARD_EXE_SWAPS	64

static struct {
	struct mm_struct *mm;
	struct file *exe;		/* compared, never dereferenced */
} pmguard_exe_swaps[PMGUARD_EXE_SWAPS];
static unsigned int pmguard_exe_swap_next, pmguard_exe_swap_used;
static DEFINE_RAW_SPINLOCK(pmguard_exe_swap_lock);

/* Entry of replace_mm_exe_file(mm, file), which only prctl() calls. */
static int pmguard_exe_swap_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct mm_struct *mm = (void *)regs_get_kernel_argument(regs, 0);
	struct file *exe = (void *)regs_get_kernel_argument(regs, 1);
	unsigned long flags;
	unsigned int i;

	if (!exe)
		return 0;
	raw_spin_lock_irqsave(&pmguard_exe_swap_lock, flags);
	for (i = 0; i < pmguard_exe_swap_used; i++)
		if (pmguard_exe_swaps[i].mm == mm)
			break;
	if (i == pmguard_exe_swap_used) {
		i = pmguard_exe_swap_next;
		pmguard_exe_swap_next = (i + 1) % PMGUARD_EXE_SWAPS;
		if (pmguard_exe_swap_used < PMGUARD_EXE_SWAPS)
			pmguard_exe_swap_used++;
		else
			pr_warn_ratelimited("prctl(PR_SET_MM) by more than %d processes: the oldest is no longer flagged\n",
					    PMGUARD_EXE_SWAPS);
	}
	pmguard_exe_swaps[i].mm = mm;
	pmguard_exe_swaps[i].exe = exe;
	raw_spin_unlock_irqrestore(&pmguard_exe_swap_lock, flags);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_exe_swap_pre);

/*
 * Since 5.15.  Before, prctl() swaps mm->exe_file itself (xchg() in the
 * static prctl_set_mm_exe_file()), and the change goes unnoticed.
 */
static struct kprobe pmguard_exe_swap_probe = {
	.symbol_name	= "replace_mm_exe_file",
	.pre_handler	= pmguard_exe_swap_pre,
};

/* Did @mm get @exe (its exe_file now) from prctl(PR_SET_MM)? */
bool pmguard_exe_replaced(struct mm_struct *mm, struct file *exe)
{
	unsigned long flags;
	bool found = false;
	unsigned int i;

	if (!READ_ONCE(pmguard_exe_swap_used))
		return false;
	raw_spin_lock_irqsave(&pmguard_exe_swap_lock, flags);
	for (i = 0; i < pmguard_exe_swap_used && !found; i++)
		found = pmguard_exe_swaps[i].mm == mm &&
			pmguard_exe_swaps[i].exe == exe;
	raw_spin_unlock_irqrestore(&pmguard_exe_swap_lock, flags);
	return found;
}

int pmguard_routes_register(unsigned int maxactive)
{
	unsigned int i;
	int err = -ENOENT;

	pmguard_calls = kvcalloc(PMGUARD_CALL_SLOTS, sizeof(*pmguard_calls),
				 GFP_KERNEL);
	if (!pmguard_calls)
		return -ENOMEM;

	/*
	 * Every decision is made here: without preemption inside the check
	 * (not RT), one instance per CPU is all it can ever need, whatever
	 * maxactive the administrator chose for the other return probes.
	 */
	pmguard_attach_probe.maxactive = max(maxactive, num_possible_cpus());
	for (i = 0; i < ARRAY_SIZE(pmguard_attach_symbols); i++) {
		pmguard_attach_probe.kp.symbol_name = pmguard_attach_symbols[i];
		pmguard_attach_probe.kp.addr = NULL;
		err = register_kretprobe(&pmguard_attach_probe);
		if (!err)
			break;
	}
	if (err) {
		pr_err("cannot probe the ptrace access check (%d)\n", err);
		goto err_free;
	}
	if (i)
		pr_warn("probing %s: accesses the credential checks refuse are not reported\n",
			pmguard_attach_symbols[i]);

	err = register_kprobe(&pmguard_peek_probe);
	if (err) {
		pr_err("cannot probe arch_ptrace (%d)\n", err);
		goto err_attach;
	}
	/* Absent without CONFIG_COMPAT: then there are no 32-bit callers. */
	if (register_kprobe(&pmguard_compat_peek_probe))
		pmguard_compat_peek_probe.addr = NULL;

	/* Optional: without it, a replaced executable is not flagged. */
	if (register_kprobe(&pmguard_exe_swap_probe)) {
		pr_warn("cannot probe replace_mm_exe_file (before 5.15): prctl(PR_SET_MM) exe changes not flagged\n");
		pmguard_exe_swap_probe.addr = NULL;
	}

	/* Optional: without it, vm_read/vm_write carry no byte count. */
	pmguard_vm_rw_probe.maxactive = maxactive;
	err = register_kretprobe(&pmguard_vm_rw_probe);
	if (err) {
		pr_warn("cannot probe process_vm_rw (%d): no byte counts\n", err);
		pmguard_vm_rw_probe.kp.addr = NULL;
	}
	/* Optional, each: without them, fd/N reopens are not decided. */
	for (i = 0; i < ARRAY_SIZE(pmguard_fd_link_probes); i++) {
		pmguard_fd_link_probes[i].maxactive = maxactive;
		if (register_kretprobe(&pmguard_fd_link_probes[i])) {
			pr_warn("cannot probe %s: /proc/<pid>/fd reopens through it not decided\n",
				pmguard_fd_link_probes[i].kp.symbol_name);
			pmguard_fd_link_probes[i].kp.addr = NULL;
		}
	}
	pmguard_mm_access_probe.maxactive = maxactive;
	err = pmguard_mm_access_overrides_read() ?
	      register_kretprobe(&pmguard_mm_access_probe) : -ENOENT;
	if (err) {
		if (pmguard_mm_access_overrides_read())
			pr_warn("cannot probe mm_access (%d): a pageout denial is not enforced for perfmon_capable() callers\n",
				err);
		pmguard_mm_access_probe.kp.addr = NULL;
	}
	return 0;

err_attach:
	unregister_kretprobe(&pmguard_attach_probe);
err_free:
	kvfree(pmguard_calls);
	pmguard_calls = NULL;
	return err;
}

void pmguard_routes_unregister(void)
{
	unsigned int i;

	unregister_kprobe(&pmguard_peek_probe);
	if (pmguard_compat_peek_probe.addr)
		unregister_kprobe(&pmguard_compat_peek_probe);
	unregister_kretprobe(&pmguard_attach_probe);
	if (pmguard_exe_swap_probe.addr)
		unregister_kprobe(&pmguard_exe_swap_probe);
	if (pmguard_vm_rw_probe.kp.addr)
		unregister_kretprobe(&pmguard_vm_rw_probe);
	if (pmguard_mm_access_probe.kp.addr)
		unregister_kretprobe(&pmguard_mm_access_probe);
	for (i = 0; i < ARRAY_SIZE(pmguard_fd_link_probes); i++)
		if (pmguard_fd_link_probes[i].kp.addr)
			unregister_kretprobe(&pmguard_fd_link_probes[i]);
	/*
	 * No handler runs any more.  A call still copying when its return
	 * probe went away was reported when decided; its summary will not
	 * come: let its copy of the event go.
	 */
	for (i = 0; i < PMGUARD_CALL_SLOTS; i++)
		if (pmguard_calls[i].task && pmguard_calls[i].parked)
			pmguard_event_release(&pmguard_calls[i].ev);
	kvfree(pmguard_calls);
	pmguard_calls = NULL;
}

u64 pmguard_routes_missed(void)
{
	unsigned int i;
	u64 missed = atomic64_read(&pmguard_calls_missed) +
		     pmguard_attach_probe.nmissed +
		     pmguard_attach_probe.kp.nmissed +
		     pmguard_peek_probe.nmissed +
		     pmguard_compat_peek_probe.nmissed;

	if (pmguard_vm_rw_probe.kp.addr)
		missed += pmguard_vm_rw_probe.nmissed +
			  pmguard_vm_rw_probe.kp.nmissed;
	if (pmguard_exe_swap_probe.addr)
		missed += pmguard_exe_swap_probe.nmissed;
	if (pmguard_mm_access_probe.kp.addr)
		missed += pmguard_mm_access_probe.nmissed +
			  pmguard_mm_access_probe.kp.nmissed;
	for (i = 0; i < ARRAY_SIZE(pmguard_fd_link_probes); i++)
		if (pmguard_fd_link_probes[i].kp.addr)
			missed += pmguard_fd_link_probes[i].nmissed +
				  pmguard_fd_link_probes[i].kp.nmissed;
	return missed;
}

unsigned int pmguard_routes_active(void)
{
	return 2 + !!pmguard_vm_rw_probe.kp.addr + !!pmguard_exe_swap_probe.addr +
	       !!pmguard_mm_access_probe.kp.addr +
	       !!pmguard_fd_link_probes[0].kp.addr +
	       !!pmguard_fd_link_probes[1].kp.addr;
}
