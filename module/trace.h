/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat's trace events (system "faultlat"): one per completed page
 * fault, one per TLB flush a task initiated.  perf list shows them as
 * faultlat:fault and faultlat:tlb_flush.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM faultlat

#if !defined(_FAULTLAT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _FAULTLAT_TRACE_H

#include <linux/tracepoint.h>
#include <linux/faultlat.h>

TRACE_DEFINE_ENUM(FAULTLAT_MODE_USER);
TRACE_DEFINE_ENUM(FAULTLAT_MODE_KERNEL);
TRACE_DEFINE_ENUM(FAULTLAT_KIND_ANON);
TRACE_DEFINE_ENUM(FAULTLAT_KIND_FILE);
TRACE_DEFINE_ENUM(FAULTLAT_KIND_SHMEM);
TRACE_DEFINE_ENUM(FAULTLAT_KIND_HUGETLB);
TRACE_DEFINE_ENUM(FAULTLAT_ACCESS_READ);
TRACE_DEFINE_ENUM(FAULTLAT_ACCESS_WRITE);
TRACE_DEFINE_ENUM(FAULTLAT_ACCESS_EXEC);
TRACE_DEFINE_ENUM(FAULTLAT_EVENT_MINOR);
TRACE_DEFINE_ENUM(FAULTLAT_EVENT_MAJOR);
TRACE_DEFINE_ENUM(FAULTLAT_EVENT_ERROR);
TRACE_DEFINE_ENUM(FAULTLAT_TLB_EVENT_RANGE);
TRACE_DEFINE_ENUM(FAULTLAT_TLB_EVENT_CEILING);
TRACE_DEFINE_ENUM(FAULTLAT_TLB_EVENT_FULL);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_ZERO);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_COW);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_CACHE);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_READ);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_SWAPIN);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_THP);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_HUGETLB);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_SHMEM);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_UFFD);
TRACE_DEFINE_ENUM(FAULTLAT_PATH_OTHER);
TRACE_DEFINE_ENUM(FAULTLAT_NR_PATHS);

/**
 * fault - a page fault completed (or failed), in the faulting thread
 * @address: the faulting user address, page-aligned
 * @latency_ns: from the first handle_mm_fault() entry to the final return
 * @result: the final call's vm_fault_t bits
 * @attempts: handle_mm_fault() calls (1 + retries)
 * @outcome: minor, major or error
 * @mode: user or kernel
 * @kind: anon, file, shmem or hugetlb
 * @access: read, write or exec
 * @causes: the time by cause, [enum faultlat_cause] (module parameter
 *	causes; zeroes when it is off): the fields reclaim_ns to uffd_ns,
 *	after the others (the event's first fields are as before), and
 *	page_lock_ns, fallback_ns and zeroing_ns, the last (since 0.8)
 * @path: what the kernel did, enum faultlat_path (module parameter paths;
 *	FAULTLAT_NR_PATHS, printed "-", when it is off or the fault was not
 *	told)
 * @tree: the open process tree (FAULTLAT_IOC_TREE) of the faulting
 *	thread's process, or 0: for a filter "tree == ID" that keeps a
 *	tree's faults in the kernel
 *
 * The record's first fields, pid and tgid, are current's: the thread and
 * its process (not arguments: a BPF raw tracepoint takes 12 at most).
 */
TRACE_EVENT(fault,
	    TP_PROTO(unsigned long address, u64 latency_ns, u32 result,
		     u32 attempts, u8 outcome, u8 mode, u8 kind, u8 access,
		     const u64 *causes, u8 path, u32 tree),
	    TP_ARGS(address, latency_ns, result, attempts, outcome, mode, kind,
		    access, causes, path, tree),
	    TP_STRUCT__entry(__field(u32, pid)
			     __field(u32, tgid)
			     __field(unsigned long, address)
			     __field(u64, latency_ns)
			     __field(u32, result)
			     __field(u32, attempts)
			     __field(u8, outcome)
			     __field(u8, mode)
			     __field(u8, kind)
			     __field(u8, access)
			     __field(u64, reclaim_ns)
			     __field(u64, compaction_ns)
			     __field(u64, mmap_lock_ns)
			     __field(u64, io_ns)
			     __field(u64, uffd_ns)
			     __field(u8, path)
			     __field(u32, tree)
			     __field(u64, page_lock_ns)
			     __field(u64, fallback_ns)
			     __field(u64, zeroing_ns)),
	    TP_fast_assign(__entry->pid = current->pid;
			   __entry->tgid = current->tgid;
			   __entry->address = address;
			   __entry->latency_ns = latency_ns;
			   __entry->result = result;
			   __entry->attempts = attempts;
			   __entry->outcome = outcome;
			   __entry->mode = mode;
			   __entry->kind = kind;
			   __entry->access = access;
			   __entry->reclaim_ns = causes[FAULTLAT_CAUSE_RECLAIM];
			   __entry->compaction_ns =
				causes[FAULTLAT_CAUSE_COMPACTION];
			   __entry->mmap_lock_ns =
				causes[FAULTLAT_CAUSE_MMAP_LOCK];
			   __entry->io_ns = causes[FAULTLAT_CAUSE_IO];
			   __entry->uffd_ns = causes[FAULTLAT_CAUSE_UFFD];
			   __entry->path = path;
			   __entry->tree = tree;
			   __entry->page_lock_ns =
				causes[FAULTLAT_CAUSE_PAGE_LOCK];
			   __entry->fallback_ns =
				causes[FAULTLAT_CAUSE_FALLBACK];
			   __entry->zeroing_ns =
				causes[FAULTLAT_CAUSE_ZEROING];),
	    TP_printk("pid=%u tgid=%u address=0x%lx latency_ns=%llu outcome=%s mode=%s kind=%s access=%s result=0x%x attempts=%u reclaim_ns=%llu compaction_ns=%llu mmap_lock_ns=%llu io_ns=%llu uffd_ns=%llu path=%s tree=%u page_lock_ns=%llu fallback_ns=%llu zeroing_ns=%llu",
		      __entry->pid, __entry->tgid, __entry->address,
		      __entry->latency_ns,
		      __print_symbolic(__entry->outcome,
				       { FAULTLAT_EVENT_MINOR, "minor" },
				       { FAULTLAT_EVENT_MAJOR, "major" },
				       { FAULTLAT_EVENT_ERROR, "error" }),
		      __print_symbolic(__entry->mode,
				       { FAULTLAT_MODE_USER, "user" },
				       { FAULTLAT_MODE_KERNEL, "kernel" }),
		      __print_symbolic(__entry->kind,
				       { FAULTLAT_KIND_ANON, "anon" },
				       { FAULTLAT_KIND_FILE, "file" },
				       { FAULTLAT_KIND_SHMEM, "shmem" },
				       { FAULTLAT_KIND_HUGETLB, "hugetlb" }),
		      __print_symbolic(__entry->access,
				       { FAULTLAT_ACCESS_READ, "read" },
				       { FAULTLAT_ACCESS_WRITE, "write" },
				       { FAULTLAT_ACCESS_EXEC, "exec" }),
		      __entry->result, __entry->attempts,
		      __entry->reclaim_ns, __entry->compaction_ns,
		      __entry->mmap_lock_ns, __entry->io_ns, __entry->uffd_ns,
		      __print_symbolic(__entry->path,
				       { FAULTLAT_PATH_ZERO, "zero" },
				       { FAULTLAT_PATH_COW, "cow" },
				       { FAULTLAT_PATH_CACHE, "cache" },
				       { FAULTLAT_PATH_READ, "read" },
				       { FAULTLAT_PATH_SWAPIN, "swapin" },
				       { FAULTLAT_PATH_THP, "thp" },
				       { FAULTLAT_PATH_HUGETLB, "hugetlb" },
				       { FAULTLAT_PATH_SHMEM, "shmem" },
				       { FAULTLAT_PATH_UFFD, "uffd" },
				       { FAULTLAT_PATH_OTHER, "other" },
				       { FAULTLAT_NR_PATHS, "-" }),
		      __entry->tree, __entry->page_lock_ns,
		      __entry->fallback_ns, __entry->zeroing_ns)
);

/**
 * tlb_flush - a task's flush_tlb_mm_range() returned
 * @pid: thread
 * @tgid: process
 * @start: start of the range asked for
 * @end: its end (TLB_FLUSH_ALL, -1, for a full flush)
 * @pages: pages of the range (0 when full)
 * @latency_ns: time in flush_tlb_mm_range(), waiting for other CPUs included
 * @remote_cpus: other CPUs the IPI function targeted (0: local only)
 * @reason: range, ceiling (a range above tlb_ceiling: flushed whole) or
 *	full (the caller asked for the whole mm)
 */
TRACE_EVENT(tlb_flush,
	    TP_PROTO(u32 pid, u32 tgid, unsigned long start, unsigned long end,
		     u64 pages, u64 latency_ns, u32 remote_cpus, u8 reason),
	    TP_ARGS(pid, tgid, start, end, pages, latency_ns, remote_cpus,
		    reason),
	    TP_STRUCT__entry(__field(u32, pid)
			     __field(u32, tgid)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(u64, pages)
			     __field(u64, latency_ns)
			     __field(u32, remote_cpus)
			     __field(u8, reason)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->tgid = tgid;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->pages = pages;
			   __entry->latency_ns = latency_ns;
			   __entry->remote_cpus = remote_cpus;
			   __entry->reason = reason;),
	    TP_printk("pid=%u tgid=%u start=0x%lx end=0x%lx pages=%llu latency_ns=%llu remote_cpus=%u reason=%s",
		      __entry->pid, __entry->tgid, __entry->start, __entry->end,
		      __entry->pages, __entry->latency_ns,
		      __entry->remote_cpus,
		      __print_symbolic(__entry->reason,
				       { FAULTLAT_TLB_EVENT_RANGE, "range" },
				       { FAULTLAT_TLB_EVENT_CEILING, "ceiling" },
				       { FAULTLAT_TLB_EVENT_FULL, "full" }))
);

#endif /* _FAULTLAT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
