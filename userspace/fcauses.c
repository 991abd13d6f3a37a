// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: one fault's time by cause (see fcauses.h).
 */
#include <stdio.h>
#include <string.h>

#include "fcauses.h"
#include "hist.h"

static const char *const keys[FL_CZ_SLOTS] = {
	[FAULTLAT_CAUSE_RECLAIM] = "reclaim_ns",
	[FAULTLAT_CAUSE_COMPACTION] = "compaction_ns",
	[FAULTLAT_CAUSE_MMAP_LOCK] = "mmap_lock_ns",
	[FAULTLAT_CAUSE_IO] = "io_ns",
	[FAULTLAT_CAUSE_UFFD] = "uffd_ns",
	[FAULTLAT_CAUSE_PAGE_LOCK] = "page_lock_ns",
	[FAULTLAT_CAUSE_FALLBACK] = "fallback_ns",
	[FAULTLAT_CAUSE_ZEROING] = "zeroing_ns",
	[FL_CZ_REST] = "rest_ns",
};

const char *fl_cause_key(unsigned int i)
{
	return i < FL_CZ_SLOTS ? keys[i] : NULL;
}

__u64 fl_fault_rest(const __u64 ns[FAULTLAT_NR_CAUSES_ALL], __u64 lat)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_CAUSES_ALL; i++)
		sum += ns[i];
	return sum < lat ? lat - sum : 0;
}

int fl_fmt_fault_causes(char *buf, size_t len,
			const __u64 ns[FAULTLAT_NR_CAUSES_ALL], __u64 lat)
{
	__u64 rest = fl_fault_rest(ns, lat);
	char t[32];
	unsigned int i;
	int n = 0;

	buf[0] = '\0';
	for (i = 0; i < FAULTLAT_NR_CAUSES_ALL; i++) {
		if (!ns[i])
			continue;
		fl_fmt_ns(t, sizeof(t), ns[i]);
		n += snprintf(buf + n, (size_t)n < len ? len - n : 0, "%s%s=%s",
			      n ? " " : "", fl_cause_name(i), t);
	}
	if (!n)
		return snprintf(buf, len, "-");
	if (rest) {
		fl_fmt_ns(t, sizeof(t), rest);
		n += snprintf(buf + n, (size_t)n < len ? len - n : 0,
			      " %s=%s", fl_cause_name(FL_CZ_REST), t);
	}
	return n;
}

struct json_object *fl_json_fault_causes(const __u64 ns[FAULTLAT_NR_CAUSES_ALL],
					 unsigned int told, __u64 lat)
{
	struct json_object *o = json_object_new_object();
	unsigned int i;

	for (i = 0; i < told && i < FAULTLAT_NR_CAUSES_ALL; i++)
		json_object_object_add(o, keys[i], json_object_new_uint64(ns[i]));
	json_object_object_add(o, keys[FL_CZ_REST],
			       json_object_new_uint64(fl_fault_rest(ns, lat)));
	return o;
}

int fl_parse_fault_causes(struct json_object *o, __u64 lat,
			  __u64 ns[FL_CZ_SLOTS])
{
	unsigned int i, told = FAULTLAT_NR_CAUSES;
	struct json_object *v;
	__u64 sum = 0;

	if (!o || !json_object_is_type(o, json_type_object))
		return -1;
	for (i = 0; i < FAULTLAT_NR_CAUSES_ALL; i++) {
		ns[i] = 0;
		if (json_object_object_get_ex(o, keys[i], &v) && v) {
			if (!json_object_is_type(v, json_type_int))
				return -1;
			ns[i] = (__u64)json_object_get_uint64(v);
			if (i >= FAULTLAT_NR_CAUSES)
				told = FAULTLAT_NR_CAUSES_ALL;
		}
		if (ns[i] > lat - sum)
			return -1;
		sum += ns[i];
	}
	ns[FL_CZ_REST] = lat - sum;
	return told;
}
