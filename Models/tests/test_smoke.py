"""Smoke tests (< 1 min on 2 cores): a few training steps on a tiny subset, export, ONNX check.

Needs the shared datasets (../shared/datasets or $MUJO_DATASETS) and the Python requirements;
skipped when they are absent.
"""
import json
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")
pytest.importorskip("sentence_transformers")
pytest.importorskip("seglearn")

from Models.train import data as D  # noqa: E402

try:
    D.datasets_root()
    HAVE_DATA = True
except FileNotFoundError:
    HAVE_DATA = False

needs_data = pytest.mark.skipif(not HAVE_DATA, reason="shared datasets not found")


def test_encoder_budget_and_ops():
    from Models.train.model import EncoderConfig, IMUEncoder, count_macs, count_params
    enc = IMUEncoder(EncoderConfig()).eval()
    assert count_params(enc) <= 300_000
    assert count_macs(enc)["total"] <= 10_000_000
    x = torch.randn(2, 3, 100) * 5
    z = enc(x)
    assert z.shape == (2, 64)
    assert torch.allclose(z.norm(dim=1), torch.ones(2), atol=1e-5)
    # the export copy (BN, input normalisation and attention scale folded) is the same function
    enc.in_mean.copy_(torch.tensor([0.7, -4.0, 2.3]))
    enc.in_std.copy_(torch.tensor([6.9, 5.1, 5.0]))
    for m in enc.modules():
        if isinstance(m, torch.nn.BatchNorm1d):
            m.running_mean.normal_()
            m.running_var.uniform_(0.5, 2.0)
    assert torch.allclose(enc(x), enc.export_copy()(x), atol=1e-5)


def test_augment_shapes():
    from Models.train.augment import augment, random_rotation
    g = torch.Generator().manual_seed(0)
    R = random_rotation(8, g, 15.0)
    assert torch.allclose(R @ R.transpose(1, 2), torch.eye(3).expand(8, 3, 3), atol=1e-5)
    x = augment(torch.randn(8, 125, 3), 100, g)
    assert x.shape == (8, 3, 100) and torch.isfinite(x).all()


def test_label_file_parsing(tmp_path):
    from Models.train.text import parse_label_file
    p = tmp_path / "l.txt"
    p.write_text("# c\nwalking: a person walking | someone walks\nvacuuming\n")
    labels = parse_label_file(str(p))
    assert labels[0] == ("walking", ["a person walking", "someone walks"])
    assert labels[1][0] == "vacuuming" and len(labels[1][1]) >= 2


@needs_data
def test_tiny_train_and_export(tmp_path):
    from Models.export.__main__ import export_calibration, export_labels, export_onnx
    from Models.train import run
    out = tmp_path / "ck"
    run.main(["--tiny", "--steps", "3", "--batch", "32", "--out", str(out)])
    ck = out / "checkpoint.pt"
    assert ck.exists() and (out / "text_projection.npz").exists()
    info = export_onnx(str(ck), str(tmp_path / "enc.onnx"))
    assert info["max_abs_diff_ort_vs_torch_training_graph"] <= 1e-5
    assert "BatchNormalization" not in info["op_types"]
    assert not {"Slice", "Dropout", "Gather"} & set(info["op_types"])
    lab = tmp_path / "labels.txt"
    lab.write_text("walking: a person walking | someone walks\nsitting\n")
    doc = export_labels(str(lab), str(out / "text_projection.npz"), str(tmp_path / "labels.json"))
    doc2 = json.loads((tmp_path / "labels.json").read_text())
    assert doc2["format"] == "mujo-labels/1" and doc2["dim"] == 64
    assert doc2["input_spec"]["window"] == 100 and doc2["input_spec"]["normalization"] is None
    e = np.array(doc2["labels"][0]["embedding"])
    assert e.shape == (64,) and abs(np.linalg.norm(e) - 1) < 1e-5
    cal = export_calibration(str(tmp_path / "cal.npy"), n_per_class=2)
    assert cal.shape == (36, 3, 100) and cal.dtype == np.float32
