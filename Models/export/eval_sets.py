"""Evaluation windows for `mujo eval` (the Swift runtime measures every model-card figure).

    python3 -m Models.export.eval_sets --out Models/.cache/eval

writes, for each set, `NAME.npy` (float32 [N, 3, 100], the ONNX input layout, model units:
m/s^2, gravity included, Android sign, 20 Hz) and `NAME.txt` (one label name per window):

  wisdm-test            WISDM 2019 held-out subjects (model.md's fixed list), 18 labels
  seglearn-test         seglearn watch held-out subjects 5 and 10, 7 labels
  motionsense           MotionSense, all 24 subjects (unseen: zero-shot)
  motionsense-support   MotionSense subjects 1-12  (few-shot support)
  motionsense-query     MotionSense subjects 13-24 (few-shot evaluation)
  hapt, hapt-support, hapt-query   UCI-HAPT activities 1-6 (unseen), subjects 1-15 / 16-30

MotionSense and UCI-HAPT are never used for training, tuning or checkpoint choice.
"""
from __future__ import annotations

import argparse
import glob
import lzma
import os

import numpy as np

from Models.train import data as D

HAPT_LABELS = ["walking", "upstairs", "downstairs", "sitting", "standing", "lying"]


def load_hapt(root=None) -> list[D.Segment]:
    """UCI-HAPT v2.1 RawData: 50 Hz, acc in g with gravity, Android sign (Galaxy S II on the waist).
    Labelled segments of activities 1-6 only (the postural transitions 7-12 are left out)."""
    root = root or os.path.join(D.datasets_root(), "uci-hapt", "RawData")
    labels = np.loadtxt(os.path.join(root, "labels.txt"), dtype=int)
    cache: dict[tuple[int, int], np.ndarray] = {}
    segs = []
    for exp, user, act, start, end in labels:
        if act > 6:
            continue
        key = (exp, user)
        if key not in cache:
            path = os.path.join(root, f"acc_exp{exp:02d}_user{user:02d}.txt.xz")
            with lzma.open(path, "rt") as f:
                cache[key] = np.loadtxt(f, dtype=np.float64)
        x = cache[key][start - 1:end] * D.G
        if len(x) < 60:
            continue
        segs.append(D.Segment(int(user), int(act) - 1, D._resample_50_to_20(x), {"exp": int(exp)}))
    return segs


def write(out: str, name: str, segs, names):
    X, y, _ = D.cut_windows(segs)
    np.save(os.path.join(out, f"{name}.npy"), X.astype(np.float32))
    with open(os.path.join(out, f"{name}.txt"), "w") as f:
        f.write("".join(names[i] + "\n" for i in y))
    print(f"{name}: {len(y)} windows, {len(set(y.tolist()))} classes")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(D.CACHE_DIR, "eval"))
    ap.add_argument("--sets", default="wisdm,seglearn,motionsense,hapt")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    sets = a.sets.split(",")
    if "wisdm" in sets:
        _, test = D.wisdm_split(D.load_wisdm())
        write(a.out, "wisdm-test", test, D.WISDM_LABELS)
    if "seglearn" in sets:
        _, test = D.seglearn_split(D.load_seglearn_watch())
        write(a.out, "seglearn-test", test, D.SEGLEARN_LABELS)
    if "motionsense" in sets:
        ms = D.load_motionsense()
        write(a.out, "motionsense", ms, D.MOTIONSENSE_LABELS)
        write(a.out, "motionsense-support", [s for s in ms if s.subject <= 12], D.MOTIONSENSE_LABELS)
        write(a.out, "motionsense-query", [s for s in ms if s.subject > 12], D.MOTIONSENSE_LABELS)
    if "hapt" in sets:
        hp = load_hapt()
        write(a.out, "hapt", hp, HAPT_LABELS)
        write(a.out, "hapt-support", [s for s in hp if s.subject <= 15], HAPT_LABELS)
        write(a.out, "hapt-query", [s for s in hp if s.subject > 15], HAPT_LABELS)


if __name__ == "__main__":
    main()
