#!/usr/bin/env bash
# cross/test-package.sh DEB [TARGET] — checks a mujo-edge .deb from cross/package without installing it
# (dpkg-deb -c/-I/-e/-x): the file list and every mode and owner, control fields, the conffile, the
# maintainer scripts (syntax, the mujo user in group i2c, purge removes it), every config key commented,
# the unit's required directives, `systemd-analyze verify` and `systemd-analyze security --offline=true`
# (exposure must be <= 2.5), the binary's ELF machine, NEEDED (no OpenBLAS) and, for a real mujod,
# its size (at most 300 KB). Ends with the plain line "N passed, N failed"; exit 1 on any failure.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
deb="${1:?usage: cross/test-package.sh DEB [aarch64|armv7]}"
target="${2:-}"
[ -f "$deb" ] || { echo "error: no such package: $deb" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { source "$here/lib.sh"; apt_install systemd; }
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what="$1"; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
arch="$(dpkg-deb -f "$deb" Architecture)"; version="$(dpkg-deb -f "$deb" Version)"
case "$arch" in arm64) machine=AArch64 ;; armhf) machine=ARM ;; *) machine=unknown ;; esac
[ -n "$target" ] || target=$([ "$arch" = arm64 ] && echo aarch64 || echo armv7)

# 1. The file list: exactly these files, with these modes, all root:root; directories 0755.
sort > "$tmp/expected" <<'LIST'
-rw-r--r-- ./etc/mujo/mujod.conf
-rw-r--r-- ./lib/systemd/system/mujod.service
-rw-r--r-- ./lib/udev/rules.d/60-mujo.rules
-rwxr-xr-x ./usr/bin/mujod
-rw-r--r-- ./usr/share/doc/mujo-edge/README.md
-rw-r--r-- ./usr/share/mujo/MODEL_CARD.md
-rw-r--r-- ./usr/share/mujo/default.mujo
LIST
dpkg-deb -c "$deb" > "$tmp/contents"
awk '$1 !~ /^d/ {print $1, $6}' "$tmp/contents" | sort > "$tmp/files"
if diff -u "$tmp/expected" "$tmp/files" > "$tmp/files.diff"; then ok "file list and modes (7 files: 0755 binary, 0644 the rest)"
else bad "file list and modes:"; cat "$tmp/files.diff"; fi
check "every entry is owned by root/root" bash -c "awk '{print \$2}' '$tmp/contents' | sort -u | grep -qx root/root && [ \$(awk '{print \$2}' '$tmp/contents' | sort -u | wc -l) -eq 1 ]"
check "every directory is 0755" bash -c "! awk '\$1 ~ /^d/ && \$1 != \"drwxr-xr-x\"' '$tmp/contents' | grep -q ."

# 2. Control fields.
check "Package is mujo-edge" test "$(dpkg-deb -f "$deb" Package)" = mujo-edge
check "Version $version comes from VERSION ($(cat "$here/../VERSION"))" bash -c "[[ '$version' == '$(tr -d ' \n' < "$here/../VERSION")' || '$version' == '$(tr -d ' \n' < "$here/../VERSION")~selftest' ]]"
check "file name is mujo-edge_${version}_${arch}.deb" test "$(basename "$deb")" = "mujo-edge_${version}_${arch}.deb"
check "Depends names libc6 with a version and passwd, and no OpenBLAS" bash -c "dpkg-deb -f '$deb' Depends | grep -q 'libc6 (>= 2\.' && dpkg-deb -f '$deb' Depends | grep -qw passwd && ! dpkg-deb -f '$deb' Depends | grep -qi blas"
check "Installed-Size is set" bash -c "[ \"\$(dpkg-deb -f '$deb' Installed-Size)\" -gt 0 ]"

# 3. Control archive: the conffile and the scripts.
dpkg-deb -e "$deb" "$tmp/DEBIAN"
check "conffiles lists exactly /etc/mujo/mujod.conf" test "$(cat "$tmp/DEBIAN/conffiles")" = /etc/mujo/mujod.conf
for s in postinst prerm postrm; do
  check "$s is 0755 and valid sh" bash -c "[ \"\$(stat -c %a '$tmp/DEBIAN/$s')\" = 755 ] && sh -n '$tmp/DEBIAN/$s' && head -1 '$tmp/DEBIAN/$s' | grep -qx '#!/bin/sh' && grep -qx 'set -e' '$tmp/DEBIAN/$s'"
done
check "postinst creates the system user mujo in group i2c (and the i2c group if missing)" bash -c "grep -q 'groupadd --system i2c' '$tmp/DEBIAN/postinst' && grep -q 'useradd --system' '$tmp/DEBIAN/postinst' && grep -q -- '--groups i2c mujo' '$tmp/DEBIAN/postinst' && grep -q 'nologin' '$tmp/DEBIAN/postinst'"
check "postinst is idempotent (an existing mujo user is only added to i2c)" grep -q 'usermod --append --groups i2c mujo' "$tmp/DEBIAN/postinst"
check "postrm removes the mujo user and group on purge only" bash -c "awk '/purge\\)/,/;;/' '$tmp/DEBIAN/postrm' | grep -q 'userdel mujo' && awk '/purge\\)/,/;;/' '$tmp/DEBIAN/postrm' | grep -q 'groupdel mujo'"
check "prerm stops the service on remove" grep -q 'systemctl disable --now mujod.service' "$tmp/DEBIAN/prerm"

# 4. The payload.
dpkg-deb -x "$deb" "$tmp/root"
conf="$tmp/root/etc/mujo/mujod.conf"
for key in model sensor events rate smooth hold min-score min-margin stats-every realtime verbose; do
  check "mujod.conf sets '$key' and explains it in a comment" bash -c "grep -qE '^$key = ' '$conf' && grep -qE '^# $key: ' '$conf'"
done
unit="$tmp/root/lib/systemd/system/mujod.service"
for line in "User=mujo" "SupplementaryGroups=i2c" "DeviceAllow=char-i2c rw" "DeviceAllow=char-iio rw" "DevicePolicy=closed" \
    "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" "PrivateNetwork=yes" \
    "RestrictAddressFamilies=AF_UNIX" "Restart=on-failure" "RestartPreventExitStatus=64 65 66 77" "StandardOutput=journal" \
    "ExecStart=/usr/bin/mujod --config /etc/mujo/mujod.conf"; do
  check "unit has $line" grep -qxF "$line" "$unit"
done
check "unit has MemoryMax= and a RestartSec= back-off" bash -c "grep -qE '^MemoryMax=[0-9]+[KMG]$' '$unit' && grep -qE '^RestartSec=' '$unit' && grep -qE '^StartLimitIntervalSec=' '$unit'"
# verify checks ExecStart's binary exists: point it at the extracted one.
sed "s|/usr/bin/mujod|$tmp/root/usr/bin/mujod|" "$unit" > "$tmp/mujod.service"
if systemd-analyze verify "$tmp/mujod.service" > "$tmp/verify.log" 2>&1 && [ ! -s "$tmp/verify.log" ]; then ok "systemd-analyze verify: no warnings"
else bad "systemd-analyze verify:"; cat "$tmp/verify.log"; fi
systemd-analyze security --offline=true "$tmp/mujod.service" > "$tmp/security.log" 2>&1
score="$(grep -o 'Overall exposure level for mujod.service: [0-9.]* [A-Z]*' "$tmp/security.log" | sed 's/.*: //')"
check "systemd-analyze security --offline=true: exposure ${score:-?} (<= 2.5)" awk -v s="${score%% *}" 'BEGIN { exit !(s != "" && s + 0 <= 2.5) }'

# 5. The binary.
bin="$tmp/root/usr/bin/mujod"
check "mujod is an ELF $machine executable, stripped, dynamically linked" bash -c "readelf -h '$bin' | grep -q 'Machine: *$machine' && readelf -l '$bin' | grep -q 'Requesting program interpreter' && ! readelf -S '$bin' | grep -q '\\.symtab'"
check "mujod links no OpenBLAS" bash -c "! readelf -d '$bin' | grep -qi blas"
# Embedded Swift prints a value it cannot format (an array, a struct) as this text; every message
# of mujod's must say what it means instead (MuJoSystem/ErrorText.swift formats integer arrays).
check "no message of mujod prints '(cannot print value in embedded Swift)'" bash -c "! grep -qa 'cannot print value' '$bin'"
if [[ "$version" == *~selftest ]]; then
  echo "note: stand-in package (the self-test as /usr/bin/mujod): the size guard applies to the real mujod only"
else
  # Issue 10's target: the stripped mujod at most 300 KB (307,200 bytes) on both targets
  # (cross/README.md says what keeps it small and how to see what grew).
  size=$(stat -c %s "$bin")
  check "stripped mujod is $size bytes (target: <= 300 KB = 307200)" test "$size" -le 307200
fi
echo "security: ${score:-unknown}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
