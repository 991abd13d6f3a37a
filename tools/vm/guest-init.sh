#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the VM rig's initramfs (busybox only; see run-guest.sh).
# Loads the virtio/9p/overlay modules, builds the guest's root from the
# host's / (9p, read-only), switches to it and runs /results/cmd.sh
# (written by run-guest.sh); then stores rc, taint and dmesg in /results
# and powers off.  With flvm.root=disk, the host's / is an overlay of two
# read-only virtio-blk disks instead (the system image and the run's work
# image of disk-root.sh), and /results a third, writable, one.
#
# Stage 2 (arguments "stage2 9p|disk") runs as PID 1 in the new root.
#
# Kernel command line: flvm.moddir=PATH (host path of the unpacked
# lib/modules/<release>), flvm.libmod=PATH (host's realpath of
# /lib/modules, an existing directory to mount over), flvm.root=9p|disk.

# No set -e: PID 1 must not exit, it powers off instead.

die() {
	echo "flvm-init: $*" >&2
	poweroff -f
}

if [ "${1:-}" = stage2 ]; then
	# In the new root: run the command, its output straight to the host.
	/run/flvm/busybox --install -s /run/flvm/bin
	export PATH=/run/flvm/bin
	cat /proc/uptime >/results/started
	if [ "${2:-}" = disk ]; then
		# The disk is read after power-off: the output goes to the
		# second serial port too, for the host to show it live.
		stty -F /dev/ttyS1 raw -echo 2>/dev/null
		{
			/bin/bash /results/cmd.sh </dev/null 2>&1
			echo $? >/run/flvm/rc
		} | tee -a /results/output.log >/dev/ttyS1
		rc=$(cat /run/flvm/rc)
	else
		/bin/bash /results/cmd.sh </dev/null >>/results/output.log 2>&1
		rc=$?
	fi
	dmesg >/results/dmesg.log
	cat /proc/sys/kernel/tainted >/results/tainted
	echo "$rc" >/results/rc
	sync
	umount /results 2>/dev/null
	poweroff -f
fi

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

moddir='' libmod='' root=9p
# shellcheck disable=SC2013  # words, not lines
for a in $(cat /proc/cmdline); do

	case $a in
	flvm.moddir=*) moddir=${a#*=} ;;
	flvm.libmod=*) libmod=${a#*=} ;;
	flvm.root=*) root=${a#*=} ;;
	esac
done

# In dependency order, dependencies first (run-guest.sh numbers them);
# none when the kernel has them built in.
for m in /modules/*.ko; do
	[ -e "$m" ] || continue
	insmod "$m" || die "insmod $m failed"
done

# The host's / at /host; the guest's / is a tmpfs whose top-level entries
# are bind mounts of the host's (read-only), except for the kernel's
# filesystems and the writable ones.  Being a tmpfs, it can hold mount
# points such as /results that the host's / does not have.
r=/newroot
mkdir -p /host $r
if [ "$root" = disk ]; then
	# /dev/vdX by the serial number run-guest.sh gave the disk
	disk() {
		local d i
		for i in $(seq 50); do
			for d in /sys/block/vd*; do
				[ "$(cat "$d/serial" 2>/dev/null)" != "$1" ] ||
					{ echo "/dev/${d##*/}"; return 0; }
			done
			sleep 0.1
		done
		return 1
	}
	mkdir -p /disk/system /disk/work
	if ! mount -t ext4 -o ro,noload "$(disk flvm-system)" /disk/system ||
		! mount -t ext4 -o ro,noload "$(disk flvm-work)" /disk/work ||
		! mount -t overlay -o lowerdir=/disk/work:/disk/system flvm-root /host; then
		die "cannot mount the root disks"
	fi
else
	mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=262144 \
		flvm-root /host || die "cannot mount the host's root"
fi
mount -t tmpfs -o mode=0755 root $r
for p in /host/*; do
	n=${p#/host/}
	if [ -L "$p" ]; then
		ln -s "$(readlink "$p")" "$r/$n"
	elif [ -d "$p" ]; then
		mkdir "$r/$n"
		case $n in
		proc | sys | dev | run | tmp | root | results) ;;
		*) mount --bind "$p" "$r/$n" || echo "flvm-init: no $p" ;;
		esac
	else
		touch "$r/$n"
		mount --bind "$p" "$r/$n" || echo "flvm-init: no $p"
	fi
done
mkdir -p $r/proc $r/sys $r/dev $r/run $r/tmp $r/root $r/results

if [ "$root" = disk ]; then
	mount -t ext4 "$(disk flvm-results)" $r/results
else
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 flvm-results \
		$r/results
fi || die "cannot mount /results"

mount -t proc proc $r/proc
mount -t sysfs sysfs $r/sys
mount -t debugfs debugfs $r/sys/kernel/debug
mount -t tracefs tracefs $r/sys/kernel/tracing
mount -t devtmpfs devtmpfs $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $r/dev/pts
ln -s /proc/self/fd $r/dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	ln -s /proc/self/fd/${i%:*} $r/dev/${i#*:}
done
mount -t tmpfs -o mode=1777 shm $r/dev/shm
mount -t tmpfs -o mode=0755 run $r/run
[ -d $r/var/tmp ] && [ ! -L $r/var/tmp ] &&
	mount -t tmpfs -o mode=1777 vartmp $r/var/tmp

# /tmp and /root keep the host's files visible (a script in /tmp, a clone
# under $HOME) but take writes in a tmpfs: overlayfs, or a bare tmpfs if
# that fails.
mkdir -p /rw
mount -t tmpfs -o mode=0755 rw /rw
for d in tmp root; do
	mkdir -p /rw/$d/upper /rw/$d/work
	mode=$(stat -c %a /host/$d)
	chmod "$mode" /rw/$d/upper
	mount -t overlay -o lowerdir=/host/$d,upperdir=/rw/$d/upper,workdir=/rw/$d/work \
		$d $r/$d || mount -t tmpfs -o mode="$mode" $d $r/$d
done

# The unpacked kernel's modules at /lib/modules/<release>.
rel=$(uname -r)
if [ -n "$libmod" ] && [ -n "$moddir" ]; then
	mount -t tmpfs -o mode=0755 modules "$r$libmod"
	mkdir "$r$libmod/$rel"
	mount --bind "/host$moddir" "$r$libmod/$rel"
fi

ifconfig lo 127.0.0.1 up

# Switch to the new root for good (usermode helpers such as the kernel's
# modprobe calls resolve paths from it too), keeping busybox in /run.
mkdir -p $r/run/flvm/bin
cp /bin/busybox /init $r/run/flvm/
cd $r || die "no $r"

mount --move . /
exec chroot . /run/flvm/busybox sh /run/flvm/init stage2 "$root"
