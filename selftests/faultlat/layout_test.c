// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's private layouts faultlat relies on, against the running
 * kernel's BTF (/sys/kernel/btf/vmlinux, read with libbpf):
 *
 * - flush_tlb_info: each field of struct flush_tlb_info that the module
 *   copies (struct fl_flush_tlb_info in module/compat.h) has the kernel's
 *   offset and size;
 * - tlb_prototypes: each traced TLB function has the number of arguments
 *   the module's site says, and each argument a handler reads has the
 *   kernel's name and size at that position;
 * - tlb_reasons: every reason of the kernel's enum tlb_flush_reason is one
 *   the uapi names (enum faultlat_tlb_reason), at the same number, within
 *   FAULTLAT_TLB_REASON_SLOTS, and FAULTLAT_IOC_TLB_GLOBAL's kernel_reasons
 *   is their number;
 * - tlb_ceiling: the module's tlb_ceiling is the kernel's
 *   tlb_single_page_flush_ceiling (debugfs's x86 directory);
 * - path_functions: each function whose calls tell a fault's path
 *   (module parameter paths) is a real function of this kernel (in BTF:
 *   not inlined), and the arguments its callbacks read, the new anonymous
 *   page and do_wp_page()'s struct vm_fault, are the kernel's: a pointer
 *   to the struct (folio, or page on 6.1; vm_fault) the module takes it
 *   for, at the same position, of that name.
 * - wait_functions: each function whose calls tell a wait for a page's
 *   lock or the zeroing of a huge page (module parameter causes) is a
 *   real function of this kernel,
 *   its first argument a struct folio * named folio, and the bit it waits
 *   for, where it takes one, an int bit_nr at the position the module
 *   reads.
 *
 * What the module assumes comes from its debugfs file "layout".  A kernel
 * without BTF (the rig's debug kernel) skips; a function that is attached
 * but absent from BTF fails: it cannot be checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <bpf/btf.h>

#include "kselftest_harness.h"
#include "faultlat_util.h"

#define DEBUGFS		"/sys/kernel/debug"
#define LAYOUT		DEBUGFS "/faultlat/layout"
#define VMLINUX_BTF	"/sys/kernel/btf/vmlinux"
#define CEILING		DEBUGFS "/x86/tlb_single_page_flush_ceiling"
#define MOD_CEILING	"/sys/module/faultlat/parameters/tlb_ceiling"

/* a line in the log, flushed: the harness's child exits with _exit() */
#define FL_INFO(fmt, ...) do {				\
	ksft_print_msg(fmt, ##__VA_ARGS__);		\
	fflush(stdout);					\
} while (0)

/* The layout file, or NULL (errno set); debugfs mounted if it is not. */
static FILE *layout_open(void)
{
	FILE *f = fopen(LAYOUT, "r");

	if (!f && errno == ENOENT &&
	    !mount("debugfs", DEBUGFS, "debugfs", 0, NULL))
		f = fopen(LAYOUT, "r");
	return f;
}

/*
 * In this version of the harness a SKIP() in a fixture's setup does not
 * stop the test body from running: leave through the harness's jump
 * buffer, with the test marked skipped (as tlb_test.c does).
 */
#define FL_SKIP_SETUP(fmt, ...) \
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

FIXTURE(btf) {
	struct btf *btf;
	FILE *layout;
};

FIXTURE_SETUP(btf)
{
	self->btf = NULL;
	self->layout = NULL;
	if (access(VMLINUX_BTF, R_OK))
		FL_SKIP_SETUP("%s: %s (kernel without BTF)", VMLINUX_BTF,
			      strerror(errno));
	self->btf = btf__load_vmlinux_btf();
	ASSERT_NE(NULL, self->btf)
		TH_LOG("loading %s: %s", VMLINUX_BTF, strerror(errno));
	self->layout = layout_open();
	ASSERT_NE(NULL, self->layout)
		TH_LOG("%s: %s (is faultlat loaded?)", LAYOUT, strerror(errno));
}

FIXTURE_TEARDOWN(btf)
{
	if (self->layout)
		fclose(self->layout);
	btf__free(self->btf);
}

/* BTF's member @name of struct @st, or NULL; its index in @idx. */
static const struct btf_member *find_member(const struct btf *btf,
					    const struct btf_type *st,
					    const char *name, int *idx)
{
	const struct btf_member *m = btf_members(st);
	int i;

	for (i = 0; i < btf_vlen(st); i++, m++) {
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name)) {
			*idx = i;
			return m;
		}
	}
	return NULL;
}

TEST_F(btf, flush_tlb_info)
{
	const struct btf_type *st;
	char field[64], *line = NULL;
	size_t cap = 0, off, size;
	int id, checked = 0;

	id = btf__find_by_name_kind(self->btf, "flush_tlb_info",
				    BTF_KIND_STRUCT);
	ASSERT_LT(0, id) TH_LOG("no struct flush_tlb_info in BTF");
	st = btf__type_by_id(self->btf, id);
	while (getline(&line, &cap, self->layout) > 0) {
		const struct btf_member *m;
		int i;

		if (sscanf(line, "struct flush_tlb_info %63s %zu %zu", field,
			   &off, &size) != 3)
			continue;
		m = find_member(self->btf, st, field, &i);
		EXPECT_NE(NULL, m) {
			TH_LOG("flush_tlb_info.%s: not in the kernel's struct",
			       field);
			continue;
		}
		EXPECT_EQ(0, btf_member_bitfield_size(st, i))
			TH_LOG("flush_tlb_info.%s: a bitfield", field);
		EXPECT_EQ(off * 8, btf_member_bit_offset(st, i))
			TH_LOG("flush_tlb_info.%s: faultlat's offset %zu, the kernel's %u bits",
			       field, off, btf_member_bit_offset(st, i));
		EXPECT_EQ((long long)size, btf__resolve_size(self->btf, m->type))
			TH_LOG("flush_tlb_info.%s: faultlat's size %zu", field,
			       size);
		FL_INFO("flush_tlb_info.%s: offset %zu size %zu: as the kernel's\n",
			field, off, size);
		checked++;
	}
	free(line);
	/* mm, start, end, new_tlb_gen, initiating_cpu */
	ASSERT_EQ(5, checked) TH_LOG("fields in %s", LAYOUT);
}

/* The FUNC_PROTO of function @name, or NULL. */
static const struct btf_type *func_proto(const struct btf *btf,
					 const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	const struct btf_type *t;

	if (id <= 0)
		return NULL;
	t = btf__type_by_id(btf, id);
	return btf__type_by_id(btf, t->type);
}

TEST_F(btf, tlb_prototypes)
{
	char fn[128], state[16], param[64], *line = NULL;
	unsigned int nargs, idx, size;
	size_t cap = 0;
	int funcs = 0, attached = 0, args = 0;

	while (getline(&line, &cap, self->layout) > 0) {
		const struct btf_type *p;
		const struct btf_param *bp;
		const char *bname;

		if (sscanf(line, "func %127s %u %15s", fn, &nargs, state) == 3) {
			funcs++;
			p = func_proto(self->btf, fn);
			if (!p) {
				/* an optional IPI function this kernel lacks */
				EXPECT_STREQ("off", state)
					TH_LOG("%s: attached, but not in BTF: not checked",
					       fn);
				FL_INFO("%s: not in BTF, not attached\n", fn);
				continue;
			}
			attached += !strcmp(state, "attached");
			EXPECT_EQ(nargs, btf_vlen(p))
				TH_LOG("%s: faultlat's %u arguments, the kernel's %u",
				       fn, nargs, btf_vlen(p));
			FL_INFO("%s: %u arguments (%s): as the kernel's\n",
				fn, nargs, state);
			continue;
		}
		if (sscanf(line, "arg %127s %u %63s %u", fn, &idx, param,
			   &size) != 4)
			continue;
		p = func_proto(self->btf, fn);
		if (!p)
			continue;	/* reported above */
		args++;
		EXPECT_GT(btf_vlen(p), idx) {
			TH_LOG("%s: no argument %u", fn, idx);
			continue;
		}
		bp = btf_params(p) + idx;
		bname = btf__name_by_offset(self->btf, bp->name_off);
		EXPECT_STREQ(param, bname)
			TH_LOG("%s: argument %u", fn, idx);
		EXPECT_EQ((long long)size, btf__resolve_size(self->btf, bp->type))
			TH_LOG("%s: argument %u (%s): faultlat's size %u", fn,
			       idx, param, size);
		FL_INFO("%s: argument %u %s, size %u: as the kernel's\n",
			fn, idx, param, size);
	}
	free(line);
	/* flush_tlb_mm_range, flush_tlb_func, four IPI functions */
	ASSERT_EQ(6, funcs) TH_LOG("functions in %s", LAYOUT);
	/* flush_tlb_mm_range, flush_tlb_func and at least the native IPI one */
	ASSERT_LE(3, attached) TH_LOG("attached TLB functions found in BTF");
	ASSERT_LE(5, args) TH_LOG("arguments checked");
}

/* enum faultlat_tlb_reason, by the kernel's names */
static const char * const kernel_reason_names[] = {
	[FAULTLAT_TLB_TASK_SWITCH] = "TLB_FLUSH_ON_TASK_SWITCH",
	[FAULTLAT_TLB_REMOTE_SHOOTDOWN] = "TLB_REMOTE_SHOOTDOWN",
	[FAULTLAT_TLB_LOCAL_SHOOTDOWN] = "TLB_LOCAL_SHOOTDOWN",
	[FAULTLAT_TLB_LOCAL_MM_SHOOTDOWN] = "TLB_LOCAL_MM_SHOOTDOWN",
	[FAULTLAT_TLB_REMOTE_SEND_IPI] = "TLB_REMOTE_SEND_IPI",
	[FAULTLAT_TLB_REMOTE_WRONG_CPU] = "TLB_REMOTE_WRONG_CPU",
};

TEST_F(btf, tlb_reasons)
{
	static struct faultlat_tlb_global g;
	const struct btf_type *t;
	const struct btf_enum *e;
	unsigned int reasons = 0;
	int i, id, fd;

	id = btf__find_by_name_kind(self->btf, "tlb_flush_reason",
				    BTF_KIND_ENUM);
	ASSERT_LT(0, id) TH_LOG("no enum tlb_flush_reason in BTF");
	t = btf__type_by_id(self->btf, id);
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++, e++) {
		const char *name = btf__name_by_offset(self->btf, e->name_off);

		if (!strncmp(name, "NR_", 3))
			continue;	/* NR_TLB_FLUSH_REASONS, before 7.0 */
		reasons++;
		EXPECT_LT(e->val, FAULTLAT_TLB_REASON_SLOTS)
			TH_LOG("%s = %d: past faultlat's slots", name, e->val);
		EXPECT_TRUE(e->val >= 0 &&
			    e->val < (int)(sizeof(kernel_reason_names) /
					   sizeof(kernel_reason_names[0])) &&
			    !strcmp(name, kernel_reason_names[e->val]))
			TH_LOG("%s = %d: the uapi has no name for it (counted by number)",
			       name, e->val);
		FL_INFO("%s = %d\n", name, e->val);
	}
	fd = fl_open();
	ASSERT_LE(0, fd) TH_LOG("%s: %s", FAULTLAT_DEVICE, strerror(errno));
	memset(&g, 0, sizeof(g));
	g.size = sizeof(g);
	ASSERT_EQ(0, ioctl(fd, FAULTLAT_IOC_TLB_GLOBAL, &g))
		TH_LOG("FAULTLAT_IOC_TLB_GLOBAL: %s", strerror(errno));
	close(fd);
	EXPECT_EQ(FAULTLAT_TLB_REASON_SLOTS, g.reason_slots);
	EXPECT_EQ(reasons, g.kernel_reasons)
		TH_LOG("the module's idea of the kernel's reasons");
}

static int read_ulong(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%lu", v);
	fclose(f);
	return n == 1 ? 0 : -1;
}

/* Not a layout, but as private: the module can't read it. */
TEST_F(btf, tlb_ceiling)
{
	unsigned long kernel, mod;

	ASSERT_EQ(0, read_ulong(MOD_CEILING, &mod))
		TH_LOG("%s: %s", MOD_CEILING, strerror(errno));
	if (read_ulong(CEILING, &kernel))
		SKIP(return, "%s: %s", CEILING, strerror(errno));
	EXPECT_EQ(kernel, mod)
		TH_LOG("whole-mm flushes: the kernel's above %lu pages, faultlat's above %lu",
		       kernel, mod);
}

/*
 * Argument @idx of function @fn in @btf: named @param (checked), and its
 * type; NULL, the failure said, when there is none.
 */
static const struct btf_type *arg_type(struct __test_metadata *_metadata,
				       const struct btf *btf, const char *fn,
				       unsigned int idx, const char *param)
{
	const struct btf_type *p = func_proto(btf, fn);
	const struct btf_param *bp;

	EXPECT_NE(NULL, p) TH_LOG("%s: not in BTF", fn);
	if (!p)
		return NULL;
	EXPECT_GT(btf_vlen(p), idx) TH_LOG("%s: no argument %u", fn, idx);
	if (btf_vlen(p) <= idx)
		return NULL;
	bp = btf_params(p) + idx;
	EXPECT_STREQ(param, btf__name_by_offset(btf, bp->name_off))
		TH_LOG("%s: argument %u", fn, idx);
	return btf__type_by_id(btf, bp->type);
}

/* Argument @idx of @fn, of type @t, is a pointer to struct @st. */
static void expect_struct_ptr(struct __test_metadata *_metadata,
			      const struct btf *btf, const struct btf_type *t,
			      const char *fn, unsigned int idx, const char *st)
{
	EXPECT_TRUE(t && btf_is_ptr(t))
		TH_LOG("%s: argument %u is no pointer", fn, idx);
	if (!t || !btf_is_ptr(t))
		return;
	t = btf__type_by_id(btf, t->type);
	EXPECT_TRUE(t && btf_is_struct(t))
		TH_LOG("%s: argument %u points to no struct", fn, idx);
	if (!t || !btf_is_struct(t))
		return;
	EXPECT_STREQ(st, btf__name_by_offset(btf, t->name_off))
		TH_LOG("%s: argument %u's struct", fn, idx);
}

/* A "KEY NAME STATE" line of the layout: NAME is a function in BTF. */
static bool func_line(struct __test_metadata *_metadata,
		      const struct btf *btf, const char *line, const char *key)
{
	char fmt[32], fn[128], state[16];

	snprintf(fmt, sizeof(fmt), "%s %%127s %%15s", key);
	if (sscanf(line, fmt, fn, state) != 2)
		return false;
	EXPECT_NE(NULL, func_proto(btf, fn))
		TH_LOG("%s: not a function of this kernel (inlined, or renamed)",
		       fn);
	FL_INFO("%s: in BTF (%s)\n", fn, state);
	return true;
}

TEST_F(btf, path_functions)
{
	char fn[128], param[64], st[64], *line = NULL;
	unsigned int idx;
	size_t cap = 0;
	int funcs = 0, args = 0;

	while (getline(&line, &cap, self->layout) > 0) {
		if (func_line(_metadata, self->btf, line, "pathfunc")) {
			funcs++;
			continue;
		}
		if (sscanf(line, "patharg %127s %u %63s %63s", fn, &idx, param,
			   st) != 4)
			continue;
		args++;
		expect_struct_ptr(_metadata, self->btf,
				  arg_type(_metadata, self->btf, fn, idx, param),
				  fn, idx, st);
		FL_INFO("%s: argument %u %s, struct %s *: as the kernel's\n",
			fn, idx, param, st);
	}
	free(line);
	/* four, and the function that maps a new anonymous page */
	ASSERT_EQ(5, funcs) TH_LOG("path functions in %s", LAYOUT);
	/* the new anonymous page, do_wp_page()'s vmf */
	ASSERT_EQ(2, args) TH_LOG("path arguments in %s", LAYOUT);
}

TEST_F(btf, wait_functions)
{
	char fn[128], param[64], st[64], *line = NULL;
	const struct btf_type *t;
	unsigned int idx;
	size_t cap = 0;
	int funcs = 0, args = 0, bits = 0;

	while (getline(&line, &cap, self->layout) > 0) {
		if (func_line(_metadata, self->btf, line, "waitfunc")) {
			funcs++;
			continue;
		}
		if (sscanf(line, "waitarg %127s %u %63s %63s", fn, &idx, param,
			   st) == 4) {
			args++;
			expect_struct_ptr(_metadata, self->btf,
					  arg_type(_metadata, self->btf, fn,
						   idx, param),
					  fn, idx, st);
			continue;
		}
		if (sscanf(line, "waitbit %127s %u %63s", fn, &idx, param) != 3)
			continue;
		bits++;
		t = arg_type(_metadata, self->btf, fn, idx, param);
		EXPECT_TRUE(t && btf_is_int(t))
			TH_LOG("%s: argument %u is no integer", fn, idx);
		FL_INFO("%s: argument %u %s: an int, as the module reads it\n",
			fn, idx, param);
	}
	free(line);
	/* folio_wait_bit_common(folio, bit_nr, ...), the huge-page zeroing */
	ASSERT_EQ(2, funcs) TH_LOG("wait functions in %s", LAYOUT);
	ASSERT_EQ(1, args) TH_LOG("wait arguments in %s", LAYOUT);
	ASSERT_EQ(1, bits) TH_LOG("wait bit arguments in %s", LAYOUT);
}

TEST_HARNESS_MAIN
