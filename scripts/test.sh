#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test —
#   the numpy reference's self-check and the Python model smoke tests,
#   the Embedded Swift self-test (the core built as Embedded Swift, run on this host),
#   the sensor code against a real Linux kernel under qemu (as root),
#   and the Swift test suites (last, so their summary closes the log).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "installing dependencies"
bash scripts/install-deps.sh

step "numpy reference self-check and model smoke tests"
python3 -m pytest -q Tests/Vectors Models/tests

step "Embedded Swift self-test"
bash cross/embedded-selftest.sh

if [ "$(id -u)" -eq 0 ]; then
  step "real-kernel sensor test (qemu)"
  bash Firmware-host/kernel-test/run-kernel-test.sh
else
  step "real-kernel sensor test skipped: it needs root (apt-get, qemu image building)"
fi

step "allocation checks in an optimized build (invoke and the device loop allocate nothing)"
swift build -c release --build-tests -Xswiftc -enable-testing
swift test -c release --skip-build --disable-swift-testing --filter 'testInvokeAllocatesNothing|testSteadyStateAllocatesNothing|testSessionSteadyStateAllocatesNothing'

step "Swift tests"
swift build --build-tests
# XCTest only: the project has no Swift Testing suites, and its empty "0 tests" summary would close the log.
swift test --skip-build --disable-swift-testing
