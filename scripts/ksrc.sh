#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ksrc.sh [SERIES]: print the path of the unpacked linux-source tree of
# SERIES (default: the newest series of scripts/kernels, the in-tree
# target, whose selftest harness and checkers the tiers use), unpacking it
# into the cache first if needed (scripts/kernel.sh src). One unpack at a
# time across checkouts: two would race for the same directory name.
# Exit status 3 when the archive no longer has that source package and
# none was unpacked before.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:-$("$REPO/scripts/kernel.sh" newest)}
mkdir -p "$CACHE"
exec 7> "$CACHE/.src-$series.lock"
flock 7
exec "$REPO/scripts/kernel.sh" src "$series"
