#!/usr/bin/env bash
# cross/ci.sh — the board builds in CI (as root): for aarch64 and armv7, build (cross/build: mujod and
# mujo-selftest, one not defined yet skipped), the self-test under qemu-user, the event stream identical
# to the x86_64 build (when mujod and the recording exist), the .deb and its test; then the real install
# into a debootstrapped Debian 12 root (arm64; CROSS_INSTALL_TARGETS="aarch64 armv7" adds armhf).
# While Package.swift has no mujod, the package is a stand-in (the self-test as /usr/bin/mujod, version
# ~selftest) so that packaging and installing are still exercised. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
targets=(${CROSS_TARGETS:-aarch64 armv7})
install_targets=" ${CROSS_INSTALL_TARGETS:-aarch64} "
csv="${MUJO_RECORDING:-Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv}"
source cross/lib.sh
set +e
passed=0; failed=0; summary=()
step() {  # step NAME COMMAND… : runs it, counts it
  local name="$1"; shift
  printf '\n==> %s\n' "$name"
  local s=$SECONDS
  if "$@"; then passed=$((passed + 1)); summary+=("PASS $name ($((SECONDS - s)) s)")
  else failed=$((failed + 1)); summary+=("FAIL $name ($((SECONDS - s)) s)"); fi
}
# selftest_qemu TARGET [LOG_SUFFIX [VARIANT]] : the self-test under qemu (QEMU_CPU from the environment, else
# cross/lib.sh's default CPU); VARIANT: a kernel variant whose bit-exactness lines must be in the log.
selftest_qemu() { local log=".build-cross/selftest-$1${2:-}.log"
  qemu_exec_target "$1" .build-cross/out-"$1"/mujo-selftest > "$log" 2>&1; local rc=$?
  grep -E '^kernel paths|vs reference' "$log"; tail -1 "$log"
  [ $rc -eq 0 ] && tail -1 "$log" | grep -q ' 0 failed' || return 1
  [ -z "${3:-}" ] || grep -q "^PASS .* $3 vs reference" "$log" || { echo "variant $3 was not compared"; return 1; }; }
# aarch64 twice: the default CPU (cortex-a53: no dot product, so the NEON smlal path is the best one) and
# `-cpu max` (has the ARMv8.2 dot product: the sdot path too). armv7: the NEON vmlal.s16 path.
selftest_qemu_dot() { QEMU_CPU=max selftest_qemu "$1" -cpu-max gemm-neon-dot; }
qemu_exec_target() { (set -e; set_target "$1"; shift; MUJO_ROOT="$PWD" qemu_exec "$@"); }
package_target() {
  local flag=(); has_product mujod || flag=(--stand-in-selftest)
  bash cross/package "$1" "${flag[@]}" > ".build-cross/package-$1.log" || return 1
  tail -2 ".build-cross/package-$1.log"
}
deb_of() { tail -1 ".build-cross/package-$1.log"; }

for t in "${targets[@]}"; do
  step "$t: cross/build" bash cross/build "$t"
  step "$t: self-test under qemu-user" selftest_qemu "$t" "" gemm-neon
  [ "$t" = aarch64 ] && step "$t: self-test under qemu-user -cpu max (dot product)" selftest_qemu_dot "$t"
  if has_product mujod && [ -f "$csv" ]; then
    step "$t: mujod event stream identical to x86_64 ($csv)" bash cross/check-identical "$t" "$csv"
  else
    echo "note: $t identical check skipped: $(has_product mujod && echo "no recording at $csv" || echo "Package.swift has no mujod yet")"
  fi
  step "$t: cross/package" package_target "$t"
  step "$t: cross/test-package.sh" bash cross/test-package.sh "$(deb_of "$t")" "$t"
  if [[ "$install_targets" == *" $t "* ]]; then
    step "$t: cross/install-test.sh (debootstrap, dpkg -i, run, purge)" bash cross/install-test.sh "$(deb_of "$t")" "$t" "$csv"
  fi
done
printf '\n==> cross summary\n'; printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
