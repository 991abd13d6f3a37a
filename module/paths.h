/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: what the kernel did to resolve each fault, its path (paths.c).
 *
 * Off unless module parameter paths is on: then the static key fl_paths_on
 * lets the fault hooks call in here, and paths.c's ftrace callbacks are
 * attached to the kernel functions that tell the paths apart.  Off,
 * nothing of this runs and no callback is attached.
 */
#ifndef _FAULTLAT_PATHS_H
#define _FAULTLAT_PATHS_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/jump_label.h>
#include <linux/faultlat.h>

/*
 * What a fault did so far, struct fl_rec's path_marks: set by the fault
 * hooks and by the callbacks on the kernel's functions (paths.c), all in
 * the faulting thread.
 */
#define FL_PM_ACTIVE	BIT(0)	/* in a fault the hooks began: marks count */
#define FL_PM_MAJOR	BIT(1)	/* major, as mm_account_fault() says */
#define FL_PM_UFFD	BIT(2)	/* handle_userfault() */
#define FL_PM_MIGRATE	BIT(3)	/* migration_entry_wait() */
#define FL_PM_SWAP	BIT(4)	/* do_swap_page() */
#define FL_PM_WP	BIT(5)	/* do_wp_page(): a write to a present page */
#define FL_PM_NEW_ANON	BIT(6)	/* a new anonymous page mapped */
#define FL_PM_NEW_THP	BIT(7)	/* a new anonymous PMD-sized folio mapped */
#define FL_PM_WP_ZERO	BIT(8)	/* do_wp_page() of the zero page: no copy */

/* struct fl_rec's path_last when the fault was not told */
#define FL_PATH_NONE	FAULTLAT_NR_PATHS

/* Add the counts by path of @from to @to: arrays of either width. */
#define FL_PATHS_ADD(to, from)						\
	do {								\
		unsigned int i__;					\
									\
		for (i__ = 0; i__ < FAULTLAT_NR_PATHS; i__++)		\
			(to)[i__] += (from)[i__];			\
	} while (0)

/**
 * fl_path_of() - the path of a fault, from what it did
 * @m: its marks, FL_PM_*
 * @kind: its vma's enum faultlat_kind
 *
 * The order of enum faultlat_path's documentation: the first that holds.
 *
 * Return: an enum faultlat_path.
 */
static __always_inline u8 fl_path_of(u16 m, unsigned int kind)
{
	if (m & FL_PM_UFFD)
		return FAULTLAT_PATH_UFFD;
	if (kind == FAULTLAT_KIND_HUGETLB)
		return FAULTLAT_PATH_HUGETLB;
	if (kind == FAULTLAT_KIND_SHMEM)
		return FAULTLAT_PATH_SHMEM;
	if (m & FL_PM_MIGRATE)
		return FAULTLAT_PATH_OTHER;
	if (m & FL_PM_SWAP)
		return FAULTLAT_PATH_SWAPIN;
	if (m & FL_PM_NEW_THP)
		return FAULTLAT_PATH_THP;
	if (m & FL_PM_MAJOR)
		return kind == FAULTLAT_KIND_FILE ? FAULTLAT_PATH_READ :
						    FAULTLAT_PATH_SWAPIN;
	if ((m & FL_PM_NEW_ANON) &&
	    ((m & FL_PM_WP) || kind == FAULTLAT_KIND_FILE))
		return FAULTLAT_PATH_COW;
	if (m & FL_PM_WP)
		return FAULTLAT_PATH_OTHER;
	return kind == FAULTLAT_KIND_FILE ? FAULTLAT_PATH_CACHE :
					    FAULTLAT_PATH_ZERO;
}

DECLARE_STATIC_KEY_FALSE(fl_paths_on);

struct fl_rec;

void fl_paths_reset_rec(struct fl_rec *r);
int fl_paths_init(void);
void fl_paths_exit(void);
bool fl_paths_enabled(void);
const char *fl_path_name(unsigned int path);
struct seq_file;
void fl_paths_hooks_show(struct seq_file *m);
void fl_paths_layout_show(struct seq_file *m);

#endif /* _FAULTLAT_PATHS_H */
