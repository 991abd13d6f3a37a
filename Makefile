# SPDX-License-Identifier: GPL-2.0
#
# faultlat: page-fault latency histograms, per task.
#
#   make                build the module, the client and the selftests
#   make demo           boot Debian's 6.1 kernel in QEMU and run the demo
#                       (PAGES=N to touch fewer than 1048576 pages)
#   make check          run the selftests in QEMU (prints "N passed, N failed")
#   make style          checkpatch --strict on every source file
#   make sparse         the module with sparse (C=2) and W=1
#
# KDIR is the kernel build tree; on a real machine the running kernel's.

KDIR ?= /lib/modules/$(shell uname -r)/build
FAULTLAT_CACHE ?= $(HOME)/.cache/faultlat
export FAULTLAT_CACHE

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

demo:
	tools/vm/demo.sh $(PAGES)

deps:
	tools/vm/deps.sh

bench:
	bench/bench.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests/faultlat clean
	$(MAKE) -C demo clean

.PHONY: all module userspace selftests sparse style check demo deps bench clean
