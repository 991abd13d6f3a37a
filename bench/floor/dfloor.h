/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat_dfloor: the trampolines (dfloor_tramp.S) and their C halves
 * (dfloor.c), one of each per traced function.
 */
#ifndef _FAULTLAT_DFLOOR_H
#define _FAULTLAT_DFLOOR_H

#include <linux/mm_types.h>
#include <linux/ptrace.h>

typedef vm_fault_t dfloor_fault_fn(struct vm_area_struct *vma,
				   unsigned long address, unsigned int flags,
				   struct pt_regs *regs);
typedef unsigned long dfloor_fn(unsigned long, unsigned long, unsigned long,
				unsigned long, unsigned long, unsigned long);

void dfloor_tramp_fault(void);
void dfloor_tramp_range(void);
void dfloor_tramp_func(void);
void dfloor_tramp_ipi0(void);
void dfloor_tramp_ipi1(void);
void dfloor_tramp_ipi2(void);
void dfloor_tramp_ipi3(void);

dfloor_fault_fn dfloor_dcall_fault;
dfloor_fn dfloor_dcall_range;
dfloor_fn dfloor_dcall_func;
dfloor_fn dfloor_dcall_ipi0;
dfloor_fn dfloor_dcall_ipi1;
dfloor_fn dfloor_dcall_ipi2;
dfloor_fn dfloor_dcall_ipi3;

#endif /* _FAULTLAT_DFLOOR_H */
