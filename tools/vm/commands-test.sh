#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check, on the host: every external command the project's scripts
# run is installed by tools/vm/deps.sh or is in Debian's base system
# (tools/vm/commands.py), and that check can fail: it must name a
# command that the package list leaves out, in each of the shapes it
# claims to read, and rsync in plant-check.sh when rsync is not listed.
# kselftest-style TAP, with a "# Totals:" line.
#
#   tools/vm/commands-test.sh
set -uo pipefail

cd "$(dirname "$0")/../.."
vm=tools/vm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0 pass=0 fail=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n $2"
	else
		fail=$((fail + 1))
		echo "not ok $n $2"
	fi
}

echo "TAP version 13"
echo "1..4"

# 1: the project as it is
"$vm/commands.py" >"$tmp/tree.log" 2>&1
rc=$?
sed 's/^/# /' "$tmp/tree.log"
ok "$rc" "every command of the project's scripts is provided"

# 2: rsync, when deps.sh does not list it, in plant-check.sh
"$vm/deps.sh" --list | grep -vx rsync >"$tmp/no-rsync"
"$vm/commands.py" --packages "$tmp/no-rsync" "$vm/plant-check.sh" \
	>"$tmp/rsync.log" 2>&1
rc=$?
sed 's/^/# /' "$tmp/rsync.log"
[ "$rc" -eq 1 ] && grep -q '^commands: rsync: .*tools/vm/plant-check.sh:[0-9]' "$tmp/rsync.log"
ok $? "rsync is named when deps.sh leaves it out"

# 3: each shape the check reads, with a command no package provides;
# functions, builtins and a command only looked up are not commands
cat >"$tmp/shapes.sh" <<'EOF'
#!/bin/bash
helper() { echo "$1"; }
helper x
x=$(fl-absent-subst | grep y)
if timeout -s KILL 5 fl-absent-timeout --x; then :; fi
nice -n 19 env A=1 fl-absent-env
sh -c 'fl-absent-shc arg'
bash <<'END'
fl-absent-heredoc
END
command -v fl-absent-lookup >/dev/null || true
EOF
cat >"$tmp/Makefile" <<'EOF'
X ?= fl-absent-var
all:
	$(X) a b
	$(if $(DESTDIR),,-fl-absent-makeif $(DESTDIR))
	@fl-absent-make $$HOME
EOF
cat >"$tmp/shapes.c" <<'EOF'
int main(void)
{
	fl_runl(NULL, 0, NULL, 1000, "fl-absent-runl", "a", NULL);
	return fl_system("fl-absent-system > /dev/null");
}
EOF
cat >"$tmp/shapes.py" <<'EOF'
import subprocess
subprocess.run(['fl-absent-py', 'x'], check=True)
EOF
"$vm/commands.py" "$tmp/shapes.sh" "$tmp/Makefile" "$tmp/shapes.c" \
	"$tmp/shapes.py" >"$tmp/shapes.log" 2>&1
rc=$?
sed 's/^/# /' "$tmp/shapes.log"
found=$(sed -n 's/^commands: \(fl-absent-[a-z]*\): .*/\1/p' "$tmp/shapes.log" | sort | tr '\n' ' ')
want="fl-absent-env fl-absent-heredoc fl-absent-make fl-absent-makeif fl-absent-py fl-absent-runl fl-absent-shc fl-absent-subst fl-absent-system fl-absent-timeout fl-absent-var "
[ "$rc" -eq 1 ] && [ "$found" = "$want" ] &&
	! grep -qE '^commands: (helper|echo|grep|fl-absent-lookup):' "$tmp/shapes.log"
ok $? "each shape is read: found '$found'"

# 4: a command from a package that is neither listed nor in the base
printf '#!/bin/sh\nrsync -a a b\n' >"$tmp/rsync.sh"
"$vm/commands.py" --packages /dev/null "$tmp/rsync.sh" >"$tmp/base.log" 2>&1
rc=$?
sed 's/^/# /' "$tmp/base.log"
[ "$rc" -eq 1 ] && grep -q "^commands: rsync: .* is in rsync, which deps.sh does not install" "$tmp/base.log"
ok $? "an unlisted package's command fails, naming the package"

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
