"""Generates the ONNX fixture encoders for MuJoONNX's tests and `mujo quantize` examples.

    pip install torch==2.13.0 onnx onnxruntime onnxscript   # torch pinned: the ONNX graph depends on it
    python3 Tests/Fixtures/onnx/make_fixtures.py

Writes, for each fixture NAME (cnn1d, cnn_transformer, patterns, handmade — see below):
    NAME.onnx              torch.onnx.export (TorchScript exporter, opset 17), input "imu" [1, 3, 100]
    NAME.inputs.npy        float32 [8, 3, 100] sample windows
    NAME.ort.npy           float32 [8, D] onnxruntime outputs for those windows
cnn_transformer_dynamo is the same network as cnn_transformer exported by torch's default (dynamo)
exporter, opset 18, weights in cnn_transformer_dynamo.onnx.data (external data); and, shared by all: calibration.npy [64, 3, 100], validation.npy [32, 3, 100],
labels16.json (mujo-labels/1, D = 16), manifest.json (versions and figures).
Weights are random (seeded) with realistic BatchNorm statistics; windows are synthetic
accelerometer signals in m/s² (gravity + gait-like oscillation + noise), 20 Hz.
"""
from __future__ import annotations

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, ROOT)
from Models.train.model import EncoderConfig, IMUEncoder  # noqa: E402  (the project's encoder)

T, C, D = 100, 3, 16
ACTIVITIES = ["walking", "running", "sitting", "standing", "stairs", "cycling"]


class CNN1D(nn.Module):
    """A plain 1D-CNN encoder: conv stem, strided conv, depthwise residual block, mean, MLP, L2."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(C, 16, 5, bias=False)
        self.b1 = nn.BatchNorm1d(16)
        self.c2 = nn.Conv1d(16, 32, 3, stride=2, padding=1, bias=False)
        self.b2 = nn.BatchNorm1d(32)
        self.dw = nn.Conv1d(32, 32, 5, dilation=2, padding=4, groups=32, bias=False)
        self.bdw = nn.BatchNorm1d(32)
        self.pw = nn.Conv1d(32, 32, 1)
        self.fc1 = nn.Linear(32, 32)
        self.fc2 = nn.Linear(32, D)

    def forward(self, x):                              # [B, C, T]
        h = F.relu(self.b1(self.c1(x)))
        h = F.relu(self.b2(self.c2(h)))
        h = F.relu(h + self.pw(F.relu(self.bdw(self.dw(h)))))
        f = h.mean(dim=-1)                             # [B, 32]
        return F.normalize(self.fc2(F.relu(self.fc1(f))), dim=-1)


class Patterns(nn.Module):
    """Not a useful encoder: the other forms torch writes for the same ops. Input normalisation
    as Sub/Div by [1, C, 1] constants, a BatchNorm that cannot fold (after a ReLU), GELU written
    out with the 0.5 first, a mean over time after a transpose, and a hand-written L2 norm
    x / sqrt(sum(x²))."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.5, -0.2, 9.0]))
        self.register_buffer("std", torch.tensor([3.0, 4.0, 2.5]))
        self.c1 = nn.Conv1d(C, 24, 7, stride=2, padding=3)
        self.bn = nn.BatchNorm1d(24)
        self.fc = nn.Linear(24, D)

    def forward(self, x):
        x = (x - self.mean[None, :, None]) / self.std[None, :, None]
        h = self.bn(F.relu(self.c1(x)))                 # [B, 24, T/2]
        h = h.transpose(1, 2)                           # [B, T/2, 24]
        h = (0.5 * h) * (1.0 + torch.erf(h / math.sqrt(2.0)))
        f = self.fc(h.mean(dim=1))
        return f / torch.sqrt(torch.sum(f * f, dim=-1, keepdim=True))


def handmade(path, sample):
    """A graph written with onnx.helper (opset 20) for the ops torch's eval-mode export never writes
    or writes rarely: Conv + unfused BatchNormalization, Clip(0, 6), Concat of activations, shape
    arithmetic (Shape, Gather, Slice, Cast, Unsqueeze, Concat → Reshape), single-head attention with
    3-D MatMuls, the Gelu op, Flatten, Squeeze/Unsqueeze, Identity, and x / √(ReduceSum(Pow(x, 2)))."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(7)
    Tn, H, E = T, 16, 12

    def init(name, arr):
        return numpy_helper.from_array(np.asarray(arr), name)

    inits = [
        init("w1", (rng.normal(size=(8, C, 3)) * 0.3).astype(np.float32)), init("b1", rng.normal(size=8).astype(np.float32) * 0.1),
        init("bn_s", (10 ** rng.uniform(-1, 0.3, 8)).astype(np.float32)), init("bn_b", rng.normal(size=8).astype(np.float32) * 0.1),
        init("bn_m", rng.normal(size=8).astype(np.float32) * 0.3), init("bn_v", (10 ** rng.uniform(-2, 1, 8)).astype(np.float32)),
        init("w2", (rng.normal(size=(8, C, 1)) * 0.3).astype(np.float32)),
        init("wq", (rng.normal(size=(H, H)) / 4).astype(np.float32)), init("bq", rng.normal(size=H).astype(np.float32) * 0.1),
        init("wk", (rng.normal(size=(H, H)) / 4).astype(np.float32)), init("wv", (rng.normal(size=(H, H)) / 4).astype(np.float32)),
        init("ln_g", (1 + rng.normal(size=H) * 0.1).astype(np.float32)), init("ln_b", rng.normal(size=H).astype(np.float32) * 0.1),
        init("wg", (rng.normal(size=(H, E)) / 4).astype(np.float32)), init("bg", rng.normal(size=E).astype(np.float32) * 0.1),
        init("scale", np.array(0.25, np.float32)), init("six", np.array(6.0, np.float32)), init("zero", np.array(0.0, np.float32)),
        init("two", np.array(2.0, np.float32)), init("i1", np.array(1, np.int64)), init("ax0", np.array([0], np.int64)),
        init("s0", np.array([0], np.int64)), init("s1", np.array([1], np.int64)), init("h16", np.array([H], np.float32)),
        init("ax2", np.array([2], np.int64)), init("ax1", np.array([1], np.int64)), init("axm1", np.array([-1], np.int64)), init("off", rng.normal(size=E).astype(np.float32) * 0.05),
    ]
    N = helper.make_node
    nodes = [
        N("Conv", ["imu", "w1", "b1"], ["c"], name="conv_a", kernel_shape=[3], pads=[1, 1]),
        N("BatchNormalization", ["c", "bn_s", "bn_b", "bn_m", "bn_v"], ["cb"], name="bn", epsilon=1e-5),
        N("Relu", ["cb"], ["cr"], name="relu_a"),
        N("Conv", ["imu", "w2"], ["d"], name="conv_b", kernel_shape=[1]),
        N("Clip", ["d", "zero", "six"], ["dr"], name="relu6_b"),
        N("Concat", ["cr", "dr"], ["cat"], name="concat", axis=1),                       # [1, 16, T]
        N("Transpose", ["cat"], ["t"], name="to_tc", perm=[0, 2, 1]),                     # [1, T, 16]
        N("Shape", ["t"], ["shp"], name="shape"),
        N("Slice", ["shp", "s0", "s1"], ["shp0"], name="slice_batch"),
        N("Gather", ["shp", "i1"], ["tt"], name="gather_time"),
        N("Unsqueeze", ["tt", "ax0"], ["tt1"], name="unsq_time"),
        N("Cast", ["h16"], ["h16i"], name="cast_width", to=TensorProto.INT64),
        N("Concat", ["shp0", "tt1", "h16i"], ["newshape"], name="concat_shape", axis=0),
        N("Reshape", ["t", "newshape"], ["tr"], name="reshape_same"),
        N("MatMul", ["tr", "wq"], ["q0"], name="q"), N("Add", ["q0", "bq"], ["q"], name="q_bias"),
        N("MatMul", ["tr", "wk"], ["k"], name="k"), N("MatMul", ["tr", "wv"], ["v"], name="v"),
        N("Transpose", ["k"], ["kt"], name="k_t", perm=[0, 2, 1]),
        N("MatMul", ["q", "kt"], ["s"], name="scores"), N("Mul", ["s", "scale"], ["ss"], name="scale_scores"),
        N("Softmax", ["ss"], ["p"], name="softmax", axis=-1),
        N("MatMul", ["p", "v"], ["av"], name="attend"), N("Add", ["tr", "av"], ["res"], name="residual"),
        N("LayerNormalization", ["res", "ln_g", "ln_b"], ["ln"], name="ln", axis=-1, epsilon=1e-5),
        N("Gelu", ["ln"], ["g"], name="gelu"),
        N("ReduceMean", ["g", "ax1"], ["m"], name="mean_time", keepdims=1),           # [1, 1, 16]
        N("Flatten", ["m"], ["f"], name="flatten", axis=1),                              # [1, 16]
        N("Gemm", ["f", "wg", "bg"], ["y0"], name="proj", transB=0),                     # [1, 12]
        N("Sub", ["y0", "off"], ["y1"], name="shift"),
        N("Unsqueeze", ["y1", "ax2"], ["y2"], name="unsq"), N("Squeeze", ["y2", "ax2"], ["y3"], name="sq"),
        N("Identity", ["y3"], ["y"], name="id"),
        N("Pow", ["y", "two"], ["y_sq"], name="square"),
        N("ReduceSum", ["y_sq", "axm1"], ["y_ss"], name="sum_sq", keepdims=1),
        N("Sqrt", ["y_ss"], ["y_n"], name="norm"),
        N("Div", ["y", "y_n"], ["embedding"], name="normalize"),
    ]
    graph = helper.make_graph(nodes, "handmade", [helper.make_tensor_value_info("imu", TensorProto.FLOAT, [1, C, Tn])],
                              [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, E])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], producer_name="make_fixtures.py handmade")
    model.ir_version = 9
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)


def randomize_bn(model, g):
    """BatchNorm statistics spread over decades, as in trained networks: folding them into the
    convolutions gives output channels whose weight ranges differ by 10-100x (the case per-channel
    weight scales exist for)."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.3)
            m.running_var.copy_(10 ** (torch.rand(n, generator=g) * 3 - 2))      # 0.01 … 10
            m.weight.data.copy_(10 ** (torch.rand(n, generator=g) * 1.3 - 1))    # 0.1 … 2
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


def windows(n, seed):
    """Synthetic accelerometer windows [n, 3, T] in m/s²: gravity on a random axis mix, a gait-like
    oscillation of random frequency/amplitude, noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(T) / 20.0
    out = np.empty((n, C, T), np.float32)
    for i in range(n):
        gdir = rng.normal(size=3); gdir /= np.linalg.norm(gdir)
        f = rng.uniform(0.3, 3.0); amp = rng.uniform(0.05, 6.0)
        phase = rng.uniform(0, 2 * math.pi, size=3)
        for c in range(C):
            out[i, c] = (9.81 * gdir[c] + amp * np.sin(2 * math.pi * f * t + phase[c])
                         + 0.5 * amp * np.sin(4 * math.pi * f * t + 2 * phase[c]) + rng.normal(0, 0.2, T))
    return out


def export(model, name, sample, dynamo=False):
    path = os.path.join(HERE, f"{name}.onnx")
    if dynamo:
        # torch 2.13's default exporter (needs onnxscript); it keeps the weights in NAME.onnx.data.
        torch.onnx.export(model, (torch.from_numpy(sample[:1]),), path, input_names=["imu"], output_names=["embedding"],
                          dynamo=True, verbose=False)
    else:
        torch.onnx.export(model, (torch.from_numpy(sample[:1]),), path, input_names=["imu"], output_names=["embedding"],
                          opset_version=17, dynamo=False, do_constant_folding=True)
    import onnx
    import onnxruntime as ort
    mo = onnx.load(path)
    onnx.checker.check_model(mo)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outs = np.concatenate([sess.run(None, {"imu": sample[i:i + 1]})[0] for i in range(len(sample))]).astype(np.float32)
    with torch.no_grad():
        ref = model(torch.from_numpy(sample)).numpy()
    np.save(os.path.join(HERE, f"{name}.inputs.npy"), sample)
    np.save(os.path.join(HERE, f"{name}.ort.npy"), outs)
    ops = sorted({n.op_type for n in mo.graph.node})
    return {"onnx": f"{name}.onnx", "bytes": os.path.getsize(path), "op_types": ops,
            "max_abs_ort_vs_torch": float(np.abs(outs - ref).max())}


def main():
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    sample = windows(8, seed=10)
    manifest = {"generator": "Tests/Fixtures/onnx/make_fixtures.py", "torch": torch.__version__,
                "onnx": __import__("onnx").__version__, "onnxruntime": __import__("onnxruntime").__version__,
                "opset": 17, "fixtures": {}}

    cnn = CNN1D()
    randomize_bn(cnn, g)
    cnn.eval()
    manifest["fixtures"]["cnn1d"] = export(cnn, "cnn1d", sample)

    cfg = EncoderConfig(in_channels=C, window=T, stem_channels=16, stem_kernel=5, stage_channels=(32,),
                        stage_dilations=((1, 2),), dw_kernel=5, heads=2, ffn_mult=2, embed_dim=D)
    enc = IMUEncoder(cfg)
    randomize_bn(enc, g)
    enc.in_mean.copy_(torch.tensor([0.0, 0.0, 0.0]))
    enc.in_std.copy_(torch.tensor([5.0, 5.0, 5.0]))
    enc.eval()
    manifest["fixtures"]["cnn_transformer"] = export(enc.export_copy().eval(), "cnn_transformer", sample)
    manifest["fixtures"]["cnn_transformer_dynamo"] = export(enc.export_copy().eval(), "cnn_transformer_dynamo", sample, dynamo=True)

    pat = Patterns()
    randomize_bn(pat, g)
    pat.eval()
    manifest["fixtures"]["patterns"] = export(pat, "patterns", sample)

    path = os.path.join(HERE, "handmade.onnx")
    handmade(path, sample)
    import onnxruntime as ort
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outs = np.concatenate([sess.run(None, {"imu": sample[i:i + 1]})[0] for i in range(len(sample))]).astype(np.float32)
    np.save(os.path.join(HERE, "handmade.inputs.npy"), sample)
    np.save(os.path.join(HERE, "handmade.ort.npy"), outs)
    manifest["fixtures"]["handmade"] = {"onnx": "handmade.onnx", "bytes": os.path.getsize(path), "opset": 20,
                                        "op_types": sorted({n.op_type for n in __import__("onnx").load(path).graph.node})}

    np.save(os.path.join(HERE, "calibration.npy"), windows(64, seed=20))
    np.save(os.path.join(HERE, "validation.npy"), windows(32, seed=30))
    rng = np.random.default_rng(40)
    labels = []
    for name in ACTIVITIES:
        e = rng.normal(size=D); e /= np.linalg.norm(e)
        labels.append({"name": name, "prompts": [f"a person {name}"], "embedding": [round(float(v), 7) for v in e],
                       "threshold": None})
    doc = {"format": "mujo-labels/1", "text_encoder": "fixture: random unit vectors", "dim": D,
           "input_spec": {"sample_rate_hz": 20.0, "window": T, "hop": 50, "channels": ["ax", "ay", "az"],
                          "units": "m/s2", "gravity": "included", "sign": "android", "normalization": None},
           "labels": labels}
    with open(os.path.join(HERE, "labels16.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
