#!/bin/sh
# /init of the MuJo Edge kernel-test initramfs (built by run-kernel-test.sh; see README.md).
# Sets up i2c-stub with register images of a LIS3DH (0x18), MPU-6050 (0x68), ADXL345 (0x53),
# LSM6DSOX (0x6A) and BMI160 (0x69); checks them at shell level; runs the project's check binary
# against them (its userspace I²C drivers), binds the kernel's lis3dh, inv_mpu6050 and bmi160 IIO
# drivers with an hrtimer trigger and runs the binary again (the project's IIO reader); prints one
# "PASS: " or "FAIL: " line per check, then MUJO-KERNEL-TEST-END, and powers off.
# The kernel passes mujo_shell_only=0|1 (from the command line) in the environment.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
I2CSET=/usr/sbin/i2cset
I2CGET=/usr/sbin/i2cget
CHECK=/bin/mujo-kernel-check
[ "${mujo_shell_only:-0}" = 1 ] && CHECK=""
CHECK_TIMEOUT=40   # seconds per run of the check binary (a hang fails here, not at qemu's timeout)

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then pass "$1 = $3"; else fail "$1: expected '$2', got '$3'"; fi; }
finish() { step "done"; echo "MUJO-KERNEL-TEST-END"; sync; poweroff -f; sleep 5; }
step() { read -r up _ < /proc/uptime; echo "--- [${up}s] $*"; }
# Status 1 = the binary reported FAIL lines itself; anything else (a trap is 133) is a failure here.
check_status() {
  case "$2" in
    0|1) ;;
    143) fail "mujo-kernel-check $1 did not finish within ${CHECK_TIMEOUT}s" ;;
    *) fail "mujo-kernel-check $1 exited with status $2 (crashed?)" ;;
  esac
}

# Register images. LIS3DH (±2 g, high resolution: 1 mg per 12-bit count, left-justified little-endian);
# MPU-6050 (big-endian s16, 16384 LSB/g at ±2 g). *2 are written mid-stream while the buffer runs.
LIS_X=250;  LIS_Y=-500; LIS_Z=1000
LIS_X2=-750; LIS_Y2=125; LIS_Z2=-1000
MPU_X=4200; MPU_Y=-8192; MPU_Z=16384   # X low byte 0x68: the FIFO image 0x74-0x79 overlaps WHO_AM_I 0x75
ADXL_X=64;  ADXL_Y=-128; ADXL_Z=256    # ADXL345 full resolution: 256 LSB/g, little-endian
LSM_X=4096; LSM_Y=-8192; LSM_Z=16384   # LSM6DSOX ±2 g: 0.061 mg/LSB, little-endian
BMI_X=4096; BMI_Y=-8192; BMI_Z=16384   # BMI160 ±2 g: 16384 LSB/g, little-endian
BMI_GX=100; BMI_GY=-200; BMI_GZ=300    # BMI160 gyroscope counts (±2000 °/s)
lis_bytes() { for v in "$@"; do w=$(( (v << 4) & 0xffff )); printf '0x%02x 0x%02x ' $((w & 0xff)) $((w >> 8)); done; }
le_bytes() { for v in "$@"; do w=$(( v & 0xffff )); printf '0x%02x 0x%02x ' $((w & 0xff)) $((w >> 8)); done; }
mpu_bytes() { for v in "$@"; do w=$(( v & 0xffff )); printf '0x%02x 0x%02x ' $((w >> 8)) $((w & 0xff)); done; }
hexlist() { for b in "$@"; do printf '%02x ' $((b)); done; }   # "0x0a 0xff" -> "0a ff "
# Writes bytes to consecutive registers: put ADDR REG BYTE... (one SMBus byte write, or one I²C
# block write for several bytes: each i2cset is a process start, which is slow under TCG).
put() {
  addr=$1; reg=$2; shift 2
  if [ $# = 1 ]; then $I2CSET -f -y "$BUS" "$addr" "$reg" "$1" || fail "i2cset $addr $reg"
  else $I2CSET -f -y "$BUS" "$addr" "$reg" "$@" i || fail "i2cset $addr $reg (block of $#)"; fi
}

step "kernel $(uname -r)"
modprobe i2c-dev || fail "modprobe i2c-dev"
modprobe i2c-stub chip_addr=0x18,0x68,0x53,0x6a,0x69 || fail "modprobe i2c-stub"
BUS=""
for d in /sys/bus/i2c/devices/i2c-*; do
  [ "$(cat "$d/name" 2>/dev/null)" = "SMBus stub driver" ] && BUS="${d##*/i2c-}"
done
if [ -z "$BUS" ] || [ ! -c "/dev/i2c-$BUS" ]; then fail "i2c-stub bus with /dev/i2c-N not found"; finish; fi
pass "i2c-stub is bus $BUS (/dev/i2c-$BUS)"

step "preloading registers with i2cset"
LIS_BYTES=$(lis_bytes $LIS_X $LIS_Y $LIS_Z)
put 0x18 0x0f 0x33                   # WHO_AM_I
put 0x18 0x27 0x0f                   # STATUS_REG: ZYXDA and per-axis data ready
put 0x18 0x28 $LIS_BYTES             # OUT_X_L..OUT_Z_H as single-register reads see them
put 0x18 0xa8 $LIS_BYTES             # the same with the auto-increment bit (multi-byte reads)
put 0x18 0x2f 0x01                   # FIFO_SRC: one level (the stub is a flat register file: a FIFO
                                     # read at 0xA8 always returns this one image)
MPU_BYTES=$(mpu_bytes $MPU_X $MPU_Y $MPU_Z)
put 0x68 0x6b 0x00                   # PWR_MGMT_1 awake
put 0x68 0x3a 0x00                   # INT_STATUS: no FIFO overflow
put 0x68 0x3b $MPU_BYTES             # ACCEL_XOUT_H..ACCEL_ZOUT_L
put 0x68 0x72 0x00 0x06              # FIFO_COUNT = 6 bytes (one accel sample)
put 0x68 0x74 $MPU_BYTES             # FIFO_R_W and on: the stub returns this image for a FIFO burst
put 0x68 0x75 0x68                   # WHO_AM_I (equal to the X low byte above)
ADXL_BYTES=$(le_bytes $ADXL_X $ADXL_Y $ADXL_Z)
put 0x53 0x00 0xe5                   # ADXL345 DEVID
put 0x53 0x30 0x00                   # INT_SOURCE: no overrun
put 0x53 0x32 $ADXL_BYTES            # DATAX0..DATAZ1 (a 6-byte read pops one FIFO entry)
put 0x53 0x39 0x01                   # FIFO_STATUS: one entry
LSM_BYTES=$(le_bytes $LSM_X $LSM_Y $LSM_Z)
put 0x6a 0x0f 0x6c                   # LSM6DSOX WHO_AM_I
put 0x6a 0x3a 0x01 0x00              # FIFO_STATUS1/2: one unread record, no overrun
put 0x6a 0x78 0x10 $LSM_BYTES        # FIFO_DATA_OUT_TAG (0x02 << 3: accelerometer) + X, Y, Z
BMI_BYTES=$(le_bytes $BMI_X $BMI_Y $BMI_Z)
put 0x69 0x00 0xd1                   # BMI160 CHIP_ID
put 0x69 0x0c $(le_bytes $BMI_GX $BMI_GY $BMI_GZ) $BMI_BYTES   # DATA gyro 0x0C-0x11, accel 0x12-0x17
put 0x69 0x1d 0x00                   # INT_STATUS_1: FIFO not full
put 0x69 0x22 0x06 0x00              # FIFO_LENGTH = 6 bytes (one headerless accel frame)
put 0x69 0x24 $BMI_BYTES             # FIFO_DATA and on
put 0x69 0x41 0x03                   # ACC_RANGE ±2 g (the kernel driver reads the scale from it)
put 0x69 0x43 0x00                   # GYR_RANGE ±2000 °/s
expect "i2cget lis3dh WHO_AM_I" 0x33 "$($I2CGET -f -y "$BUS" 0x18 0x0f)"
expect "i2cget mpu6050 WHO_AM_I" 0x68 "$($I2CGET -f -y "$BUS" 0x68 0x75)"
expect "i2cget lis3dh OUT_Z_H (0xad)" "$(printf '0x%02x' $(( ((LIS_Z << 4) & 0xffff) >> 8 )))" "$($I2CGET -f -y "$BUS" 0x18 0xad)"

export MUJO_I2C_BUS="$BUS"
export MUJO_LIS3DH_MG="$LIS_X,$LIS_Y,$LIS_Z"
export MUJO_LIS3DH_MG2="$LIS_X2,$LIS_Y2,$LIS_Z2"
export MUJO_MPU6050_RAW="$MPU_X,$MPU_Y,$MPU_Z"
export MUJO_ADXL345_RAW="$ADXL_X,$ADXL_Y,$ADXL_Z"
export MUJO_LSM6DSOX_RAW="$LSM_X,$LSM_Y,$LSM_Z"
export MUJO_BMI160_RAW="$BMI_X,$BMI_Y,$BMI_Z"
export MUJO_BMI160_GYRO_RAW="$BMI_GX,$BMI_GY,$BMI_GZ"
if [ -n "$CHECK" ]; then
  step "project I2C drivers on /dev/i2c-$BUS (mujo-kernel-check i2c)"
  MUJO_CHECK=i2c timeout $CHECK_TIMEOUT $CHECK; rc=$?
  check_status i2c $rc
  # The drivers may have written configuration registers; restore the data images for the kernel drivers.
  put 0x18 0x0f 0x33
  put 0x18 0x28 $LIS_BYTES
  put 0x18 0xa8 $LIS_BYTES
  put 0x68 0x75 0x68
  put 0x68 0x3b $MPU_BYTES
  put 0x69 0x00 0xd1
  put 0x69 0x0c $(le_bytes $BMI_GX $BMI_GY $BMI_GZ) $BMI_BYTES
  put 0x69 0x41 0x03
  put 0x69 0x43 0x00
fi

step "binding the kernel's lis3dh IIO driver on the stub"
modprobe st_accel_i2c || fail "modprobe st_accel_i2c"
echo lis3dh 0x18 > "/sys/bus/i2c/devices/i2c-$BUS/new_device" || fail "new_device lis3dh 0x18"
DEV=""
for d in /sys/bus/iio/devices/iio:device*; do [ "$(cat "$d/name" 2>/dev/null)" = lis3dh ] && DEV="$d"; done
if [ -z "$DEV" ]; then fail "no IIO device named lis3dh"; finish; fi
pass "lis3dh bound as ${DEV##*/}"
# A raw read waits two sample periods; at the default 1 Hz that is 2 s per read.
echo 100 > "$DEV/sampling_frequency"
expect "sysfs in_accel_x_raw" "$LIS_X" "$(cat "$DEV/in_accel_x_raw")"
expect "sysfs in_accel_y_raw" "$LIS_Y" "$(cat "$DEV/in_accel_y_raw")"
expect "sysfs in_accel_z_raw" "$LIS_Z" "$(cat "$DEV/in_accel_z_raw")"
expect "sysfs in_accel_x_scale" "0.009806" "$(cat "$DEV/in_accel_x_scale")"

step "hrtimer trigger t0 at 100 Hz"
modprobe iio-trig-hrtimer || fail "modprobe iio-trig-hrtimer"
mkdir -p /sys/kernel/config
mount -t configfs none /sys/kernel/config || fail "mount configfs"
mkdir /sys/kernel/config/iio/triggers/hrtimer/t0 || fail "mkdir hrtimer/t0"
TRIG=""
for t in /sys/bus/iio/devices/trigger*; do [ "$(cat "$t/name" 2>/dev/null)" = t0 ] && TRIG="$t"; done
if [ -z "$TRIG" ]; then fail "hrtimer trigger t0 did not appear"; finish; fi
echo 100 > "$TRIG/sampling_frequency"
echo 100 > "$DEV/sampling_frequency"
echo t0 > "$DEV/trigger/current_trigger"
expect "current_trigger" t0 "$(cat "$DEV/trigger/current_trigger")"
echo monotonic > "$DEV/current_timestamp_clock" 2>/dev/null

step "shell-level buffered read of /dev/${DEV##*/}"
B="$DEV/buffer0"
for c in in_accel_x_en in_accel_y_en in_accel_z_en in_timestamp_en; do echo 1 > "$B/$c"; done
expect "buffer0/in_accel_x_type" "le:s12/16>>4" "$(cat "$B/in_accel_x_type")"
echo 128 > "$B/length"
echo 1 > "$B/enable" || fail "buffer0/enable"
WANT1=$(hexlist $LIS_BYTES | sed 's/ $//')
WANT2=$(hexlist $(lis_bytes $LIS_X2 $LIS_Y2 $LIS_Z2) | sed 's/ $//')
recs=$(timeout 5 dd if="/dev/${DEV##*/}" bs=16 count=5 2>/dev/null | hexdump -v -e '16/1 "%02x " "\n"')
n=$(echo "$recs" | grep -c .)
expect "16-byte records read" 5 "$n"
good=$(echo "$recs" | grep -c "^$WANT1 ")
expect "records with x,y,z = $LIS_X,$LIS_Y,$LIS_Z mg" "$n" "$good"
$I2CSET -f -y "$BUS" 0x18 0xa8 $(lis_bytes $LIS_X2 $LIS_Y2 $LIS_Z2) i || fail "i2cset block write"
recs=$(timeout 5 dd if="/dev/${DEV##*/}" bs=16 count=140 2>/dev/null | hexdump -v -e '16/1 "%02x " "\n"')
last=$(echo "$recs" | tail -1 | cut -c1-17)
expect "last record after mid-stream i2cset" "$WANT2" "$last"
echo 0 > "$B/enable"
for c in in_accel_x_en in_accel_y_en in_accel_z_en in_timestamp_en; do echo 0 > "$B/$c"; done
put 0x18 0xa8 $LIS_BYTES

step "binding the kernel's inv_mpu6050 IIO driver on the stub (raw reads only: no IRQ, no buffer)"
modprobe inv-mpu6050-i2c || fail "modprobe inv-mpu6050-i2c"
echo mpu6050 0x68 > "/sys/bus/i2c/devices/i2c-$BUS/new_device" || fail "new_device mpu6050 0x68"
MPUDEV=""
for d in /sys/bus/iio/devices/iio:device*; do [ "$(cat "$d/name" 2>/dev/null)" = mpu6050 ] && MPUDEV="$d"; done
if [ -n "$MPUDEV" ]; then
  pass "mpu6050 bound as ${MPUDEV##*/}"
  expect "sysfs mpu6050 in_accel_x_raw" "$MPU_X" "$(cat "$MPUDEV/in_accel_x_raw")"
  expect "sysfs mpu6050 in_accel_z_raw" "$MPU_Z" "$(cat "$MPUDEV/in_accel_z_raw")"
else
  fail "no IIO device named mpu6050"
fi

step "binding the kernel's bmi160 IIO driver on the stub (buffered with trigger t0)"
modprobe bmi160_i2c || fail "modprobe bmi160_i2c"
echo bmi160 0x69 > "/sys/bus/i2c/devices/i2c-$BUS/new_device" || fail "new_device bmi160 0x69"
BMIDEV=""
for d in /sys/bus/iio/devices/iio:device*; do [ "$(cat "$d/name" 2>/dev/null)" = bmi160 ] && BMIDEV="$d"; done
if [ -n "$BMIDEV" ]; then
  pass "bmi160 bound as ${BMIDEV##*/}"
  expect "sysfs bmi160 in_accel_x_raw" "$BMI_X" "$(cat "$BMIDEV/in_accel_x_raw")"
  expect "sysfs bmi160 in_anglvel_z_raw" "$BMI_GZ" "$(cat "$BMIDEV/in_anglvel_z_raw")"
  expect "sysfs bmi160 in_accel_scale" "0.000598" "$(cat "$BMIDEV/in_accel_scale")"
else
  fail "no IIO device named bmi160"
fi

if [ -n "$CHECK" ]; then
  step "project IIO reader on /dev/${DEV##*/} (mujo-kernel-check iio)"
  # Handshakes (files the binary creates): phase1 → rewrite the LIS3DH image mid-stream with one
  # i2cset block write; unplug → delete the lis3dh I2C client and create it again (the device
  # vanishes under the reader and comes back as a new iio:deviceN).
  rm -f /tmp/kcheck-phase1 /tmp/kcheck-unplug
  MUJO_CHECK=iio MUJO_IIO_DEVICE="$DEV" MUJO_IIO_MPU6050="$MPUDEV" MUJO_IIO_HANDSHAKE=/tmp/kcheck-phase1 \
    MUJO_IIO_UNPLUG=/tmp/kcheck-unplug timeout $CHECK_TIMEOUT $CHECK &
  pid=$!
  wait_for() { i=0; while [ ! -e "$1" ] && [ $i -lt 150 ] && kill -0 $pid 2>/dev/null; do sleep 0.1; i=$((i + 1)); done; [ -e "$1" ]; }
  if wait_for /tmp/kcheck-phase1; then
    $I2CSET -f -y "$BUS" 0x18 0xa8 $(lis_bytes $LIS_X2 $LIS_Y2 $LIS_Z2) i || fail "i2cset block write"
  fi
  if wait_for /tmp/kcheck-unplug; then
    echo 0x18 > "/sys/bus/i2c/devices/i2c-$BUS/delete_device" || fail "delete_device 0x18"
    sleep 0.5
    echo lis3dh 0x18 > "/sys/bus/i2c/devices/i2c-$BUS/new_device" || fail "new_device lis3dh 0x18 again"
  fi
  wait $pid; rc=$?
  check_status iio $rc
fi
finish
