/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: direct-call trampolines (x86-64), one per traced function.
 *
 * With ftrace's direct calls, the traced function's fentry site calls the
 * trampoline instead of __fentry__ (or ftrace's own trampoline returns
 * into it, when other tracers share the site).  The trampoline is entered
 * as a function whose return address is the traced function's body, just
 * after the fentry call, and above that the traced function's own return
 * address.  The argument registers still hold the traced function's
 * arguments, and the trampoline leaves them be:
 *
 *  1. it calls its C half (fl_dcall_*(), direct.h and probes.c) with them:
 *     the C half runs the entry hook, calls the body with the same
 *     arguments, runs the exit hook and returns the body's return value;
 *  2. drops its own return address (into the body, which has run) and
 *     returns to the traced function's caller with that value.
 *
 * Unwinding: the kernel's unwinder is ORC, whose tables objtool makes from
 * every instruction's stack state; the trampoline needs no frame of its
 * own (which would be three more instructions a call).  After step 2's
 * `add', the stack is that of the traced function at entry (its caller's
 * return address on top), which UNWIND_HINT_FUNC tells objtool: the state
 * is not a modified frame but a function's first one.  A stack trace taken
 * in the body reads: body, the C half, this trampoline, the fentry site,
 * the caller.
 *
 * Only functions of at most six register arguments (no stack arguments)
 * may be traced this way; direct.c checks that from their prototypes.
 */
#include <linux/linkage.h>
#include <asm/unwind_hints.h>

.macro FL_TRAMP name:req, half:req
SYM_FUNC_START(\name)
	call	\half
	/* the body's return address: it has run */
	addq	$8, %rsp
	UNWIND_HINT_FUNC
	RET
SYM_FUNC_END(\name)
.endm

/*
 * handle_mm_fault()'s body, just after its fentry call, for its C half
 * to call directly: an indirect call through fl_direct_body[] costs a
 * retpoline's four instructions where the kernel has them.  The site's
 * address is handle_mm_fault's (direct.c checks), its fentry call 5 bytes
 * (FL_FENTRY_SIZE, probes.c asserts).
 */
SYM_FUNC_START(fl_body_fault)
	jmp	handle_mm_fault + 5
SYM_FUNC_END(fl_body_fault)

FL_TRAMP fl_tramp_fault, fl_dcall_fault
FL_TRAMP fl_tramp_tlb_range, fl_dcall_range
FL_TRAMP fl_tramp_tlb_func, fl_dcall_func
FL_TRAMP fl_tramp_tlb_ipi0, fl_dcall_ipi0
FL_TRAMP fl_tramp_tlb_ipi1, fl_dcall_ipi1
FL_TRAMP fl_tramp_tlb_ipi2, fl_dcall_ipi2
FL_TRAMP fl_tramp_tlb_ipi3, fl_dcall_ipi3
