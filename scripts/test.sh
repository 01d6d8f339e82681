#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test —
#   the numpy reference's self-check and the Python model smoke tests,
#   the Embedded Swift self-test and mujod built as Embedded Swift, run on this host on the
#   committed recording, its events checked,
#   the board builds for aarch64 and armv7 under qemu-user, the .deb and its install into an
#   arm64 Debian root (as root; cross/ci.sh),
#   the sensor code against a real Linux kernel under qemu (as root),
#   the fault soak (24 h of sensor time on an emulated clock),
#   the fuzz targets (regressions replayed, then MUJO_FUZZ_SECONDS each, default 30; Fuzz/README.md),
#   and the whole XCTest suite under AddressSanitizer, C also under UBSan (last, so its summary
#   closes the log).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "installing dependencies"
bash scripts/install-deps.sh

step "numpy reference self-check and model smoke tests"
python3 -m pytest -q Tests/Vectors Models/tests

step "Embedded Swift: the self-test, and mujod on the committed recording"
bash cross/embedded-selftest.sh

if [ "$(id -u)" -eq 0 ]; then
  step "real-kernel sensor test (qemu)"
  bash Firmware-host/kernel-test/run-kernel-test.sh
else
  step "real-kernel sensor test skipped: it needs root (apt-get, qemu image building)"
fi

if [ "$(id -u)" -eq 0 ]; then
  step "board builds: aarch64 and armv7 under qemu, identical events, .deb, install test (cross/ci.sh)"
  bash cross/ci.sh
else
  step "board builds skipped: they need root (apt-get, debootstrap)"
fi

step "allocation and memory checks in an optimized build (invoke and the device loop allocate nothing; a 10-million-line CSV streams through mujod under 16 MB)"
swift build -c release --build-tests -Xswiftc -enable-testing
swift test -c release --skip-build --disable-swift-testing --filter 'AllocatesNothing|StaysUnder16MB'  # exactly what the sanitized run below skips

step "fault soak: mujod's driver and loop for 24 h of sensor time against each emulated chip, a random fault every 30 s, every sample accounted for (mujo-soak, ~10-30 s each)"
swift build -c release --product mujo-soak
for chip in mpu6050 mpu6500 adxl345 lis3dh lsm6ds3 lsm6dsox bmi160; do
  .build/release/mujo-soak --hours 24 --seed 1 --chip "$chip"
done
step "fuzzing: committed regression inputs, then each libFuzzer target for ${MUJO_FUZZ_SECONDS:-30} s (Fuzz/README.md)"
Fuzz/run all "${MUJO_FUZZ_SECONDS:-30}"

# The whole XCTest suite, once, under AddressSanitizer, with the C targets (kernels, system calls)
# also under UndefinedBehaviorSanitizer (swiftc has no UBSan on Linux; Swift code traps on overflow
# by itself; ASan's runtime carries UBSan's handlers; -fno-sanitize-recover makes a report fatal).
# Skipped here and run in the optimized build above: the malloc-count tests (the counter is compiled
# out under ASan: CMallocCounter) and the RSS bound (ASan's shadow memory). XCTest only: the project
# has no Swift Testing suites, and their empty "0 tests" summary would close the log.
step "Swift tests: the whole suite under AddressSanitizer (C code also under UBSan)"
sanitize=(--sanitize=address -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined --scratch-path .build-asan)
swift build "${sanitize[@]}" --build-tests
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 SWIFT_BACKTRACE=enable=no \
  swift test "${sanitize[@]}" --skip-build --disable-swift-testing --skip 'AllocatesNothing|StaysUnder16MB'
