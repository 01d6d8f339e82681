#!/usr/bin/env bash
# MuJo Edge kernel test: boots Debian's 6.12 amd64 kernel under qemu (TCG) with a busybox initramfs,
# loads i2c-stub, and checks the project's I²C drivers and IIO reader against real kernel drivers.
# See Firmware-host/kernel-test/README.md.
#
# Usage (as root, from anywhere in a clone):
#   Firmware-host/kernel-test/run-kernel-test.sh [--shell-only] [--keep]
#     --shell-only  skip the Swift check binary; run only the init script's shell-level checks
#     --keep        keep the assembled initramfs tree under .build-kernel-test/ for inspection
# Environment:
#   MUJO_KERNEL_PKG        Debian package to boot (default: newest linux-image-6.12.*+deb12-amd64-unsigned
#                          bookworm-security serves, or the newest one already cached)
#   MUJO_KERNEL_TIMEOUT    seconds qemu may run before the test counts as failed (default 100)
#   MUJO_KERNEL_CHECK_BIN  use this prebuilt static check binary instead of building one
#
# Downloads and build products live in .build-kernel-test/ and .build-kernel-check/ (git-ignored).
# Exit status: 0 when every check passed, 1 on any FAIL, a timeout, or a broken boot.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="$REPO/.build-kernel-test"
SCRATCH="$REPO/.build-kernel-check"
TIMEOUT="${MUJO_KERNEL_TIMEOUT:-100}"
SHELL_ONLY=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --shell-only) SHELL_ONLY=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "error: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

START=$(date +%s)
say() { echo "[kernel-test +$(( $(date +%s) - START ))s] $*"; }
die() { echo "[kernel-test] error: $*" >&2; exit 1; }
retry() {
  local i
  for i in 1 2 3 4 5; do "$@" && return 0; echo "[kernel-test] retrying ($i/5): $*" >&2; sleep $((i * 3)); done
  return 1
}
mkdir -p "$WORK/debs"

# ---------------------------------------------------------------- host packages
# qemu-system-x86: the VM; busybox-static: the initramfs userland; i2c-tools: i2cset/i2cget in the VM;
# libi2c-dev + libopenblas-dev: static libraries for the check binary (CMuJoSystem links i2c, openblas);
# xz-utils/cpio/gzip: unpacking modules and packing the initramfs.
APT_PACKAGES=(qemu-system-x86 busybox-static i2c-tools libi2c-dev libopenblas-dev xz-utils cpio gzip)
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
apt_updated=0
apt_update() {
  if [ "$apt_updated" = 0 ]; then say "apt-get update"; retry apt-get "${APT_OPTS[@]}" update -qq; apt_updated=1; fi
}
missing=()
for p in "${APT_PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages ${missing[*]}; run as root"
  apt_update
  say "apt-get install ${missing[*]}"
  retry apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found after installing qemu-system-x86"

# ---------------------------------------------------------------- kernel package
# Debian's 6.1 kernel lacks the hrtimer trigger and IIO configfs; 6.12 (bookworm-security) has both.
newest_cached_pkg() {
  local f
  f=$(ls "$WORK"/debs/linux-image-6.12.*+deb12-amd64-unsigned_*_amd64.deb 2>/dev/null | sort -V | tail -1)
  [ -n "$f" ] && basename "$f" | cut -d_ -f1
  return 0
}
newest_registry_pkg() {
  local p best="" policy
  for p in $(apt-cache pkgnames linux-image-6.12. 2>/dev/null | grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | sort -V); do
    policy=$(apt-cache policy "$p" 2>/dev/null || true)   # no `| grep -q`: SIGPIPE + pipefail
    case "$policy" in *"Candidate: (none)"*|"") ;; *"Candidate: "*) best="$p" ;; esac
  done
  echo "$best"
}
KPKG="${MUJO_KERNEL_PKG:-}"
[ -n "$KPKG" ] || KPKG="$(newest_cached_pkg)"
if [ -z "$KPKG" ]; then
  KPKG="$(newest_registry_pkg)"
  if [ -z "$KPKG" ]; then apt_update; KPKG="$(newest_registry_pkg)"; fi
  [ -n "$KPKG" ] || die "no linux-image-6.12.*+deb12-amd64-unsigned in the apt sources (is bookworm-security configured?)"
fi
DEB=$(ls "$WORK"/debs/"${KPKG}"_*_amd64.deb 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$DEB" ]; then
  say "downloading $KPKG"
  if ! (cd "$WORK/debs" && retry apt-get "${APT_OPTS[@]}" download "$KPKG" 2>&1 | grep -v '^W: Download is performed unsandboxed'); then
    apt_update
    (cd "$WORK/debs" && retry apt-get "${APT_OPTS[@]}" download "$KPKG") || die "cannot download $KPKG"
  fi
  DEB=$(ls "$WORK"/debs/"${KPKG}"_*_amd64.deb | sort -V | tail -1)
fi
KVER="${KPKG#linux-image-}"; KVER="${KVER%-unsigned}"
say "kernel $KVER ($(basename "$DEB"))"

KDIR="$WORK/kernel-$KVER"
if [ ! -f "$KDIR/.complete" ]; then
  say "extracting vmlinuz and the i2c/iio/configfs modules"
  rm -rf "$KDIR"; mkdir -p "$KDIR"
  dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$KDIR" --wildcards \
    "./boot/vmlinuz-$KVER" "./boot/config-$KVER" \
    "./lib/modules/$KVER/kernel/drivers/i2c/*" "./lib/modules/$KVER/kernel/drivers/iio/*" \
    "./lib/modules/$KVER/kernel/fs/configfs/*" \
    "./lib/modules/$KVER/modules.builtin" "./lib/modules/$KVER/modules.builtin.modinfo" \
    "./lib/modules/$KVER/modules.order"
  find "$KDIR/lib/modules" -name '*.ko.xz' -exec xz -d {} +
  touch "$KDIR/.complete"
fi
for opt in CONFIG_I2C_STUB CONFIG_IIO_HRTIMER_TRIGGER CONFIG_IIO_CONFIGFS CONFIG_IIO_ST_ACCEL_I2C_3AXIS; do
  grep -qE "^$opt=[my]" "$KDIR/boot/config-$KVER" || die "$KVER lacks $opt"
done

# ---------------------------------------------------------------- check binary
# A statically linked Embedded Swift build of Firmware-host/KernelCheck (the project's MuJoSensors
# drivers and IIO reader), so the initramfs needs no Swift runtime.
CHECK_BIN=""
if [ "$SHELL_ONLY" = 0 ]; then
  if [ -n "${MUJO_KERNEL_CHECK_BIN:-}" ]; then
    CHECK_BIN="$MUJO_KERNEL_CHECK_BIN"
  else
    command -v swift >/dev/null || die "swift not found (needed to build the check binary; --shell-only skips it)"
    # String comparison and hashing need the embedded Unicode tables, which the driver does not link.
    # -sil-disable-pass=object-outliner: Swift 6.3.1 Embedded names statically initialised arrays
    # "outlined read-only object #N of <function>" per module and emits them as mergeable symbols.
    # A function inlined into the client gets its own numbering, so the linker may pair
    # MuJoSensors' code with the client's arrays: AccelerometerChip.identityValues returned the
    # wrong list and identifyChip(0x18, 0x0f, 0x33) returned nil. Without the pass no such
    # symbols exist.
    EMBEDDED_LIB="$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/embedded/x86_64-unknown-linux-gnu"
    [ -f "$EMBEDDED_LIB/libswiftUnicodeDataTables.a" ] || die "no Embedded Swift stdlib for x86_64-unknown-linux-gnu at $EMBEDDED_LIB"
    say "building mujo-kernel-check (Embedded Swift, static) in .build-kernel-check"
    build_check() {
      (cd "$REPO" && swift build -c release --product mujo-kernel-check --scratch-path "$SCRATCH" \
        -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo -Xcc -DMUJO_EMBEDDED \
        -Xswiftc -Xclang-linker -Xswiftc -static \
        -Xswiftc -Xllvm -Xswiftc -sil-disable-pass=object-outliner \
        -Xlinker -L"$EMBEDDED_LIB" -Xlinker -lswiftUnicodeDataTables) >"$WORK/build.log" 2>&1
    }
    # Fallback without SwiftPM (e.g. when the package's GitHub dependencies cannot be resolved):
    # the same three modules compiled directly. MuJoSensors depends only on CMuJoSystem.
    build_direct() {
      local d="$SCRATCH/direct" e=(-enable-experimental-feature Embedded -wmo -O -swift-version 5
        -Xllvm -sil-disable-pass=object-outliner -Xcc -DMUJO_EMBEDDED -Xcc "-fmodule-map-file=$SCRATCH/direct/module.modulemap")
      rm -rf "$d"; mkdir -p "$d/modules"
      printf 'module CMuJoSystem {\n  header "%s"\n  export *\n}\n' "$REPO/Sources/CMuJoSystem/include/CMuJoSystem.h" > "$d/module.modulemap"
      clang -c -O2 -DMUJO_EMBEDDED -I "$REPO/Sources/CMuJoSystem/include" "$REPO"/Sources/CMuJoSystem/*.c -o "$d/CMuJoSystem.o" &&
      swiftc "${e[@]}" -parse-as-library -module-name MuJoSensors -emit-module -emit-module-path "$d/modules/MuJoSensors.swiftmodule" \
        "$REPO"/Sources/MuJoSensors/*.swift -c -o "$d/MuJoSensors.o" &&
      swiftc "${e[@]}" -module-name MuJoKernelCheck -I "$d/modules" "$REPO"/Firmware-host/KernelCheck/*.swift -c -o "$d/MuJoKernelCheck.o" &&
      clang -static -o "$d/mujo-kernel-check" "$d/MuJoKernelCheck.o" "$d/MuJoSensors.o" "$d/CMuJoSystem.o" \
        -li2c -lm -L"$EMBEDDED_LIB" -lswiftUnicodeDataTables 2>&1 | grep -v "argument unused" || true
      [ -x "$d/mujo-kernel-check" ]
    }
    if ! build_check; then
      # A source edited while SwiftPM compiles ("was modified during the build") deserves one retry.
      if grep -q 'was modified during the build' "$WORK/build.log"; then say "sources changed during the build; retrying"; build_check || true; fi
    fi
    grep -vE "^\[[0-9]+/[0-9]+\]|argument unused during compilation: '-pie'" "$WORK/build.log" || true
    if grep -q "Build of product 'mujo-kernel-check' complete" "$WORK/build.log"; then
      CHECK_BIN="$SCRATCH/release/mujo-kernel-check"
    else
      say "swift build failed; trying the same build with swiftc directly (no package resolution)"
      build_direct >>"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "building mujo-kernel-check failed (log: $WORK/build.log)"; }
      CHECK_BIN="$SCRATCH/direct/mujo-kernel-check"
    fi
  fi
  [ -x "$CHECK_BIN" ] || die "no check binary at $CHECK_BIN"
  case "$(ldd "$CHECK_BIN" 2>&1 || true)" in
    *"not a dynamic executable"*|*"statically linked"*) ;;
    *) die "$CHECK_BIN is not statically linked (the initramfs has no Swift runtime)" ;;
  esac
fi

# ---------------------------------------------------------------- initramfs
say "assembling the initramfs"
ROOT="$WORK/initramfs"
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,lib/modules}
cp /bin/busybox "$ROOT/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$ROOT/bin/$applet"
done
# The real i2c-tools (called by full path: busybox's shell prefers its own applets) and their libraries.
for tool in i2cset i2cget i2cdetect i2cdump; do
  cp "$(command -v "$tool" || echo "/usr/sbin/$tool")" "$ROOT/usr/sbin/$tool"
  for lib in $(ldd "$ROOT/usr/sbin/$tool" | grep -oE '/[^ ]+'); do
    mkdir -p "$ROOT$(dirname "$lib")"; cp -L "$lib" "$ROOT$lib"
  done
done
cp -a "$KDIR/lib/modules/$KVER" "$ROOT/lib/modules/"
/bin/busybox depmod -b "$ROOT" "$KVER"
cp "$HERE/init.sh" "$ROOT/init"; chmod 755 "$ROOT/init"
if [ -n "$CHECK_BIN" ]; then cp "$CHECK_BIN" "$ROOT/bin/mujo-kernel-check"; strip "$ROOT/bin/mujo-kernel-check" 2>/dev/null || true; fi
INITRD="$WORK/initrd.gz"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1 > "$INITRD")
[ "$KEEP" = 1 ] || rm -rf "$ROOT"
say "initramfs $(du -k "$INITRD" | cut -f1) KB"

# ---------------------------------------------------------------- boot
LOG="$WORK/console.log"
say "booting $KVER under qemu-system-x86_64 -accel tcg (timeout ${TIMEOUT}s); console follows"
set +e
timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 -accel tcg -m 512 -smp 1 \
  -nodefaults -no-user-config -display none -monitor none -serial stdio -no-reboot \
  -kernel "$KDIR/boot/vmlinuz-$KVER" -initrd "$INITRD" \
  -append "console=ttyS0 rdinit=/init quiet panic=-1 mitigations=off mujo_shell_only=$SHELL_ONLY" \
  </dev/null 2>&1 | tr -d '\r' | tee "$LOG"
QEMU_RC=${PIPESTATUS[0]}
set -e

PASSED=$(grep -c '^PASS: ' "$LOG" || true)
FAILED=$(grep -c '^FAIL: ' "$LOG" || true)
if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then
  echo "FAIL: qemu did not finish within ${TIMEOUT}s"; FAILED=$((FAILED + 1))
elif ! grep -q '^MUJO-KERNEL-TEST-END' "$LOG"; then
  echo "FAIL: the VM stopped before the init script finished (qemu exit $QEMU_RC)"; FAILED=$((FAILED + 1))
fi
if [ "$PASSED" = 0 ] && [ "$FAILED" = 0 ]; then echo "FAIL: no checks ran"; FAILED=1; fi
say "console log: $LOG"
echo "kernel test: $PASSED passed, $FAILED failed ($(( $(date +%s) - START ))s)"
[ "$FAILED" = 0 ]
