// SPDX-License-Identifier: GPL-2.0
/*
 * libfaultlat_stacklib.so: a function that faults, in a shared library,
 * for tests/stack_workload.c.
 */
#include "stack_lib.h"

void fault_in_lib_b(char *p, long pages)
{
	long i;

	/*
	 * i in memory: gcc gives a leaf function that needs no stack no
	 * frame, -fno-omit-frame-pointer or not, and the kernel's stack
	 * walk would then skip its caller
	 */
	for (i = 0; i < pages; i++) {
		p[i * 4096] = 2;
		fl_keep(&i);
	}
}
