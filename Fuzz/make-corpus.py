#!/usr/bin/env python3
"""Writes the seed corpora Fuzz/corpus/<target>/ from committed files (python3, no packages).

model: the small test graph (Tests/MuJoCoreTests/Fixtures/small-graph-int8.mujo) whole, cut,
       with a flipped byte and with a wrong version; Models/default.mujo's first 2 KiB.
csv:   a few lines of the committed WISDM recording and hand-written variants (units, gyro, CRLF,
       comments, epoch milliseconds); the first byte of each seed picks the time unit (see csv.swift).
config: config texts and argv (NUL-separated, see config.swift).
iio:   scan_elements _type lines and record bytes (see iio.swift).
Run it again after changing the committed files it reads; the seeds are small on purpose.
"""
import os, struct, zlib

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "Fuzz", "corpus")

def write(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def fix_crc(b):
    b = bytearray(b)
    struct.pack_into("<I", b, len(b) - 4, zlib.crc32(bytes(b[:-4])) & 0xFFFFFFFF)
    return bytes(b)

small = open(os.path.join(root, "Tests/MuJoCoreTests/Fixtures/small-graph-int8.mujo"), "rb").read()
default = open(os.path.join(root, "Models/default.mujo"), "rb").read()
write("model", "small-graph", small)
write("model", "small-graph-cut-100", small[:100])
write("model", "small-graph-header", small[:64])
flipped = bytearray(small); flipped[len(small) // 2] ^= 0x40
write("model", "small-graph-flipped", bytes(flipped))
write("model", "small-graph-flipped-crc-ok", fix_crc(flipped))
v2 = bytearray(small); struct.pack_into("<H", v2, 4, 2)
write("model", "small-graph-version-2", fix_crc(v2))
write("model", "default-first-2k", default[:2048])

rec = open(os.path.join(root, "Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv"), "rb").read().split(b"\n")
write("csv", "wisdm-excerpt", b"\x00" + b"\n".join(rec[:12]) + b"\n")
write("csv", "seconds-plain", b"\x00t,ax,ay,az\n0,0.1,0.2,9.8\n0.02,0.1,0.2,9.8\n0.04,0.1,0.3,9.7\n")
write("csv", "ms-header-g", b"\x00t[ms],ax[g],ay[g],az[g]\n1733000000000,0.01,0.02,1\n1733000000020,0.01,0.02,1\n")
write("csv", "gyro-deg", b"\x00t[s],ax,ay,az,gx[deg/s],gy[deg/s],gz[deg/s]\n0,0,0,9.81,1,2,3\n0.01,0,0,9.81,1,2,3\n")
write("csv", "crlf-comments", b"\x00# recorded on a watch\r\nt,ax,ay,az\r\n\r\n0,1e-3,-2.5E1,9.8\r\n0.05,1,2,3\r\n")
write("csv", "headerless-ns", b"\x04" + b"0,0.1,0.2,9.8\n20000000,0.1,0.2,9.8\n40000000,0.1,0.2,9.8\n")
write("csv", "label-column", b"\x01t,ax,ay,az,label\n0,0,0,9.8,walking\n0.02,0,0,9.8,walking\n")

write("config", "file-and-flags", b"\x01model = Models/default.mujo\nsensor = csv:rec.csv\nsmooth = 3\nhold = 2 # windows\nmin-score = 0.2\n\x00--verbose\x00--rate\x00100")
write("config", "flags-only", b"\x00\x00--model=m.mujo\x00--sensor\x00i2c:/dev/i2c-1@0x68:lis3dh\x00--events\x00/run/mujo/events.sock\x00--time-unit\x00ms")
write("config", "iio-stats", b"\x01sensor = iio:lis3dh\nstats-every = 60\nrealtime = true\nembeddings = false\n\x00--min-margin\x000.05")
write("config", "csv-stdin", b"\x00\x00--sensor=csv:-\x00--time-unit=us\x00--stats-every=0")

write("iio", "lis3dh", b"le:s12/16>>4\nle:s12/16>>4\nle:s12/16>>4\nle:s64/64>>0\n\n" + bytes(range(32)))
write("iio", "mpu6050-be", b"be:s16/16>>0\nbe:s16/16>>0\nbe:s16/16>>0\n\n" + bytes([0x12, 0x34, 0xFF, 0xFE, 0x80, 0x00]))
write("iio", "repeat", b"le:u10/16X3>>2\nle:s32/32\n\n" + bytes(range(64)))
