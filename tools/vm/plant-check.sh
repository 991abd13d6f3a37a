#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that the debug kernel's detectors work and that the rig fails a
# run that has a bug: build faultlat with each planted bug (module/plant.c,
# `FAULTLAT_PLANT=leak|oob|lockorder|sleep`) against the debug kernel,
# boot it in the rig with `selftests/run.sh --no-tests` (load, unload,
# check the kernel log and kmemleak), and expect the run to fail with that
# detector's report; the same run of the module as shipped must pass.
#
#   tools/vm/plant-check.sh [run-guest.sh options]
#
# Prints kselftest TAP ending with a "# Totals:" line (so check.sh can
# count it), one test per variant: "none" (the shipped module: passes, and
# holds no planted code) then one per bug.  Without the debug flavour
# (tools/vm/kernel.sh --flavour debug) every test is skipped, saying why.
# Logs: out/plant-check/<variant>/.  Exits 1 if any test failed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
root=$PWD
vm=$root/tools/vm
out=$root/out/plant-check
mkdir -p "$out"

# variant, then what its guest log must say (ERE; the detector's words)
variants=(none leak oob lockorder sleep)
declare -A expect=(
	[leak]='not ok [0-9]+ kmemleak: nothing of faultlat'
	[oob]='BUG: KASAN: slab-out-of-bounds in fl_plant'
	[lockorder]='\(fl_plant_[ab]\)'
	[sleep]='sleeping function called from invalid context'
)

n=0 pass=0 fail=0 skip=0
echo "TAP version 13"
echo "1..${#variants[@]}"
echo "# Starting ${#variants[@]} checks of plant-check (planted bugs on the debug kernel)"
result() {	# ok|not ok|skip, VARIANT, WHY...
	local verdict=$1 v=$2
	shift 2
	n=$((n + 1))
	[ "$verdict" = skip ] || for w in "$@"; do
		echo "# $w"
	done
	case $verdict in
	ok) pass=$((pass + 1)); echo "ok $n plant $v" ;;
	skip) skip=$((skip + 1)); echo "ok $n plant $v # SKIP ${1:-}" ;;
	*) fail=$((fail + 1)); echo "not ok $n plant $v" ;;
	esac
}
totals() {
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" -eq 0 ]
	exit
}

if ! kvars=$("$vm/kernel.sh" --flavour debug 2>"$out.kernel.log"); then
	why="no debug kernel: tools/vm/kernel.sh --flavour debug failed ($(tail -n 1 "$out.kernel.log" 2>/dev/null))"
	for v in "${variants[@]}"; do
		result skip "$v" "$why"
	done
	totals
fi
rm -f "$out.kernel.log"
eval "$kvars"
echo "# debug kernel $FL_RELEASE ($FL_KDIR)"

for v in "${variants[@]}"; do
	d=$out/$v
	rm -rf "$d"
	mkdir -p "$d/src"
	# a private copy: the tree's module/ may be being rebuilt meanwhile
	rsync -a --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order \
		"$root/Kbuild" "$root/module" "$root/uapi" "$d/src/"
	plant=()
	[ "$v" = none ] || plant=(FAULTLAT_PLANT="$v")
	if ! make -C "$FL_KDIR" M="$d/src" "${plant[@]}" modules >"$d/build.log" 2>&1; then
		result "not ok" "$v" "the module did not build: $d/build.log" \
			"$(tail -n 3 "$d/build.log")"
		continue
	fi
	ko=$d/src/module/faultlat.ko
	if [ "$v" = none ] && nm "$ko" | grep -q fl_plant; then
		result "not ok" "$v" "planted code in the module as shipped"
		continue
	fi
	start=$SECONDS
	rc=0
	FAULTLAT_KO=$ko "$vm/run-guest.sh" --single-thread --flavour debug \
		--out "$d" --timeout 900 "$@" -- "$root/selftests/run.sh" --no-tests \
		>"$d/run.log" 2>&1 || rc=$?
	took="run-guest exit $rc after $((SECONDS - start))s"
	if [ "$v" = none ]; then
		if [ "$rc" -eq 0 ]; then
			result ok "$v" "$took"
		else
			result "not ok" "$v" "$took: the module as shipped must pass" \
				"$(grep -E 'not ok|run-guest' "$d/run.log" | head -n 5)"
		fi
		continue
	fi
	# the rig failed the run, and for the planted bug's reason
	hit=$(cat "$d/run.log" "$d/dmesg.log" "$d/console.log" 2>/dev/null |
		grep -E -m1 "${expect[$v]}")
	if [ "$rc" -ne 0 ] && [ -n "$hit" ]; then
		result ok "$v" "$took; reported: $hit"
	elif [ "$rc" -eq 0 ]; then
		result "not ok" "$v" "$took: the rig passed a run with a planted $v" \
			"${hit:+the log says: $hit}"
	else
		result "not ok" "$v" "$took, but no \"${expect[$v]}\" in the logs ($d)"
	fi
done
totals
