// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard dumps: the routes into memory that ask no ptrace question.
 *
 * /proc/kcore holds every process's memory (the direct map), and opening
 * it asks only lockdown and CAP_SYS_RAWIO: open_kcore() calls
 * security_locked_down(LOCKDOWN_KCORE) first, before anything is set up,
 * so a kretprobe there decides the open (kind kcore, the kernel, pid 0,
 * as target) and a denial makes the lockdown check fail with -EPERM: the
 * open fails as a locked-down kernel's would.  Every other lockdown reason
 * leaves the probe at once.
 *
 * A core dump writes a process's whole memory to a file or a pipe
 * (systemd-coredump, or whatever core_pattern names), even for a process
 * that is not dumpable when fs.suid_dumpable is 2, and ignoring
 * RLIMIT_CORE for pipes.  The dump starts in the dying process itself:
 * a kprobe at the entry of the dump function decides it (kind core, the
 * process as caller and target), and a denial returns from the function
 * before its first instruction, as kprobes allow a pre_handler to do: the
 * process dies as it would have, without a core.
 *
 * A uprobe on credential code (pamspy: a uretprobe on libpam's
 * pam_get_authtok()) reads every password it passes, from every process,
 * with no access check on any of them.  Every uprobe, whether perf, BPF or
 * tracefs made it, is registered by uprobe_register() (and, before 6.12,
 * uprobe_register_refctr()) on an inode and an offset: a kprobe at its
 * entry decides it (kind uprobe; the target is the file, pid 0, its name
 * as comm; a credential holder's executable by the policy's sensitive
 * names, a library that handles credentials by its name), and a denial
 * moves the offset past the file's end, which the function refuses with
 * -EINVAL before it registers anything.
 *
 * A perf event that samples a process's user stack or registers
 * (PERF_SAMPLE_STACK_USER: perf record --call-graph dwarf) copies what is
 * on that stack into the sampler's buffer at every sample, and root (or
 * CAP_PERFMON) opens one without any ptrace question: perf_check_permission()
 * asks ptrace_may_access() only of the others.  Every perf event is made
 * by perf_event_alloc(), which asks security_perf_event_alloc() last: a
 * kretprobe there decides one that samples user data (kind perf_sample;
 * the target the task it follows, or the kernel, pid 0, for one that
 * follows every process on a CPU) and a denial makes the hook fail with
 * -EPERM, so perf_event_open() fails before the event exists.  Events
 * inherited by a child (perf record's inherit) were decided with their
 * parent event and leave at once.  The target's mm is not stable there:
 * its executable is found by the worker, its dumpability judged by its
 * credentials.
 *
 * Where core dumps go is root's to set: kernel.core_pattern can pipe every
 * dump to any program, and fs.suid_dumpable=2 dumps setuid processes too
 * (the first step of the core-dump theft).  A write of either goes through
 * its own sysctl handler (proc_dostring_coredump(),
 * proc_dointvec_minmax_coredump()); a kprobe at its entry decides it (kind
 * dump_config, the kernel, pid 0, as target, the setting's name as its
 * comm), and a denial returns -EPERM from the handler before its first
 * instruction, as the core dump's refusal does: the setting is unchanged.
 *
 * Handlers run in probe context: they never sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/security.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/ptrace.h>
#include <linux/perf_event.h>
#include <linux/sysctl.h>
#include <linux/kernel.h>

#include "internal.h"
#include "compat.h"

/* Start @ev, a read of @kind by current of @target, and count it seen. */
static void pmguard_dump_event(struct pmguard_event *ev, enum pmguard_kind kind,
			       struct task_struct *target)
{
	pmguard_event_start(ev, kind, PMGUARD_ACCESS_READ, target);
	pmguard_count_seen(kind);
}

/* Libraries that handle credentials, by the start of their file name. */
static const char * const pmguard_credential_libs[] = {
	"libpam.", "libpam_misc.", "pam_", "libcrypt.", "libssl.", "libcrypto.",
	"libgcrypt.", "libgnutls.", "libnss3.", "libsasl2.", "libkrb5.",
	"libgssapi_krb5.", "libsecret-", "libssh.", "libkeyutils.",
	"libsss_", "libgpgme.",
};

static bool pmguard_credential_lib(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pmguard_credential_libs); i++)
		if (!strncmp(name, pmguard_credential_libs[i],
			     strlen(pmguard_credential_libs[i])))
			return true;
	return false;
}

/* Entry of uprobe_register(inode, offset, ...): who probes which file? */
static int pmguard_uprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inode *inode = (struct inode *)regs_get_kernel_argument(regs, 0);
	struct pmguard_proc_info *t;
	struct pmguard_event ev;
	struct dentry *dentry;

	pmguard_dump_event(&ev, PMGUARD_KIND_UPROBE, &init_task);
	t = &ev.acc.target;
	memset(t->comm, 0, sizeof(t->comm));
	memset(t->exe_name, 0, sizeof(t->exe_name));
	t->exe.dev = inode->i_sb->s_dev;
	t->exe.ino = inode->i_ino;
	t->exe.inode = inode;
	rcu_read_lock();
	/* Any of its names: a library has one. */
	dentry = pmguard_inode_dentry(inode);
	if (dentry) {
		pmguard_dentry_name(dentry, t->exe_name, sizeof(t->exe_name));
		memcpy(t->comm, t->exe_name, sizeof(t->comm) - 1);
	}
	rcu_read_unlock();
	ev.acc.flags &= ~PMGUARD_F_TARGET_EXE_UNKNOWN;
	if (pmguard_credential_lib(t->exe_name))
		ev.acc.flags |= PMGUARD_F_TARGET_SENSITIVE;
	if (pmguard_decide_event(&ev)) {
		/* offset > i_size_read(inode): -EINVAL, nothing registered */
		pmguard_set_second_argument(regs, LLONG_MAX);
		ev.acc.result = -EINVAL;
	}
	pmguard_report_access(&ev);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_uprobe_pre);

static struct kprobe pmguard_uprobe_probes[] = {
	{ .symbol_name = "uprobe_register", .pre_handler = pmguard_uprobe_pre },
	{ .symbol_name = "uprobe_register_refctr", .pre_handler = pmguard_uprobe_pre },
};

/* Entry of security_locked_down(what): is it open_kcore() asking? */
static int pmguard_kcore_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct pmguard_event *ev = (struct pmguard_event *)ri->data;

	if ((int)regs_get_kernel_argument(regs, 0) != LOCKDOWN_KCORE)
		return 1;
	pmguard_dump_event(ev, PMGUARD_KIND_KCORE, &init_task);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_kcore_entry);

/* Return of an LSM hook whose call we decide: 0, or -EPERM when denied. */
static int pmguard_hook_return(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct pmguard_event *ev = (struct pmguard_event *)ri->data;
	int ret = (int)regs_return_value(regs);

	ev->acc.result = ret;
	if (pmguard_decide_event(ev) && !ret) {
		regs_set_return_value(regs, (unsigned long)-EPERM);
		ev->acc.result = -EPERM;
	}
	pmguard_report_access(ev);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_hook_return);

static struct kretprobe pmguard_kcore_probe = {
	.kp.symbol_name	= "security_locked_down",
	.entry_handler	= pmguard_kcore_entry,
	.handler	= pmguard_hook_return,
	.data_size	= sizeof(struct pmguard_event),
};

/* What a sample copies of user memory, or of the registers that point into it. */
#define PMGUARD_PERF_USER_DATA	(PERF_SAMPLE_STACK_USER | PERF_SAMPLE_REGS_USER | \
				 PERF_SAMPLE_REGS_INTR)

/* Entry of security_perf_event_alloc(event): a sampler of user data? */
static int pmguard_perf_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct perf_event *event = (struct perf_event *)regs_get_kernel_argument(regs, 0);
	struct pmguard_event *ev = (struct pmguard_event *)ri->data;
	struct task_struct *task;

	if (!(event->attr.sample_type & PMGUARD_PERF_USER_DATA) || event->parent)
		return 1;
	/* The event holds a reference to the task it follows. */
	task = event->hw.target;
	if (task && same_thread_group(task, current))
		return 1;
	if (task) {
		pmguard_event_start_unpinned(ev, PMGUARD_KIND_PERF_SAMPLE,
					     PMGUARD_ACCESS_READ, task);
		pmguard_count_seen(PMGUARD_KIND_PERF_SAMPLE);
	} else {
		/* Every process on the CPU: credential holders too. */
		pmguard_dump_event(ev, PMGUARD_KIND_PERF_SAMPLE, &init_task);
		ev->acc.flags |= PMGUARD_F_TARGET_SENSITIVE;
	}
	return 0;
}

NOKPROBE_SYMBOL(pmguard_perf_entry);

static struct kretprobe pmguard_perf_probe = {
	.kp.symbol_name	= "security_perf_event_alloc",
	.entry_handler	= pmguard_perf_entry,
	.handler	= pmguard_hook_return,	/* as kcore's: 0 or -EPERM */
	.data_size	= sizeof(struct pmguard_event),
};

/*
 * Where a refused dump function goes instead of its body: at its first
 * instruction the stack holds its caller's return address, so a plain
 * return here returns from it (what bpf_override_return() does).
 */
static noinline notrace void pmguard_skip_call(void)
{
	asm volatile("");
}

NOKPROBE_SYMBOL(pmguard_skip_call);

/*
 * Decide @ev and report it; on a denial the probed function's body is
 * skipped and it returns -EPERM (ignored by a void one).  Returns what the
 * kprobe pre_handler must.
 */
static int pmguard_decide_or_skip(struct pmguard_event *ev, struct pt_regs *regs)
{
	bool deny = pmguard_decide_event(ev);

	if (deny)
		ev->acc.result = -EPERM;
	pmguard_report_access(ev);
	if (!deny)
		return 0;
	regs_set_return_value(regs, (unsigned long)-EPERM);
	/* A changed ip and 1: the kprobe core resumes there. */
	instruction_pointer_set(regs, (unsigned long)pmguard_skip_call);
	return 1;
}

/*
 * Entry of the dump function (void): current is dumping itself.  A process
 * that is not dumpable at all (0) gets no core from the kernel either: no
 * event.  One dumpable by root only (2: setuid with fs.suid_dumpable=2)
 * is flagged target_nondumpable.
 */
static int pmguard_core_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct pmguard_event ev;
	bool deny;

	rcu_read_lock();
	deny = current->mm && !pmguard_task_dumpable(current, current->mm);
	rcu_read_unlock();
	if (deny)
		return 0;
	pmguard_dump_event(&ev, PMGUARD_KIND_CORE, current);
	return pmguard_decide_or_skip(&ev, regs);
}

NOKPROBE_SYMBOL(pmguard_core_pre);

/*
 * Does the write of @len bytes of @buf (a kernel copy, maybe ending in a
 * newline) leave @table's value as it is?  `sysctl --system` writes every
 * setting it knows of, core_pattern included; only a change is news.
 */
static bool pmguard_sysctl_unchanged(const struct ctl_table *table,
				     const char *buf, size_t len, bool string)
{
	char copy[16];
	int value;

	while (len && (buf[len - 1] == '\n' || !buf[len - 1]))
		len--;
	if (string)
		return len < table->maxlen &&
		       !strncmp(table->data, buf, len) &&
		       !((const char *)table->data)[len];
	if (len >= sizeof(copy))
		return false;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	return !kstrtoint(copy, 10, &value) && value == *(const int *)table->data;
}

/* Entry of the handler (table, write, buffer, lenp, ppos): a change? */
static int pmguard_dump_config_pre(struct kprobe *p, struct pt_regs *regs)
{
	const struct ctl_table *table = (void *)regs_get_kernel_argument(regs, 0);
	const size_t *lenp = (void *)regs_get_kernel_argument(regs, 3);
	const loff_t *ppos = (void *)regs_get_kernel_argument(regs, 4);
	struct pmguard_event ev;
	bool string;

	if (!regs_get_kernel_argument(regs, 1))
		return 0;
	string = !strcmp(p->symbol_name, "proc_dostring_coredump");
	if (!*ppos && pmguard_sysctl_unchanged(table,
					       (void *)regs_get_kernel_argument(regs, 2),
					       *lenp, string))
		return 0;
	pmguard_dump_event(&ev, PMGUARD_KIND_DUMP_CONFIG, &init_task);
	ev.acc.access = PMGUARD_ACCESS_WRITE;
	strscpy_pad(ev.acc.target.comm, string ? "core_pattern" : "suid_dumpable",
		    sizeof(ev.acc.target.comm));
	return pmguard_decide_or_skip(&ev, regs);
}

NOKPROBE_SYMBOL(pmguard_dump_config_pre);

static struct kprobe pmguard_dump_config_probes[] = {
	{ .symbol_name = "proc_dostring_coredump", .pre_handler = pmguard_dump_config_pre },
	{ .symbol_name = "proc_dointvec_minmax_coredump", .pre_handler = pmguard_dump_config_pre },
};

/* vfs_coredump() since 6.16, do_coredump() before. */
static const char * const pmguard_core_symbols[] = {
	"vfs_coredump", "do_coredump",
};

static struct kprobe pmguard_core_probe = {
	.pre_handler	= pmguard_core_pre,
};

/* Optional, each: a route without its probe is not decided (logged). */
void pmguard_dump_register(unsigned int maxactive)
{
	unsigned int i;
	int err = -ENOENT;

	pmguard_kcore_probe.maxactive = maxactive;
	if (register_kretprobe(&pmguard_kcore_probe)) {
		pr_warn("cannot probe security_locked_down: /proc/kcore opens not decided\n");
		pmguard_kcore_probe.kp.addr = NULL;
	}
	pmguard_perf_probe.maxactive = maxactive;
	if (register_kretprobe(&pmguard_perf_probe)) {
		pr_warn("cannot probe security_perf_event_alloc: perf samples of user memory not decided\n");
		pmguard_perf_probe.kp.addr = NULL;
	}
	for (i = 0; i < ARRAY_SIZE(pmguard_core_symbols) && err; i++) {
		pmguard_core_probe.symbol_name = pmguard_core_symbols[i];
		pmguard_core_probe.addr = NULL;
		pmguard_core_probe.flags = 0;
		err = register_kprobe(&pmguard_core_probe);
	}
	if (err) {
		pr_warn("cannot probe the core dump (%d): core dumps not decided\n",
			err);
		pmguard_core_probe.addr = NULL;
	}
	for (i = 0; i < ARRAY_SIZE(pmguard_dump_config_probes); i++)
		if (register_kprobe(&pmguard_dump_config_probes[i])) {
			pr_warn("cannot probe %s: its writes not decided\n",
				pmguard_dump_config_probes[i].symbol_name);
			pmguard_dump_config_probes[i].addr = NULL;
		}
	/* uprobe_register_refctr() is gone since 6.12 (one function). */
	for (i = 0; i < ARRAY_SIZE(pmguard_uprobe_probes); i++)
		if (register_kprobe(&pmguard_uprobe_probes[i])) {
			if (!i)
				pr_warn("cannot probe uprobe_register: uprobes not decided\n");
			pmguard_uprobe_probes[i].addr = NULL;
		}
}

void pmguard_dump_unregister(void)
{
	unsigned int i;

	if (pmguard_kcore_probe.kp.addr)
		unregister_kretprobe(&pmguard_kcore_probe);
	if (pmguard_perf_probe.kp.addr)
		unregister_kretprobe(&pmguard_perf_probe);
	if (pmguard_core_probe.addr)
		unregister_kprobe(&pmguard_core_probe);
	for (i = 0; i < ARRAY_SIZE(pmguard_uprobe_probes); i++)
		if (pmguard_uprobe_probes[i].addr)
			unregister_kprobe(&pmguard_uprobe_probes[i]);
	for (i = 0; i < ARRAY_SIZE(pmguard_dump_config_probes); i++)
		if (pmguard_dump_config_probes[i].addr)
			unregister_kprobe(&pmguard_dump_config_probes[i]);
}

u64 pmguard_dump_missed(void)
{
	unsigned int i;
	u64 missed = 0;

	if (pmguard_kcore_probe.kp.addr)
		missed += pmguard_kcore_probe.nmissed +
			  pmguard_kcore_probe.kp.nmissed;
	if (pmguard_perf_probe.kp.addr)
		missed += pmguard_perf_probe.nmissed +
			  pmguard_perf_probe.kp.nmissed;
	if (pmguard_core_probe.addr)
		missed += pmguard_core_probe.nmissed;
	for (i = 0; i < ARRAY_SIZE(pmguard_uprobe_probes); i++)
		if (pmguard_uprobe_probes[i].addr)
			missed += pmguard_uprobe_probes[i].nmissed;
	for (i = 0; i < ARRAY_SIZE(pmguard_dump_config_probes); i++)
		if (pmguard_dump_config_probes[i].addr)
			missed += pmguard_dump_config_probes[i].nmissed;
	return missed;
}

unsigned int pmguard_dump_active(void)
{
	return !!pmguard_kcore_probe.kp.addr + !!pmguard_perf_probe.kp.addr +
	       !!pmguard_core_probe.addr +
	       !!pmguard_uprobe_probes[0].addr + !!pmguard_uprobe_probes[1].addr +
	       !!pmguard_dump_config_probes[0].addr +
	       !!pmguard_dump_config_probes[1].addr;
}
