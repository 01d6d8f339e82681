#!/usr/bin/env bash
# Builds the core as Embedded Swift for this host (the toolchain ships an embedded stdlib for
# x86_64-unknown-linux-gnu) and runs the self-test. It proves the core stays Foundation-free and
# existential-free, and that the embedded build computes the same int8 bits as numpy.
# object-outliner is disabled: in Swift 6.3.1 Embedded release builds, outlined constant arrays get
# per-module numbered symbol names and the linker keeps one copy per name, so one module can end up
# reading another's constants (seen with MuJoSensors' chip tables; see Firmware-host/kernel-test/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")"
triple="$(uname -m)-unknown-linux-gnu"
embedded_lib="$toolchain/lib/swift/embedded/$triple"
[ -f "$embedded_lib/libswiftUnicodeDataTables.a" ] || { echo "error: no embedded stdlib at $embedded_lib" >&2; exit 1; }
swift build -c release --product mujo-selftest --scratch-path .build-embedded \
  -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo -Xcc -DMUJO_EMBEDDED \
  -Xswiftc -Xllvm -Xswiftc -sil-disable-pass=object-outliner \
  -Xlinker -L"$embedded_lib" -Xlinker -lswiftUnicodeDataTables
MUJO_ROOT="$PWD" ./.build-embedded/release/mujo-selftest
