#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kver.sh [SERIES]: print the kernel release (uname -r in the guest) of that
# series of scripts/kernels (default: the newest), preparing the kernel
# first if needed (scripts/kernel.sh env). Exit status 3 when the archive
# no longer has it. The host's own kernel plays no part: the VM boots the
# kernels of scripts/kernels, and the host may not even support modules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

env=$(kernel_env "${1:-$("$REPO/scripts/kernel.sh" newest)}")
# shellcheck disable=SC1090 # written by scripts/kernel.sh
. "$env"
echo "$KVER"
