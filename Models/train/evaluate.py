"""Python-side (float) evaluation: nearest-label classification against label embeddings.

    python3 -m Models.train.evaluate --ckpt Models/checkpoints/default/checkpoint.pt [--onnx file.onnx]

Reports WISDM held-out subjects (18-way), seglearn held-out subjects (7-way) and MotionSense
zero-shot (6-way, all 24 subjects; MotionSense is never used for training, prompts or picking).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch

from . import data as D
from .text import embed_labels, expand_prompts, label_file, parse_label_file, project_label_embeddings


@torch.no_grad()
def embed_windows(encoder, X: np.ndarray, batch=1024) -> np.ndarray:
    encoder.eval()
    out = [encoder(torch.from_numpy(X[i:i + batch])).numpy() for i in range(0, len(X), batch)]
    return np.concatenate(out) if out else np.zeros((0, encoder.cfg.embed_dim), np.float32)


def metrics(y, pred, n_classes):
    from sklearn.metrics import accuracy_score, f1_score, recall_score
    labels = list(range(n_classes))
    return {"macro_f1": float(f1_score(y, pred, labels=labels, average="macro", zero_division=0)),
            "accuracy": float(accuracy_score(y, pred)),
            "recall": [float(r) for r in recall_score(y, pred, labels=labels, average=None, zero_division=0)],
            "n": int(len(y)), "chance_macro_f1_uniform": 1.0 / n_classes}


def label_embeddings(W, b, label_path, expand=False, first=None):
    """Label names and embeddings of a label file; `expand`: + the bare name and templates
    (`text.expand_prompts`, what a multi-prompt model's export does); `first`: only the first n labels."""
    labels = parse_label_file(label_path)[:first]
    if expand:
        labels = [(n, expand_prompts(n, p)) for n, p in labels]
    pe, owner = embed_labels(labels)
    return [n for n, _ in labels], project_label_embeddings(W, b, pe, owner)


def nearest_label_eval(emb, y, label_emb):
    pred = np.argmax(emb @ label_emb.T, axis=1)
    return metrics(y, pred, len(label_emb))


def few_shot(emb, y, subj, n_classes, ks=(1, 5, 10), draws=10, support_subjects=range(1, 13)):
    """Class prototypes (normalised mean embedding) from k windows per class of the support
    subjects; nearest-prototype classification of the other subjects' windows."""
    sup = np.isin(subj, list(support_subjects))
    out = {}
    for k in ks:
        f1s, accs = [], []
        for d in range(draws):
            rng = np.random.default_rng(1000 * k + d)
            P = []
            for c in range(n_classes):
                idx = rng.choice(np.nonzero(sup & (y == c))[0], k, replace=False)
                p = emb[idx].mean(0)
                P.append(p / np.linalg.norm(p))
            r = nearest_label_eval(emb[~sup], y[~sup], np.stack(P))
            f1s.append(r["macro_f1"]); accs.append(r["accuracy"])
        out[k] = {"macro_f1": float(np.mean(f1s)), "macro_f1_sd": float(np.std(f1s)),
                  "accuracy": float(np.mean(accs))}
    return out


def load_checkpoint(path):
    from .model import EncoderConfig, MuJoStyle
    ck = torch.load(path, map_location="cpu", weights_only=False)
    if ck.get("joint"):
        from .joint import JointModel
        m = JointModel(EncoderConfig.from_dict(ck["encoder_config"]), ck["head_sizes"],
                       use_pose=ck.get("use_pose", False))
    else:
        m = MuJoStyle(EncoderConfig.from_dict(ck["encoder_config"]), ck["head_sizes"])
    m.load_state_dict(ck["state_dict"])
    m.eval()
    return m, ck


def fmt(name, r, names=None):
    s = f"{name}: macro-F1 {r['macro_f1']:.4f}  accuracy {r['accuracy']:.4f}  (n={r['n']}, chance {r['chance_macro_f1_uniform']:.3f})"
    if names:
        s += "\n    recall: " + ", ".join(f"{n} {v:.2f}" for n, v in zip(names, r["recall"]))
    return s


def evaluate_all(model, motionsense=True, log=print, encoder=None):
    enc = encoder or model.encoder
    W = model.text_proj.lin.weight.detach().numpy()
    b = model.text_proj.lin.bias.detach().numpy()
    res = {}
    _, te = D.wisdm_split(D.load_wisdm())
    X, y, _ = D.cut_windows(te)
    names, L = label_embeddings(W, b, label_file("wisdm18.txt"))
    emb = embed_windows(enc, X)
    res["wisdm_heldout"] = nearest_label_eval(emb, y, L)
    log(fmt("WISDM held-out subjects (18-way nearest label)", res["wisdm_heldout"], names))
    _, te = D.seglearn_split(D.load_seglearn_watch())
    X, y, _ = D.cut_windows(te, hop=20)
    names, L = label_embeddings(W, b, label_file("seglearn-watch.txt"))
    res["seglearn_heldout"] = nearest_label_eval(embed_windows(enc, X), y, L)
    log(fmt("seglearn watch held-out subjects 5,10 (7-way, 5 s windows, 1 s hop)", res["seglearn_heldout"], names))
    if motionsense:
        X, y, subj = D.cut_windows(D.load_motionsense())
        names, L = label_embeddings(W, b, label_file("motionsense6.txt"))
        emb = embed_windows(enc, X)
        res["motionsense_zeroshot"] = nearest_label_eval(emb, y, L)
        log(fmt("MotionSense zero-shot (6-way, all 24 subjects, never trained on)",
                res["motionsense_zeroshot"], names))
        res["motionsense_fewshot"] = few_shot(emb, y, subj, len(names))
        log("MotionSense few-shot (prototypes from k windows/class of subjects 1-12, "
            "evaluated on subjects 13-24, mean of 10 draws): " +
            ", ".join(f"k={k}: macro-F1 {v['macro_f1']:.4f} acc {v['accuracy']:.4f}"
                      for k, v in res["motionsense_fewshot"].items()))
    return res


PARAPHRASE_STYLES = ("short", "sentence", "synonym")


def paraphrase_file(label_set: str, style: str) -> str:
    return label_file(os.path.join("paraphrases", f"{label_set}-{style}.txt"))


def evaluate_sets(model, encoder=None, expand=False, paraphrases=True, log=print, sets=None):
    """Every evaluation set (issue 13), float: nearest label with the project's own label file
    (expanded with name + templates iff the model was trained so: `expand`) and with each
    paraphrase file as written (one prompt per label, never expanded); few-shot where defined.

      wisdm        WISDM held-out subjects, 18-way          (wisdm18)
      seglearn     seglearn held-out 5, 10, 7-way, 1 s hop  (seglearn-watch)
      motionsense  all 24 subjects, 6-way zero-shot; few-shot 1-12 -> 13-24   (motionsense6)
      hapt         UCI-HAPT activities 1-6, 30 subjects, zero-shot; few-shot 1-15 -> 16-30 (hapt6)
      utd          UTD-MHAD REAL wrist IMU (actions 1-21), held-out subjects 7, 8, 21-way (utd27, first 21);
                   few-shot k = 1, 3: support subject 7, query subject 8
    """
    from Models.export.eval_sets import load_hapt
    enc = encoder or model.encoder
    W = model.text_proj.lin.weight.detach().numpy()
    b = model.text_proj.lin.bias.detach().numpy()
    sets = sets or ("wisdm", "seglearn", "motionsense", "hapt", "utd")
    res = {}

    def one(key, emb, y, own, label_set, first=None, fs=None):
        names, L = label_embeddings(W, b, label_file(own), expand=expand, first=first)
        r = {"own": nearest_label_eval(emb, y, L), "names": names}
        log(fmt(f"{key} own prompts ({own}{', expanded' if expand else ''})", r["own"], names))
        if paraphrases and label_set:
            for st in PARAPHRASE_STYLES:
                pn, PL = label_embeddings(W, b, paraphrase_file(label_set, st))
                assert pn == names, (pn, names)
                r[st] = nearest_label_eval(emb, y, PL)
                log(fmt(f"{key} paraphrases '{st}'", r[st], names))
            r["paraphrase_mean_macro_f1"] = float(np.mean([r[st]["macro_f1"] for st in PARAPHRASE_STYLES]))
            r["paraphrase_max_drop"] = float(r["own"]["macro_f1"] - min(r[st]["macro_f1"] for st in PARAPHRASE_STYLES))
        if fs is not None:
            r["few_shot"] = few_shot(emb, y, fs[0], len(names), ks=fs[1], support_subjects=fs[2])
            log(f"{key} few-shot: " + ", ".join(f"k={k}: macro-F1 {v['macro_f1']:.4f} ± {v['macro_f1_sd']:.3f}"
                                               for k, v in r["few_shot"].items()))
        res[key] = r

    if "wisdm" in sets:
        _, te = D.wisdm_split(D.load_wisdm())
        X, y, _ = D.cut_windows(te)
        one("wisdm_heldout", embed_windows(enc, X), y, "wisdm18.txt", "wisdm18")
    if "seglearn" in sets:
        _, te = D.seglearn_split(D.load_seglearn_watch())
        X, y, _ = D.cut_windows(te, hop=20)
        one("seglearn_heldout", embed_windows(enc, X), y, "seglearn-watch.txt", "seglearn-watch")
    if "motionsense" in sets:
        X, y, subj = D.cut_windows(D.load_motionsense())
        one("motionsense_zeroshot", embed_windows(enc, X), y, "motionsense6.txt", "motionsense6",
            fs=(subj, (1, 5, 10), range(1, 13)))
    if "hapt" in sets:
        X, y, subj = D.cut_windows(load_hapt())
        one("hapt_zeroshot", embed_windows(enc, X), y, "hapt6.txt", "hapt6", fs=(subj, (1, 5, 10), range(1, 16)))
    if "utd" in sets:
        from .joint import UTD_TEST_SUBJECTS, load_utd_arrays, utd_real_windows
        X, y, subj = utd_real_windows(load_utd_arrays(), UTD_TEST_SUBJECTS)
        one("utd_heldout_real_wrist", embed_windows(enc, X), y, "utd27.txt", None, first=21,
            fs=(subj, (1, 3), (UTD_TEST_SUBJECTS[0],)))
    return res


class OnnxEncoder:
    """Wrap an ONNX file so it can stand in for the torch encoder (batch 1 per call)."""

    def __init__(self, path, cfg):
        import onnxruntime as ort
        self.sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        self.cfg = cfg

    def eval(self):
        return self

    def __call__(self, x):
        x = x.numpy()
        out = [self.sess.run(None, {"imu": x[i:i + 1]})[0] for i in range(len(x))]
        return torch.from_numpy(np.concatenate(out))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ckpt", default="Models/checkpoints/default/checkpoint.pt")
    ap.add_argument("--onnx", default=None, help="evaluate this ONNX encoder instead of the torch one")
    ap.add_argument("--no-motionsense", action="store_true")
    ap.add_argument("--json", default=None, help="also write the figures to this JSON file")
    ap.add_argument("--all-sets", action="store_true",
                    help="issue 13's evaluation: every set (+ UCI-HAPT, UTD-MHAD real wrist), own and paraphrased labels")
    ap.add_argument("--sets", default=None, help="with --all-sets: a comma list of wisdm,seglearn,motionsense,hapt,utd")
    ap.add_argument("--expand", choices=("auto", "yes", "no"), default="auto",
                    help="expand the own label files with name + templates (auto: as the model was trained)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    t0 = time.time()
    model, ck = load_checkpoint(a.ckpt)
    enc = OnnxEncoder(a.onnx, model.encoder.cfg) if a.onnx else None
    if a.all_sets:
        expand = ck.get("expand_prompts", False) if a.expand == "auto" else a.expand == "yes"
        res = evaluate_sets(model, encoder=enc, expand=expand, sets=a.sets.split(",") if a.sets else None)
        res["_meta"] = {"ckpt": a.ckpt, "onnx": a.onnx, "expand": expand,
                        "command": "python3 -m Models.train.evaluate " + " ".join(argv if argv is not None else sys.argv[1:])}
    else:
        res = evaluate_all(model, motionsense=not a.no_motionsense, encoder=enc)
    if a.json:
        import json
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    print(f"evaluation wall time {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
