/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: symbolizing the stacks that trace --stack and record
 * capture.
 *
 * User addresses go through elfutils' libdwfl: each process's modules are
 * reported from the text of its /proc/PID/maps (dwfl_linux_proc_maps_report),
 * kept from the first time the process is seen (and read again when an
 * address falls outside it, or when the process is about to exit), so a
 * process that has exited by the time its events are read is still
 * symbolized; libdwfl finds the symbol tables, build-ids and separate
 * debuginfo (/usr/lib/debug) itself.  Kernel addresses go through
 * libtraceevent's function map, loaded from /proc/kallsyms.
 */
#ifndef FAULTLAT_SYM_H
#define FAULTLAT_SYM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct fl_proc;
struct tep_handle;

struct fl_syms {
	struct fl_proc **procs;		/* hash by tgid */
	struct tep_handle *ktep;	/* kallsyms, loaded on first use */
	bool kloaded;
	bool kfailed;
};

/* One resolved address; the strings live until the next call. */
struct fl_frame {
	__u64 addr;
	const char *sym;	/* NULL: unknown */
	__u64 off;		/* addr - the symbol's start */
	const char *dso;	/* user: the module's file; kernel: NULL */
	const char *src;	/* source file, or NULL */
	int line;		/* 0: unknown */
};

/* The mapping an address is in, from the process's maps. */
struct fl_mapping {
	/* a file's path, [heap], [stack], [vdso], [anon], or [unknown] */
	char name[256];
	__u64 offset;		/* in the file (0 for the others) */
	bool file;
};

int fl_syms_init(struct fl_syms *s);
void fl_syms_free(struct fl_syms *s);

/*
 * fl_syms_see() - note process @tgid: read its maps if we have none yet.
 * fl_syms_refresh() - read them again (it may exit soon, or mapped more).
 * Both return 0, or -1 if /proc/TGID/maps could not be read.
 */
int fl_syms_see(struct fl_syms *s, __u32 tgid);
int fl_syms_refresh(struct fl_syms *s, __u32 tgid);

/*
 * fl_syms_count() - the processes fl_syms_see() was asked about (*@procs),
 * and those of them whose maps could never be read (*@unmapped: gone
 * before they were, their addresses cannot be symbolized).
 */
void fl_syms_count(const struct fl_syms *s, unsigned int *procs,
		   unsigned int *unmapped);

/*
 * fl_syms_user() - the symbol (and source line, where debuginfo has it)
 * of @addr in process @tgid.  @ret: @addr is a return address (every
 * frame but the first), looked up one byte back, in its call.
 */
void fl_syms_user(struct fl_syms *s, __u32 tgid, __u64 addr, bool ret,
		  struct fl_frame *f);

/* fl_syms_kernel() - the kernel function of @addr, from /proc/kallsyms. */
void fl_syms_kernel(struct fl_syms *s, __u64 addr, struct fl_frame *f);

/* fl_syms_mapping() - the mapping of @addr in process @tgid. */
void fl_syms_mapping(struct fl_syms *s, __u32 tgid, __u64 addr,
		     struct fl_mapping *m);

/*
 * fl_maps_find() - the mapping of @addr in @maps, the text of a
 * /proc/PID/maps; false if no line holds it.  (Exposed for the tests.)
 */
bool fl_maps_find(const char *maps, __u64 addr, struct fl_mapping *m);

#endif /* FAULTLAT_SYM_H */
