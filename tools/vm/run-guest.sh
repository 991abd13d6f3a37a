#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's kernel in QEMU (TCG) and run CMD in it as root, in the
# host's current directory, then power off.
#
#   tools/vm/run-guest.sh [--cpus N] [--mem SIZE] [--timeout SECONDS]
#                         [--icount] [--single-thread] [--flavour F]
#                         [--root 9p|disk] [--log-filter AWK] [--out DIR]
#                         -- CMD [ARGS...]
#
# Defaults: 2 vCPUs (1 with --icount), 2G, 1800 s, amd64.  The flavours
# are kernel.sh's: Debian's amd64, cloud-amd64 and rt-amd64, and debug
# and debug-6.1 (tools/vm/debug-kernel.sh).  --icount makes
# the guest's clocks count instructions (-icount shift=0,sleep=off: 1 ns
# each), for timings that do not depend on the host's load.
# --single-thread runs the vCPUs round-robin in one host thread
# (-accel tcg,thread=single): multi-threaded TCG crashes Debian's 6.1 when
# a kprobe on handle_mm_fault() is armed or disarmed while another vCPU
# faults in it, even an empty kretprobe (selftests' reload_test).
#
# --root 9p (the default when the kernel has 9p): the guest's root is the
# host's / over virtio-9p, read-only, so the host's binaries run in the
# guest at the same paths; /tmp and /root take writes in a tmpfs (over the
# host's files), /run, /var/tmp and /dev/shm are empty tmpfs.
# FAULTLAT_*, FL_*, KSFT_*, PATH, LANG, LC_ALL, TERM and CI are passed to
# CMD; use `env VAR=VAL CMD` for others.
#
# --root disk (the default for a kernel without 9p: cloud-amd64): the same
# layout, but what the guest sees of the host comes from two read-only
# virtio-blk ext4 images (tools/vm/disk-root.sh): a cached one of the
# Debian packages the tests use, and one of this run's current directory
# (its .git and DIR left out) and of the files named by absolute paths in
# ARGS and FAULTLAT_* variables, with their shared libraries.
# Anything else of the host is not there.
#
# Results come back over a second, writable 9p share of DIR (default: a
# new directory under /tmp) mounted at /results in the guest: a file
# channel needs no parsing and survives a console flooded by the kernel.
# With --root disk, /results is a third virtio-blk disk (ext4), copied
# into DIR with e2fsprogs' debugfs once QEMU has exited; CMD's output is
# also copied to a second serial port, live.log, shown live and kept as
# output.log if the guest died before it could sync the disk.
#   output.log   CMD's stdout and stderr (also shown here live)
#   rc           CMD's exit code;  tainted: /proc/sys/kernel/tainted after it
#   dmesg.log    the guest's kernel log after CMD
#   console.log  the guest's serial console (ttyS0), written by QEMU
#   cmd.sh       the script that ran CMD in the guest
#
# Exit code: CMD's; 124 if the guest hung (timeout, QEMU killed); 125 if
# the guest's kernel reported a problem (oops, BUG, WARNING, lockdep,
# KASAN, ...), was tainted by more than O and E, or died before CMD ended.
# --log-filter AWK: an awk program the kernel logs go through before they
# are searched for problems, to drop what a test provoked on purpose
# (selftests/expected-oom.awk: the OOM killer's report, stack included).
set -euo pipefail

usage() {
	sed -n '3,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
cpus='' mem=2G tmo=1800 icount='' flavour=amd64 out='' tcg=multi root=''
log_filter=''
while [ $# -gt 0 ]; do
	case $1 in
	--cpus) cpus=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--timeout) tmo=${2:?}; shift 2 ;;
	--icount) icount=1; shift ;;
	--single-thread) tcg=single; shift ;;
	--flavour) flavour=${2:?}; shift 2 ;;
	--root) root=${2:?}; shift 2 ;;
	--log-filter) log_filter=$(realpath -e "${2:?}"); shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage
# QEMU 7.2 with -icount runs all vCPUs round-robin in one thread, and the
# guest then never brings up its second CPU: one vCPU unless asked for.
if [ -z "$cpus" ]; then
	cpus=2
	[ -z "$icount" ] || cpus=1
elif [ -n "$icount" ] && [ "$cpus" -gt 1 ]; then
	echo "run-guest: warning: --icount with $cpus vCPUs hangs at boot here" >&2
fi

cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}
kvars=$("$here/kernel.sh" --flavour "$flavour")
eval "$kvars"

mods=$FL_MODROOT/lib/modules/$FL_RELEASE
# NAME: how modprobe would load it, dependencies first: "builtin NAME"
# (built into the kernel: from modules.builtin.bin, which 7.x ships
# without the plain modules.builtin) or "insmod PATH" lines; fails for a
# module the kernel does not have.
show_deps() {
	modprobe -d "$FL_MODROOT" -S "$FL_RELEASE" --show-depends "$1" 2>/dev/null
}
have_mod() { show_deps "$1" >/dev/null; }
if [ -z "$root" ]; then
	root=disk
	! have_mod 9p || root=9p
fi
case $root in
9p)
	have_mod 9p ||
		{ echo "run-guest: $FL_RELEASE has no 9p, use --root disk" >&2; exit 1; }
	rootmods=(virtio_pci 9pnet_virtio 9p overlay) ;;
disk) rootmods=(virtio_pci virtio_blk ext4 overlay) ;;
*) usage ;;
esac

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/flvm.XXXXXX")
fi
mkdir -p "$out"
out=$(realpath "$out")
rm -f "$out"/{output.log,rc,tainted,dmesg.log,console.log,started,cmd.sh} \
	"$out"/{live.log,work.img,results.img}

# --- initramfs: busybox, /init and the modules needed to mount the root ---
# Each module and its dependencies, dependencies first, as modprobe loads
# them; nothing for a built-in one.
declare -A seen
order=()
for m in "${rootmods[@]}"; do
	deps=$(show_deps "$m") || { echo "run-guest: no module $m in $FL_RELEASE" >&2; exit 1; }
	while read -r how path _; do
		[ "$how" = insmod ] && [ -z "${seen[$path]:-}" ] || continue
		seen[$path]=1
		order+=("$path")
	done <<<"$deps"
done
busybox=/bin/busybox
key=$( (echo "$FL_RELEASE $FL_VERSION ${order[*]}"; cat "$here/guest-init.sh" "$busybox") |
	sha256sum | cut -c1-16)
initrd=$cache/initramfs/$FL_RELEASE-$key.cpio
if [ ! -f "$initrd" ]; then
	mkdir -p "$cache/initramfs"
	# other runs may still be starting with older images: keep them a day
	find "$cache/initramfs" -name '*.cpio' -mtime +1 -delete
	tmp=$(mktemp -d)
	mkdir -p "$tmp"/{bin,dev,proc,sys,modules}
	cp "$busybox" "$tmp/bin/busybox"
	cp "$here/guest-init.sh" "$tmp/init"
	chmod 755 "$tmp/init"
	# busybox's insmod takes plain ELF: trixie's modules are .ko.xz
	i=10
	for m in "${order[@]}"; do
		base=$(basename "$m")
		case $m in
		*.ko.xz) xz -dc "$m" >"$tmp/modules/$i-${base%.xz}" ;;
		*.ko.zst) zstd -qdc "$m" >"$tmp/modules/$i-${base%.zst}" ;;
		*.ko.gz) gzip -dc "$m" >"$tmp/modules/$i-${base%.gz}" ;;
		*) cp "$m" "$tmp/modules/$i-$base" ;;
		esac
		i=$((i + 1))
	done
	mknod "$tmp/dev/console" c 5 1 2>/dev/null || true
	(cd "$tmp" && find . | cpio -o -H newc --quiet) >"$initrd.$$"
	mv "$initrd.$$" "$initrd"
	rm -rf "$tmp"
fi

# --- the command, as a script the guest runs with the host's bash ---
mkdir -p /lib/modules			# mount point for the guest's modules
libmod=$(realpath /lib/modules)
moddir=$(realpath "$mods")
case "$libmod$moddir" in
*[[:space:]]*) echo "run-guest: no spaces in $libmod or $moddir, please" >&2; exit 1 ;;
esac
{
	echo '# written by run-guest.sh, run in the guest by guest-init.sh'
	for v in PATH LANG LC_ALL TERM CI $(compgen -e | grep -E '^(FAULTLAT_|FL_|KSFT_)'); do
		[ -z "${!v+x}" ] || printf 'export %s=%q\n' "$v" "${!v}"
	done
	echo 'export HOME=/root'
	printf 'cd -- %q || exit 125\n' "$PWD"
	printf 'exec'
	printf ' %q' "$@"
	echo
} >"$out/cmd.sh"
: >"$out/output.log"

# --- root disks (--root disk) ---
if [ "$root" = disk ]; then
	[ "$PWD" != / ] ||
		{ echo "run-guest: --root disk copies the current directory: not /" >&2; exit 1; }
	sysimg=$("$here/disk-root.sh" system "$moddir")
	# This run's files: the current directory, and the files (not
	# directories: `ls /usr` would copy /usr, FAULTLAT_CACHE the cache)
	# named by absolute paths among the arguments and FAULTLAT_*.
	paths=("$PWD")
	for a in "$@"; do
		case $a in /*) [ ! -f "$a" ] || paths+=("$a") ;; esac
	done
	for v in $(compgen -e | grep -E '^FAULTLAT_'); do
		case ${!v} in /*) [ ! -f "${!v}" ] || paths+=("${!v}") ;; esac
	done
	"$here/disk-root.sh" work "$out/work.img" "$out" "${paths[@]}"
	# /results: what the 9p share would hold at the start, and room
	tmp=$(mktemp -d)
	cp "$out/cmd.sh" "$out/output.log" "$tmp/"
	truncate -s 1G "$out/results.img"
	mke2fs -q -t ext4 -b 4096 -O ^has_journal -L flvm-results -d "$tmp" "$out/results.img"
	rm -rf "$tmp"
fi

# --- boot ---
# tsc=reliable: TCG's TSC is the host's (no invariant-TSC flag, though), and
# without it the kernel finds the vCPUs' TSCs unsynchronized and falls back
# to the HPET.  oops=panic, panic=-1: an oops ends the run at once (QEMU
# exits on the reboot) instead of leaving a wedged guest to the timeout.
cmdline="console=ttyS0 loglevel=5 oops=panic panic=-1 tsc=reliable no_timer_check"
cmdline+=" 8250.nr_uarts=1 i8042.noaux i8042.nomux i8042.nopnp"
cmdline+=" flvm.moddir=$moddir flvm.libmod=$libmod flvm.root=$root"
# TCG's TSC is the host's.  The guest calibrates it against the PIT and
# the HPET, which a loaded host makes unreliable: a cloud-amd64 guest once
# took a TSC of 115 MHz for 2.1 GHz, its clock ran 18 times too fast and
# RCU stalls and soft lockups followed; and a wrong early value is never
# refined (more than 1% away).  So the guest is told the host's TSC
# frequency, where the host's TSC is constant (cpu MHz is then its rate).
# Not with --icount: the guest's TSC then counts instructions.
khz=$(awk -F': *' '/^flags/ { c = / constant_tsc / } /^cpu MHz/ { m = $2 }
	END { if (c && m > 0) printf "%d", m * 1000 }' /proc/cpuinfo)
[ -n "$icount" ] || [ -z "$khz" ] || cmdline+=" tsc_early_khz=$khz"
# The debug kernels (KASAN, lockdep) run ACPI's AML so slowly that the
# PCI routing method (_PRT) hits the interpreter's 30 s loop timeout,
# twice: a minute of boot.  The BIOS's PIRQ table routes the same IRQs.
[ "${flavour#debug}" = "$flavour" ] || cmdline+=" pci=noacpi"
# shellcheck disable=SC2054  # commas are QEMU's
qemu=(qemu-system-x86_64 -machine pc -accel "tcg,thread=$tcg" -cpu max -smp "$cpus" -m "$mem"
	-nodefaults -no-user-config -display none -no-reboot
	-kernel "$FL_VMLINUX" -initrd "$initrd"
	-chardev "file,id=con,path=$out/console.log" -serial chardev:con)
live=$out/output.log
if [ "$root" = 9p ]; then
	# shellcheck disable=SC2054
	qemu+=(-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
		-device virtio-9p-pci,fsdev=root,mount_tag=flvm-root
		-fsdev "local,id=res,path=$out,security_model=none"
		-device virtio-9p-pci,fsdev=res,mount_tag=flvm-results)
else
	# The guest finds the disks by their serial numbers (/sys/block/vd*/
	# serial); ttyS1 carries CMD's output while it runs.
	live=$out/live.log
	cmdline=${cmdline/8250.nr_uarts=1/8250.nr_uarts=2}
	# shellcheck disable=SC2054
	qemu+=(-drive "file=$sysimg,if=none,id=sys,format=raw,readonly=on"
		-device virtio-blk-pci,drive=sys,serial=flvm-system
		-drive "file=$out/work.img,if=none,id=work,format=raw,readonly=on"
		-device virtio-blk-pci,drive=work,serial=flvm-work
		-drive "file=$out/results.img,if=none,id=res,format=raw"
		-device virtio-blk-pci,drive=res,serial=flvm-results
		-chardev "file,id=live,path=$live" -serial chardev:live)
fi
qemu+=(-append "$cmdline")
[ -z "$icount" ] || qemu+=(-icount "shift=0,sleep=off")

t0=$(date +%s.%N)
timeout -k 10 "$tmo" "${qemu[@]}" </dev/null &
qpid=$!
trap 'kill $qpid 2>/dev/null || true' EXIT
[ -f "$live" ] || : >"$live"
tail -n +1 -f -s 0.2 --pid=$qpid "$live" &

tpid=$!
qrc=0
wait $qpid || qrc=$?
wait $tpid || true
trap - EXIT

# --- results from the disk (--root disk) ---
if [ "$root" = disk ]; then
	tmp=$(mktemp -d)
	if debugfs -R "rdump / $tmp" "$out/results.img" >/dev/null 2>&1; then
		rm -rf "$tmp/lost+found"
		cp -a "$tmp/." "$out/"
		rm -f "$out/results.img"
	else
		echo "run-guest: cannot read $out/results.img" >&2
	fi
	rm -rf "$tmp" "$out/work.img"
	# a guest that died did not sync its disk: the serial copy is longer
	if [ ! -f "$out/rc" ] &&
		[ "$(stat -c %s "$live")" -gt "$(stat -c %s "$out/output.log" 2>/dev/null || echo 0)" ]; then
		cp "$live" "$out/output.log"
	fi
fi

# --- verdict ---
if [ -f "$out/started" ]; then
	awk -v t0="$t0" -v t1="$(date -r "$out/started" +%s.%N)" '{
		printf "run-guest: boot to CMD %.1fs (guest uptime %.1fs)\n", t1 - t0, $1
	}' "$out/started" >&2
fi

status=0
# (lockdep's reports are WARNINGs or BUGs; its boot banner on the debug
# kernel says "RCU lockdep checking is enabled", so not the bare word; when
# it gives up it says it turns itself off)
pat='Oops|BUG:|WARNING:|Call Trace|KASAN|UBSAN|INFO: possible'
pat+='|turning off the locking correctness validator'
pat+='|sleeping function called from invalid context|general protection fault'
pat+='|Kernel panic|soft lockup|hard LOCKUP|detected stalls|blocked for more than'
kernel_log() {	# FILE: less what --log-filter drops
	if [ -n "$log_filter" ]; then awk -f "$log_filter" "$1"; else cat "$1"; fi
}
# The full log if the guest got to write it, else what reached the console.
for f in dmesg.log console.log; do
	if [ ! -f "$out/$f" ] || ! kernel_log "$out/$f" | grep -qE "$pat"; then
		continue
	fi

	echo "run-guest: guest kernel reported a problem, $out/$f:" >&2
	kernel_log "$out/$f" | grep -E -m8 "$pat" | sed 's/^/  /' >&2
	status=125
	break
done
if [ -f "$out/tainted" ]; then
	t=$(cat "$out/tainted")
	bad=$((t & ~(4096 | 8192)))
	if [ "$bad" -ne 0 ]; then
		flags=PFSRMBUDAWCIOELKXT letters=
		for ((i = 0; i < ${#flags}; i++)); do
			((bad >> i & 1)) && letters+=${flags:i:1}
		done
		echo "run-guest: guest kernel tainted $t (not only O/E: $letters)" >&2
		status=125
	fi
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	echo "run-guest: guest hung: no result after ${tmo}s, QEMU killed;" \
		"last console lines:" >&2
	tail -n 5 "$out/console.log" | sed 's/^/  /' >&2
	exit 124
fi
if [ ! -f "$out/rc" ]; then
	echo "run-guest: guest died before CMD finished (QEMU exit $qrc);" \
		"last console lines:" >&2
	tail -n 5 "$out/console.log" | sed 's/^/  /' >&2

	exit 125
fi
[ "$status" -eq 0 ] || exit $status
exit "$(cat "$out/rc")"
