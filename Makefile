# SPDX-License-Identifier: GPL-2.0
#
# faultlat: page-fault latency histograms, per task.
#
#   make                build the module, the client and the selftests
#   make demo           boot a Debian kernel in QEMU and run the demo
#                       (PAGES=N to touch fewer than 1048576 pages;
#                       KERNEL=6.1, 6.12 or 7.3, or a kernel.sh flavour
#                       such as 6.12-rt-amd64)
#   make check          run the selftests and, in the same guests, the
#                       client's guest tests in QEMU on Debian's 6.1, 6.12
#                       (generic and PREEMPT_RT) and 7.x kernels and on the
#                       debug kernel (6.12 with KASAN, lockdep, ...; built
#                       the first time), then the packaging tests; prints
#                       "N passed, N failed" last
#   make check-all      every flavour of 6.1, 6.12 and 7.x, both probe
#                       modes on each generic kernel, the full stress test,
#                       and the debug kernel of 6.1 too
#                       (FAULTLAT_RESUME=1: only what has not passed yet
#                       for this checkout)
#   make bench          what faultlat costs per fault, in QEMU, on Debian's
#                       6.1, 6.12 and 7.3 (KERNELS="6.12 ..." for fewer);
#                       prints the tables and goals, writes out/bench.json
#   make style          checkpatch --strict on every source file
#   make sparse         the module with sparse (C=2) and W=1
#   make install        the module (to extra/, then depmod), the client,
#                       the uapi header, the man page, the bash completion
#                       and the udev rule; DESTDIR, PREFIX (/usr/local)
#   make uninstall      remove what make install installed
#   make dkms-install   the module's sources into /usr/src/faultlat-VERSION
#                       and dkms install (make dkms-uninstall undoes it)
#   make deb            the Debian packages faultlat-dkms, faultlat and
#                       faultlat-dev (debian/, dpkg-buildpackage -us -uc in
#                       a copy of the sources), into out/deb/
#   make man            the faultlat(8) man page, from its reStructuredText
#   make htmldocs       the documentation (Sphinx, warnings are errors)
#
# KDIR is the kernel build tree; on a real machine the running kernel's.

KDIR ?= /lib/modules/$(shell uname -r)/build
FAULTLAT_CACHE ?= $(HOME)/.cache/faultlat
export FAULTLAT_CACHE

# make install: DESTDIR is prepended to every path
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UDEVRULESDIR ?= /etc/udev/rules.d
DEPMOD ?= depmod
INSTALL ?= install
# the kernel release KDIR is for, and MODULE_VERSION
# (Debian's headers hold the upstream version in kernel.release)
KRELEASE = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
VERSION := $(shell awk '$$2 == "FL_VERSION_MAJOR" { a = $$3 } \
	$$2 == "FL_VERSION_MINOR" { b = $$3 } END { print a "." b }' module/faultlat.h)
DKMS_SRC ?= /usr/src/faultlat-$(VERSION)
DOCS_O ?= Documentation/output
MAN8 := $(DOCS_O)/man/faultlat.8

all: module userspace selftests

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C selftests/faultlat

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 W=1 modules

style:
	tools/vm/style.sh

check:
	tools/vm/check.sh

check-all:
	FAULTLAT_ALL=1 tools/vm/check.sh

demo:
	tools/vm/demo.sh $(if $(KERNEL),--kernel $(KERNEL)) $(PAGES)

deps:
	tools/vm/deps.sh

bench:
	bench/bench.sh $(if $(KERNELS),--kernels "$(KERNELS)")

# man page and documentation: one source each, Documentation/*.rst
man: $(MAN8)

$(MAN8): Documentation/userspace/faultlat.rst
	mkdir -p $(@D)
	rst2man --halt=warning $< $@.tmp
	mv $@.tmp $@

htmldocs:
	kdoc=$$(tools/pkg/kernel-doc.sh) && \
	FAULTLAT_KERNEL_DOC=$$kdoc sphinx-build -q -W --keep-going -b html \
		-d $(DOCS_O)/doctrees Documentation $(DOCS_O)/html

# The module goes to /lib/modules/KRELEASE/extra/module/faultlat.ko (the
# kernel's modules_install keeps its directory) and is signed if the
# kernel's build tree has the signing key (Debian's headers do not).
# Without DESTDIR, depmod; with it (a package, a staging tree), the
# package's own installation runs depmod.
install: module userspace man
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra DEPMOD=true modules_install
	$(INSTALL) -D -m 0755 userspace/faultlat $(DESTDIR)$(BINDIR)/faultlat
	$(INSTALL) -D -m 0644 uapi/linux/faultlat.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/faultlat.h
	$(INSTALL) -D -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/faultlat.8
	$(INSTALL) -D -m 0644 userspace/bash-completion/faultlat \
		$(DESTDIR)$(BASHCOMPDIR)/faultlat
	$(INSTALL) -D -m 0644 udev/60-faultlat.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-faultlat.rules
	$(if $(DESTDIR),@echo "DESTDIR set: run depmod -a $(KRELEASE) once installed",$(DEPMOD) -a $(KRELEASE))

uninstall:
	rm -f $(foreach x,.ko .ko.xz .ko.zst .ko.gz,\
		$(DESTDIR)/lib/modules/$(KRELEASE)/extra/module/faultlat$(x))
	rm -f $(DESTDIR)$(BINDIR)/faultlat \
		$(DESTDIR)$(INCLUDEDIR)/linux/faultlat.h \
		$(DESTDIR)$(MANDIR)/man8/faultlat.8 \
		$(DESTDIR)$(BASHCOMPDIR)/faultlat \
		$(DESTDIR)$(UDEVRULESDIR)/60-faultlat.rules
	$(if $(DESTDIR),,$(DEPMOD) -a $(KRELEASE))

# DKMS: the sources dkms.conf builds, in DKMS_SRC; then, without DESTDIR,
# dkms add, build and install for KRELEASE
DKMS_FILES := Kbuild dkms.conf uapi/linux/faultlat.h module/Kbuild \
	$(filter-out %.mod.c,$(wildcard module/*.c)) $(wildcard module/*.h) \
	$(wildcard module/*.S) $(wildcard module/*.inc)

dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	for f in $(DKMS_FILES); do \
		$(INSTALL) -D -m 0644 $$f $(DESTDIR)$(DKMS_SRC)/$$f || exit 1; \
	done

dkms-install: dkms-src
	$(if $(DESTDIR),,dkms install faultlat/$(VERSION) -k $(KRELEASE))

# Debian packages: tools/pkg/deb.sh, into DEB_O
DEB_O ?= out/deb
deb:
	tools/pkg/deb.sh $(DEB_O)

dkms-uninstall:
	$(if $(DESTDIR),,-dkms remove faultlat/$(VERSION) --all)
	rm -rf $(DESTDIR)$(DKMS_SRC)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests/faultlat clean
	$(MAKE) -C demo clean
	rm -rf $(DOCS_O)

.PHONY: all module userspace selftests sparse style check check-all demo deps bench clean \
	man htmldocs install uninstall dkms-src dkms-install dkms-uninstall deb
