// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: what the kernel did to resolve each fault, its path.
 *
 * Most of a fault's path shows in what the fault hooks see anyway: its
 * vma's kind (hugetlb, shmem, file or anonymous), and its class (major,
 * as mm_account_fault() and getrusage() say: the page was read, from its
 * file or from swap, or waited for).  The rest, which handle_mm_fault() decides inside, is told
 * by a few kernel functions the fault calls, each of which marks the
 * faulting thread's fault in progress (struct fl_rec's path_marks):
 *
 * - handle_userfault(): the fault went to a userfaultfd handler;
 * - migration_entry_wait(): it waited for a page under migration;
 * - do_swap_page(): the page was in swap (or the swap cache);
 * - do_wp_page(): a write to a present page that was not writable: a
 *   copy if a new anonymous page follows, else the page made writable in
 *   place; of the shared zero page (its first argument's vmf->orig_pte
 *   tells), a new page zero-filled: nothing is copied;
 * - the function that maps a new anonymous page (folio_add_new_anon_rmap(),
 *   page_add_new_anon_rmap() on 6.1: module/compat.h): zero-fill, or a
 *   copy, or a transparent huge page when the page is PMD-sized.
 *
 * fl_path_of() (paths.h) makes the path of the marks when the fault
 * completes; its count in the thread's record goes up by one.  Each
 * function gets an ftrace_ops of its own, whose callback runs at the
 * function's entry, in the faulting thread: it finds the thread's record
 * (the CPU's last one, or a lookup), and marks it if the thread is in a
 * fault the hooks began.  Calls outside a fault (khugepaged's, a
 * UFFDIO_COPY's) find no fault and mark nothing.  Nothing here allocates
 * or sleeps, and only the thread writes its marks.
 *
 * Module parameter paths turns it on and off at run time: on, the
 * callbacks are attached and the static key lets the fault hooks call in;
 * off, none is attached and the hooks pay for fl_episodes_on's branch
 * alone, the one they share with the time by cause (causes.c).  A
 * function the kernel lacks, or ftrace cannot trace, leaves its mark
 * unset: debugfs paths says which are attached.
 */
#include <linux/kernel.h>
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "compat.h"
#include "faultlat.h"

DEFINE_STATIC_KEY_FALSE(fl_paths_on);

static bool fl_paths_param;
static bool fl_paths_ready;
static DEFINE_MUTEX(fl_paths_lock);

static const char *const fl_path_names[FAULTLAT_NR_PATHS] = {
	[FAULTLAT_PATH_ZERO] = "zero",
	[FAULTLAT_PATH_COW] = "cow",
	[FAULTLAT_PATH_CACHE] = "cache",
	[FAULTLAT_PATH_READ] = "read",
	[FAULTLAT_PATH_SWAPIN] = "swapin",
	[FAULTLAT_PATH_THP] = "thp",
	[FAULTLAT_PATH_HUGETLB] = "hugetlb",
	[FAULTLAT_PATH_SHMEM] = "shmem",
	[FAULTLAT_PATH_UFFD] = "uffd",
	[FAULTLAT_PATH_OTHER] = "other",
};

const char *fl_path_name(unsigned int path)
{
	return path < FAULTLAT_NR_PATHS ? fl_path_names[path] : "-";
}

bool fl_paths_enabled(void)
{
	return static_key_enabled(&fl_paths_on);
}

/**
 * struct fl_path_hook - a kernel function whose calls mark a fault
 * @sym: its name
 * @mark: the FL_PM_* bit it sets
 * @filtered: @ops's filter holds the function (set once, freed at exit:
 *	6.1's ftrace_free_filter() leaves the ops pointing to the hashes it
 *	freed, which a later ftrace_set_filter() would free again)
 * @registered: the callback is attached
 * @err: why it is not: 0, or what ftrace said (-EINVAL: no such function
 *	that ftrace traces)
 * @ops: its ftrace_ops
 */
struct fl_path_hook {
	const char *sym;
	u16 mark;
	bool filtered;
	bool registered;
	int err;
	struct ftrace_ops ops;
};

/*
 * The callback, at the entry of a hook's function; no recursion: it calls
 * nothing that ftrace traces for it.
 */
static void notrace fl_path_hit(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *op,
				struct ftrace_regs *fregs)
{
	struct fl_path_hook *h = container_of(op, struct fl_path_hook, ops);
	struct fl_rec *r;
	u16 mark = h->mark;

	/* the CPU's last record is the thread's, most of the time */
	preempt_disable_notrace();
	r = this_cpu_read(fl_last_rec);
	if (READ_ONCE(r->task) != current)
		r = current->pid ? fl_task_find(current) : NULL;
	if (r && (r->path_marks & FL_PM_ACTIVE)) {
		if (mark == FL_PM_NEW_ANON &&
		    fl_new_anon_is_pmd(fl_ftrace_arg0(fregs)))
			mark = FL_PM_NEW_THP;
		else if (mark == FL_PM_WP &&
			 fl_wp_of_zero_page(fl_ftrace_arg0(fregs)))
			mark = FL_PM_WP_ZERO;
		r->path_marks |= mark;
	}
	preempt_enable_notrace();
}

#define FL_PATH_HOOK(name, bit)						\
	{ .sym = name, .mark = bit, .ops = { .func = fl_path_hit } }

static struct fl_path_hook fl_path_hooks[] = {
	FL_PATH_HOOK("handle_userfault", FL_PM_UFFD),
	FL_PATH_HOOK("migration_entry_wait", FL_PM_MIGRATE),
	FL_PATH_HOOK("do_swap_page", FL_PM_SWAP),
	FL_PATH_HOOK("do_wp_page", FL_PM_WP),
	FL_PATH_HOOK(FL_SYM_NEW_ANON, FL_PM_NEW_ANON),
};

/* debugfs paths: each function, attached or why not */
void fl_paths_hooks_show(struct seq_file *m)
{
	unsigned int i;

	mutex_lock(&fl_paths_lock);
	for (i = 0; i < ARRAY_SIZE(fl_path_hooks); i++) {
		struct fl_path_hook *h = &fl_path_hooks[i];

		if (h->registered)
			seq_printf(m, "hook %-24s attached\n", h->sym);
		else if (h->err)
			seq_printf(m, "hook %-24s not attached: %d\n", h->sym,
				   h->err);
		else
			seq_printf(m, "hook %-24s off\n", h->sym);
	}
	mutex_unlock(&fl_paths_lock);
}

/**
 * fl_paths_layout_show() - what paths.c assumes of the kernel's functions
 * @m: debugfs's layout file
 *
 * One line per fact, for selftests' layout_test to compare with the
 * kernel's BTF:
 *
 *   pathfunc NAME attached|off
 *   patharg NAME INDEX PARAM STRUCT   (a pointer to struct STRUCT)
 */
void fl_paths_layout_show(struct seq_file *m)
{
	unsigned int i;

	mutex_lock(&fl_paths_lock);
	for (i = 0; i < ARRAY_SIZE(fl_path_hooks); i++)
		seq_printf(m, "pathfunc %s %s\n", fl_path_hooks[i].sym,
			   fl_path_hooks[i].registered ? "attached" : "off");
	mutex_unlock(&fl_paths_lock);
	/* fl_path_hit() reads the new page's order, and the vm_fault's pte */
	seq_printf(m, "patharg %s 0 %s %s\n", FL_SYM_NEW_ANON,
		   FL_NEW_ANON_ARG0, FL_NEW_ANON_ARG0);
	seq_puts(m, "patharg do_wp_page 0 vmf vm_fault\n");
}

/* Forget @r's marks: turning the paths on, or a record made anew. */
void fl_paths_reset_rec(struct fl_rec *r)
{
	r->path_marks = 0;
	r->path_last = FL_PATH_NONE;
}

/* Detach every callback; ftrace waits for those under way. */
static void fl_paths_detach(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_path_hooks); i++) {
		struct fl_path_hook *h = &fl_path_hooks[i];

		if (h->registered)
			unregister_ftrace_function(&h->ops);
		h->registered = false;
	}
}

static void fl_paths_off(void)
{
	static_branch_dec(&fl_episodes_on);
	static_branch_disable(&fl_paths_on);
	fl_paths_detach();
}

/*
 * Attach every callback ftrace accepts, then let the fault hooks in.  A
 * function that is missing, or that ftrace cannot trace, leaves its mark
 * unset, said in the kernel log and in debugfs (its ops, whose filter is
 * empty, would trace every function: it is never registered); another
 * error fails.
 */
static int fl_paths_on_now(void)
{
	unsigned int i;
	int err;

	/* no callback runs: forget the marks of the last time it was on */
	fl_tasks_each(fl_paths_reset_rec);
	for (i = 0; i < ARRAY_SIZE(fl_path_hooks); i++) {
		struct fl_path_hook *h = &fl_path_hooks[i];

		if (!h->filtered) {
			h->err = ftrace_set_filter(&h->ops,
						   (unsigned char *)h->sym,
						   strlen(h->sym), 1);
			if (h->err) {
				pr_info("paths: %s not traced: %d\n", h->sym,
					h->err);
				continue;
			}
			h->filtered = true;
		}
		h->err = 0;
		err = register_ftrace_function(&h->ops);
		if (err) {
			pr_err("paths: %s: %d\n", h->sym, err);
			h->err = err;
			fl_paths_detach();
			return err;
		}
		h->registered = true;
	}
	static_branch_enable(&fl_paths_on);
	static_branch_inc(&fl_episodes_on);
	return 0;
}

static int fl_paths_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err;

	err = kstrtobool(val, &on);
	if (err)
		return err;
	mutex_lock(&fl_paths_lock);
	if (fl_paths_ready && on != fl_paths_enabled()) {
		if (on)
			err = fl_paths_on_now();
		else
			fl_paths_off();
	}
	if (!err)
		fl_paths_param = on;
	mutex_unlock(&fl_paths_lock);
	return err;
}

static const struct kernel_param_ops fl_paths_ops = {
	.set = fl_paths_set,
	.get = param_get_bool,
};

module_param_cb(paths, &fl_paths_ops, &fl_paths_param, 0644);
MODULE_PARM_DESC(paths,
		 "count faults by path: zero-fill, copy-on-write, page cache, file read, swap-in, THP, hugetlb, shmem, userfaultfd (0 or 1, default 0; root may change it at run time)");

/* At exit: the filters, which outlive the callbacks' detaching. */
static void fl_paths_free_filters(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_path_hooks); i++) {
		struct fl_path_hook *h = &fl_path_hooks[i];

		if (h->filtered)
			ftrace_free_filter(&h->ops);
		h->filtered = false;
	}
}

int fl_paths_init(void)
{
	int err = 0;

	mutex_lock(&fl_paths_lock);
	fl_paths_ready = true;
	if (fl_paths_param)
		err = fl_paths_on_now();
	if (err) {
		fl_paths_ready = false;
		fl_paths_free_filters();
	}
	mutex_unlock(&fl_paths_lock);
	return err;
}

void fl_paths_exit(void)
{
	mutex_lock(&fl_paths_lock);
	if (fl_paths_enabled())
		fl_paths_off();
	fl_paths_ready = false;
	fl_paths_free_filters();
	mutex_unlock(&fl_paths_lock);
}
