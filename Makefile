# SPDX-License-Identifier: GPL-2.0-only
#
# Out-of-tree build of remap_pfn.ko against the installed Debian kernel
# headers, plus the development targets (VM runner, tests).
#
#   make            build drivers/misc/remap_pfn/remap_pfn.ko
#   make run        boot a VM, load the driver, run the sharing demo
#                   (ALLOCATOR=kmalloc|vmalloc|alloc_pages, SIZE=128K)
#   make check      build everything and run every test tier: lint,
#                   intree, and the kselftests in VMs
#   make lint       only the lint tier: checkpatch, sparse, W=1, kernel-doc,
#                   coccicheck, rst
#   make patch      write the in-tree submission as a patch series to
#                   out/patches
#   make check-intree  only the intree tier: apply the series to a pristine
#                   kernel tree and build the driver and selftests there
#   make deps       install the Debian packages the above need

KVER ?= $(shell scripts/kver.sh 2>/dev/null || uname -r)
KDIR ?= /lib/modules/$(KVER)/build
DRV  := $(CURDIR)/drivers/misc/remap_pfn
OUT  := $(or $(REMAP_PFN_OUT),$(CURDIR)/out)

KBUILD_ARGS := -C $(KDIR) M=$(DRV) CONFIG_REMAP_PFN=m \
	KCFLAGS=-I$(CURDIR)/include

.PHONY: all module clean deps demo run check lint patch check-intree
all: module

module:
	$(MAKE) $(KBUILD_ARGS) modules

# The run and check scripts install missing packages first and only then
# work out the kernel release, so they must not depend on KVER here.
deps:
	@scripts/deps.sh

run:
	@ALLOCATOR=$(ALLOCATOR) SIZE=$(SIZE) scripts/run.sh

check:
	@scripts/check.sh

lint:
	@scripts/run-tier.sh lint

patch:
	@scripts/patch.sh

check-intree:
	@scripts/run-tier.sh intree

# The demo runs in the initramfs, which has no libc for it: link statically.
demo: $(OUT)/remap_pfn_demo
$(OUT)/remap_pfn_demo: tools/remap_pfn_demo/remap_pfn_demo.c include/uapi/linux/remap_pfn.h
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -I include/uapi -o $@ $<

clean:
	$(MAKE) $(KBUILD_ARGS) clean
	rm -rf $(OUT)
