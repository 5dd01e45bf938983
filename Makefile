# SPDX-License-Identifier: GPL-2.0-only
#
# Out-of-tree build of remap_pfn.ko against the installed Debian kernel
# headers, plus the development targets (VM runner, tests).

KVER ?= $(shell scripts/kver.sh 2>/dev/null || uname -r)
KDIR ?= /lib/modules/$(KVER)/build
DRV  := $(CURDIR)/drivers/misc/remap_pfn

KBUILD_ARGS := -C $(KDIR) M=$(DRV) CONFIG_REMAP_PFN=m \
	KCFLAGS=-I$(CURDIR)/include

.PHONY: all module clean
all: module

module:
	$(MAKE) $(KBUILD_ARGS) modules

clean:
	$(MAKE) $(KBUILD_ARGS) clean
