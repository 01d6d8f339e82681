"""Generates the ONNX fixture encoders for MuJoONNX's tests and `mujo quantize` examples.

    pip install torch==2.13.0 onnx onnxruntime      # torch pinned: the ONNX graph depends on it
    python3 Tests/Fixtures/onnx/make_fixtures.py

Writes, for each fixture NAME (cnn1d, cnn_transformer, patterns — see the classes below):
    NAME.onnx              torch.onnx.export (TorchScript exporter, opset 17), input "imu" [1, 3, 100]
    NAME.inputs.npy        float32 [8, 3, 100] sample windows
    NAME.ort.npy           float32 [8, D] onnxruntime outputs for those windows
and, shared by both: calibration.npy [64, 3, 100], validation.npy [32, 3, 100],
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


def export(model, name, sample):
    path = os.path.join(HERE, f"{name}.onnx")
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

    pat = Patterns()
    randomize_bn(pat, g)
    pat.eval()
    manifest["fixtures"]["patterns"] = export(pat, "patterns", sample)

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
