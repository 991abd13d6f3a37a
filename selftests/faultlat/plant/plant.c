// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat_plant: planted bugs, for testing the rig only.
 *
 * A test module of its own, never part of faultlat: loaded beside it with
 * bug=leak|oob|lockorder|sleep|bounds, it commits that one bug at load, for
 * a debug kernel's detector to report (kmemleak, KASAN, lockdep,
 * DEBUG_ATOMIC_SLEEP, UBSAN), so that tools/vm/plant-check.sh can prove
 * the rig fails a run that has one.  selftests/run.sh loads it after
 * faultlat (FAULTLAT_PLANT_KO, FAULTLAT_PLANT_BUG) and counts what it
 * leaks as faultlat's.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char bug[16];
module_param_string(bug, bug, sizeof(bug), 0444);
MODULE_PARM_DESC(bug, "the bug to plant at load: leak, oob, lockorder, sleep or bounds");

/* About the size of faultlat's readers' objects, so the slab is a busy one. */
#define PLANT_SIZE	512

/* kmemleak: an object nobody points to any more. */
static noinline void plant_leak(void)
{
	void *p = kmalloc(PLANT_SIZE, GFP_KERNEL);

	if (p)
		memset(p, 0xfa, PLANT_SIZE);
	pr_info("planted a leak of %d bytes\n", PLANT_SIZE);
	/* the pointer is dropped here */
}

/* KASAN: read one byte past the end of an allocation. */
static noinline void plant_oob(void)
{
	size_t n = PLANT_SIZE;
	u8 *p = kmalloc(n, GFP_KERNEL);

	if (!p)
		return;
	/* hide the index from the compiler's bounds warnings */
	OPTIMIZER_HIDE_VAR(n);
	pr_info("planted an out-of-bounds read: %u\n", READ_ONCE(p[n]));
	kfree(p);
}

/* lockdep: A then B here, B then A there; one thread, so no deadlock. */
static DEFINE_SPINLOCK(plant_lock_a);
static DEFINE_SPINLOCK(plant_lock_b);

static noinline void plant_lockorder(void)
{
	spin_lock(&plant_lock_a);
	spin_lock(&plant_lock_b);
	spin_unlock(&plant_lock_b);
	spin_unlock(&plant_lock_a);

	spin_lock(&plant_lock_b);
	spin_lock(&plant_lock_a);
	spin_unlock(&plant_lock_a);
	spin_unlock(&plant_lock_b);
	pr_info("planted a lock-order inversion\n");
}

/*
 * DEBUG_ATOMIC_SLEEP: a mutex taken under a spinlock.  Uncontended, it
 * does not actually sleep, but might_sleep() in mutex_lock() reports it.
 */
static DEFINE_SPINLOCK(plant_spinlock);
static DEFINE_MUTEX(plant_mutex);

static noinline void plant_sleep(void)
{
	spin_lock(&plant_spinlock);
	mutex_lock(&plant_mutex);
	mutex_unlock(&plant_mutex);
	spin_unlock(&plant_spinlock);
	pr_info("planted a sleep in atomic context\n");
}

/*
 * UBSAN (UBSAN_BOUNDS): read an array's element one past its end.  That
 * element is the next member of the same object, so the read stays in
 * memory that is there: UBSAN has something to report, not KASAN.
 */
static struct {
	int a[4];
	int next;
} plant_array;

static noinline void plant_bounds(void)
{
	size_t i = ARRAY_SIZE(plant_array.a);

	/* hide the index from the compiler: a check at run time, no warning */
	OPTIMIZER_HIDE_VAR(i);
	pr_info("planted an out-of-bounds index: %d\n", plant_array.a[i]);
}

static int __init plant_init(void)
{
	if (!strcmp(bug, "leak"))
		plant_leak();
	else if (!strcmp(bug, "oob"))
		plant_oob();
	else if (!strcmp(bug, "lockorder"))
		plant_lockorder();
	else if (!strcmp(bug, "sleep"))
		plant_sleep();
	else if (!strcmp(bug, "bounds"))
		plant_bounds();
	else
		return -EINVAL;
	return 0;
}

static void __exit plant_exit(void)
{
}

module_init(plant_init);
module_exit(plant_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("faultlat test: one planted bug for a debug kernel's detectors");
