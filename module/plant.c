// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: planted bugs, for testing only.
 *
 * Built only with `make module FAULTLAT_PLANT=leak|oob|lockorder|sleep`
 * (module/Kbuild), never into the shipped module: each plants one bug that
 * a debug kernel's detector must report (kmemleak, KASAN, lockdep,
 * DEBUG_ATOMIC_SLEEP), so that tools/vm/plant-check.sh can prove the rig
 * fails a run that has one.  The bug runs once, at load, just before the
 * device is registered: Kbuild renames main.c's call of fl_chardev_init()
 * to fl_plant_init(), which plants the bug and then calls it.
 */
#include <linux/compiler.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "faultlat.h"

#if !defined(FAULTLAT_PLANT_LEAK) && !defined(FAULTLAT_PLANT_OOB) && \
	!defined(FAULTLAT_PLANT_LOCKORDER) && !defined(FAULTLAT_PLANT_SLEEP)
#error "plant.c is built only with FAULTLAT_PLANT=leak|oob|lockorder|sleep"
#endif

int fl_plant_init(void);

/* The same size as a real object of ours, so the slab is a busy one. */
#define FL_PLANT_SIZE	sizeof(struct fl_view)

#ifdef FAULTLAT_PLANT_LEAK
/* kmemleak: an object nobody points to any more. */
static noinline void fl_plant(void)
{
	void *p = kmalloc(FL_PLANT_SIZE, GFP_KERNEL);

	if (p)
		memset(p, 0xfa, FL_PLANT_SIZE);
	pr_info("planted a leak of %zu bytes\n", FL_PLANT_SIZE);
	/* the pointer is dropped here */
}
#endif

#ifdef FAULTLAT_PLANT_OOB
/* KASAN: read one byte past the end of an allocation. */
static noinline void fl_plant(void)
{
	size_t n = FL_PLANT_SIZE;
	u8 *p = kmalloc(n, GFP_KERNEL);

	if (!p)
		return;
	/* hide the index from the compiler's bounds warnings */
	OPTIMIZER_HIDE_VAR(n);
	pr_info("planted an out-of-bounds read: %u\n",
		READ_ONCE(p[n]));
	kfree(p);
}
#endif

#ifdef FAULTLAT_PLANT_LOCKORDER
/* lockdep: A then B here, B then A there; one thread, so no deadlock. */
static DEFINE_SPINLOCK(fl_plant_a);
static DEFINE_SPINLOCK(fl_plant_b);

static noinline void fl_plant(void)
{
	spin_lock(&fl_plant_a);
	spin_lock(&fl_plant_b);
	spin_unlock(&fl_plant_b);
	spin_unlock(&fl_plant_a);

	spin_lock(&fl_plant_b);
	spin_lock(&fl_plant_a);
	spin_unlock(&fl_plant_a);
	spin_unlock(&fl_plant_b);
	pr_info("planted a lock-order inversion\n");
}
#endif

#ifdef FAULTLAT_PLANT_SLEEP
/*
 * DEBUG_ATOMIC_SLEEP: a mutex taken under a spinlock.  Uncontended, it
 * does not actually sleep, but might_sleep() in mutex_lock() reports it.
 */
static DEFINE_SPINLOCK(fl_plant_lock);
static DEFINE_MUTEX(fl_plant_mutex);

static noinline void fl_plant(void)
{
	spin_lock(&fl_plant_lock);
	mutex_lock(&fl_plant_mutex);
	mutex_unlock(&fl_plant_mutex);
	spin_unlock(&fl_plant_lock);
	pr_info("planted a sleep in atomic context\n");
}
#endif

/**
 * fl_plant_init() - plant the bug, then register the device
 *
 * Called by fl_init() in place of fl_chardev_init() in planted builds.
 *
 * Return: what fl_chardev_init() returns.
 */
int fl_plant_init(void)
{
	fl_plant();
	return fl_chardev_init();
}
