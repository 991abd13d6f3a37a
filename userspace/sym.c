// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: symbolizing stacks (see sym.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>
#include <event-parse.h>

#include "sym.h"

#define PROC_SLOTS	256

struct fl_proc {
	__u32 tgid;
	bool gone;		/* /proc/TGID could not be read any more */
	bool seen;		/* fl_syms_see() was asked about it */
	char *maps;		/* the text of /proc/TGID/maps */
	Dwfl *dwfl;		/* its modules; NULL until needed */
	struct fl_proc *next;
};

static char *debuginfo_path;

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

int fl_syms_init(struct fl_syms *s)
{
	memset(s, 0, sizeof(*s));
	s->procs = calloc(PROC_SLOTS, sizeof(*s->procs));
	return s->procs ? 0 : -1;
}

static void proc_drop_dwfl(struct fl_proc *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	p->dwfl = NULL;
}

void fl_syms_free(struct fl_syms *s)
{
	struct fl_proc *p, *n;
	unsigned int i;

	for (i = 0; s->procs && i < PROC_SLOTS; i++) {
		for (p = s->procs[i]; p; p = n) {
			n = p->next;
			proc_drop_dwfl(p);
			free(p->maps);
			free(p);
		}
	}
	free(s->procs);
	if (s->ktep)
		tep_free(s->ktep);
	memset(s, 0, sizeof(*s));
}

/* The whole of @path, NUL-terminated, or NULL. */
static char *read_file(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

static struct fl_proc *proc_get(struct fl_syms *s, __u32 tgid, bool make)
{
	struct fl_proc **slot = &s->procs[tgid % PROC_SLOTS], *p;

	for (p = *slot; p; p = p->next)
		if (p->tgid == tgid)
			return p;
	if (!make)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tgid = tgid;
	p->next = *slot;
	*slot = p;
	return p;
}

int fl_syms_refresh(struct fl_syms *s, __u32 tgid)
{
	struct fl_proc *p = proc_get(s, tgid, true);
	char path[64], *maps;

	if (!p)
		return -1;
	snprintf(path, sizeof(path), "/proc/%u/maps", tgid);
	maps = read_file(path);
	/* a zombie's maps are empty: keep what we had */
	if (!maps || !*maps) {
		free(maps);
		p->gone = true;
		return -1;
	}
	if (p->maps && !strcmp(p->maps, maps)) {
		free(maps);
		return 0;
	}
	free(p->maps);
	p->maps = maps;
	p->gone = false;
	proc_drop_dwfl(p);
	return 0;
}

int fl_syms_see(struct fl_syms *s, __u32 tgid)
{
	struct fl_proc *p = proc_get(s, tgid, true);

	if (!p)
		return -1;
	p->seen = true;
	if (p->maps || p->gone)
		return p->maps ? 0 : -1;
	return fl_syms_refresh(s, tgid);
}

void fl_syms_count(const struct fl_syms *s, unsigned int *procs,
		   unsigned int *unmapped)
{
	const struct fl_proc *p;
	unsigned int i;

	*procs = 0;
	*unmapped = 0;
	for (i = 0; s->procs && i < PROC_SLOTS; i++) {
		for (p = s->procs[i]; p; p = p->next) {
			*procs += p->seen;
			*unmapped += p->seen && !p->maps;
		}
	}
}

bool fl_maps_find(const char *maps, __u64 addr, struct fl_mapping *m)
{
	const char *line, *nl;

	for (line = maps; line && *line; line = nl ? nl + 1 : NULL) {
		unsigned long long start, end, pgoff;
		int path_at = 0;
		size_t len;

		nl = strchr(line, '\n');
		/* start-end perms offset dev inode [path] */
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s%n", &start, &end,
			   &pgoff, &path_at) < 3 || !path_at ||
		    (nl && line + path_at > nl))
			continue;
		if (addr < start || addr >= end)
			continue;
		/* the path's spaces are its own; the padding before it is not */
		while (line[path_at] == ' ' || line[path_at] == '\t')
			path_at++;
		len = (nl ? (size_t)(nl - line) : strlen(line)) - path_at;
		if (len >= sizeof(m->name))
			len = sizeof(m->name) - 1;
		m->file = len && line[path_at] == '/';
		m->offset = m->file ? addr - start + pgoff : 0;
		if (len)
			memcpy(m->name, line + path_at, len);
		else
			len = snprintf(m->name, sizeof(m->name), "[anon]");
		m->name[len] = '\0';
		return true;
	}
	return false;
}

/* @p's maps, read again if @addr is in none of them and it may live. */
static const char *proc_maps_for(struct fl_syms *s, struct fl_proc *p,
				 __u64 addr)
{
	struct fl_mapping m;

	if (p->maps && fl_maps_find(p->maps, addr, &m))
		return p->maps;
	if (!p->gone)
		fl_syms_refresh(s, p->tgid);
	return p->maps;
}

void fl_syms_mapping(struct fl_syms *s, __u32 tgid, __u64 addr,
		     struct fl_mapping *m)
{
	struct fl_proc *p = proc_get(s, tgid, true);
	const char *maps = p ? proc_maps_for(s, p, addr) : NULL;

	if (!maps || !fl_maps_find(maps, addr, m)) {
		snprintf(m->name, sizeof(m->name), "[unknown]");
		m->offset = 0;
		m->file = false;
	}
}

static Dwfl *proc_dwfl(struct fl_proc *p)
{
	FILE *f;

	if (p->dwfl || !p->maps)
		return p->dwfl;
	p->dwfl = dwfl_begin(&proc_callbacks);
	if (!p->dwfl)
		return NULL;
	f = fmemopen(p->maps, strlen(p->maps), "r");
	dwfl_report_begin(p->dwfl);
	if (!f || dwfl_linux_proc_maps_report(p->dwfl, f) != 0 ||
	    dwfl_report_end(p->dwfl, NULL, NULL) != 0) {
		if (f)
			fclose(f);
		proc_drop_dwfl(p);
		return NULL;
	}
	fclose(f);
	return p->dwfl;
}

void fl_syms_user(struct fl_syms *s, __u32 tgid, __u64 addr, bool ret,
		  struct fl_frame *f)
{
	struct fl_proc *p = proc_get(s, tgid, true);
	__u64 look = ret && addr ? addr - 1 : addr;
	Dwfl_Module *mod;
	Dwfl_Line *line;
	GElf_Off off;
	GElf_Sym sym;
	Dwfl *dwfl;
	const char *name;

	memset(f, 0, sizeof(*f));
	f->addr = addr;
	if (!p || !proc_maps_for(s, p, addr))
		return;
	dwfl = proc_dwfl(p);
	mod = dwfl ? dwfl_addrmodule(dwfl, look) : NULL;
	if (!mod)
		return;
	f->dso = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL,
				  NULL);
	name = dwfl_module_addrinfo(mod, look, &off, &sym, NULL, NULL, NULL);
	if (name) {
		f->sym = name;
		f->off = addr - (look - off);
	}
	line = dwfl_module_getsrc(mod, look);
	if (line)
		f->src = dwfl_lineinfo(line, NULL, &f->line, NULL, NULL, NULL);
}

static void kernel_load(struct fl_syms *s)
{
	char *buf;

	s->kloaded = true;
	buf = read_file("/proc/kallsyms");
	s->ktep = tep_alloc();
	if (!buf || !s->ktep || tep_parse_kallsyms(s->ktep, buf)) {
		s->kfailed = true;
		if (s->ktep)
			tep_free(s->ktep);
		s->ktep = NULL;
	}
	free(buf);
}

void fl_syms_kernel(struct fl_syms *s, __u64 addr, struct fl_frame *f)
{
	unsigned long long start;
	unsigned long size;
	const char *name;

	memset(f, 0, sizeof(*f));
	f->addr = addr;
	if (!s->kloaded)
		kernel_load(s);
	if (!s->ktep)
		return;
	if (tep_find_function_info(s->ktep, addr, &name, &start, &size) &&
	    name) {
		f->sym = name;
		f->off = addr - start;
	}
}
