"""Issue 13 pieces: prompt expansion, command-line labels, the pose encoder, the joint training loop."""
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from Models.train import data as D  # noqa: E402

try:
    D.datasets_root()
    HAVE_DATA = True
except FileNotFoundError:
    HAVE_DATA = False


def test_expand_prompts_and_label_lines():
    from Models.train.text import expand_prompts, parse_label_lines
    p = expand_prompts("walking", ["a person walking", "walking"])
    assert p[0] == "a person walking" and p.count("walking") == 1 and len(p) >= 4
    labels = parse_label_lines(["walking", "vacuuming: hoovering the floor | a person vacuuming", "# c", ""])
    assert labels[0][0] == "walking" and len(labels[0][1]) >= 2
    assert labels[1] == ("vacuuming", ["hoovering the floor", "a person vacuuming"])


def test_pose_encoder_and_helpers():
    from Models.train.joint import PoseEncoder, augment_pose, pad_center, rotate_sim
    g = torch.Generator().manual_seed(0)
    p = augment_pose(torch.randn(4, 125, 60) * 0.3, g)
    assert p.shape == (4, 60, 100)
    z = PoseEncoder().eval()(p)
    assert z.shape == (4, 64) and torch.allclose(z.norm(dim=1), torch.ones(4), atol=1e-5)
    x = torch.randn(6, 125, 3)
    r = rotate_sim(x, torch.tensor([True, False] * 3), g)
    assert torch.allclose(r.norm(dim=2), x.norm(dim=2), atol=1e-4)      # rotations keep |a|
    a = np.arange(6, dtype=np.float32)[:, None]
    out = pad_center(a, 10)
    assert out.shape == (10, 1) and out[0, 0] == 0 and out[-1, 0] == 5 and out[2, 0] == 0 and out[3, 0] == 1
    assert pad_center(np.arange(12.0)[:, None], 10)[0, 0] == 1


@pytest.mark.skipif(not HAVE_DATA, reason="shared datasets not found")
def test_tiny_joint_train_and_labels(tmp_path):
    pytest.importorskip("sentence_transformers")
    from Models.export.__main__ import main as export_main
    from Models.train import joint
    from Models.train.evaluate import load_checkpoint
    out = tmp_path / "ck"
    joint.main(["--tiny", "--steps", "2", "--batch", "32", "--sim-batch", "8", "--out", str(out)])
    m, ck = load_checkpoint(str(out / "checkpoint.pt"))
    assert ck["joint"] and ck["use_pose"] and ck["expand_prompts"] and len(ck["labels"]) == 52
    assert not set(ck["wisdm_val_subjects"]) & set(D.WISDM_TEST_SUBJECTS)
    lj = tmp_path / "l.json"
    export_main(["labels", "--label", "walking", "--label", "vacuuming: hoovering the floor",
                 "--projection", str(out / "text_projection.npz"), "--out", str(lj)])
    doc = json.loads(lj.read_text())
    assert [l["name"] for l in doc["labels"]] == ["walking", "vacuuming"]
    assert "vacuuming" in doc["labels"][1]["prompts"] and "hoovering the floor" in doc["labels"][1]["prompts"]
    e = np.array(doc["labels"][0]["embedding"])
    assert e.shape == (64,) and abs(np.linalg.norm(e) - 1) < 1e-5
