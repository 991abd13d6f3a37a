/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat_dfloor: the direct-call trampolines of the benchmark's direct
 * floor, one per traced function, built as faultlat's are (module/tramp.S
 * says why each instruction is there): call the C half with the traced
 * function's argument registers, drop the return address into the body,
 * which the C half has run, and return to the traced function's caller.
 */
#include <linux/cfi_types.h>
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "compat.h"

.macro DFLOOR_TRAMP name:req, half:req
SYM_TYPED_FUNC_START(\name)
	CALL_DEPTH_ACCOUNT
	call	\half
	addq	$8, %rsp
	UNWIND_HINT_FUNC
	RET
SYM_FUNC_END(\name)
.endm

DFLOOR_TRAMP dfloor_tramp_fault, dfloor_dcall_fault
DFLOOR_TRAMP dfloor_tramp_range, dfloor_dcall_range
DFLOOR_TRAMP dfloor_tramp_func, dfloor_dcall_func
DFLOOR_TRAMP dfloor_tramp_ipi0, dfloor_dcall_ipi0
DFLOOR_TRAMP dfloor_tramp_ipi1, dfloor_dcall_ipi1
DFLOOR_TRAMP dfloor_tramp_ipi2, dfloor_dcall_ipi2
DFLOOR_TRAMP dfloor_tramp_ipi3, dfloor_dcall_ipi3
