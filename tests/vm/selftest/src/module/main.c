// SPDX-License-Identifier: GPL-2.0
/* Stand-in pmguard.ko for the harness self-test (tests/vm/run --selftest). */
#include <linux/module.h>
#include <linux/slab.h>

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "Leak 512 bytes at load: kmemleak must report it");

static int __init pmguard_init(void)
{
	if (leak)
		pr_info("pmguard: leaking %p\n", kmalloc(512, GFP_KERNEL));
	pr_info("pmguard: loaded\n");
	return 0;
}

static void __exit pmguard_exit(void)
{
}

module_init(pmguard_init);
module_exit(pmguard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmguard: guard process memory access through procfs");
