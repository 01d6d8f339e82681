#!/usr/bin/env bash
# Installs the system and Python packages MuJo Edge builds and tests with (Debian 12, as root).
# Registry mirrors hiccup now and then, so every step is retried.
set -euo pipefail
retry() { local i; for i in 1 2 3 4 5; do "$@" && return 0; echo "retrying ($i): $*" >&2; sleep $((i * 5)); done; return 1; }

APT_PACKAGES=(libi2c-dev libopenblas-dev i2c-tools)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "error: missing Debian packages ${missing[*]}; run this script as root" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  retry apt-get update -qq
  retry apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -c "import numpy" 2>/dev/null || retry python3 -m pip install -q numpy
