#!/usr/bin/env bash
# The test command: installs what is missing, runs the Swift tests, then builds and runs the
# Embedded Swift self-test on this host.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
bash cross/embedded-selftest.sh
