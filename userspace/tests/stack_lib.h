/* SPDX-License-Identifier: GPL-2.0 */
/* The shared library of tests/stack_workload.c */
#ifndef FAULTLAT_STACK_LIB_H
#define FAULTLAT_STACK_LIB_H

/* What the compiler may not keep in a register, nor drop */
static inline void fl_keep(const void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Write one byte into each of the @pages pages at @p. */
void fault_in_lib_b(char *p, long pages);

#endif /* FAULTLAT_STACK_LIB_H */
