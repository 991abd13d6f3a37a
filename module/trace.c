// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the one file that creates the trace events of trace.h.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
