#!/usr/bin/env bash
# Builds everything the board links — MuJoSystem, MuJoCore, MuJoSensors, MuJoDevice — as Embedded
# Swift for this host (the toolchain ships an embedded stdlib for x86_64-unknown-linux-gnu) and
# runs the self-test. It proves that code stays Foundation-free and existential-free, links no
# OpenBLAS, and computes the same int8 bits as numpy.
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
binary=./.build-embedded/release/mujo-selftest
# The board links no BLAS: no cblas_ symbol, no libopenblas in NEEDED.
if nm "$binary" | grep -q 'cblas_'; then echo "error: the embedded self-test references cblas_ symbols" >&2; exit 1; fi
if readelf -d "$binary" | grep -q 'libopenblas'; then echo "error: the embedded self-test links libopenblas" >&2; exit 1; fi
echo "no cblas_ symbol and no libopenblas in NEEDED: $(readelf -d "$binary" | grep -o 'Shared library: \[[^]]*\]' | tr '\n' ' ')"
MUJO_ROOT="$PWD" "$binary"

# mujod, the board program, as Embedded Swift: built, run on the committed real recording, and its
# events checked against docs/events.md (83 windows: each of the 7 activity joins is a gap that restarts the window).
swift build -c release --product mujod --scratch-path .build-embedded \
  -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo -Xcc -DMUJO_EMBEDDED \
  -Xswiftc -Xllvm -Xswiftc -sil-disable-pass=object-outliner \
  -Xlinker -L"$embedded_lib" -Xlinker -lswiftUnicodeDataTables
mujod=./.build-embedded/release/mujod
if nm "$mujod" | grep -q 'cblas_'; then echo "error: the embedded mujod references cblas_ symbols" >&2; exit 1; fi
"$mujod" --model Models/default.mujo --sensor csv:Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv --verbose \
  | python3 scripts/check-events.py --min-windows 80
