#!/usr/bin/env bash
# cross/install-test.sh DEB [TARGET] [CSV] — installs the package for real into a Debian 12 root of the
# board's architecture and runs the installed program there (as root; binfmt_misc + qemu-user-static).
#   1. once: debootstrap --variant=minbase bookworm (arm64 for aarch64, armhf for armv7) from the Debian
#      mirror in apt's sources into .build-cross/rootfs-bookworm-ARCH.pristine (ignored; ~225 MB, ~1.5 min)
#   2. each run: a fresh copy of it, dpkg -i libi2c0 (the .deb cached by cross/build) and the package
#   3. checks: package state, the mujo system user (nologin, no home, group mujo, member of i2c), files,
#      modes and owners, the conffile registered, the unit and udev rule in place
#   4. runs the installed /usr/bin/mujod in the root (chroot, as user mujo, the installed config) over the
#      recording CSV (default Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv) and, when
#      cross/check-identical left an x86_64 stream, compares everything but the `start` event;
#      a stand-in package (~selftest) runs the self-test instead, over the fixtures copied into the root
#   5. dpkg --purge: the user, its group and /etc/mujo are gone, the i2c group stays
# Prints the time of each phase. Ends with "N passed, N failed".
source "$(dirname "$0")/lib.sh"
deb="$(readlink -f "${1:?usage: cross/install-test.sh DEB [aarch64|armv7] [CSV]}")"
set_target "${2:-aarch64}"
csv="${3:-Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv}"
[ "$(id -u)" -eq 0 ] || die "the install test needs root (debootstrap, chroot, binfmt_misc)"
t0=$SECONDS
apt_install debootstrap qemu-user-static binfmt-support
# binfmt: run ARM programs directly (debootstrap's second stage and the chroot need it).
[ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
qemu_fmt=$([ "$TARGET" = aarch64 ] && echo qemu-aarch64 || echo qemu-arm)
[ -e "/proc/sys/fs/binfmt_misc/$qemu_fmt" ] || update-binfmts --enable "$qemu_fmt"
[ -e "/proc/sys/fs/binfmt_misc/$qemu_fmt" ] || die "binfmt_misc has no $qemu_fmt entry"

passed=0; failed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what="$1"; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }

# 1. The pristine root, once.
pristine="$CACHE/rootfs-bookworm-$DEB_ARCH.pristine"
if [ ! -f "$pristine/.mujo-complete" ]; then
  mirror="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | grep -m1 debian || true)"
  [ -n "$mirror" ] || mirror="$(grep -hE '^deb .* bookworm ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -1)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  note "debootstrap $DEB_ARCH bookworm minbase from $mirror (once)"
  rm -rf "$pristine"
  s=$SECONDS
  retry debootstrap --arch="$DEB_ARCH" --variant=minbase bookworm "$pristine" "$mirror" > "$CACHE/debootstrap-$DEB_ARCH.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap-$DEB_ARCH.log" >&2; die "debootstrap failed"; }
  touch "$pristine/.mujo-complete"
  echo "time: debootstrap $((SECONDS - s)) s ($(du -sm "$pristine" | cut -f1) MB)"
fi

# 2. A fresh copy, the package installed.
root="$CACHE/rootfs-bookworm-$DEB_ARCH.test"
cleanup() { umount "$root/proc" 2>/dev/null || true; }
trap cleanup EXIT
cleanup; rm -rf "$root"
s=$SECONDS; cp -a "$pristine" "$root"; echo "time: fresh root copy $((SECONDS - s)) s"
check "the root is a Debian 12 $DEB_ARCH system (chroot dpkg --print-architecture)" test "$(chroot "$root" dpkg --print-architecture)" = "$DEB_ARCH"
i2c_deb="$(ls -t "$CACHE/debs-$DEB_ARCH"/libi2c0_*_"$DEB_ARCH".deb 2>/dev/null | head -1)"
[ -n "$i2c_deb" ] || bash "$CROSS_DIR/build" "$TARGET" >/dev/null  # downloads the sysroot's debs
i2c_deb="$(ls -t "$CACHE/debs-$DEB_ARCH"/libi2c0_*_"$DEB_ARCH".deb | head -1)"
cp "$i2c_deb" "$root/tmp/libi2c0.deb"; cp "$deb" "$root/tmp/mujo-edge.deb"
s=$SECONDS
if chroot "$root" dpkg -i /tmp/libi2c0.deb /tmp/mujo-edge.deb > "$root.dpkg.log" 2>&1; then ok "dpkg -i libi2c0 and $(basename "$deb")"
else bad "dpkg -i:"; tail -20 "$root.dpkg.log"; fi
echo "time: dpkg -i $((SECONDS - s)) s"
c() { chroot "$root" "$@"; }

# 3. User, files, modes.
check "package state is 'install ok installed'" test "$(c dpkg-query -W -f='${Status}' mujo-edge)" = "install ok installed"
IFS=: read -r _ _ uid gid _ home shell <<< "$(c getent passwd mujo)"
check "mujo is a system user (uid $uid < 1000) with shell /usr/sbin/nologin and home /nonexistent" bash -c "[ -n '$uid' ] && [ '$uid' -lt 1000 ] && [ '$shell' = /usr/sbin/nologin ] && [ '$home' = /nonexistent ]"
check "mujo's primary group is mujo" test "$(c id -gn mujo)" = mujo
check "mujo is in group i2c ($(c id -nG mujo 2>/dev/null))" bash -c "chroot '$root' id -nG mujo | tr ' ' '\n' | grep -qx i2c"
check "i2c is a system group" bash -c "[ \$(chroot '$root' getent group i2c | cut -d: -f3) -lt 1000 ]"
for spec in "/usr/bin/mujod 755 root root" "/usr/share/mujo/default.mujo 644 root root" "/usr/share/mujo/MODEL_CARD.md 644 root root" \
    "/etc/mujo/mujod.conf 644 root root" "/lib/systemd/system/mujod.service 644 root root" "/lib/udev/rules.d/60-mujo.rules 644 root root"; do
  set -- $spec
  check "$1 is $2 $3:$4" test "$(c stat -c '%a %U %G' "$1")" = "$2 $3 $4"
done
check "dpkg registered /etc/mujo/mujod.conf as a conffile" bash -c "chroot '$root' dpkg-query -W -f='\${Conffiles}' mujo-edge | grep -q '/etc/mujo/mujod.conf [0-9a-f]\{32\}'"
check "the installed model equals Models/default.mujo" cmp "$root/usr/share/mujo/default.mujo" "$REPO_ROOT/Models/default.mujo"

# 4. Run the installed program in the root.
mount -t proc proc "$root/proc"
s=$SECONDS
if [[ "$(c dpkg-query -W -f='${Version}' mujo-edge)" == *~selftest ]]; then
  note "stand-in package: running the installed self-test over the fixtures"
  mkdir -p "$root/tmp/mujo-root/Tests/MuJoCoreTests"
  cp -r "$REPO_ROOT/Tests/MuJoCoreTests/Fixtures" "$root/tmp/mujo-root/Tests/MuJoCoreTests/"
  chmod -R a+rX "$root/tmp/mujo-root"
  c runuser -u mujo -- env MUJO_ROOT=/tmp/mujo-root /usr/bin/mujod > "$root.run.log" 2>&1; rc=$?
  tail -1 "$root.run.log"
  check "the installed self-test passes in the $DEB_ARCH root as user mujo (exit $rc)" bash -c "[ $rc -eq 0 ] && tail -1 '$root.run.log' | grep -q ' 0 failed'"
else
  [ -f "$REPO_ROOT/$csv" ] || [ -f "$csv" ] || die "no recording at $csv"
  cp "$( [ -f "$csv" ] && echo "$csv" || echo "$REPO_ROOT/$csv")" "$root/tmp/recording.csv"; chmod 0644 "$root/tmp/recording.csv"
  c runuser -u mujo -- /usr/bin/mujod --config /etc/mujo/mujod.conf --sensor csv:/tmp/recording.csv \
      --verbose --embeddings --events - > "$root.events.jsonl" 2> "$root.run.log"; rc=$?
  windows=$(grep -c '"event":"window"' "$root.events.jsonl" || true)
  check "the installed mujod ran over the recording as user mujo with the installed config (exit $rc, $windows windows)" bash -c "[ $rc -eq 0 ] && [ $windows -gt 0 ]"
  check "its stream ends with a stop event" bash -c "tail -1 '$root.events.jsonl' | grep -q '\"event\":\"stop\"'"
  host="$CACHE/identical-$TARGET/x86_64.jsonl"
  if [ -f "$host" ]; then
    python3 "$CROSS_DIR/normalize-events.py" "$host" | grep -v '"event":"start"' > "$root.host.norm"
    python3 "$CROSS_DIR/normalize-events.py" "$root.events.jsonl" | grep -v '"event":"start"' > "$root.events.norm"
    check "every event but start equals the x86_64 build's (embeddings included)" cmp "$root.host.norm" "$root.events.norm"
  else
    echo "note: no x86_64 stream from cross/check-identical; not compared"
  fi
fi
echo "time: run $((SECONDS - s)) s"
umount "$root/proc"

# 5. Purge.
c dpkg --purge mujo-edge > "$root.purge.log" 2>&1
check "dpkg --purge removes the package" bash -c "! chroot '$root' dpkg-query -W -f='\${Status}' mujo-edge 2>/dev/null | grep -q installed"
check "purge removes the mujo user and group" bash -c "! chroot '$root' getent passwd mujo && ! chroot '$root' getent group mujo"
check "purge removes /etc/mujo and keeps the shared i2c group" bash -c "[ ! -e '$root/etc/mujo' ] && chroot '$root' getent group i2c"
echo "time: install test $((SECONDS - t0)) s in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
