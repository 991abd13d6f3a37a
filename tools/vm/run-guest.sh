#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's kernel in QEMU (TCG) and run CMD in it as root, in the
# host's current directory, then power off.
#
#   tools/vm/run-guest.sh [--cpus N] [--mem SIZE] [--timeout SECONDS]
#                         [--icount] [--single-thread] [--flavour F]
#                         [--out DIR] -- CMD [ARGS...]
#
# Defaults: 2 vCPUs (1 with --icount), 2G, 1800 s, amd64.  --icount makes
# the guest's clocks count instructions (-icount shift=0,sleep=off: 1 ns
# each), for timings that do not depend on the host's load.
# --single-thread runs the vCPUs round-robin in one host thread
# (-accel tcg,thread=single): multi-threaded TCG crashes Debian's 6.1 when
# a kprobe on handle_mm_fault() is armed or disarmed while another vCPU
# faults in it, even an empty kretprobe (selftests' reload_test).
#
# The guest's root is the host's / over virtio-9p, read-only, so the
# host's binaries run in the guest at the same paths; /tmp and /root take
# writes in a tmpfs (over the host's files), /run, /var/tmp and /dev/shm
# are empty tmpfs.  FAULTLAT_*, FL_*, KSFT_*, PATH, LANG, LC_ALL, TERM and
# CI are passed to CMD; use `env VAR=VAL CMD` for others.
#
# Results come back over a second, writable 9p share of DIR (default: a
# new directory under /tmp) mounted at /results in the guest: a file
# channel needs no parsing and survives a console flooded by the kernel.
#   output.log   CMD's stdout and stderr (also shown here live)
#   rc           CMD's exit code;  tainted: /proc/sys/kernel/tainted after it
#   dmesg.log    the guest's kernel log after CMD
#   console.log  the guest's serial console (ttyS0), written by QEMU
#   cmd.sh       the script that ran CMD in the guest
#
# Exit code: CMD's; 124 if the guest hung (timeout, QEMU killed); 125 if
# the guest's kernel reported a problem (oops, BUG, WARNING, lockdep,
# KASAN, ...), was tainted by more than O and E, or died before CMD ended.
set -euo pipefail

usage() {
	sed -n '3,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
cpus='' mem=2G tmo=1800 icount='' flavour=amd64 out='' tcg=multi
while [ $# -gt 0 ]; do
	case $1 in
	--cpus) cpus=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--timeout) tmo=${2:?}; shift 2 ;;
	--icount) icount=1; shift ;;
	--single-thread) tcg=single; shift ;;
	--flavour) flavour=${2:?}; shift 2 ;;
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
[ -n "$(find "$mods" -name 9p.ko -print -quit)" ] ||
	{ echo "run-guest: $FL_RELEASE has no 9p, cannot share the host's /" >&2; exit 1; }

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/flvm.XXXXXX")
fi
mkdir -p "$out"
out=$(realpath "$out")
rm -f "$out"/{output.log,rc,tainted,dmesg.log,console.log,started,cmd.sh}

# --- initramfs: busybox, /init and the modules needed to mount the root ---
# Module and its dependencies, dependencies first (modules.dep lists the
# deepest last, as modprobe loads them).
declare -A seen
order=()
add_mod() {
	local line deps i
	line=$(grep -m1 -E "(^|/)$1\.ko:" "$mods/modules.dep") ||
		{ echo "run-guest: no module $1" >&2; exit 1; }
	[ -z "${seen[${line%%:*}]:-}" ] || return 0
	read -ra deps <<<"${line#*:}"
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
		add_mod "$(basename "${deps[i]}" .ko)"
	done
	seen[${line%%:*}]=1
	order+=("${line%%:*}")
}
for m in virtio_pci 9pnet_virtio 9p overlay; do
	add_mod "$m"
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
	i=10
	for m in "${order[@]}"; do
		cp "$mods/$m" "$tmp/modules/$i-$(basename "$m")"
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

# --- boot ---
# tsc=reliable: TCG's TSC is the host's (no invariant-TSC flag, though), and
# without it the kernel finds the vCPUs' TSCs unsynchronized and falls back
# to the HPET.  oops=panic, panic=-1: an oops ends the run at once (QEMU
# exits on the reboot) instead of leaving a wedged guest to the timeout.
cmdline="console=ttyS0 loglevel=5 oops=panic panic=-1 tsc=reliable no_timer_check"
cmdline+=" 8250.nr_uarts=1 i8042.noaux i8042.nomux i8042.nopnp"
cmdline+=" flvm.moddir=$moddir flvm.libmod=$libmod"
# shellcheck disable=SC2054  # commas are QEMU's
qemu=(qemu-system-x86_64 -machine pc -accel "tcg,thread=$tcg" -cpu max -smp "$cpus" -m "$mem"
	-nodefaults -no-user-config -display none -no-reboot
	-kernel "$FL_VMLINUX" -initrd "$initrd" -append "$cmdline"
	-chardev "file,id=con,path=$out/console.log" -serial chardev:con
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=flvm-root
	-fsdev "local,id=res,path=$out,security_model=none"
	-device virtio-9p-pci,fsdev=res,mount_tag=flvm-results)
[ -z "$icount" ] || qemu+=(-icount "shift=0,sleep=off")

t0=$(date +%s.%N)
timeout -k 10 "$tmo" "${qemu[@]}" </dev/null &
qpid=$!
trap 'kill $qpid 2>/dev/null || true' EXIT
tail -n +1 -f -s 0.2 --pid=$qpid "$out/output.log" &

tpid=$!
qrc=0
wait $qpid || qrc=$?
wait $tpid || true
trap - EXIT

# --- verdict ---
if [ -f "$out/started" ]; then
	awk -v t0="$t0" -v t1="$(date -r "$out/started" +%s.%N)" '{
		printf "run-guest: boot to CMD %.1fs (guest uptime %.1fs)\n", t1 - t0, $1
	}' "$out/started" >&2
fi

status=0
pat='Oops|BUG:|WARNING:|Call Trace|KASAN|UBSAN|lockdep|INFO: possible'
pat+='|sleeping function called from invalid context|general protection fault'
pat+='|Kernel panic|soft lockup|hard LOCKUP|detected stalls|blocked for more than'
# The full log if the guest got to write it, else what reached the console.
for f in dmesg.log console.log; do
	if [ ! -f "$out/$f" ] || ! grep -qE "$pat" "$out/$f"; then
		continue
	fi

	echo "run-guest: guest kernel reported a problem, $out/$f:" >&2
	grep -nE -m8 "$pat" "$out/$f" | sed 's/^/  /' >&2
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
