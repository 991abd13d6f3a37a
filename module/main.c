// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: page-fault latency histograms, per task.
 *
 * Load order: the task table and per-CPU totals, the tracepoints (exit and
 * free first, so that every thread we will see is also seen leaving;
 * sched_switch before any direct call), the fault and TLB probes, then
 * the readers' interfaces.  Unload in
 * reverse; each step waits until no handler of ours runs, so the memory is
 * freed last with nothing in flight.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "cgroups.h"
#include "faultlat.h"

static int __init fl_check_params(void)
{
	if (fl_max_tasks < 16 || fl_max_tasks > 1048576) {
		pr_err("max_tasks=%u out of range (16-1048576)\n",
		       fl_max_tasks);
		return -EINVAL;
	}
	if (fl_maxactive < 16 || fl_maxactive > 65536) {
		pr_err("maxactive=%u out of range (16-65536)\n",
		       fl_maxactive);
		return -EINVAL;
	}
	return fl_probe_mode_parse();
}

static int __init fl_init(void)
{
	int err;

	err = fl_check_params();
	if (err)
		return err;
	fl_clock_init();
	fl_probes_init();
	err = fl_tasks_init();
	if (err)
		return err;
	err = fl_cgroups_init();
	if (err)
		goto out_tasks;
	err = fl_tlb_alloc();
	if (err)
		goto out_cgroups;
	err = fl_tracepoints_init();
	if (err)
		goto out_tlb_free;
	err = fl_attach_init();
	if (err)
		goto out_tracepoints;
	err = fl_causes_init();
	if (err)
		goto out_attach;
	err = fl_paths_init();
	if (err)
		goto out_causes;
	fl_debugfs_init();
	err = fl_chardev_init();
	if (err)
		goto out_debugfs;
	pr_info("%u.%u loaded, max_tasks=%u max_cgroups=%u maxactive=%u (%zu KiB)\n",
		FL_VERSION_MAJOR, FL_VERSION_MINOR, fl_max_tasks,
		fl_max_cgroups, fl_maxactive,
		(fl_tasks_bytes() + fl_cgroups_bytes()) >> 10);
	return 0;

out_debugfs:
	fl_debugfs_exit();
	fl_paths_exit();
out_causes:
	fl_causes_exit();
out_attach:
	fl_attach_exit();
out_tracepoints:
	fl_tracepoints_exit();
out_tlb_free:
	fl_tlb_free();
out_cgroups:
	fl_cgroups_exit();
out_tasks:
	fl_tasks_exit();
	return err;
}

static void __exit fl_exit(void)
{
	fl_chardev_exit();
	fl_debugfs_exit();
	fl_paths_exit();
	fl_causes_exit();
	fl_attach_exit();
	fl_tracepoints_exit();
	fl_tlb_free();
	fl_cgroups_exit();
	fl_tasks_exit();
}

module_init(fl_init);
module_exit(fl_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The faultlat authors");
MODULE_DESCRIPTION("Page-fault latency histograms, per task");
MODULE_VERSION(__stringify(FL_VERSION_MAJOR) "." __stringify(FL_VERSION_MINOR));
