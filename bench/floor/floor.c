// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat_floor: the benchmark's floor (make bench).
 *
 * A kretprobe on handle_mm_fault() with empty entry and return handlers,
 * registered the way faultlat registers its own (maxactive instances, each
 * with data_size bytes of per-call data), so that what it costs is what
 * any kretprobe-based tool pays per fault before it does anything.  Not a
 * part of faultlat: it is built only for the benchmark.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static unsigned int maxactive = 512;
module_param(maxactive, uint, 0444);
MODULE_PARM_DESC(maxactive, "kretprobe instances (default 512, as faultlat)");

/* faultlat's struct fl_call is 32 bytes on x86-64. */
static unsigned int data_size = 32;
module_param(data_size, uint, 0444);
MODULE_PARM_DESC(data_size, "per-call data bytes (default 32, as faultlat)");

static int floor_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}

NOKPROBE_SYMBOL(floor_entry);

static int floor_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}

NOKPROBE_SYMBOL(floor_return);

static struct kretprobe floor_probe = {
	.kp.symbol_name = "handle_mm_fault",
	.entry_handler = floor_entry,
	.handler = floor_return,
};

static int __init floor_init(void)
{
	int err;

	floor_probe.maxactive = maxactive;
	floor_probe.data_size = data_size;
	err = register_kretprobe(&floor_probe);
	if (err)
		pr_err("kretprobe on handle_mm_fault: %d\n",
		       err);
	return err;
}

static void __exit floor_exit(void)
{
	unregister_kretprobe(&floor_probe);
	pr_info("nmissed %d\n", floor_probe.nmissed);
}

module_init(floor_init);
module_exit(floor_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("faultlat benchmark: an empty kretprobe on handle_mm_fault");
