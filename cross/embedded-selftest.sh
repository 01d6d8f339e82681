#!/usr/bin/env bash
# Builds the core as Embedded Swift for this host (x86_64-unknown-linux-gnu ships an embedded stdlib)
# and runs the self-test executable. It proves the core stays Foundation-free and existential-free.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product mujo-selftest --scratch-path .build-embedded \
  -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo -Xcc -DMUJO_EMBEDDED
./.build-embedded/release/mujo-selftest "$PWD"
