"""Export a MuJo Edge checkpoint for the Swift runtime.

    python3 -m Models.export all    --ckpt Models/checkpoints/default/checkpoint.pt --out-dir Models/default
    python3 -m Models.export onnx   --ckpt CKPT --out encoder.onnx
    python3 -m Models.export labels my-labels.txt [--projection Models/default/text_projection.npz] --out my-labels.json
    python3 -m Models.export labels --label walking --label "vacuuming: a person vacuuming | hoovering the floor" --out l.json
    python3 -m Models.export calibration --out calibration.npy [--n 504]

`labels` needs no checkpoint and no retraining: it runs the frozen MiniLM text tower once on
the host and applies the committed projection (`text_projection.npz`, < 100 kB).
Label file format, one label per line: `name: prompt | prompt | ...` (`#` comments; a bare
`name` gets template prompts). Write full descriptive sentences: prompts matter.
`--label` (repeatable) gives labels on the command line in the same grammar: a bare name, or
`name: prompt | prompt`. `--expand` (default: what the projection's model was trained with, from
`text_projection.npz` metadata) adds the bare name and `text.EXPAND_TEMPLATES` to every label's
prompts, as multi-prompt training (`Models.train.joint`) did; the embedding is the L2-normalised mean
over all prompts.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
DEFAULT_DIR = os.path.join(MODELS, "default")
LABELS_FORMAT = "mujo-labels/1"


def _torch():
    import torch
    if torch.get_num_threads() > 2:
        torch.set_num_threads(2)
    return torch


# ------------------------------------------------------------------------------ ONNX
def export_onnx(ckpt_path: str, out_path: str, check_windows: np.ndarray | None = None, opset=17) -> dict:
    torch = _torch()
    from Models.train.evaluate import load_checkpoint
    model, ck = load_checkpoint(ckpt_path)
    enc = model.encoder.eval()
    exp = enc.export_copy().eval()
    T = enc.cfg.window
    dummy = torch.zeros(1, enc.cfg.in_channels, T)
    torch.onnx.export(exp, (dummy,), out_path, input_names=["imu"], output_names=["embedding"],
                      opset_version=opset, dynamo=False, do_constant_folding=True)
    import onnx
    import onnxruntime as ort
    mo = onnx.load(out_path)
    onnx.checker.check_model(mo)
    ops = sorted({n.op_type for n in mo.graph.node})
    op_counts = {o: sum(1 for n in mo.graph.node if n.op_type == o) for o in ops}
    if check_windows is None:
        g = torch.Generator().manual_seed(0)
        check_windows = (torch.randn(32, enc.cfg.in_channels, T, generator=g) * 5).numpy()
    sess = ort.InferenceSession(out_path, providers=["CPUExecutionProvider"])
    max_ort_vs_export, max_ort_vs_train = 0.0, 0.0
    with torch.no_grad():
        for w in check_windows:
            x = torch.from_numpy(np.ascontiguousarray(w[None], dtype=np.float32))
            o = sess.run(None, {"imu": x.numpy()})[0]
            max_ort_vs_export = max(max_ort_vs_export, float(np.abs(o - exp(x).numpy()).max()))
            max_ort_vs_train = max(max_ort_vs_train, float(np.abs(o - enc(x).numpy()).max()))
    info = {"onnx": os.path.basename(out_path), "opset": opset, "input": [1, enc.cfg.in_channels, T],
            "output": [1, enc.cfg.embed_dim], "op_types": ops, "op_counts": op_counts,
            "bytes": os.path.getsize(out_path), "checked_windows": int(len(check_windows)),
            "max_abs_diff_ort_vs_torch_export_copy": max_ort_vs_export,
            "max_abs_diff_ort_vs_torch_training_graph": max_ort_vs_train}
    if max(max_ort_vs_export, max_ort_vs_train) > 1e-5:
        raise RuntimeError(f"ONNX Runtime differs from torch by more than 1e-5: {info}")
    return info


# ------------------------------------------------------------------------------ labels
def load_projection(path: str):
    z = np.load(path, allow_pickle=False)
    meta = json.loads(str(z["meta"])) if "meta" in z.files else {}
    return z["W"].astype(np.float32), z["b"].astype(np.float32), meta


def input_spec(meta: dict) -> dict:
    return {"sample_rate_hz": float(meta.get("sample_rate_hz", 20.0)), "window": int(meta.get("window", 100)),
            "hop": int(meta.get("hop", 50)), "channels": ["ax", "ay", "az"], "units": "m/s2",
            "gravity": "included", "sign": "android", "normalization": None}


def export_labels(label_path, projection_path: str, out_path: str, expand: bool | None = None) -> dict:
    """`label_path`: a label file, or a list of label lines (`name` or `name: prompt | prompt`).
    `expand` None: as the projection's metadata says (multi-prompt models), else forced."""
    from Models.train.text import (TEXT_ENCODER_NAME, embed_labels, expand_prompts, parse_label_file,
                                   parse_label_lines, project_label_embeddings)
    W, b, meta = load_projection(projection_path)
    labels = parse_label_lines(label_path) if isinstance(label_path, (list, tuple)) else parse_label_file(label_path)
    if not labels:
        raise ValueError("no labels given")
    if expand is None:
        expand = bool(meta.get("expand_prompts", False))
    if expand:
        labels = [(n, expand_prompts(n, p)) for n, p in labels]
    pe, owner = embed_labels(labels)
    L = project_label_embeddings(W, b, pe, owner)
    doc = {"format": LABELS_FORMAT,
           "text_encoder": f"{TEXT_ENCODER_NAME} + projection {meta.get('name', os.path.basename(projection_path))}",
           "dim": int(W.shape[0]),
           "input_spec": input_spec(meta),
           "labels": [{"name": n, "prompts": p, "embedding": [round(float(v), 7) for v in e], "threshold": None}
                      for (n, p), e in zip(labels, L)]}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)
    return doc


# ------------------------------------------------------------------------------ calibration
def export_calibration(out_path: str, n_per_class: int = 28, seed: int = 0) -> np.ndarray:
    """Windows from WISDM TRAINING subjects only, stratified by class, float32 [N, 3, T]."""
    from Models.train import data as D
    tr, _ = D.wisdm_split(D.load_wisdm())
    X, y, s = D.cut_windows(tr)
    rng = np.random.default_rng(seed)
    pick = np.concatenate([rng.choice(np.nonzero(y == c)[0], n_per_class, replace=False)
                           for c in range(len(D.WISDM_LABELS))])
    rng.shuffle(pick)
    cal = np.ascontiguousarray(X[pick], dtype=np.float32)
    assert not set(s[pick]) & set(D.WISDM_TEST_SUBJECTS)
    np.save(out_path, cal)
    return cal


# ------------------------------------------------------------------------------ all
def write_projection_from_checkpoint(ckpt_path: str, out_path: str, name: str):
    torch = _torch()
    ck = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    sd = ck["state_dict"]
    meta = {"name": name, "sample_rate_hz": ck["sample_rate_hz"], "window": ck["window"], "hop": ck["hop"],
            "expand_prompts": bool(ck.get("expand_prompts", False)),
            "text_dim": int(sd["text_proj.lin.weight"].shape[1]), "dim": int(sd["text_proj.lin.weight"].shape[0])}
    np.savez(out_path, W=sd["text_proj.lin.weight"].numpy().astype(np.float32),
             b=sd["text_proj.lin.bias"].numpy().astype(np.float32), meta=np.array(json.dumps(meta)))


def export_all(ckpt: str, out_dir: str, name: str = "mujo-edge-default") -> dict:
    torch = _torch()
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.time()
    cal = export_calibration(os.path.join(out_dir, "calibration.npy"))
    info = export_onnx(ckpt, os.path.join(out_dir, "encoder.onnx"), check_windows=cal[:64])
    proj = os.path.join(out_dir, "text_projection.npz")
    write_projection_from_checkpoint(ckpt, proj, name)
    labels_dir = os.path.join(MODELS, "labels")
    export_labels(os.path.join(labels_dir, "wisdm18.txt"), proj, os.path.join(out_dir, "labels.json"))
    export_labels(os.path.join(labels_dir, "seglearn-watch.txt"), proj, os.path.join(out_dir, "labels-seglearn.json"))
    from Models.train.evaluate import load_checkpoint
    from Models.train.model import count_macs, count_params
    model, ck = load_checkpoint(ckpt)
    info.update({"params": count_params(model.encoder), "macs_per_window": count_macs(model.encoder),
                 "encoder_config": ck["encoder_config"], "calibration": {"shape": list(cal.shape),
                 "source": "WISDM 2019 training subjects, 28 windows per class, seed 0"}})
    # a weights-only checkpoint (no optimiser state) so the ONNX can be re-exported
    slim = {k: ck[k] for k in ck if k != "args"} | {"args": ck.get("args")}
    torch.save(slim, os.path.join(out_dir, "checkpoint.pt"))
    with open(os.path.join(out_dir, "export-info.json"), "w") as f:
        json.dump(info, f, indent=1)
    info["export_wall_s"] = round(time.time() - t0, 1)
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m Models.export", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("all", help="ONNX + labels JSON + calibration + projection into one folder")
    p.add_argument("--ckpt", default="Models/checkpoints/default/checkpoint.pt")
    p.add_argument("--out-dir", default=DEFAULT_DIR)
    p.add_argument("--name", default="mujo-edge-default")
    p = sub.add_parser("onnx", help="the IMU encoder as ONNX (opset 17), verified with onnxruntime")
    p.add_argument("--ckpt", default=os.path.join(DEFAULT_DIR, "checkpoint.pt"))
    p.add_argument("--out", default="encoder.onnx")
    p = sub.add_parser("labels", help="label embeddings JSON for a label/prompt file (no retraining)")
    p.add_argument("label_file", nargs="?", help="label file (or use --label)")
    p.add_argument("--label", action="append", default=[],
                   help='a label on the command line: "name" or "name: prompt | prompt" (repeatable)')
    p.add_argument("--projection", default=os.path.join(DEFAULT_DIR, "text_projection.npz"))
    p.add_argument("--expand", choices=("auto", "yes", "no"), default="auto",
                   help="add the bare name + templates to each label's prompts (auto: as the model was trained)")
    p.add_argument("--out", default=None)
    p = sub.add_parser("calibration", help="calibration windows .npy from WISDM training subjects")
    p.add_argument("--out", default="calibration.npy")
    p.add_argument("--per-class", type=int, default=28)
    a = ap.parse_args(argv)
    if a.cmd == "all":
        info = export_all(a.ckpt, a.out_dir, a.name)
        print(json.dumps(info, indent=1))
    elif a.cmd == "onnx":
        print(json.dumps(export_onnx(a.ckpt, a.out), indent=1))
    elif a.cmd == "labels":
        if not a.label_file and not a.label:
            ap.error("labels: give a label file or --label")
        src = a.label_file if a.label_file and not a.label else None
        if src is None:
            src = list(a.label)
            if a.label_file:
                with open(a.label_file, encoding="utf-8") as f:
                    src = f.readlines() + src
        out = a.out or (os.path.splitext(os.path.basename(a.label_file))[0] + ".json" if a.label_file else "labels.json")
        doc = export_labels(src, a.projection, out, expand=None if a.expand == "auto" else a.expand == "yes")
        print(f"wrote {out}: {len(doc['labels'])} labels, dim {doc['dim']}")
    elif a.cmd == "calibration":
        cal = export_calibration(a.out, a.per_class)
        print(f"wrote {a.out}: {cal.shape} float32")
    return 0


if __name__ == "__main__":
    sys.exit(main())
