# SPDX-License-Identifier: GPL-2.0-only
#
# Out-of-tree build of remap_pfn.ko, plus the development targets (VM
# runner, tests).
#
#   make            build drivers/misc/remap_pfn/remap_pfn.ko against the
#                   running kernel's headers (/lib/modules/$(uname -r)/build;
#                   KDIR= another prepared tree, KVER= another installed
#                   kernel's headers), or KERNEL=SERIES: against that
#                   series of scripts/kernels (6.1, 6.12, 7.2), fetched or
#                   built into the cache by scripts/kernel.sh
#   make run        boot a VM, load the driver, run the sharing demo
#                   (ALLOCATOR=kmalloc|vmalloc|alloc_pages, SIZE=128K;
#                   KERNEL=SERIES, default the newest Debian-built series)
#   make check      build everything and run every test tier: lint,
#                   intree, the kselftests in VMs of every kernel series,
#                   bench, dkms, debug
#   make lint       only the lint tier: checkpatch, sparse, W=1, kernel-doc,
#                   coccicheck, rst
#   make patch      write the in-tree submission as a patch series to
#                   out/patches
#   make check-intree  only the intree tier: apply the series to a pristine
#                   kernel tree and build the driver and selftests there
#   make bench      boot a VM per allocator and measure what mapping the
#                   device costs and how fast data moves through it, against
#                   anonymous memory, a memfd and a pipe; writes
#                   bench/SERIES/ (KERNEL=SERIES, default the newest series;
#                   BENCH_WALL=1: wall-clock time instead of instructions)
#   make check-debug  only the debug tier: the suite, a stress run and
#                   loads with failures injected, in a KASAN + lockdep +
#                   kmemleak kernel built once from the newest series' source
#   make deb        build the Debian packages remap-pfn-dkms (the driver's
#                   source for DKMS, /etc/modprobe.d/remap_pfn.conf, an
#                   example udev rule) and remap-pfn-dev (the UAPI header)
#                   into out/deb; install them with
#                   apt-get install ./out/deb/*.deb
#   make check-dkms only the dkms tier: build and install those packages on
#                   this machine, let DKMS build for Debian's kernels, boot
#                   each with the module as DKMS installed it, then purge
#   make deps       install the Debian packages the above need

ifneq ($(KERNEL),)
# Asked for once, when first used: preparing a kernel can take minutes the
# first time, and targets like 'run' do not build here at all.
KENV = $(eval KENV := $(or $(shell scripts/kernel.sh env $(KERNEL)),\
	$(error KERNEL=$(KERNEL): scripts/kernel.sh could not prepare it)))$(KENV)
KDIR = $(eval KDIR := $(shell . '$(KENV)' && echo "$$KDIR"))$(KDIR)
else
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
endif
DRV  := $(CURDIR)/drivers/misc/remap_pfn
OUT  := $(or $(REMAP_PFN_OUT),$(CURDIR)/out)
# The one version of the driver and its packages: debian/changelog's, less
# any Debian revision. The module records it (MODULE_VERSION, compat.mk).
VERSION := $(shell sed -n '1{s/^[^(]*(\([^)]*\)).*/\1/;s/^[0-9]*://;s/-[^-]*$$//;p}' \
	$(CURDIR)/debian/changelog)

KBUILD_ARGS = -C $(KDIR) M=$(DRV) CONFIG_REMAP_PFN=m \
	KCFLAGS=-I$(CURDIR)/include REMAP_PFN_VERSION=$(VERSION)

BENCH := $(CURDIR)/tools/remap_pfn_bench
# where the baseline module is built (scripts/bench.sh: a copy per kernel)
BASELINE := $(BENCH)/baseline

.PHONY: all module clean deps demo run check lint patch check-intree
.PHONY: bench bench-build check-debug deb check-dkms version
all: module

module:
	$(MAKE) $(KBUILD_ARGS) modules

# The run and check scripts install missing packages first and only then
# prepare their kernels, so they must not depend on KDIR here.
deps:
	@scripts/deps.sh

run:
	@ALLOCATOR=$(ALLOCATOR) SIZE=$(SIZE) KERNEL=$(KERNEL) scripts/run.sh

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

deb:
	@scripts/deb.sh

# for the scripts: the version above
version:
	@echo $(VERSION)

check-dkms:
	@scripts/run-tier.sh dkms

# The demo runs in the initramfs, which has no libc for it: link statically.
demo: $(OUT)/remap_pfn_demo
$(OUT)/remap_pfn_demo: tools/remap_pfn_demo/remap_pfn_demo.c include/uapi/linux/remap_pfn.h
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -I include/uapi -o $@ $<

bench:
	@KERNEL=$(KERNEL) scripts/bench.sh

# The benchmark program, static like the demo, and its baseline module,
# built like the driver against the same headers.
bench-build: $(OUT)/remap_pfn_bench
	$(MAKE) -C $(KDIR) M=$(BASELINE) modules
$(OUT)/remap_pfn_bench: tools/remap_pfn_bench/remap_pfn_bench.c include/uapi/linux/remap_pfn.h
	@mkdir -p $(@D)
	$(CC) -static -O2 -Wall -Wextra -Werror -I include/uapi -o $@ $<

clean:
	$(MAKE) $(KBUILD_ARGS) clean
	$(MAKE) -C $(KDIR) M=$(BASELINE) clean
	rm -rf $(OUT)
