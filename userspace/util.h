/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: small helpers in the kernel's spelling.
 */
#ifndef FAULTLAT_UTIL_H
#define FAULTLAT_UTIL_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1U << (n))

/* for variables shared with a signal handler */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

#endif /* FAULTLAT_UTIL_H */
