#!/usr/bin/env bash
# scripts/embedded-build.sh PRODUCT — builds PRODUCT (mujod, mujo-selftest) as Embedded Swift for
# this host, release, into .build-embedded/release/PRODUCT: the toolchain ships an embedded stdlib
# for x86_64-unknown-linux-gnu, so the board's code runs here as it is compiled for the board.
# object-outliner is disabled: in Swift 6.3.1 Embedded release builds, outlined constant arrays get
# per-module numbered symbol names and the linker keeps one copy per name, so one module can end up
# reading another's constants (seen with MuJoSensors' chip tables; see Firmware-host/kernel-test/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
product="${1:?usage: scripts/embedded-build.sh PRODUCT}"
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")"
triple="$(uname -m)-unknown-linux-gnu"
embedded_lib="$toolchain/lib/swift/embedded/$triple"
[ -f "$embedded_lib/libswiftUnicodeDataTables.a" ] || { echo "error: no embedded stdlib at $embedded_lib" >&2; exit 1; }
swift build -c release --product "$product" --scratch-path .build-embedded \
  -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo -Xcc -DMUJO_EMBEDDED \
  -Xswiftc -Xllvm -Xswiftc -sil-disable-pass=object-outliner \
  -Xlinker -L"$embedded_lib" -Xlinker -lswiftUnicodeDataTables
binary=./.build-embedded/release/$product
# The board links no BLAS: no cblas_ symbol, no libopenblas in NEEDED.
if nm "$binary" | grep -q 'cblas_'; then echo "error: the embedded $product references cblas_ symbols" >&2; exit 1; fi
if readelf -d "$binary" | grep -q 'libopenblas'; then echo "error: the embedded $product links libopenblas" >&2; exit 1; fi
