#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that the debug kernel's detectors work and that the rig fails a
# run that has a bug: build faultlat as shipped and the test module of
# planted bugs (selftests/faultlat/plant/, faultlat_plant.ko with
# bug=leak|oob|lockorder|sleep|bounds) against the debug kernel, boot the
# rig with `selftests/run.sh --no-tests` (load, unload, check the kernel
# log and kmemleak) and the test module loaded beside faultlat with each
# bug, and expect the run to fail with that detector's report; the same
# run without the test module must pass.
#
#   tools/vm/plant-check.sh [run-guest.sh options]
#
# Prints kselftest TAP ending with a "# Totals:" line (so check.sh can
# count it), one test per variant: "none" (the shipped module alone:
# passes, and holds no planted code) then one per bug.  Without the debug flavour
# (tools/vm/kernel.sh --flavour debug) every test is skipped, saying why.
# Logs: out/plant-check/<variant>/.  Exits 1 if any test failed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
root=$PWD
vm=$root/tools/vm
out=$root/out/plant-check
mkdir -p "$out"

# variant, then what its guest log must say (ERE; the detector's words)
variants=(none leak oob lockorder sleep bounds)
declare -A expect=(
	[leak]='not ok [0-9]+ kmemleak: nothing of faultlat'
	[oob]='BUG: KASAN: slab-out-of-bounds in plant_oob'
	[lockorder]='\(plant_lock_[ab]\)'
	[sleep]='sleeping function called from invalid context'
	[bounds]='UBSAN: array-index-out-of-bounds in [^ ]*plant\.c:[0-9]+'
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

# Private copies (the tree's may be being rebuilt meanwhile), built once:
# faultlat as shipped and the test module.
b=$out/build
rm -rf "$b"
mkdir -p "$b/src" "$b/plant"
rsync -a --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order \
	"$root/Kbuild" "$root/module" "$root/uapi" "$b/src/"
cp "$root/selftests/faultlat/plant/Kbuild" "$root/selftests/faultlat/plant/plant.c" \
	"$b/plant/"
why=
for m in src plant; do
	make -C "$FL_KDIR" M="$b/$m" modules >"$b/$m.log" 2>&1 ||
		why="$b/$m did not build: $b/$m.log: $(tail -n 3 "$b/$m.log")"
done
ko=$b/src/module/faultlat.ko
plant_ko=$b/plant/faultlat_plant.ko
[ -n "$why" ] || ! nm "$ko" | grep -qi plant ||
	why="planted code in the module as shipped"

for v in "${variants[@]}"; do
	d=$out/$v
	rm -rf "$d"
	mkdir -p "$d"
	if [ -n "$why" ]; then
		result "not ok" "$v" "$why"
		continue
	fi
	planted=()
	[ "$v" = none ] ||
		planted=(FAULTLAT_PLANT_KO="$plant_ko" FAULTLAT_PLANT_BUG="$v")
	start=$SECONDS
	rc=0
	env FAULTLAT_KO="$ko" "${planted[@]}" "$vm/run-guest.sh" --single-thread \
		--flavour debug --out "$d" --timeout 900 "$@" -- \
		"$root/selftests/run.sh" --no-tests >"$d/run.log" 2>&1 || rc=$?
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
