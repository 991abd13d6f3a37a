# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of faultlat's documentation: make htmldocs.
#
# The `kernel-doc` directives (Documentation/uapi.rst) use the kernel's
# own Sphinx extension and scripts/kernel-doc, which tools/pkg/kernel-doc.sh
# extracts from Debian's linux-source-6.1 into a cache directory; the
# Makefile passes that directory in FAULTLAT_KERNEL_DOC.  Paths given to
# the directive are relative to the top of the repository.

import os
import sys

project = 'faultlat'
copyright = 'The faultlat authors'
author = 'The faultlat authors'

_top = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))


def _module_version():
    """MODULE_VERSION of faultlat.ko, from module/faultlat.h."""
    v = {}
    with open(os.path.join(_top, 'module', 'faultlat.h')) as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and w[0] == '#define' and \
               w[1] in ('FL_VERSION_MAJOR', 'FL_VERSION_MINOR'):
                v[w[1]] = w[2]
    return '%s.%s' % (v['FL_VERSION_MAJOR'], v['FL_VERSION_MINOR'])


version = release = _module_version()

_kdoc = os.environ.get('FAULTLAT_KERNEL_DOC')
if not _kdoc:
    sys.exit('conf.py: FAULTLAT_KERNEL_DOC is not set: build with make htmldocs')
sys.path.insert(0, os.path.join(_kdoc, 'Documentation', 'sphinx'))
extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(_kdoc, 'scripts', 'kernel-doc')
kerneldoc_srctree = _top

primary_domain = 'c'
highlight_language = 'none'
master_doc = 'index'
exclude_patterns = ['output']
html_theme = 'alabaster'
html_static_path = []
