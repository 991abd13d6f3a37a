/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: direct-call trampolines (x86-64), one per traced function.
 *
 * With ftrace's direct calls, the traced function's fentry site calls the
 * trampoline instead of __fentry__ (or ftrace's own trampoline returns
 * into it, when other tracers share the site).  The trampoline is entered
 * as a function whose return address is the traced function's body, just
 * after the fentry call, and above that the traced function's own return
 * address.  It:
 *
 *  1. builds a frame (struct fl_dframe) and saves the argument registers;
 *  2. calls the entry hook with the frame;
 *  3. restores the arguments and calls the body (fl_direct_body[i]);
 *  4. calls the exit hook with the frame, the return value in it;
 *  5. drops its own return address (into the body, which has run) and
 *     returns to the traced function's caller with the return value.
 *
 * Unwinding: the frame is a normal %rbp frame, and objtool knows every
 * instruction's stack state from it.  After step 5's `add', the stack is
 * that of the traced function at entry (its caller's return address on
 * top), which UNWIND_HINT_FUNC tells objtool: the state is not a modified
 * frame but a function's first one.  A stack trace taken in the body reads:
 * body, this trampoline, the fentry site, the caller.
 *
 * Only functions of at most six register arguments (no stack arguments)
 * may be traced this way; direct.c checks that from their prototypes.
 */
#include <linux/linkage.h>
#include <asm/unwind_hints.h>
#include <asm/nospec-branch.h>

#include "direct.h"

.macro FL_TRAMP name:req, idx:req, enter:req, exit:req
SYM_FUNC_START(\name)
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$FL_DF_SIZE, %rsp
	movq	%rdi, FL_DF_ARGS + 0(%rsp)
	movq	%rsi, FL_DF_ARGS + 8(%rsp)
	movq	%rdx, FL_DF_ARGS + 16(%rsp)
	movq	%rcx, FL_DF_ARGS + 24(%rsp)
	movq	%r8, FL_DF_ARGS + 32(%rsp)
	movq	%r9, FL_DF_ARGS + 40(%rsp)
	movq	%rsp, %rdi
	call	\enter
	movq	FL_DF_ARGS + 0(%rsp), %rdi
	movq	FL_DF_ARGS + 8(%rsp), %rsi
	movq	FL_DF_ARGS + 16(%rsp), %rdx
	movq	FL_DF_ARGS + 24(%rsp), %rcx
	movq	FL_DF_ARGS + 32(%rsp), %r8
	movq	FL_DF_ARGS + 40(%rsp), %r9
	movq	fl_direct_body + 8 * \idx(%rip), %rax
	CALL_NOSPEC rax
	movq	%rax, FL_DF_RET(%rsp)
	movq	%rsp, %rdi
	call	\exit
	movq	FL_DF_RET(%rsp), %rax
	leave
	/* the body's return address: it has run */
	addq	$8, %rsp
	UNWIND_HINT_FUNC
	RET
SYM_FUNC_END(\name)
.endm

/* In enum fl_site_id order (faultlat.h): the index is the site's. */
FL_TRAMP fl_tramp_fault, 0, fl_dhook_fault_enter, fl_dhook_fault_exit
FL_TRAMP fl_tramp_tlb_range, 1, fl_dhook_range_enter, fl_dhook_range_exit
FL_TRAMP fl_tramp_tlb_func, 2, fl_dhook_func_enter, fl_dhook_func_exit
FL_TRAMP fl_tramp_tlb_ipi0, 3, fl_dhook_ipi0_enter, fl_dhook_ipi0_exit
FL_TRAMP fl_tramp_tlb_ipi1, 4, fl_dhook_ipi1_enter, fl_dhook_ipi1_exit
FL_TRAMP fl_tramp_tlb_ipi2, 5, fl_dhook_ipi2_enter, fl_dhook_ipi2_exit
FL_TRAMP fl_tramp_tlb_ipi3, 6, fl_dhook_ipi3_enter, fl_dhook_ipi3_exit
