/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat_dfloor: the direct-call trampolines of the benchmark's direct
 * floor, one per traced function: faultlat's own (module/tramp.inc), each
 * calling an empty C half.
 */
#include "compat.h"
#include "tramp.inc"

FL_TRAMP dfloor_tramp_fault, dfloor_dcall_fault
FL_TRAMP dfloor_tramp_range, dfloor_dcall_range
FL_TRAMP dfloor_tramp_func, dfloor_dcall_func
FL_TRAMP dfloor_tramp_ipi0, dfloor_dcall_ipi0
FL_TRAMP dfloor_tramp_ipi1, dfloor_dcall_ipi1
FL_TRAMP dfloor_tramp_ipi2, dfloor_dcall_ipi2
FL_TRAMP dfloor_tramp_ipi3, dfloor_dcall_ipi3
