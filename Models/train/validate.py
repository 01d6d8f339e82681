"""Validation figures of a checkpoint, on TRAINING subjects carved out by `joint.py` only.

    python3 -m Models.train.validate CKPT [CKPT ...] [--json out.json]

  * WISDM validation subjects (every 6th of the 37 training subjects), 18-way, own prompts;
  * UTD-MHAD subject 6, REAL wrist IMU (actions 1-21), 21-way — with the WISDM figure, the criterion
    fixed before the runs (their mean);
  * UTD-MHAD subject 6, REAL thigh IMU (actions 22-27), 6-way: a placement other than the wrist.
    Added after the first two runs' criterion was seen (not their thigh figures); reported beside
    the criterion, not part of it.
Own label files, expanded as the model was trained. Never touches a held-out subject.
"""
from __future__ import annotations

import argparse
import json

import numpy as np
import torch

from . import data as D
from .evaluate import embed_windows, label_embeddings, load_checkpoint, metrics
from .joint import UTD_VAL_SUBJECTS, load_utd_arrays, split_wisdm_train, utd_real_windows
from .text import label_file


def validate_ckpt(path):
    model, ck = load_checkpoint(path)
    if ck.get("final"):
        raise SystemExit(f"{path}: a --final run trained on the validation subjects")
    expand = ck.get("expand_prompts", False)
    W = model.text_proj.lin.weight.detach().numpy()
    b = model.text_proj.lin.bias.detach().numpy()
    _, val, _ = split_wisdm_train(D.load_wisdm())
    X, y, _ = D.cut_windows(val)
    _, L = label_embeddings(W, b, label_file("wisdm18.txt"), expand=expand)
    r = {"wisdm_val": metrics(y, np.argmax(embed_windows(model.encoder, X) @ L.T, 1), 18)}
    utd = load_utd_arrays()
    _, Lu = label_embeddings(W, b, label_file("utd27.txt"), expand=expand)
    Xu, yu, _ = utd_real_windows(utd, UTD_VAL_SUBJECTS, range(1, 22))
    r["utd_val_real_wrist"] = metrics(yu, np.argmax(embed_windows(model.encoder, Xu) @ Lu[:21].T, 1), 21)
    Xt, yt, _ = utd_real_windows(utd, UTD_VAL_SUBJECTS, range(22, 28))
    r["utd_val_real_thigh"] = metrics(yt - 21, np.argmax(embed_windows(model.encoder, Xt) @ Lu[21:].T, 1), 6)
    r["criterion_mean_macro_f1"] = float(np.mean([r["wisdm_val"]["macro_f1"], r["utd_val_real_wrist"]["macro_f1"]]))
    return r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ckpt", nargs="+")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    out = {}
    for p in a.ckpt:
        r = validate_ckpt(p)
        out[p] = r
        print(f"{p}: WISDM-val {r['wisdm_val']['macro_f1']:.4f}, UTD-val wrist {r['utd_val_real_wrist']['macro_f1']:.4f}, "
              f"criterion {r['criterion_mean_macro_f1']:.4f}; UTD-val thigh {r['utd_val_real_thigh']['macro_f1']:.4f} (n={r['utd_val_real_thigh']['n']})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
