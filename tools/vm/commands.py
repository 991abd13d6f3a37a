#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Find every external command the project's scripts run, and check that
tools/vm/deps.sh installs it or that Debian's base system has it.

A command counts as provided when the Debian package that owns it on this
machine (dpkg -S) is in deps.sh's package list (deps.sh --list), or is
Essential: yes or Priority: required.  A command that no package owns,
or that is not there at all, fails the check, named with the script and
line that run it.

Shell scripts are parsed by shfmt (its JSON syntax tree): every simple
command, including those in functions, pipelines, $(...) and the
arguments of wrappers such as timeout, nice, env, xargs or chroot, and
the code given to sh -c or fed to bash in a here-document.  Python
scripts: the first word of subprocess's and os.system()'s commands when
it is a literal.  Makefiles: the first word of each recipe line.

  tools/vm/commands.py [--packages FILE] [--tap] [FILE...]

Without FILEs, the scripts git tracks under tools/, selftests/, bench/,
demo/, .ci/ and userspace/tests/ (the client's guest tests run in make
check's guests), and the Makefiles.  --packages reads the package list
from FILE (one name a line) instead of deps.sh --list.  --tap prints
kselftest-style TAP with a "# Totals:" line (make check).  Exits 1 when
a command is not provided.
"""

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), '..', '..'))
DIRS = ('tools', 'selftests', 'bench', 'demo', '.ci', 'userspace/tests')

# bash's builtins and keywords (compgen -b, compgen -k): not external
BUILTINS = set(subprocess.run(['bash', '-c', 'compgen -b; compgen -k'],
                              capture_output=True, text=True,
                              check=True).stdout.split())

# Commands that run another: NAME -> (options that take an argument,
# positional arguments before the command).  A wrapper's command is
# checked as any other.
WRAPPERS = {
    'timeout': ({'-s', '--signal', '-k', '--kill-after'}, 1),
    'nice': ({'-n', '--adjustment'}, 0),
    'ionice': ({'-c', '-n', '-p'}, 0),
    'nohup': (set(), 0),
    'setsid': (set(), 0),
    'stdbuf': ({'-i', '-o', '-e'}, 0),
    'env': ({'-u', '--unset', '-C', '--chdir', '-S'}, 0),
    'xargs': ({'-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s'}, 0),
    'chrt': (set(), 1),
    'taskset': (set(), 1),
    'chroot': ({'--userspec', '--groups'}, 1),
    'unshare': ({'--map-user', '--map-group', '--setgroups', '--propagation',
                 '-S', '--setuid', '-G', '--setgid', '-R', '--root',
                 '-w', '--wd'}, 0),
    'nsenter': ({'-t', '--target', '-S', '-G'}, 0),
    'setpriv': ({'--reuid', '--regid', '--groups', '--inh-caps',
                 '--ambient-caps', '--bounding-set'}, 0),
    'runuser': ({'-u', '-g', '-G'}, 0),
    'su': ({'-c', '-s', '-g', '-G'}, 0),
    'flock': ({'-w', '--timeout', '-E', '--conflict-exit-code'}, 1),
    'exec': ({'-a'}, 0),
    'time': ({'-f', '-o'}, 0),
    'command': (set(), 0),
    'builtin': (set(), 0),
}
SHELLS = {'sh', 'bash', 'dash', '/bin/sh', '/bin/bash', '/usr/bin/bash'}
# C functions of the tests that run a command, and which argument is it
# (system()'s is shell code)
C_RUNNERS = {'system': 0, 'fl_system': 0, 'fl_have': 0, 'fl_spawnl': 2,
             'fl_runl': 4, 'spawn': 4, 'execlp': 0, 'execvp': 0}
C_DIRS = ('selftests', 'bench', 'demo', 'userspace/tests')
# where commands are looked for: Debian's, not the caller's PATH
SYSPATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
SYSDIRS = ('/usr/', '/bin/', '/sbin/')
# shell code that is not a script of its own but is sourced by one
SOURCED = ('userspace/bash-completion/faultlat',)
# what the completion sources from bash-completion (in deps.sh): the
# functions it defines are not commands
LIBRARIES = ('/usr/share/bash-completion/bash_completion',)


class Finder:
    """Commands found in the scripts: name -> [(file, line)]."""

    def __init__(self):
        self.found = {}
        self.functions = set()
        self.absent = []
        self.busybox = False
        self.applets = None
        self.library = False

    def add(self, name, where):
        self.found.setdefault(name, []).append(where)

    # ---- shell ---------------------------------------------------------

    def shell_file(self, path):
        with open(path, encoding='utf-8') as f:
            text = f.read()
        # a script busybox runs (the guest's init): its commands are
        # busybox's applets, busybox the one command it needs
        self.busybox = text.startswith('#!/bin/busybox')
        if self.busybox:
            self.add('/bin/busybox', (os.path.relpath(path, TOP), 1))
        self.shell_text(text, path, 0)
        self.busybox = False

    def shell_text(self, text, path, line0):
        try:
            tree = json.loads(subprocess.run(
                ['shfmt', '--tojson', '-ln', 'bash'], input=text,
                capture_output=True, text=True, check=True).stdout)
        except subprocess.CalledProcessError as e:
            msg = e.stderr.strip().splitlines()
            self.absent.append((path, f'shfmt cannot parse it: {msg[:1]}'))
            return
        self.walk(tree, path, line0)

    def walk(self, node, path, line0):
        if isinstance(node, list):
            for n in node:
                self.walk(n, path, line0)
            return
        if not isinstance(node, dict):
            return
        kind = node.get('Type')
        if kind == 'FuncDecl':
            self.functions.add(node['Name']['Value'])
        elif kind == 'CallExpr' and node.get('Args') and not self.library:
            self.call(node['Args'], path, line0)
        if 'Cmd' in node and 'Redirs' in node and not self.library:
            self.heredocs(node, path, line0)
        for key, val in node.items():
            if key not in ('Pos', 'End'):
                self.walk(val, path, line0)

    @staticmethod
    def literal(word):
        """A word's text if it is all literal (quoted or not), else None."""
        out = []
        for part in word.get('Parts', []):
            if part['Type'] in ('Lit', 'SglQuoted'):
                out.append(part.get('Value', ''))
            elif part['Type'] == 'DblQuoted':
                for p in part.get('Parts') or []:
                    if p['Type'] != 'Lit':
                        return None
                    out.append(p.get('Value', ''))
            else:
                return None
        return ''.join(out)

    def call(self, args, path, line0):
        words = [self.literal(a) for a in args]
        line = line0 + args[0]['Pos']['Line']
        i = 0
        while i < len(words):
            name = words[i]
            if name is None:
                return
            if '=' in name and i and words[i - 1] is not None and \
                    words[0] == 'env':
                i += 1
                continue
            if name in ('command', 'type', 'hash') and i + 1 < len(words) \
                    and words[i + 1] in ('-v', '-V', '-p', '-t'):
                return		# looks a command up, does not run it
            if name not in BUILTINS or name in ('time',):
                self.command(name, path, line)
            if name in SHELLS:
                self.shell_c(args, words, i, path, line0)
                return
            if name not in WRAPPERS:
                return
            opts, npos = WRAPPERS[name]
            i += 1
            while i < len(words) and words[i] is not None and \
                    words[i].startswith('-') and words[i] != '--':
                has_arg = words[i] in opts
                i += 2 if has_arg else 1
            if i < len(words) and words[i] == '--':
                i += 1
            while i < len(words) and words[i] is not None and \
                    '=' in words[i] and name == 'env':
                i += 1
            i += npos

    def shell_c(self, args, words, i, path, line0):
        """sh -c 'CODE' ...: CODE's commands, when it is literal."""
        for j in range(i + 1, len(words)):
            w = words[j] or ''
            if re.fullmatch(r'-[a-z]*c[a-z]*', w) and j + 1 < len(words):
                if words[j + 1] is not None:
                    self.shell_text(words[j + 1], path,
                                    line0 + args[j + 1]['Pos']['Line'] - 1)
                return

    def heredocs(self, stmt, path, line0):
        """bash <<EOF ... EOF: the here-document is a script."""
        cmd = stmt['Cmd']
        if cmd.get('Type') != 'CallExpr' or not cmd.get('Args'):
            return
        first = self.literal(cmd['Args'][0])
        if first not in SHELLS:
            return
        for r in stmt['Redirs']:
            doc = r.get('Hdoc')
            if doc is None:
                continue
            text = self.literal(doc)
            if text is not None:
                self.shell_text(text, path,
                                line0 + doc['Pos']['Line'] - 1)

    def command(self, name, path, line):
        where = (os.path.relpath(path, TOP), line)
        if '/' in name and not name.startswith(SYSDIRS):
            return		# the project's own, or made as it runs
        if self.busybox:
            if self.applets is None:
                self.applets = set(subprocess.run(
                    ['busybox', '--list'], capture_output=True, text=True,
                    check=False).stdout.split())
            if name in self.applets:
                return
        self.add(name, where)

    # ---- python --------------------------------------------------------

    def python_file(self, path):
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            fn = node.func
            fname = fn.attr if isinstance(fn, ast.Attribute) else \
                getattr(fn, 'id', '')
            arg = node.args[0]
            if fname in ('run', 'Popen', 'call', 'check_call',
                         'check_output'):
                if isinstance(arg, (ast.List, ast.Tuple)) and arg.elts and \
                        isinstance(arg.elts[0], ast.Constant) and \
                        isinstance(arg.elts[0].value, str):
                    self.command(arg.elts[0].value, path, node.lineno)
                elif isinstance(arg, ast.Constant) and \
                        isinstance(arg.value, str):
                    self.shell_text(arg.value, path, node.lineno - 1)
            elif fname == 'system' and isinstance(arg, ast.Constant):
                self.shell_text(arg.value, path, node.lineno - 1)

    # ---- C (the selftests' and benchmarks' helpers) -------------------

    def c_file(self, path):
        """Calls of C_RUNNERS whose command is a string literal."""
        with open(path, encoding='utf-8') as f:
            text = f.read()
        for m in re.finditer(r'\b(' + '|'.join(C_RUNNERS) + r')\(', text):
            args = c_args(text, m.end())
            idx = C_RUNNERS[m.group(1)]
            if idx >= len(args):
                continue
            lit = re.fullmatch(r'\s*"((?:[^"\\]|\\.)*)"\s*', args[idx])
            if not lit:
                continue
            line = text.count('\n', 0, m.start())
            if idx < 0 or m.group(1) in ('system', 'fl_system'):
                self.shell_text(lit.group(1).encode().decode('unicode_escape'),
                                path, line)
            else:
                self.command(lit.group(1), path, line + 1)

    # ---- make ----------------------------------------------------------

    def makefile(self, path):
        """Recipe lines, in make_to_shell()'s shell."""
        with open(path, encoding='utf-8') as f:
            lines = f.read().split('\n')
        # VAR ?= word: a command named by a variable (INSTALL, DEPMOD)
        variables = {'MAKE': 'make'}
        for line in lines:
            m = re.match(r'([A-Za-z_0-9]+)\s*[?:]?=\s*(\S+)\s*$', line)
            if m and '$' not in m.group(2):
                variables[m.group(1)] = m.group(2)
        n = 0
        while n < len(lines):
            start = n
            text = lines[n]
            while text.endswith('\\') and n + 1 < len(lines):
                n += 1
                text = text[:-1] + ' ' + lines[n].lstrip('\t')
            n += 1
            if not text.startswith('\t'):
                continue
            text = text.lstrip('\t').lstrip('@-+')
            self.shell_text(make_to_shell(text, variables), path, start)


def c_args(text, pos):
    """The top-level arguments of the C call whose '(' ends before POS."""
    args, depth, cur, i = [], 0, [], pos
    while i < len(text):
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            if depth == 0:
                break
            depth -= 1
        elif ch == ',' and depth == 0:
            args.append(''.join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    args.append(''.join(cur))
    return args


def make_to_shell(text, variables):
    """A recipe line as shell code: $(VAR) is VAR's value if it is one
    word, else a shell variable; $(if C,A,B) is A; B, $(foreach V,L,T) is
    T, $(shell C) is $(C); $$ is $."""
    text = text.replace('$$', '\0')
    text = re.sub(r'\$([@<^*?])', r'"$ARG"', text)
    inner = re.compile(r'\$\(([^()$]*)\)')
    while True:
        m = inner.search(text)
        if not m:
            break
        body = m.group(1)
        fn, _, rest = body.partition(' ')
        if fn == 'if':
            rep = '; '.join(x.strip().lstrip('@-+')
                            for x in rest.split(',')[1:] if x.strip())
        elif fn == 'foreach':
            rep = rest.split(',', 2)[-1]
        elif fn == 'shell':
            rep = '\0(' + rest + ')'
        elif body in variables:
            rep = variables[body]
        else:
            rep = '"\0ARG"'
        text = text[:m.start()] + rep + text[m.end():]
    return text.replace('\0', '$')


def script_files():
    files = subprocess.run(['git', '-C', TOP, 'ls-files', '--', *DIRS,
                            *C_DIRS, *SOURCED, 'Makefile', '*/Makefile'],
                           capture_output=True, text=True,
                           check=True).stdout.split()
    out = []
    for f in sorted(set(files)):
        p = os.path.join(TOP, f)
        if f.endswith('.c') and f.startswith(C_DIRS):
            out.append(p)
            continue
        if not f.startswith(DIRS) and f not in SOURCED and \
                os.path.basename(f) != 'Makefile':
            continue
        if os.path.basename(f) == 'Makefile' or f in SOURCED or \
                f.endswith(('.sh', '.py')):
            out.append(p)
            continue
        with open(p, 'rb') as fh:
            head = fh.readline()
        if head.startswith(b'#!') and re.search(rb'\b(ba|da)?sh\b|python',
                                                head):
            out.append(p)
    return out


def owner(path):
    """The package that owns PATH (or the file a link leads to), or None.
    /bin and /usr/bin are one directory (usrmerge): dpkg knows either."""
    cands = [path]
    p = path
    for _ in range(8):
        if not os.path.islink(p):
            break
        p = os.path.join(os.path.dirname(p), os.readlink(p))
        cands.append(os.path.normpath(p))
    cands.append(os.path.realpath(path))
    for c in list(cands):
        if c.startswith('/usr/'):
            cands.append(c[4:])
        else:
            cands.append('/usr' + c)
    for c in cands:
        r = subprocess.run(['dpkg-query', '-S', c], capture_output=True,
                           text=True, check=False)
        for line in r.stdout.splitlines() if r.returncode == 0 else []:
            if not line.startswith('diversion by'):
                return line.split(':')[0].split(',')[0].strip()
    return None


def depends(packages):
    """The packages that PACKAGES depend on directly (Depends,
    Pre-Depends): installed with them."""
    r = subprocess.run(['dpkg-query', '-W', '-f',
                        '${Depends}, ${Pre-Depends}\\n', *packages],
                       capture_output=True, text=True, check=False)
    out = set()
    for dep in re.split(r'[,|]', r.stdout):
        name = dep.strip().split(' ')[0].split(':')[0]
        if name:
            out.add(name)
    return out


def base_packages():
    r = subprocess.run(['dpkg-query', '-W', '-f',
                        '${Package} ${Essential} ${Priority}\\n'],
                       capture_output=True, text=True, check=True)
    base = set()
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and (f[1] == 'yes' or f[2] == 'required'):
            base.add(f[0])
        elif len(f) == 2 and f[1] == 'required':
            base.add(f[0])
    return base


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--packages')
    ap.add_argument('--tap', action='store_true')
    ap.add_argument('files', nargs='*')
    a = ap.parse_args()

    if a.packages:
        with open(a.packages, encoding='utf-8') as f:
            listed = set(f.read().split())
    else:
        listed = set(subprocess.run([os.path.join(TOP, 'tools/vm/deps.sh'),
                                     '--list'], capture_output=True,
                                    text=True, check=True).stdout.split())
    deps = depends(sorted(listed))
    base = base_packages()
    files = [os.path.abspath(f) for f in a.files] or script_files()

    finder = Finder()
    for lib in LIBRARIES:
        if os.path.exists(lib):
            finder.library = True
            finder.shell_file(lib)
            finder.library = False
    for f in files:
        if f.endswith('.py'):
            finder.python_file(f)
        elif f.endswith('.c'):
            finder.c_file(f)
        elif os.path.basename(f) == 'Makefile':
            finder.makefile(f)
        else:
            finder.shell_file(f)

    path = SYSPATH
    results = []
    for name in sorted(finder.found):
        if name in finder.functions or name in BUILTINS:
            continue
        where = finder.found[name]
        at = ', '.join(f'{f}:{n}' for f, n in where[:3]) + \
            (f' and {len(where) - 3} more' if len(where) > 3 else '')
        exe = name if name.startswith('/') else shutil.which(name, path=path)
        if not exe or not os.path.exists(exe):
            results.append((False, name, f'not found on this machine ({at})'))
            continue
        pkg = owner(exe)
        if pkg is None:
            results.append((False, name, f'{exe} belongs to no package ({at})'))
        elif pkg in listed:
            results.append((True, name, f'{pkg}, in deps.sh'))
        elif pkg in base:
            results.append((True, name, f'{pkg}, base system'))
        elif pkg in deps:
            results.append((True, name, f'{pkg}, a dependency of deps.sh\'s'))
        else:
            results.append((False, name,
                            f'{exe} is in {pkg}, which deps.sh does not '
                            f'install ({at})'))
    for f, why in finder.absent:
        results.append((False, os.path.relpath(f, TOP), why))

    bad = [r for r in results if not r[0]]
    if a.tap:
        print('TAP version 13')
        print(f'1..{len(results)}')
        for i, (ok, name, why) in enumerate(results, 1):
            print(f'{"ok" if ok else "not ok"} {i} {name}: {why}')
        print(f'# Totals: pass:{len(results) - len(bad)} fail:{len(bad)} '
              'xfail:0 xpass:0 skip:0 error:0')
    else:
        for ok, name, why in bad:
            print(f'commands: {name}: {why}')
        print(f'commands: {len(results)} commands in {len(files)} files, '
              f'{len(bad)} not provided')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
