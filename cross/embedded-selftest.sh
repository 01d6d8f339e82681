#!/usr/bin/env bash
# Builds everything the board links — MuJoSystem, MuJoCore, MuJoSensors, MuJoDevice — as Embedded
# Swift for this host (the toolchain ships an embedded stdlib for x86_64-unknown-linux-gnu) and
# runs the self-test. It proves that code stays Foundation-free and existential-free, links no
# OpenBLAS, and computes the same int8 bits as numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/embedded-build.sh mujo-selftest
binary=./.build-embedded/release/mujo-selftest
echo "no cblas_ symbol and no libopenblas in NEEDED: $(readelf -d "$binary" | grep -o 'Shared library: \[[^]]*\]' | tr '\n' ' ')"
MUJO_ROOT="$PWD" "$binary"

# mujod, the board program, as Embedded Swift: built, run on the committed real recording, and its
# events checked against docs/events.md (83 windows: each of the 7 activity joins is a gap that restarts the window).
bash scripts/embedded-build.sh mujod
mujod=./.build-embedded/release/mujod
"$mujod" --model Models/default.mujo --sensor csv:Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv --verbose \
  | python3 scripts/check-events.py --min-windows 80
