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
 *     arguments (a static call: a direct call, direct.c), runs the exit
 *     hook and returns the body's return value;
 *  2. drops its own return address (into the body, which has run) and
 *     returns to the traced function's caller with that value.
 *
 * IBT: the trampoline begins with an ENDBR where the kernel has IBT, as
 * the kernel's samples/ftrace direct trampolines (ASM_ENDBR) and BPF
 * trampolines do.  No indirect branch reaches it today: the patched
 * fentry site calls it directly, and ftrace's trampoline, when it shares
 * the site, gets there by a RET, which IBT does not check (the kernel has
 * no shadow stack).  But its address is taken (given to ftrace), and
 * objtool --ibt wants every function whose address is taken to start
 * with an ENDBR ("data relocation to !ENDBR" on 7.3), which then keeps
 * the module loader from sealing it.  SYM_TYPED_FUNC_START(), the start
 * of a global whose address is taken, has the ENDBR on every kernel we
 * build for; SYM_FUNC_START() had it on 6.1 and 6.12, not on 7.3.  The
 * body, which has no ENDBR, is only ever called directly (direct.c).
 *
 * Call depth tracking: CALL_DEPTH_ACCOUNT (compat.h) counts the call into
 * the trampoline, which its RET's return thunk counts back.
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
#include "compat.h"
#include "tramp.inc"

FL_TRAMP fl_tramp_fault, fl_dcall_fault
FL_TRAMP fl_tramp_tlb_range, fl_dcall_range
FL_TRAMP fl_tramp_tlb_func, fl_dcall_func
FL_TRAMP fl_tramp_tlb_ipi0, fl_dcall_ipi0
FL_TRAMP fl_tramp_tlb_ipi1, fl_dcall_ipi1
FL_TRAMP fl_tramp_tlb_ipi2, fl_dcall_ipi2
FL_TRAMP fl_tramp_tlb_ipi3, fl_dcall_ipi3
