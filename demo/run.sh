#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the guest (tools/vm/demo.sh boots it): load faultlat,
# run the seed article's experiments, print what faultlat and getrusage
# say of each, unload.
#
#   FAULTLAT_KO=module/faultlat.ko demo/run.sh [PAGES]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ko=${FAULTLAT_KO:-$top/module/faultlat.ko}
client=${FAULTLAT_CLIENT:-$top/userspace/faultlat}
pages=${1:-1048576}
seed=$here/seed

banner() {
	printf '\n################################################################\n'
	printf '# %s\n' "$@"
	printf '################################################################\n'
}

insmod "$ko"
trap 'rmmod faultlat 2>/dev/null || true' EXIT

# Two experiments at a time (the guest has 2 vCPUs), each printed whole
# once done: this keeps the demo around 2 minutes under TCG.
out=$(mktemp -d)

exp1() {
	banner "1. Overcommit: touch $pages fresh pages, one write each" \
	       "   (the seed's posix_memalign() loop: one minor fault per page)"
	"$seed" touch "$pages"
}

exp2() {
	banner "2. The same after mlockall(MCL_CURRENT | MCL_FUTURE):" \
	       "   the faults move to allocation time, the touch loop takes none"
	"$seed" mlock "$pages"
}

exp3() {
	banner "3. Transparent huge pages: the same memory with 4 KiB pages," \
	       "   then with MADV_HUGEPAGE (about 512x fewer faults, each slower)"
	echo "THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
	"$seed" thp "$pages"
}

exp4() {
	banner "4. File-backed major faults: a file on a ramdisk (ext4)," \
	       "   evicted from the page cache, read page by page"
	modprobe brd rd_nr=1 rd_size=131072
	modprobe ext4
	mkfs.ext4 -q -F /dev/ram0
	mnt=$(mktemp -d)
	mount /dev/ram0 "$mnt"
	dd if=/dev/urandom of="$mnt/data" bs=1M count=64 status=none
	sync
	umount "$mnt"
	mount /dev/ram0 "$mnt"
	"$seed" file "$mnt/data"
	umount "$mnt"
	rmmod brd
}

pair() {
	"$1" >"$out/$1" 2>&1 & a=$!
	"$2" >"$out/$2" 2>&1 & b=$!
	ra=0 rb=0
	wait $a || ra=$?
	wait $b || rb=$?
	cat "$out/$1" "$out/$2"
	[ $ra -eq 0 ] && [ $rb -eq 0 ]
}

pair exp1 exp3
pair exp2 exp4

banner "faultlat status"
"$client" status
