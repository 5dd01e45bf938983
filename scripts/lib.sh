# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034 # variables for the scripts that source this
# Shared settings for the development scripts; sourced, never run.
#
# Everything generated lives outside the tracked sources: the unpacked
# kernel tree in a per-user cache (shared by every checkout, unpacked once)
# and this checkout's build products under out/ (ignored by git).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${REMAP_PFN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/remap_pfn}
OUT=${REMAP_PFN_OUT:-$REPO/out}

# The module configurations that the kselftests run under, in make check's
# vm and debug tiers (';'-separated module parameters; CHECK_CONFIGS
# overrides them there)
CHECK_DEFAULT_CONFIGS='allocator=kmalloc size=128K;allocator=vmalloc size=128K;allocator=alloc_pages size=128K;allocator=vmalloc size=20K;allocator=kmalloc size=4M;allocator=vmalloc size=64M;allocator=alloc_pages size=64M;allocator=kmalloc size=128K map=pages;allocator=vmalloc size=20K map=pages;allocator=alloc_pages size=64M map=pages'

msg() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { msg "error: $*"; exit 1; }
