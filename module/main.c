// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard: detect (and optionally deny) access to other processes' memory
 * through procfs (/proc/<pid>/mem, environ, maps and their aliases),
 * process_vm_readv/writev and ptrace.
 * MITRE ATT&CK T1003.007, OS Credential Dumping: Proc Filesystem.
 *
 * This file holds the module parameters, the first policy built from them,
 * the counters, and the bounded queue between probe context and the worker
 * that reports events over generic netlink.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/file.h>
#include <linux/pid.h>
#include <linux/workqueue.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "internal.h"
#include "netlink.h"

/*
 * /sys/module/pmguard/parameters/mode and lock show the live state, not
 * what was given at load: "pmguard mode" and "pmguard lock" change it.
 */
static char *mode = "audit";

static int pmguard_mode_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%s\n",
			  READ_ONCE(pmguard_mode) == PMGUARD_MODE_ENFORCE ?
			  "enforce" : "audit");
}

static const struct kernel_param_ops pmguard_mode_ops = {
	.set	= param_set_charp,
	.get	= pmguard_mode_get,
	.free	= param_free_charp,
};

module_param_cb(mode, &pmguard_mode_ops, &mode, 0444);
MODULE_PARM_DESC(mode, "audit (report only, default) or enforce (deny rules make a procfs open fail with -EACCES, process_vm_readv/writev, ptrace attach and pidfd_getfd with -EPERM, PEEK/POKE with -EIO)");

#define PMGUARD_LIST_MAX 64

static char *allow_exe[PMGUARD_LIST_MAX] = {
	"/usr/bin/gdb", "/usr/bin/gdb-multiarch", "/usr/bin/strace",
	"/usr/bin/ltrace", "/usr/bin/lldb", "/usr/bin/eu-stack",
	"/usr/lib/systemd/systemd-coredump",
};

static int allow_exe_count = 7;
module_param_array(allow_exe, charp, &allow_exe_count, 0444);
MODULE_PARM_DESC(allow_exe, "Comma-separated executables (debuggers, crash collectors) allowed to open the files of any process that is not sensitive; matched by inode, not by name");

/*
 * Process inventory: lsof, htop and needrestart read the maps of every
 * process (deleted libraries, open files), a credential holder's too; the
 * layout of an address space is not a credential.
 */
static char *inventory_exe[PMGUARD_LIST_MAX] = {
	"/usr/bin/pmap", "/usr/bin/lsof", "/usr/bin/fuser", "/usr/bin/ps",
	"/usr/bin/top", "/usr/bin/htop", "/usr/bin/pgrep", "/usr/bin/pkill",
	"/usr/bin/pidwait",
};

static int inventory_exe_count = 9;
module_param_array(inventory_exe, charp, &inventory_exe_count, 0444);
MODULE_PARM_DESC(inventory_exe, "Comma-separated executables allowed to read maps/smaps/auxv of any process (process inventory); matched by inode");

/*
 * procps-ng 4.0.2 (Debian 12) ps reads /proc/<pid>/environ of every process
 * on every run, whatever the output format; top, htop and pgrep can show
 * environments too.  A credential holder's environ stays closed to them,
 * quietly (severity low): "ps eww" prints nothing of sshd's.
 */
static char *environ_exe[PMGUARD_LIST_MAX] = {
	"/usr/bin/ps", "/usr/bin/top", "/usr/bin/htop", "/usr/bin/pgrep",
	"/usr/bin/pkill", "/usr/bin/pidwait",
};

static int environ_exe_count = 6;
module_param_array(environ_exe, charp, &environ_exe_count, 0444);
MODULE_PARM_DESC(environ_exe, "Comma-separated executables allowed to read the environ of any process that is not sensitive, and refused a sensitive one's quietly (severity low); matched by inode");

/*
 * Scripts (run by their "#!" line, matched by the script's identity, not
 * the interpreter's) that do process inventory like inventory_exe and
 * read environments like environ_exe: needrestart after every upgrade,
 * checkrestart (debian-goodies).
 */
static char *inventory_script[PMGUARD_LIST_MAX] = {
	"/usr/sbin/needrestart", "/usr/sbin/checkrestart",
};

static int inventory_script_count = 2;
module_param_array(inventory_script, charp, &inventory_script_count, 0444);
MODULE_PARM_DESC(inventory_script, "Comma-separated scripts (run by their #! line; matched by the script's inode, not the interpreter's) treated like inventory_exe and environ_exe together");

static char *pmguard_sensitive[PMGUARD_MAX_SENSITIVE] = {
	"sshd", "sshd-session", "sshd-auth", "sudo", "su", "login", "passwd",
	"chpasswd", "unix_chkpwd", "gnome-keyring-daemon", "kwalletd5",
	"kwalletd6", "gpg-agent", "ssh-agent", "lightdm", "gdm-password",
	"gdm-session-worker", "vsftpd", "apache2", "httpd",
	"polkit-agent-helper-1", "polkitd", "sssd", "krb5kdc", "keepassxc",
	"sssd_be", "sssd_pam", "kadmind", "winbindd", "ssh", "ssh-keysign",
	"chage", "gpasswd", "chsh", "chfn", "pkexec", "doas", "cryptsetup",
	"systemd-ask-password", "pinentry", "pinentry-curses",
	"pinentry-gnome3", "pinentry-gtk-2", "pinentry-qt", "pinentry-tty",
};

static int pmguard_sensitive_count = 45;
module_param_array_named(sensitive, pmguard_sensitive, charp,
			 &pmguard_sensitive_count, 0444);
MODULE_PARM_DESC(sensitive, "Comma-separated names (executable base name or comm) of processes whose memory holds credentials; access to them is high severity");

static unsigned int queue_len = 4096;
module_param(queue_len, uint, 0444);
MODULE_PARM_DESC(queue_len, "Events buffered between probe context and the netlink worker (16-65536); overflow is counted as dropped");

static unsigned int maxactive;
module_param(maxactive, uint, 0444);
MODULE_PARM_DESC(maxactive, "Concurrent calls tracked per return probe (the ptrace access check, mem_open, proc_mem_open on 6.14+, process_vm_rw; 0: 64 per CPU); excess is counted as missed");

static bool lock;

static int pmguard_lock_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%c\n", READ_ONCE(pmguard_locked) ? 'Y' : 'N');
}

static const struct kernel_param_ops pmguard_lock_ops = {
	.set	= param_set_bool,
	.get	= pmguard_lock_get,
};

module_param_cb(lock, &pmguard_lock_ops, &lock, 0444);
MODULE_PARM_DESC(lock, "Freeze policy and mode at load and pin the module until reboot (like pmguard lock)");

static unsigned int fold_ms = 1000;
module_param(fold_ms, uint, 0444);
MODULE_PARM_DESC(fold_ms, "Burst folding window in ms (0: off): repeated accesses with the same caller, target, kind and verdict within it are reported once with a count");

int pmguard_mode = PMGUARD_MODE_AUDIT;
unsigned int pmguard_fold_ms;
bool pmguard_locked;
struct pmguard_policy __rcu *pmguard_policy;
/* Serializes policy, mode and lock changes; readers use RCU. */
DEFINE_MUTEX(pmguard_config_mutex);

struct pmguard_policy *pmguard_policy_alloc(unsigned int nr_rules)
{
	struct pmguard_policy *policy;

	policy = kvzalloc(struct_size(policy, rules, nr_rules), GFP_KERNEL);
	if (policy)
		policy->nr_rules = nr_rules;
	return policy;
}

/* Process context: the rules' references are dropped. */
void pmguard_policy_free(struct pmguard_policy *policy)
{
	unsigned int i;

	if (!policy)
		return;
	for (i = 0; i < policy->nr_rules; i++)
		pmguard_rule_unpin(&policy->rules[i]);
	kvfree(policy);
}

/*
 * Publish @policy (ownership passes) and free the one it replaces once no
 * probe handler can still be using it.  Caller holds pmguard_config_mutex.
 */
static atomic64_t pmguard_policy_generation = ATOMIC64_INIT(0);

/* Before publishing: what per-CPU memos of a policy's answers key on. */
void pmguard_policy_stamp(struct pmguard_policy *policy)
{
	policy->generation = atomic64_inc_return(&pmguard_policy_generation);
}

void pmguard_policy_install(struct pmguard_policy *policy)
{
	struct pmguard_policy *old;

	pmguard_policy_stamp(policy);
	old = rcu_replace_pointer(pmguard_policy, policy,
				  lockdep_is_held(&pmguard_config_mutex));
	synchronize_rcu();
	pmguard_policy_free(old);
}

/* One way: nothing changes policy or mode again, and rmmod fails. */
void pmguard_lock(void)
{
	lockdep_assert_held(&pmguard_config_mutex);
	if (pmguard_locked)
		return;
	__module_get(THIS_MODULE);
	WRITE_ONCE(pmguard_locked, true);
	pr_notice("locked: policy and mode frozen, module pinned until reboot\n");
}

atomic64_t pmguard_stats[__PMGUARD_S_MAX];
atomic64_t pmguard_kind_seen[__PMGUARD_KIND_MAX];
atomic64_t pmguard_kind_reported[__PMGUARD_KIND_MAX];

void pmguard_count_seen(enum pmguard_kind kind)
{
	atomic64_inc(&pmguard_stats[PMGUARD_S_SEEN]);
	atomic64_inc(&pmguard_kind_seen[kind]);
}

/* The queue: a ring of events, filled in probe context, drained by a worker. */
static struct {
	raw_spinlock_t lock;		/* raw: taken in probe context on RT too */
	unsigned int head;
	unsigned int count;
	unsigned int size;
	u64 seq;			/* last sequence number handed out */
	struct pmguard_event *slots;
} pmguard_queue = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(pmguard_queue.lock),
};

static struct workqueue_struct *pmguard_wq;
static void pmguard_report_fn(struct work_struct *work);
static DECLARE_WORK(pmguard_report_work, pmguard_report_fn);
static struct pmguard_event *pmguard_work_event;
static char *pmguard_work_buf;

/* Take references for a second copy of a complete event.  Probe context. */
void pmguard_event_hold(struct pmguard_event *ev)
{
	if (WARN_ON_ONCE(!ev->complete))
		return;
	if (ev->caller_exe)
		get_file(ev->caller_exe);
	if (ev->target_exe)
		get_file(ev->target_exe);
}

/*
 * Drop the references an event holds.  Safe in probe context, also on
 * PREEMPT_RT: fput() only queues the final release (task work, or a work
 * item), it never frees here.
 */
void pmguard_event_release(struct pmguard_event *ev)
{
	if (!ev->complete)	/* nothing counted yet */
		return;
	if (ev->caller_exe)
		fput(ev->caller_exe);
	if (ev->target_exe)
		fput(ev->target_exe);
}

void pmguard_count_action(u8 action)
{
	static const int counter[] = {
		[PMGUARD_ACTION_ALLOW] = PMGUARD_S_ALLOWED,
		[PMGUARD_ACTION_ALERT] = PMGUARD_S_ALERTED,
		[PMGUARD_ACTION_DENY] = PMGUARD_S_DENIED,
	};

	if (action < ARRAY_SIZE(counter))
		atomic64_inc(&pmguard_stats[counter[action]]);
}

/*
 * Hand an event from probe context to the worker; the queue owns its
 * references from here on.  An access's sequence number is taken under
 * the queue lock so that queue order is sequence order, and an access
 * that does not fit still uses one: readers see the gap.  A summary keeps
 * the number of the access it summarizes.  The last eighth of the queue
 * is kept for priority events, in tiers (enum pmguard_urgency): a flood
 * of lesser ones cannot take every slot, nor a flood of refused attempts
 * the last sixteenth, nor an unprivileged user's the last thirty-second.
 */
static unsigned int pmguard_queue_room(const struct pmguard_event *ev)
{
	unsigned int size = pmguard_queue.size;

	switch (pmguard_event_urgency(ev)) {
	case PMGUARD_URGENCY_NONE:
		return size - size / 8;
	case PMGUARD_URGENCY_REFUSED:
		return size - size / 16;
	case PMGUARD_URGENCY_OWN:
		return size - size / 32;
	default:
		return size;
	}
}

void pmguard_submit(struct pmguard_event *ev)
{
	unsigned int room = pmguard_queue_room(ev);
	unsigned long flags;
	bool queued = false;

	ev->time_ns = ktime_get_real_ns();

	raw_spin_lock_irqsave(&pmguard_queue.lock, flags);
	if (ev->type == PMGUARD_EV_ACCESS)
		ev->seq = ++pmguard_queue.seq;
	if (pmguard_queue.count < room) {
		unsigned int tail = (pmguard_queue.head + pmguard_queue.count) %
				    pmguard_queue.size;

		memcpy(&pmguard_queue.slots[tail], ev, sizeof(*ev));
		pmguard_queue.count++;
		queued = true;
	}
	raw_spin_unlock_irqrestore(&pmguard_queue.lock, flags);

	if (queued) {
		queue_work(pmguard_wq, &pmguard_report_work);
	} else {
		if (ev->type == PMGUARD_EV_GUARD) {
			atomic64_inc(&pmguard_stats[PMGUARD_S_DROP_GUARD]);
		} else if (ev->type == PMGUARD_EV_SUMMARY) {
			atomic64_inc(&pmguard_stats[PMGUARD_S_DROP_TRACKING]);
		} else if (ev->type == PMGUARD_EV_ACCESS) {
			atomic64_add(ev->count,
				     &pmguard_stats[PMGUARD_S_DROP_QUEUE_FULL]);
			pmguard_count_urgent_dropped(pmguard_event_urgency(ev),
						     ev->count);
		}
		pmguard_event_release(ev);
	}
}

static bool pmguard_queue_pop(struct pmguard_event *ev)
{
	unsigned long flags;
	bool popped = false;

	raw_spin_lock_irqsave(&pmguard_queue.lock, flags);
	if (pmguard_queue.count) {
		memcpy(ev, &pmguard_queue.slots[pmguard_queue.head], sizeof(*ev));
		pmguard_queue.head = (pmguard_queue.head + 1) % pmguard_queue.size;
		pmguard_queue.count--;
		popped = true;
	}
	raw_spin_unlock_irqrestore(&pmguard_queue.lock, flags);
	return popped;
}

/* The worker: process context, may sleep (path lookup, netlink). */
static void pmguard_report_fn(struct work_struct *work)
{
	while (pmguard_queue_pop(pmguard_work_event)) {
		pmguard_nl_report(pmguard_work_event, pmguard_work_buf);
		pmguard_event_release(pmguard_work_event);
		cond_resched();
	}
}

/*
 * Blinding.  "echo 0 > /sys/kernel/debug/kprobes/enabled" disarms every
 * kprobe on the system, and with kprobes on ftrace "sysctl
 * kernel.ftrace_enabled=0" silences them too; neither tells a probe's
 * owner.  A canary probe on a function of this module, called by a worker
 * every second, falls silent then like all the others: pmguard says so in
 * the kernel log and the counters (blind, blinded), and reports a critical
 * guard event; again (info) when its probes fire once more.
 */
static atomic_long_t pmguard_canary_hits;
static bool pmguard_blind;

static noinline void pmguard_canary(void)
{
	/* Not const or pure: the call stays. */
	asm volatile("" ::: "memory");
}

static int pmguard_canary_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_long_inc(&pmguard_canary_hits);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_canary_pre);

static struct kprobe pmguard_canary_probe = {
	.pre_handler	= pmguard_canary_pre,
};

static void pmguard_canary_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(pmguard_canary_work, pmguard_canary_fn);

/*
 * While a disarm runs (pmguard_blinded_now()), the canary may still fire:
 * it must not take that for "seeing again".
 */
static atomic_t pmguard_disarming = ATOMIC_INIT(0);

static void pmguard_canary_fn(struct work_struct *work)
{
	long before = atomic_long_read(&pmguard_canary_hits);
	struct pmguard_event ev = { .type = PMGUARD_EV_GUARD, .count = 1 };
	bool blind;

	pmguard_canary();
	blind = atomic_long_read(&pmguard_canary_hits) == before;
	/* A disarm under way: the probes may still fire, for a while. */
	if (blind != pmguard_blind && !atomic_read(&pmguard_disarming)) {
		pmguard_blind = blind;
		atomic64_set(&pmguard_stats[PMGUARD_S_BLIND], blind);
		if (blind) {
			atomic64_inc(&pmguard_stats[PMGUARD_S_BLINDED]);
			pr_crit("kprobes are disarmed: pmguard sees no access until they are armed again\n");
		} else {
			pr_notice("kprobes are armed again\n");
		}
		ev.severity = blind ? PMGUARD_SEV_CRITICAL : PMGUARD_SEV_INFO;
		ev.guard = blind ? PMGUARD_GUARD_BLIND : PMGUARD_GUARD_SEEING;
		pmguard_submit(&ev);
	}
	queue_delayed_work(system_wq, &pmguard_canary_work, HZ);
}

bool pmguard_is_blind(void)
{
	return READ_ONCE(pmguard_blind);
}

/*
 * A blink: disarm, read, re-arm within the canary's second.  The disarm
 * itself is seen as it is asked for (a write of 0 to kprobes/enabled,
 * kernel.ftrace_enabled=0), before it takes effect: pmguard is blind from
 * then on, until the canary fires again.  Probe context.
 */
static void pmguard_blinded_now(void)
{
	struct pmguard_event ev = {
		.type = PMGUARD_EV_GUARD, .count = 1,
		.severity = PMGUARD_SEV_CRITICAL, .guard = PMGUARD_GUARD_BLIND,
	};

	if (xchg(&pmguard_blind, true))
		return;
	atomic64_set(&pmguard_stats[PMGUARD_S_BLIND], 1);
	atomic64_inc(&pmguard_stats[PMGUARD_S_BLINDED]);
	pr_crit("kprobes are being disarmed: pmguard sees no access until they are armed again\n");
	pmguard_submit(&ev);
}

/* write_enabled_file_bool(file, buf, count, ppos): debugfs kprobes/enabled */
static int pmguard_kprobes_write_entry(struct kretprobe_instance *ri,
				       struct pt_regs *regs)
{
	const char __user *buf = (const char __user *)regs_get_kernel_argument(regs, 1);
	char c;

	if (copy_from_user_nofault(&c, buf, 1) || (c != '0' && c != 'n' && c != 'N'))
		return 1;
	atomic_inc(&pmguard_disarming);
	pmguard_blinded_now();
	return 0;
}

NOKPROBE_SYMBOL(pmguard_kprobes_write_entry);

/* ftrace_enable_sysctl(table, write, buffer, ...): kernel.ftrace_enabled */
static int pmguard_ftrace_write_entry(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	const char *buf = (const char *)regs_get_kernel_argument(regs, 2);

	if (!regs_get_kernel_argument(regs, 1) || !buf || buf[0] != '0')
		return 1;
	atomic_inc(&pmguard_disarming);
	pmguard_blinded_now();
	return 0;
}

NOKPROBE_SYMBOL(pmguard_ftrace_write_entry);

static int pmguard_disarm_return(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	atomic_dec(&pmguard_disarming);
	return 0;
}

NOKPROBE_SYMBOL(pmguard_disarm_return);

static struct kretprobe pmguard_disarm_probes[] = {
	{ .kp.symbol_name = "write_enabled_file_bool",
	  .entry_handler = pmguard_kprobes_write_entry,
	  .handler = pmguard_disarm_return },
	{ .kp.symbol_name = "ftrace_enable_sysctl",
	  .entry_handler = pmguard_ftrace_write_entry,
	  .handler = pmguard_disarm_return },
};

/*
 * Resolve @path to the identity of the inode it names now; with @pin, keep
 * the reference there (the mount too: the filesystem cannot go away under
 * the identity; a lazy unmount waits for the rule to go).
 */
int pmguard_exe_lookup(const char *path, struct pmguard_exe_id *id,
		       struct path *pin)
{
	struct path p;
	int err;

	err = kern_path(path, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	id->dev = d_inode(p.dentry)->i_sb->s_dev;
	id->ino = d_inode(p.dentry)->i_ino;
	id->inode = d_inode(p.dentry);
	if (pin)
		*pin = p;
	else
		path_put(&p);
	return 0;
}

/* Another policy holds @rule too (a copy): take its own references. */
void pmguard_rule_pin(struct pmguard_rule *rule)
{
	unsigned int i;

	for (i = 0; i < PMGUARD_RULE_PINS; i++)
		if (rule->pins[i].dentry)
			path_get(&rule->pins[i]);
}

void pmguard_rule_unpin(struct pmguard_rule *rule)
{
	unsigned int i;

	for (i = 0; i < PMGUARD_RULE_PINS; i++) {
		if (rule->pins[i].dentry)
			path_put(&rule->pins[i]);
		rule->pins[i].dentry = NULL;
		rule->pins[i].mnt = NULL;
	}
}

/* What a parameter's list of tools is allowed (or refused quietly). */
struct pmguard_tool_rule {
	const char *prefix;
	u32 kinds, flags_set, flags_clear;
	u8 action, severity;
};

/*
 * One rule per executable (or, @script, per script) in a parameter's
 * list; a path that does not resolve here is left out.
 */
static void pmguard_add_tool_rules(struct pmguard_policy *policy,
				   char **paths, int count, bool script,
				   const struct pmguard_tool_rule *how)
{
	int i;

	for (i = 0; i < count && policy->nr_rules < PMGUARD_MAX_RULES; i++) {
		struct pmguard_rule *rule = &policy->rules[policy->nr_rules];
		const char *path = paths[i];
		const char *base = strrchr(path, '/');
		int err;

		if (!*path)
			continue;
		memset(rule, 0, sizeof(*rule));
		if (script) {
			err = pmguard_exe_lookup(path, &rule->caller_script,
						 &rule->pins[PMGUARD_PIN_CALLER_SCRIPT]);
			strscpy(rule->caller_script_path, path,
				sizeof(rule->caller_script_path));
			rule->match = PMGUARD_M_CALLER_SCRIPT;
		} else {
			err = pmguard_exe_lookup(path, &rule->caller_exe,
						 &rule->pins[PMGUARD_PIN_CALLER_EXE]);
			strscpy(rule->caller_exe_path, path,
				sizeof(rule->caller_exe_path));
			rule->match = PMGUARD_M_CALLER_EXE;
		}
		if (err) {
			pr_debug("%s: %s not usable (%d), rule left out\n",
				 how->prefix, path, err);
			continue;
		}
		snprintf(rule->name, sizeof(rule->name), "%s:%s", how->prefix,
			 base ? base + 1 : path);
		rule->kinds = how->kinds;
		rule->flags_set = how->flags_set;
		rule->flags_clear = how->flags_clear;
		rule->action = how->action;
		rule->severity = how->severity;
		policy->nr_rules++;
	}
}

#define PMGUARD_KINDS_INVENTORY	(PMGUARD_KINDS_MAPS | BIT(PMGUARD_KIND_AUXV))

static char *pmguard_sysctl_exe[] = { "/usr/lib/systemd/systemd-sysctl" };

static const struct pmguard_tool_rule pmguard_dump_config_tool = {
	.prefix = "dump-config", .kinds = BIT(PMGUARD_KIND_DUMP_CONFIG),
	.action = PMGUARD_ACTION_ALLOW, .severity = PMGUARD_SEV_INFO,
};

static const struct pmguard_tool_rule pmguard_allow_tool = {
	.prefix = "allow", .flags_clear = PMGUARD_F_TARGET_SENSITIVE,
	.action = PMGUARD_ACTION_ALLOW, .severity = PMGUARD_SEV_INFO,
};

static const struct pmguard_tool_rule pmguard_sensitive_environ_tool = {
	.prefix = "sensitive-environ", .kinds = BIT(PMGUARD_KIND_ENVIRON),
	.flags_set = PMGUARD_F_TARGET_SENSITIVE,
	.action = PMGUARD_ACTION_DENY, .severity = PMGUARD_SEV_LOW,
};

static const struct pmguard_tool_rule pmguard_inventory_tool = {
	.prefix = "inventory", .kinds = PMGUARD_KINDS_INVENTORY,
	.action = PMGUARD_ACTION_ALLOW, .severity = PMGUARD_SEV_INFO,
};

static const struct pmguard_tool_rule pmguard_environ_tool = {
	.prefix = "environ", .kinds = BIT(PMGUARD_KIND_ENVIRON),
	.flags_clear = PMGUARD_F_TARGET_SENSITIVE,
	.action = PMGUARD_ACTION_ALLOW, .severity = PMGUARD_SEV_INFO,
};

static void pmguard_add_rule(struct pmguard_policy *policy, const char *name,
			     u32 kinds, u32 flags_set, u32 flags_clear,
			     u8 action, u8 severity)
{
	struct pmguard_rule *rule = &policy->rules[policy->nr_rules];

	if (policy->nr_rules >= PMGUARD_MAX_RULES)
		return;
	memset(rule, 0, sizeof(*rule));
	strscpy(rule->name, name, sizeof(rule->name));
	rule->kinds = kinds;
	rule->flags_set = flags_set;
	rule->flags_clear = flags_clear;
	rule->action = action;
	rule->severity = severity;
	policy->nr_rules++;
}

/*
 * The policy the parameters describe: allowlisted tools first, then what
 * makes an access worse (a sensitive target), then what makes it routine.
 */
static struct pmguard_policy *pmguard_default_policy(void)
{
	struct pmguard_policy *policy;
	int i;

	policy = pmguard_policy_alloc(PMGUARD_MAX_RULES);
	if (!policy)
		return NULL;
	policy->nr_rules = 0;
	for (i = 0; i < pmguard_sensitive_count &&
	     policy->nr_sensitive < PMGUARD_MAX_SENSITIVE; i++)
		if (pmguard_sensitive[i][0])
			strscpy(policy->sensitive[policy->nr_sensitive++],
				pmguard_sensitive[i], PMGUARD_NAME_LEN);
	policy->default_action = PMGUARD_ACTION_ALERT;
	policy->default_severity = PMGUARD_SEV_LOW;

	/*
	 * A container reading the memory of another container or of the
	 * host, whoever the target is and whatever the tool: no allowlist
	 * reaches across (context.c says what a container is).
	 */
	pmguard_add_rule(policy, "cross-container",
			 PMGUARD_KINDS_DIRECT | BIT(PMGUARD_KIND_ENVIRON),
			 PMGUARD_F_CROSS_CONTAINER, 0,
			 PMGUARD_ACTION_DENY, PMGUARD_SEV_HIGH);
	/*
	 * /proc/kcore is every process's memory; no tool's allowlisting
	 * reaches it.  A core dump is a process's whole memory: a credential
	 * holder's, or one the kernel dumps as root only (setuid, with
	 * fs.suid_dumpable=2), refused; any other's allowed.  A process that
	 * is not dumpable is refused every route but by CAP_SYS_PTRACE: so is
	 * one whose mm is gone while it exits (CVE-2026-46333's pidfd_getfd),
	 * where the kernel's own check skips dumpability.
	 */
	pmguard_add_rule(policy, "kcore", BIT(PMGUARD_KIND_KCORE), 0, 0,
			 PMGUARD_ACTION_DENY, PMGUARD_SEV_HIGH);
	/*
	 * Where core dumps go: systemd-sysctl sets systemd-coredump's pipe at
	 * boot; anyone else changing it (or making setuid processes dumpable)
	 * prepares the core-dump theft.  Reported, not refused: it is root's
	 * setting, and a dump it leads to is decided on its own.
	 */
	pmguard_add_tool_rules(policy, pmguard_sysctl_exe,
			       ARRAY_SIZE(pmguard_sysctl_exe), false,
			       &pmguard_dump_config_tool);
	pmguard_add_rule(policy, "dump-config", BIT(PMGUARD_KIND_DUMP_CONFIG), 0, 0,
			 PMGUARD_ACTION_ALERT, PMGUARD_SEV_HIGH);
	pmguard_add_rule(policy, "sensitive-core", BIT(PMGUARD_KIND_CORE),
			 PMGUARD_F_TARGET_SENSITIVE, 0,
			 PMGUARD_ACTION_DENY, PMGUARD_SEV_HIGH);
	pmguard_add_rule(policy, "nondumpable-core", BIT(PMGUARD_KIND_CORE),
			 PMGUARD_F_TARGET_NONDUMPABLE, 0,
			 PMGUARD_ACTION_DENY, PMGUARD_SEV_HIGH);
	pmguard_add_rule(policy, "core", BIT(PMGUARD_KIND_CORE), 0, 0,
			 PMGUARD_ACTION_ALLOW, PMGUARD_SEV_INFO);
	pmguard_add_rule(policy, "nondumpable-memory", PMGUARD_KINDS_DIRECT,
			 PMGUARD_F_TARGET_NONDUMPABLE, PMGUARD_F_CALLER_CAP_PTRACE,
			 PMGUARD_ACTION_DENY, PMGUARD_SEV_HIGH);
	/*
	 * A debugger is the quickest way to dump a credential holder: on
	 * sensitive targets the tools meet the rules below.
	 */
	pmguard_add_tool_rules(policy, allow_exe, allow_exe_count, false,
			       &pmguard_allow_tool);
	/*
	 * Inventory tools doing their job: a credential holder's environ
	 * refused quietly, the maps of any process allowed, the environ of
	 * the others allowed.  Their mem, pagemap or ptrace of a credential
	 * holder is not their job: it meets sensitive-memory.
	 */
	pmguard_add_tool_rules(policy, environ_exe, environ_exe_count, false,
			       &pmguard_sensitive_environ_tool);
	pmguard_add_tool_rules(policy, inventory_script, inventory_script_count,
			       true, &pmguard_sensitive_environ_tool);
	pmguard_add_tool_rules(policy, inventory_exe, inventory_exe_count,
			       false, &pmguard_inventory_tool);
	pmguard_add_tool_rules(policy, inventory_script, inventory_script_count,
			       true, &pmguard_inventory_tool);
	pmguard_add_tool_rules(policy, environ_exe, environ_exe_count, false,
			       &pmguard_environ_tool);
	pmguard_add_tool_rules(policy, inventory_script, inventory_script_count,
			       true, &pmguard_environ_tool);
	/*
	 * Debugging as it happens every day: a tracer reading its tracee,
	 * strace or gdb attaching to the child it started (or a seccomp
	 * supervisor taking a file from it with pidfd_getfd), one user's
	 * processes sharing memory by process_vm_readv (MPI's CMA).
	 */
	pmguard_add_rule(policy, "own-tracee",
			 BIT(PMGUARD_KIND_MEM) | PMGUARD_KINDS_COPY,
			 PMGUARD_F_CALLER_IS_TRACER,
			 PMGUARD_F_TARGET_SENSITIVE | PMGUARD_F_TARGET_NONDUMPABLE,
			 PMGUARD_ACTION_ALLOW, PMGUARD_SEV_INFO);
	pmguard_add_rule(policy, "debug-child",
			 BIT(PMGUARD_KIND_PTRACE) | BIT(PMGUARD_KIND_GETFD),
			 PMGUARD_F_CALLER_IS_ANCESTOR,
			 PMGUARD_F_TARGET_SENSITIVE | PMGUARD_F_TARGET_NONDUMPABLE,
			 PMGUARD_ACTION_ALLOW, PMGUARD_SEV_INFO);
	pmguard_add_rule(policy, "same-uid-copy",
			 BIT(PMGUARD_KIND_VM_READ) | BIT(PMGUARD_KIND_VM_WRITE),
			 PMGUARD_F_SAME_UID,
			 PMGUARD_F_TARGET_SENSITIVE | PMGUARD_F_CALLER_CAP_PTRACE |
			 PMGUARD_F_TARGET_NONDUMPABLE,
			 PMGUARD_ACTION_ALLOW, PMGUARD_SEV_INFO);
	/*
	 * Every route into a credential holder's memory, and uprobes on its
	 * code or on the libraries that handle credentials (pamspy).
	 */
	pmguard_add_rule(policy, "sensitive-memory",
			 PMGUARD_KINDS_DIRECT | BIT(PMGUARD_KIND_ENVIRON) |
			 BIT(PMGUARD_KIND_UPROBE),
			 PMGUARD_F_TARGET_SENSITIVE, 0,
			 PMGUARD_ACTION_DENY, PMGUARD_SEV_HIGH);
	/*
	 * Anyone else's look at a credential holder's layout: worth a line
	 * in the log, not a page (the dump that may follow is high).  From
	 * a container, medium.
	 */
	pmguard_add_rule(policy, "sensitive-inventory", PMGUARD_KINDS_INVENTORY,
			 PMGUARD_F_TARGET_SENSITIVE, PMGUARD_F_CROSS_CONTAINER,
			 PMGUARD_ACTION_ALERT, PMGUARD_SEV_LOW);
	pmguard_add_rule(policy, "sensitive-other", 0,
			 PMGUARD_F_TARGET_SENSITIVE, 0,
			 PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM);
	/* Tracing an ordinary program, as it happens every day. */
	pmguard_add_rule(policy, "uprobe", BIT(PMGUARD_KIND_UPROBE), 0, 0,
			 PMGUARD_ACTION_ALLOW, PMGUARD_SEV_INFO);
	/* Profiling an ordinary process (perf record --call-graph dwarf). */
	pmguard_add_rule(policy, "perf-sample", BIT(PMGUARD_KIND_PERF_SAMPLE), 0, 0,
			 PMGUARD_ACTION_ALLOW, PMGUARD_SEV_INFO);
	pmguard_add_rule(policy, "own-uid",
			 BIT(PMGUARD_KIND_ENVIRON) | BIT(PMGUARD_KIND_AUXV) |
			 PMGUARD_KINDS_MAPS,
			 PMGUARD_F_SAME_UID, PMGUARD_F_CALLER_CAP_PTRACE,
			 PMGUARD_ACTION_ALERT, PMGUARD_SEV_LOW);
	/*
	 * An ordinary process's environment (systemd's helpers read PID 1's
	 * to tell whether they run in a container) is not a credential
	 * holder's: low.  Its memory is another matter.
	 */
	pmguard_add_rule(policy, "environ-read", BIT(PMGUARD_KIND_ENVIRON), 0, 0,
			 PMGUARD_ACTION_ALERT, PMGUARD_SEV_LOW);
	/* A file it holds, reopened (an admin recovering a deleted log). */
	pmguard_add_rule(policy, "fd-reopen", BIT(PMGUARD_KIND_FD_REOPEN), 0, 0,
			 PMGUARD_ACTION_ALERT, PMGUARD_SEV_LOW);
	pmguard_add_rule(policy, "memory-read", PMGUARD_KINDS_DIRECT, 0, 0,
			 PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM);
	return policy;
}

static int __init pmguard_init(void)
{
	struct pmguard_policy *policy;
	unsigned int i;
	int err;

	if (!strcmp(mode, "enforce")) {
		pmguard_mode = PMGUARD_MODE_ENFORCE;
	} else if (strcmp(mode, "audit")) {
		pr_err("mode=%s: expected audit or enforce\n", mode);
		return -EINVAL;
	}
	if (queue_len < 16 || queue_len > 65536) {
		pr_err("queue_len=%u: expected 16 to 65536\n", queue_len);
		return -EINVAL;
	}
	if (!maxactive)
		maxactive = max(64U, 64U * num_possible_cpus());
	pmguard_fold_ms = min(fold_ms, 60000U);

	err = -ENOMEM;
	pmguard_queue.size = queue_len;
	pmguard_queue.slots = kvcalloc(queue_len, sizeof(struct pmguard_event),
				       GFP_KERNEL);
	pmguard_work_event = kmalloc(sizeof(*pmguard_work_event), GFP_KERNEL);
	pmguard_work_buf = kmalloc(PMGUARD_NL_BUF_SIZE, GFP_KERNEL);
	policy = pmguard_default_policy();
	if (!pmguard_queue.slots || !pmguard_work_event || !pmguard_work_buf ||
	    !policy)
		goto err_free;
	pmguard_policy_stamp(policy);
	RCU_INIT_POINTER(pmguard_policy, policy);

	pmguard_wq = alloc_workqueue("pmguard", WQ_UNBOUND, 1);
	if (!pmguard_wq)
		goto err_free;

	err = pmguard_nl_register();
	if (err)
		goto err_wq;

	pmguard_account_register();	/* optional */
	pmguard_script_register();	/* optional */
	pmguard_dump_register(maxactive);	/* optional, each */
	err = pmguard_probes_register(maxactive);
	if (err)
		goto err_account;
	err = pmguard_probes_selftest();
	if (err)
		goto err_probes;

	/* Optional, each: without them, a blink goes unnoticed. */
	for (i = 0; i < ARRAY_SIZE(pmguard_disarm_probes); i++)
		if (register_kretprobe(&pmguard_disarm_probes[i])) {
			pr_warn("cannot probe %s: a disarm shorter than a second goes unnoticed\n",
				pmguard_disarm_probes[i].kp.symbol_name);
			pmguard_disarm_probes[i].kp.addr = NULL;
		}
	/* Optional: without it, disarmed kprobes go unnoticed. */
	pmguard_canary_probe.addr = (kprobe_opcode_t *)pmguard_canary;
	if (register_kprobe(&pmguard_canary_probe)) {
		pr_warn("cannot place the canary probe: disarmed kprobes go unnoticed\n");
		pmguard_canary_probe.addr = NULL;
	} else {
		queue_delayed_work(system_wq, &pmguard_canary_work, HZ);
	}

	pr_info("loaded: mode %s, %u rules, %u probes\n", mode,
		policy->nr_rules, pmguard_probes_active());
	if (lock) {
		mutex_lock(&pmguard_config_mutex);
		pmguard_lock();
		mutex_unlock(&pmguard_config_mutex);
	}
	return 0;

err_probes:
	pmguard_probes_unregister();
err_account:
	pmguard_dump_unregister();
	pmguard_script_unregister();
	pmguard_account_unregister();
	pmguard_nl_unregister();
err_wq:
	destroy_workqueue(pmguard_wq);
err_free:
	pmguard_policy_free(policy);
	kfree(pmguard_work_buf);
	kfree(pmguard_work_event);
	kvfree(pmguard_queue.slots);
	return err;
}

static void __exit pmguard_exit(void)
{
	unsigned int i;

	/*
	 * Locked, the module is pinned: only a forced unload (rmmod -f, with
	 * CONFIG_MODULE_FORCE_UNLOAD) gets here, and nothing can refuse it.
	 * kernel.modules_disabled=1 refuses it before it starts.
	 */
	if (pmguard_locked)
		pr_crit("forced unload of a locked pmguard: from now on no route is decided or seen\n");
	for (i = 0; i < ARRAY_SIZE(pmguard_disarm_probes); i++)
		if (pmguard_disarm_probes[i].kp.addr)
			unregister_kretprobe(&pmguard_disarm_probes[i]);
	if (pmguard_canary_probe.addr) {
		cancel_delayed_work_sync(&pmguard_canary_work);
		unregister_kprobe(&pmguard_canary_probe);
	}
	/* No new events once the probes are gone (this waits for handlers). */
	pmguard_probes_unregister();
	pmguard_dump_unregister();
	pmguard_script_unregister();
	pmguard_account_unregister();
	pmguard_fold_stop();
	/* Deliver what is queued, dropping the references it holds. */
	destroy_workqueue(pmguard_wq);
	pmguard_report_fn(NULL);
	pmguard_nl_unregister();
	/* mmdrop_sched()'s RCU callback is inlined here: let it run first. */
	rcu_barrier();

	pmguard_policy_free(rcu_dereference_protected(pmguard_policy, true));
	kfree(pmguard_work_buf);
	kfree(pmguard_work_event);
	kvfree(pmguard_queue.slots);
	pr_info("unloaded\n");
}

module_init(pmguard_init);
module_exit(pmguard_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("pmguard developers");
MODULE_DESCRIPTION("Detect and deny credential dumping from process memory: /proc/<pid>/mem, environ, maps, process_vm_readv/writev, ptrace (T1003.007)");
MODULE_VERSION("0.1");
