#!/usr/bin/env bash
# The demo: the shipped int8 model on a real WISDM 2019 recording, read through an emulated LIS3DH
# by the real I²C driver. Installs the two Debian packages the build links (as root) if missing.
# Extra arguments go to mujo-device-host (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --system-only
swift build -c release --product mujo-device-host >/dev/null
exec .build/release/mujo-device-host "$@"
