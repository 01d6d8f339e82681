# Shared by cross/build, cross/qemu-run, cross/check-identical, cross/package, cross/install-test.sh.
# Sourced, not run. Sets the target map and the helpers; every path is under the repository root.
# The map (README: Pi 3/4/5 and Zero 2 W in 64-bit -> aarch64; 32-bit Raspberry Pi OS on ARMv7 -> armv7):
#   TARGET   Debian arch  multiarch             Swift triple (Embedded)  clang target            qemu
#   aarch64  arm64        aarch64-linux-gnu     aarch64-none-none-elf    aarch64-linux-gnu       qemu-aarch64-static -cpu cortex-a53
#   armv7    armhf        arm-linux-gnueabihf   armv7-none-none-eabi     armv7-linux-gnueabihf   qemu-arm-static -cpu cortex-a7
#            (armv7 adds -mfloat-abi=hard -mfpu=neon-vfpv4 -mthumb to every clang invocation; through -Xcc,
#            -mthumb also makes the Swift code Thumb-2: the module triple becomes thumbv7-…, the embedded
#            stdlib is still armv7-none-none-eabi's. Thumb-2 is what Debian's armhf itself is built as.)
set -euo pipefail
CROSS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CROSS_DIR/.." && pwd)"
CACHE="$REPO_ROOT/.build-cross"          # ignored by .gitignore's `.build-*/`
DEFAULT_PRODUCTS=(mujod mujo-selftest)
TOOLCHAIN="$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")"

retry() { local i; for i in 1 2 3 4 5; do "$@" && return 0; echo "retrying ($i): $*" >&2; sleep $((i * 5)); done; return 1; }
note() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

set_target() {
  TARGET="${1:-}"
  case "$TARGET" in
    aarch64)
      DEB_ARCH=arm64; MULTIARCH=aarch64-linux-gnu; SWIFT_TRIPLE=aarch64-none-none-elf
      CLANG_TARGET=aarch64-linux-gnu; CLANG_FLAGS=(--target=aarch64-linux-gnu)
      QEMU=qemu-aarch64-static; QEMU_CPU_DEFAULT=cortex-a53; LOADER=ld-linux-aarch64.so.1
      LINK_EXTRA=() ;;
    armv7)
      DEB_ARCH=armhf; MULTIARCH=arm-linux-gnueabihf; SWIFT_TRIPLE=armv7-none-none-eabi
      CLANG_TARGET=armv7-linux-gnueabihf; CLANG_FLAGS=(--target=armv7-linux-gnueabihf -mfloat-abi=hard -mfpu=neon-vfpv4 -mthumb)
      QEMU=qemu-arm-static; QEMU_CPU_DEFAULT=cortex-a7; LOADER=ld-linux-armhf.so.3
      # LLVM's machine outliner runs by default for minsize code on AArch64 only; on ARM it must be asked
      # for (at link time: the code is generated there, by LTO). ~12 KB of mujod; aarch64 gains nothing more.
      LINK_EXTRA=(-Xlinker -mllvm -Xlinker -enable-machine-outliner=always) ;;
    *) die "unknown target '${TARGET}'; use aarch64 (Pi 3/4/5, Zero 2 W, 64-bit OS) or armv7 (32-bit Raspberry Pi OS, hard-float)" ;;
  esac
  SYSROOT="$CACHE/sysroot-$TARGET"
  SDKS="$CACHE/sdks"
  SDK_NAME="mujo-edge-$TARGET"
  SCRATCH="$CACHE/build-$TARGET"
  OUT="$CACHE/out-$TARGET"
}

# A tool from the Swift toolchain first (it ships clang, lld, llvm-objcopy, llvm-nm), else from PATH.
tool() { if [ -x "$TOOLCHAIN/bin/$1" ]; then echo "$TOOLCHAIN/bin/$1"; elif command -v "$1" >/dev/null; then command -v "$1"; else return 1; fi; }

apt_install() {  # apt_install PKG… : installs the missing ones (as root), with retries
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages ${missing[*]}; run as root"
  note "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  retry apt-get update -qq
  retry apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Which of the requested products Package.swift defines; the others are skipped with a note.
defined_products() {
  local p
  for p in "$@"; do
    if grep -q "\.executable(name: \"$p\"" "$REPO_ROOT/Package.swift"; then echo "$p"
    else note "skipping product '$p': Package.swift does not define it (yet)"; fi
  done
}
has_product() { grep -q "\.executable(name: \"$1\"" "$REPO_ROOT/Package.swift"; }

# Run a target binary under qemu-user with the sysroot's loader and libraries.
# armv7: qemu-arm 7.2's statx ignores QEMU_LD_PREFIX, so glibc's loader thinks /lib/arm-linux-gnueabihf
# is missing; the sysroot is merged-/usr (lib -> usr/lib) and the loader is also run explicitly.
qemu_exec() {
  local bin="$1"; shift
  local cpu="${QEMU_CPU:-$QEMU_CPU_DEFAULT}"
  command -v "$QEMU" >/dev/null || die "$QEMU not found; run cross/build $TARGET first (it installs qemu-user-static)"
  [ -d "$SYSROOT/usr/lib/$MULTIARCH" ] || die "no sysroot at $SYSROOT; run cross/build $TARGET first"
  QEMU_LD_PREFIX="$SYSROOT" "$QEMU" -cpu "$cpu" "$SYSROOT/usr/lib/$MULTIARCH/$LOADER" \
    --library-path "$SYSROOT/usr/lib/$MULTIARCH" "$bin" "$@"
}
