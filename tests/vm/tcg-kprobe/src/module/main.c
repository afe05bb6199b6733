// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-in pmguard.ko with pmguard's probe points and empty handlers, for
 * tests/vm/tcg-kprobe: does loading and unloading kprobes on mem_open and
 * proc_mem_open while other CPUs call them crash a TCG guest without any
 * pmguard code?
 */
#include <linux/module.h>
#include <linux/kprobes.h>

static int noop_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static int noop_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe noop_kprobe = {
	.symbol_name	= "mem_open",
	.pre_handler	= noop_pre,
};

static struct kretprobe noop_kretprobe = {
	.kp.symbol_name	= "proc_mem_open",
	.handler	= noop_ret,
	.maxactive	= 64,
};

static int __init noop_init(void)
{
	int err = register_kretprobe(&noop_kretprobe);

	if (err)
		return err;
	err = register_kprobe(&noop_kprobe);
	if (err)
		unregister_kretprobe(&noop_kretprobe);
	return err;
}

static void __exit noop_exit(void)
{
	unregister_kprobe(&noop_kprobe);
	unregister_kretprobe(&noop_kretprobe);
}

module_init(noop_init);
module_exit(noop_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmguard's probe points with empty handlers (TCG check)");
