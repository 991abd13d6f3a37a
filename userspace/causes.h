/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: the time by cause of many faults (module parameter
 * causes), as the client keeps it.
 *
 * The module splits it in two: struct faultlat_causes has the first
 * FAULTLAT_NR_CAUSES causes, struct faultlat_causes_more those after them
 * (since 0.8; an older module leaves it as passed, zeroes).  The client
 * puts them together in a struct fl_causes, [enum faultlat_cause] up to
 * FAULTLAT_NR_CAUSES_ALL, and the code that shows them asks
 * fl_causes_told() how many of them the module tells: before 0.8, a wait
 * for a page's lock is in io, a fallback's wasted attempt and the zeroing
 * of a huge page in the rest, so page_lock, fallback and zeroing are not
 * 0 there but unknown.
 */
#ifndef FAULTLAT_CAUSES_H
#define FAULTLAT_CAUSES_H

#include <assert.h>
#include <string.h>
#include <linux/faultlat.h>

static_assert(FAULTLAT_NR_CAUSES_ALL - FAULTLAT_NR_CAUSES <=
	      FAULTLAT_NR_CAUSES_MORE,
	      "struct faultlat_causes_more holds the causes after the first");

struct fl_causes {
	__u64 faults;		/* completed faults timed by cause */
	__u64 latency_ns;	/* their latency */
	__u64 ns[FAULTLAT_NR_CAUSES_ALL];	/* [enum faultlat_cause] */
	__u64 with[FAULTLAT_NR_CAUSES_ALL];	/* faults with time in it */
};

/* Add the module's @a and @m (the same faults') to @c. */
static inline void fl_causes_add(struct fl_causes *c,
				 const struct faultlat_causes *a,
				 const struct faultlat_causes_more *m)
{
	unsigned int i;

	c->faults += a->faults;
	c->latency_ns += a->latency_ns;
	for (i = 0; i < FAULTLAT_NR_CAUSES_ALL; i++) {
		c->ns[i] += i < FAULTLAT_NR_CAUSES ? a->ns[i] :
			    m->ns[i - FAULTLAT_NR_CAUSES];
		c->with[i] += i < FAULTLAT_NR_CAUSES ? a->with[i] :
			      m->with[i - FAULTLAT_NR_CAUSES];
	}
}

/* @c: the module's @a and @m. */
static inline void fl_causes_get(struct fl_causes *c,
				 const struct faultlat_causes *a,
				 const struct faultlat_causes_more *m)
{
	memset(c, 0, sizeof(*c));
	fl_causes_add(c, a, m);
}

/*
 * The causes a module of version @major.@minor tells, the first of
 * [enum faultlat_cause]: all of them since 0.8 (page_lock, fallback and
 * zeroing came together: no released module has some of them only),
 * FAULTLAT_NR_CAUSES before.
 */
static inline unsigned int fl_causes_told(unsigned int major,
					  unsigned int minor)
{
	return major > 0 || minor >= 8 ? FAULTLAT_NR_CAUSES_ALL :
					 FAULTLAT_NR_CAUSES;
}

#endif /* FAULTLAT_CAUSES_H */
