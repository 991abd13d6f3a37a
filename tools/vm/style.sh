#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make style: checkpatch.pl --strict on every C source and header of the
# module, the uapi, the client and the selftests (tracked or new, not
# ignored: no build products).  checkpatch comes from linux-source-6.1
# through kselftest.sh.  Exits non-zero on any error, warning or check.
#
#   tools/vm/style.sh [FILE...]
set -euo pipefail

cd "$(dirname "$0")/../.."
checkpatch=$(tools/vm/kselftest.sh)/scripts/checkpatch.pl

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(git ls-files --cached --others --exclude-standard \
		-- module uapi userspace selftests | grep -E '\.[ch]$' | sort -u)
fi
[ ${#files[@]} -gt 0 ] || { echo "style: no files" >&2; exit 1; }

# elfutils' libdwfl spells its types in CamelCase (Dwfl, Dwfl_Module,
# GElf_Sym): they are not ours to rename, in the one file that uses them
camel=(userspace/sym.c)
rest=() lib=()
for f in "${files[@]}"; do
	case " ${camel[*]} " in
	*" $f "*) lib+=("$f") ;;
	*) rest+=("$f") ;;
	esac
done
run_checkpatch() {
	perl "$checkpatch" --strict --no-tree --quiet --show-types \
		--no-summary-file "$@"
}
ok=1
[ ${#rest[@]} -eq 0 ] || run_checkpatch -f "${rest[@]}" || ok=0
[ ${#lib[@]} -eq 0 ] || run_checkpatch --ignore CAMELCASE -f "${lib[@]}" || ok=0
if [ $ok = 1 ]; then
	echo "style: ${#files[@]} files, no problems"
else
	echo "style: checkpatch found problems (see above)" >&2
	exit 1
fi
