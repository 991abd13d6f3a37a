// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the functions we trace, and how each is attached.
 *
 * Every traced function is a site: an entry hook, a return hook and the
 * per-call data between them (probes.c, tlb.c).  A site is attached
 * either through an ftrace direct-call trampoline (direct.c, the fast
 * path) or through a kretprobe (the portable fallback).  Module parameter
 * probe_mode chooses:
 *
 *   auto    direct where the kernel supports it and the site is free,
 *           else a kretprobe, site by site (the default)
 *   direct  direct or nothing: loading fails if a site cannot be
 *   kprobe  kretprobes only
 *
 * Why a site is not direct is kept (an errno, see FAULTLAT_DIRECT_E* in
 * the uapi header) and shown by debugfs summary and FAULTLAT_IOC_INFO.
 *
 * Unload: stop new calls (disable the kretprobes, remove the direct
 * calls), wait until the calls in flight have returned, then unregister.
 * A kretprobe call still in flight after FL_DRAIN_MS returns through the
 * kernel's own trampoline and never reaches our code; a direct call
 * returns into our trampoline, so for those the wait has no limit (and
 * direct.c makes rmmod fail ("in use") while a task is blocked inside a
 * direct-traced function, so that the wait is short).
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/string.h>

#include "compat.h"
#include "faultlat.h"

static char fl_probe_mode_str[8] = "auto";
module_param_string(probe_mode, fl_probe_mode_str, sizeof(fl_probe_mode_str),
		    0444);
MODULE_PARM_DESC(probe_mode,
		 "auto (direct calls where possible, else kretprobes), direct or kprobe (default auto)");

enum fl_probe_mode fl_probe_mode;

/* kretprobe calls between entry and return (the drain on unload) */
static DEFINE_PER_CPU(long, fl_kp_inflight);

/**
 * struct fl_kcall - a kretprobe instance's data
 * @rec: the task's record, when the site wants one
 * @data: the site's per-call data
 */
struct fl_kcall {
	struct fl_rec *rec;
	u64 data[FL_SITE_DATA_WORDS];
};

static int fl_kp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_site *s = container_of(get_kretprobe(ri), struct fl_site, rp);
	struct fl_kcall *k = (struct fl_kcall *)ri->data;
	unsigned long args[6];

	fl_regs_args(regs, args);
	k->rec = s->task ? fl_task_current() : NULL;
	if (!s->enter(s, k->data, args, k->rec))
		return 1;	/* no return handler for this call */
	this_cpu_inc(fl_kp_inflight);
	return 0;
}

NOKPROBE_SYMBOL(fl_kp_entry);

static int fl_kp_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_site *s = container_of(get_kretprobe(ri), struct fl_site, rp);
	struct fl_kcall *k = (struct fl_kcall *)ri->data;

	this_cpu_dec(fl_kp_inflight);
	s->leave(s, k->data, regs_return_value(regs), k->rec);
	return 0;
}

NOKPROBE_SYMBOL(fl_kp_return);

static int fl_kp_attach(struct fl_site *s)
{
	s->rp.kp.symbol_name = s->sym;
	s->rp.entry_handler = fl_kp_entry;
	s->rp.handler = fl_kp_return;
	s->rp.data_size = sizeof(struct fl_kcall);
	s->rp.maxactive = s->id == FL_SITE_FAULT ? fl_maxactive :
			  max_t(int, 64, 4 * num_possible_cpus());
	return register_kretprobe(&s->rp);
}

static long fl_sum_percpu(long __percpu *v)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += *per_cpu_ptr(v, cpu);
	return n;
}

/* The sites, in enum fl_site_id order. */
struct fl_site *fl_sites[FL_NR_SITES] = {
	[FL_SITE_FAULT] = &fl_site_fault,
	[FL_SITE_TLB_RANGE] = &fl_site_tlb_range,
	[FL_SITE_TLB_FUNC] = &fl_site_tlb_func,
	[FL_SITE_TLB_IPI0 + 0] = &fl_site_tlb_ipi[0],
	[FL_SITE_TLB_IPI0 + 1] = &fl_site_tlb_ipi[1],
	[FL_SITE_TLB_IPI0 + 2] = &fl_site_tlb_ipi[2],
	[FL_SITE_TLB_IPI0 + 3] = &fl_site_tlb_ipi[3],
};

int fl_probe_mode_parse(void)
{
	static const char * const names[] = {
		[FL_MODE_AUTO] = "auto",
		[FL_MODE_DIRECT] = "direct",
		[FL_MODE_KPROBE] = "kprobe",
	};
	int i = sysfs_match_string(names, fl_probe_mode_str);

	if (i < 0) {
		pr_err("probe_mode=%s: auto, direct or kprobe\n",
		       fl_probe_mode_str);
		return -EINVAL;
	}
	fl_probe_mode = i;
	return 0;
}

/* Attach site @s as probe_mode says; 0, or why it cannot be attached. */
static int fl_site_attach(struct fl_site *s)
{
	int err;

	s->direct_err = FAULTLAT_DIRECT_EFORCED;
	if (fl_probe_mode != FL_MODE_KPROBE) {
		err = fl_direct_attach(s);
		s->direct_err = -err;
		if (!err) {
			s->how = FL_ATTACH_DIRECT;
			return 0;
		}
		if (err == -ENOENT && s->optional)
			return 0;
		if (fl_probe_mode == FL_MODE_DIRECT) {
			pr_err("probe_mode=direct: %s: %s (%d)\n",
			       s->sym, fl_direct_why(s->direct_err), err);
			return err;
		}
	}
	err = fl_kp_attach(s);
	if (err == -ENOENT && s->optional)
		return 0;
	if (err) {
		pr_err("kretprobe on %s: %d\n", s->sym, err);
		return err;
	}
	s->how = FL_ATTACH_KPROBE;
	return 0;
}

/**
 * fl_attach_init() - attach the fault site, then the TLB sites if wanted
 *
 * Return: 0, or the error of a site that could not be attached (nothing
 * stays attached then).
 */
int fl_attach_init(void)
{
	unsigned int i;
	int err;

	if (fl_direct_wanted())
		fl_direct_lookup();
	for (i = 0; i < FL_NR_SITES; i++) {
		struct fl_site *s = fl_sites[i];

		if (s->id != FL_SITE_FAULT && !fl_tlb_wanted())
			continue;
		err = fl_site_attach(s);
		if (err) {
			fl_attach_exit();
			return err;
		}
	}
	return 0;
}

#define FL_DRAIN_MS	2000

/* Detach every site; when this returns, no code of ours runs for them. */
void fl_attach_exit(void)
{
	unsigned long until = jiffies + msecs_to_jiffies(FL_DRAIN_MS);
	bool direct = false;
	unsigned int i;

	for (i = 0; i < FL_NR_SITES; i++) {
		struct fl_site *s = fl_sites[i];

		if (s->how == FL_ATTACH_KPROBE)
			disable_kretprobe(&s->rp);
		if (s->how == FL_ATTACH_DIRECT) {
			fl_direct_detach(s);
			direct = true;
		}
	}
	synchronize_rcu();
	while (fl_sum_percpu(&fl_kp_inflight) > 0 && time_before(jiffies, until))
		msleep(20);
	if (direct)
		fl_direct_drain();
	for (i = 0; i < FL_NR_SITES; i++) {
		struct fl_site *s = fl_sites[i];

		if (s->how == FL_ATTACH_KPROBE)
			unregister_kretprobe(&s->rp);
		s->how = FL_ATTACH_OFF;
	}
}

static bool fl_site_is_tlb(const struct fl_site *s)
{
	return s->id != FL_SITE_FAULT;
}

/* FAULTLAT_PROBE_* bits of the attached sites of @tlb (or the fault's). */
u32 fl_attach_mask(bool tlb, bool direct_only)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 0; i < FL_NR_SITES; i++) {
		struct fl_site *s = fl_sites[i];

		if (fl_site_is_tlb(s) != tlb || s->how == FL_ATTACH_OFF)
			continue;
		if (!direct_only || s->how == FL_ATTACH_DIRECT)
			mask |= s->bit;
	}
	return mask;
}

/* Why each site is not direct, by its FAULTLAT_PROBE_* bit number. */
void fl_attach_direct_errno(u32 err[FAULTLAT_PROBE_NR_BITS])
{
	unsigned int i;

	memset(err, 0, sizeof(u32) * FAULTLAT_PROBE_NR_BITS);
	for (i = 0; i < FL_NR_SITES; i++)
		err[__ffs(fl_sites[i]->bit)] = fl_sites[i]->direct_err;
}

/* Calls the kretprobe of site @s missed (none when it is direct). */
u64 fl_site_nmissed(const struct fl_site *s)
{
	return s->how == FL_ATTACH_KPROBE ? s->rp.nmissed + s->rp.kp.nmissed : 0;
}

/* Calls the kretprobes of @tlb sites (or the fault's) missed. */
u64 fl_attach_nmissed(bool tlb)
{
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < FL_NR_SITES; i++) {
		struct fl_site *s = fl_sites[i];

		if (fl_site_is_tlb(s) == tlb)
			n += fl_site_nmissed(s);
	}
	return n;
}
