#!/usr/bin/env python3
"""Writes the seed corpora Fuzz/corpus/<target>/ from committed files (python3, no packages).

model: the small test graph (Tests/MuJoCoreTests/Fixtures/small-graph-int8.mujo) whole, cut,
       with a flipped byte and with a wrong version; Models/default.mujo's first 2 KiB.
csv:   a few lines of the committed WISDM recording and hand-written variants (units, gyro, CRLF,
       comments, epoch milliseconds); the first byte of each seed picks the time unit (see csv.swift).
config: config texts and argv (NUL-separated, see config.swift).
iio:   scan_elements _type lines and record bytes (see iio.swift).
onnx:  the small ONNX fixtures (Tests/Fixtures/onnx: handmade, patterns, cnn1d), the first 4 KiB of
       cnn1d and of Models/default/encoder.onnx, and hand-encoded protobuf graphs (Relu; Conv with an
       initializer, inline and as external_data) so mutations start from something tiny.
labels: mujo-labels/1 documents (thresholds, null, input_spec with normalization) and near misses
       (duplicate, empty, control character, threshold out of range, wrong dim).
npy:   float32 arrays as numpy writes them (versions 1.0, 2.0; [N, C, T], [C, T], empty) and near
       misses (big-endian, Fortran order, cut); the first byte picks the [C, T] asked for (npy.swift).
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

# ---- onnx: the fixtures, and protobuf written by hand (field numbers: onnx.proto) ----
def varint(n):
    b = bytearray()
    while True:
        c = n & 0x7F; n >>= 7
        if n: b.append(c | 0x80)
        else: b.append(c); return bytes(b)
def field(number, value):
    if isinstance(value, int): return varint(number << 3) + varint(value)
    if isinstance(value, str): value = value.encode()
    return varint(number << 3 | 2) + varint(len(value)) + value
def value_info(name, dims=None):
    if dims is None: return field(1, name)
    shape = b"".join(field(1, field(1, d)) for d in dims)
    return field(1, name) + field(2, field(1, field(1, 1) + field(2, shape)))
def node(op, inputs, outputs, attrs=b""):
    return b"".join(field(1, i) for i in inputs) + b"".join(field(2, o) for o in outputs) + field(4, op) + attrs
def model(nodes, inputs, outputs, initializers=()):
    g = b"".join(field(1, n) for n in nodes) + field(2, "g") + b"".join(field(5, t) for t in initializers)
    g += b"".join(field(11, v) for v in inputs) + b"".join(field(12, v) for v in outputs)
    return field(1, 8) + field(2, "make-corpus") + field(7, g) + field(8, field(2, 17))
def tensor(name, dims, raw=None, external=None):
    t = b"".join(field(1, d) for d in dims) + field(2, 1) + field(8, name)
    if raw is not None: t += field(9, raw)
    if external is not None:
        t += b"".join(field(13, field(1, k) + field(2, v)) for k, v in external) + field(14, 1)
    return t
def attr_ints(name, values):   # AttributeProto: name 1, ints 8, type 20 (INTS = 7)
    return field(5, field(1, name) + b"".join(field(8, v) for v in values) + field(20, 7))

fixtures = os.path.join(root, "Tests/Fixtures/onnx")
for name in ["handmade", "patterns", "cnn1d"]:
    write("onnx", name, open(os.path.join(fixtures, name + ".onnx"), "rb").read())
write("onnx", "cnn1d-first-4k", open(os.path.join(fixtures, "cnn1d.onnx"), "rb").read()[:4096])
write("onnx", "default-encoder-first-4k", open(os.path.join(root, "Models/default/encoder.onnx"), "rb").read()[:4096])
write("onnx", "relu", model([node("Relu", ["x"], ["y"])], [value_info("x", [1, 3, 4])], [value_info("y")]))
weights = struct.pack("<6f", 0.5, -0.25, 1, 0.125, 2, -1)
conv = node("Conv", ["x", "w"], ["y"], attr_ints("kernel_shape", [1]))
write("onnx", "conv-initializer", model([conv, node("Relu", ["y"], ["z"])], [value_info("x", [1, 3, 8])], [value_info("z")],
                                        [tensor("w", [2, 3, 1], raw=weights)]))
write("onnx", "conv-external-data", model([conv], [value_info("x", [1, 3, 8])], [value_info("y")],
                                          [tensor("w", [2, 3, 1], external=[("location", "fuzz.onnx.data"), ("offset", "16"), ("length", "24")])]))

# ---- labels: mujo-labels/1 JSON ----
import json
def labels_doc(labels, dim=3, **extra):
    d = {"format": "mujo-labels/1", "text_encoder": "all-MiniLM-L6-v2 + projection", "dim": dim, "labels": labels}
    d.update(extra)
    return json.dumps(d).encode()
def label(name, prompts=("a person " + "walking",), emb=(0.6, 0.8, 0.0), threshold=None):
    return {"name": name, "prompts": list(prompts), "embedding": list(emb), "threshold": threshold}
spec = {"sample_rate_hz": 20, "window": 100, "hop": 50, "channels": ["ax", "ay", "az"], "units": "m/s2",
        "gravity": "included", "sign": "android", "normalization": {"mean": [0, 0, 9.8], "std": [1, 1, 1]}}
write("labels", "two-labels", labels_doc([label("walking", threshold=0.3), label("sitting", ["sitting down", "seated"], (1, 0, 0))]))
write("labels", "input-spec", labels_doc([label("jogging", emb=(0, 0, 1), threshold=-0.5)], input_spec=spec))
write("labels", "unicode-names", labels_doc([label("gehen \u00fc\u00df", ["zu Fu\u00df"]), label("\u8d70\u308b", ["\u8d70\u308b\u4eba"], (0, 1, 0))]))
write("labels", "duplicate-name", labels_doc([label("walking"), label("walking", emb=(1, 0, 0))]))
write("labels", "empty-labels", labels_doc([]))
write("labels", "control-in-prompt", labels_doc([label("walking", ["line one\nline two"])]))
write("labels", "threshold-out-of-range", labels_doc([label("walking", threshold=1.5)]))
write("labels", "wrong-dim", labels_doc([label("walking", emb=(1, 0))]))
write("labels", "spec-g-ios-no-norm", labels_doc([label("stairs", emb=(0.1, 0.2, 0.3))], dim=3,
      input_spec={"sample_rate_hz": 50.0, "window": 128, "channels": ["ax", "ay", "az", "gx", "gy", "gz"], "units": "g",
                  "gravity": "removed", "sign": "ios", "normalization": None}))

# ---- npy: the first byte picks the [C, T] asked for (npy.swift) ----
def npy(shape, values, descr="<f4", fortran=False, version=1):
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (descr, fortran, dims)
    prefix = 12 if version >= 2 else 10
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    length = struct.pack("<I", len(header)) if version >= 2 else struct.pack("<H", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode() + struct.pack("<%df" % len(values), *values)
write("npy", "windows-2x3x4", b"\x03" + npy([2, 3, 4], [i / 8 for i in range(24)]))
write("npy", "one-window-3x4", b"\x03" + npy([3, 4], [1.5] * 12))
write("npy", "own-shape-v2", b"\x04" + npy([1, 2, 5], [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8], version=2))
write("npy", "empty", b"\x02" + npy([0, 1, 1], []))
write("npy", "scalar", b"\x02" + npy([], [9.81]))
write("npy", "big-endian", b"\x00" + npy([1, 3, 4], [0] * 12, descr=">f4"))
write("npy", "fortran", b"\x00" + npy([1, 3, 4], [0] * 12, fortran=True))
write("npy", "cut", b"\x03" + npy([2, 3, 4], [0.5] * 24)[:140])
