# SPDX-License-Identifier: GPL-2.0-only
#
# Out-of-tree build of remap_pfn.ko against the installed Debian kernel
# headers, plus the development targets (VM runner, tests).
#
#   make            build drivers/misc/remap_pfn/remap_pfn.ko
#   make run        boot a VM, load the driver, run the sharing demo
#                   (ALLOCATOR=kmalloc|vmalloc|alloc_pages, SIZE=128K)
#   make check      build everything and run every test tier: lint,
#                   intree, the kselftests in VMs, bench, debug
#   make lint       only the lint tier: checkpatch, sparse, W=1, kernel-doc,
#                   coccicheck, rst
#   make patch      write the in-tree submission as a patch series to
#                   out/patches
#   make check-intree  only the intree tier: apply the series to a pristine
#                   kernel tree and build the driver and selftests there
#   make bench      boot a VM per allocator and measure what mapping the
#                   device costs and how fast data moves through it, against
#                   anonymous memory, a memfd and a pipe; writes bench/
#                   (BENCH_WALL=1: wall-clock time instead of instructions)
#   make check-debug  only the debug tier: the suite, a stress run and
#                   loads with failures injected, in a KASAN + lockdep +
#                   kmemleak kernel built once from linux-source-6.1
#   make deps       install the Debian packages the above need

KVER ?= $(shell scripts/kver.sh 2>/dev/null || uname -r)
KDIR ?= /lib/modules/$(KVER)/build
DRV  := $(CURDIR)/drivers/misc/remap_pfn
OUT  := $(or $(REMAP_PFN_OUT),$(CURDIR)/out)

KBUILD_ARGS := -C $(KDIR) M=$(DRV) CONFIG_REMAP_PFN=m \
	KCFLAGS=-I$(CURDIR)/include

BENCH := $(CURDIR)/tools/remap_pfn_bench

.PHONY: all module clean deps demo run check lint patch check-intree
.PHONY: bench bench-build check-debug
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

check-debug:
	@scripts/run-tier.sh debug

# The demo runs in the initramfs, which has no libc for it: link statically.
demo: $(OUT)/remap_pfn_demo
$(OUT)/remap_pfn_demo: tools/remap_pfn_demo/remap_pfn_demo.c include/uapi/linux/remap_pfn.h
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -I include/uapi -o $@ $<

bench:
	@scripts/bench.sh

# The benchmark program, static like the demo, and its baseline module,
# built like the driver against the same headers.
bench-build: $(OUT)/remap_pfn_bench
	$(MAKE) -C $(KDIR) M=$(BENCH)/baseline modules
$(OUT)/remap_pfn_bench: tools/remap_pfn_bench/remap_pfn_bench.c
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

clean:
	$(MAKE) $(KBUILD_ARGS) clean
	$(MAKE) -C $(KDIR) M=$(BENCH)/baseline clean
	rm -rf $(OUT)
