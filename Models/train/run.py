"""Train the default MuJo Edge model (one command, seeded, CPU, 2 threads).

    python3 -m Models.train.run --out Models/checkpoints/default

Data: WISDM 2019 watch accelerometer (37 training subjects; the 9 held-out subjects of
shared/notes/model.md are only evaluated) + seglearn `watch` (8 training subjects; 5 and 10 held out).
Losses (MuJo-style): symmetric IMU<->text contrastive loss (InfoNCE; text side = frozen MiniLM
prompt embeddings through a learned linear projection, one random prompt per label per step)
+ multitask classification heads (one per training set) on the pooled IMU features.
The FINAL step's weights are saved: no checkpoint picking on any held-out data.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data as D
from .augment import augment, center_crop
from .model import EncoderConfig, MuJoStyle, count_macs, count_params
from .text import TEXT_ENCODER_NAME, embed_labels, label_file, parse_label_file


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def contrastive_losses(z, y, text_z, scale):
    """z [B, D] IMU embeddings, y [B] joint label ids, text_z [K, D] one projected prompt per label."""
    logits = scale * z @ text_z.t()                       # [B, K]
    l_i2t = F.cross_entropy(logits, y)
    present = torch.unique(y)
    lt = scale * text_z[present] @ z.t()                  # [P, B]
    pos = (present[:, None] == y[None, :])
    logp = lt.log_softmax(dim=1)
    # multi-positive text->IMU InfoNCE: -log sum_{positives} p
    l_t2i = -(torch.logsumexp(logp.masked_fill(~pos, float("-inf")), dim=1)).mean()
    acc = (logits.argmax(1) == y).float().mean()
    return l_i2t, l_t2i, acc


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="Models/checkpoints/default")
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.02)
    ap.add_argument("--cls-weight", type=float, default=0.5)
    ap.add_argument("--seglearn-frac", type=float, default=0.125, help="fraction of each batch from seglearn")
    ap.add_argument("--no-seglearn", action="store_true")
    ap.add_argument("--embed-dim", type=int, default=64)
    ap.add_argument("--rot-deg", type=float, default=15.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-every", type=int, default=1500, help="log held-out figures (no picking)")
    ap.add_argument("--tiny", action="store_true", help="smoke test: 4 WISDM subjects, no evaluation")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)

    t_start = time.time()
    torch.set_num_threads(a.threads)
    set_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    log_f = open(os.path.join(a.out, "training-log.txt"), "w")

    def log(*s):
        msg = " ".join(str(x) for x in s)
        print(msg, flush=True)
        log_f.write(msg + "\n")
        log_f.flush()

    log("command: python3 -m Models.train.run " + " ".join(argv if argv is not None else sys.argv[1:]))
    log(f"torch {torch.__version__}, threads {torch.get_num_threads()}, seed {a.seed}")

    # ------------------------------------------------------------------ data
    wisdm = D.load_wisdm()
    w_train, w_test = D.wisdm_split(wisdm)
    if a.tiny:
        keep = sorted({s.subject for s in w_train})[:4]
        w_train = [s for s in w_train if s.subject in keep]
    use_seg = not a.no_seglearn
    s_train = D.seglearn_split(D.load_seglearn_watch())[0] if use_seg else []
    if a.tiny:
        s_train = [s for s in s_train if s.subject in (1, 2)]
    span = int(np.ceil(D.WINDOW * 1.25))
    wis_sampler = D.CropSampler(w_train, span, step=1)
    seg_sampler = D.CropSampler(s_train, span, label_offset=len(D.WISDM_LABELS)) if use_seg else None
    log(f"WISDM train subjects {len({s.subject for s in w_train})}, crops {len(wis_sampler)}; "
        f"held-out subjects {sorted(D.WISDM_TEST_SUBJECTS)}")
    if use_seg:
        log(f"seglearn train subjects {sorted({s.subject for s in s_train})}, crops {len(seg_sampler)}")

    # ------------------------------------------------------------------ text side
    labels = parse_label_file(label_file("wisdm18.txt"))
    assert [n for n, _ in labels] == D.WISDM_LABELS, "wisdm18.txt must follow WISDM_LABELS order"
    head_sizes = {"wisdm": len(labels)}
    if use_seg:
        seg_labels = parse_label_file(label_file("seglearn-watch.txt"))
        assert [n for n, _ in seg_labels] == D.SEGLEARN_LABELS
        labels = labels + seg_labels
        head_sizes["seglearn"] = len(seg_labels)
    prompt_emb, owner = embed_labels(labels)
    prompt_emb = torch.from_numpy(prompt_emb)
    owner_t = torch.from_numpy(owner)
    by_label = [torch.nonzero(owner_t == i).flatten() for i in range(len(labels))]
    log(f"labels {len(labels)}, prompts {len(owner)}, text encoder {TEXT_ENCODER_NAME} (frozen)")

    # ------------------------------------------------------------------ model
    cfg = EncoderConfig(embed_dim=a.embed_dim)
    model = MuJoStyle(cfg, head_sizes)
    Xw = wis_sampler.sig
    model.encoder.in_mean.copy_(torch.from_numpy(Xw.mean(0)))
    model.encoder.in_std.copy_(torch.from_numpy(Xw.std(0)))
    macs = count_macs(model.encoder)
    log(f"encoder params {count_params(model.encoder)}, MACs/window {macs['total']} {macs}")
    log(f"input normalisation mean {model.encoder.in_mean.tolist()} std {model.encoder.in_std.tolist()}")

    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if p.ndim < 2 or n == "logit_scale" else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=a.lr)
    warm = min(300, a.steps // 10 + 1)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + np.cos(np.pi * min(1.0, s / a.steps))))

    rng = np.random.default_rng(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    n_seg = int(round(a.batch * a.seglearn_frac)) if use_seg else 0
    n_wis = a.batch - n_seg
    model.train()
    t_train = time.time()
    run = {}
    for step in range(1, a.steps + 1):
        cw, yw = wis_sampler.sample(rng, n_wis)
        crops, ys, ds = [cw], [yw], [np.zeros(n_wis, int)]
        if n_seg:
            cs, yseg = seg_sampler.sample(rng, n_seg)
            crops.append(cs); ys.append(yseg); ds.append(np.ones(n_seg, int))
        crops = torch.from_numpy(np.concatenate(crops))
        y = torch.from_numpy(np.concatenate(ys)).long()
        dsid = torch.from_numpy(np.concatenate(ds))
        x = augment(crops, cfg.window, gen, rot_deg=a.rot_deg)

        pick = torch.stack([ix[torch.randint(len(ix), (1,), generator=gen)] for ix in by_label]).flatten()
        text_z = model.text_proj(prompt_emb[pick])
        feats = model.encoder.features(x)
        z = model.encoder.embed(feats)
        scale = model.logit_scale.exp().clamp(max=100)
        l_i2t, l_t2i, acc = contrastive_losses(z, y, text_z, scale)
        l_cls = 0.0
        off = 0
        for name, n in head_sizes.items():
            sel = dsid == (0 if name == "wisdm" else 1)
            if sel.any():
                l_cls = l_cls + F.cross_entropy(model.heads[name](feats[sel]), y[sel] - off)
            off += n
        loss = 0.5 * (l_i2t + l_t2i) + a.cls_weight * l_cls
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        sched.step()
        for k, v in (("loss", loss.item()), ("i2t", l_i2t.item()), ("t2i", l_t2i.item()),
                     ("cls", float(l_cls.detach()) if torch.is_tensor(l_cls) else l_cls), ("acc", acc.item())):
            run[k] = 0.98 * run.get(k, v) + 0.02 * v
        if step % 100 == 0 or step == a.steps:
            el = time.time() - t_train
            log(f"step {step}/{a.steps} loss {run['loss']:.3f} i2t {run['i2t']:.3f} t2i {run['t2i']:.3f} "
                f"cls {run['cls']:.3f} train-acc {run['acc']:.3f} scale {scale.item():.1f} "
                f"lr {sched.get_last_lr()[0]:.2e} elapsed {el:.0f}s")
        if not a.tiny and a.eval_every and step % a.eval_every == 0 and step < a.steps:
            from .evaluate import evaluate_all
            evaluate_all(model, motionsense=False, log=lambda s: log("  [monitor] " + s.split("\n")[0]))
            model.train()
    train_wall = time.time() - t_train
    model.eval()

    # ------------------------------------------------------------------ save
    ck = {"encoder_config": cfg.to_dict(), "head_sizes": head_sizes, "state_dict": model.state_dict(),
          "labels": [n for n, _ in labels], "args": vars(a), "text_encoder": TEXT_ENCODER_NAME,
          "sample_rate_hz": D.MODEL_RATE_HZ, "window": D.WINDOW, "hop": D.HOP}
    torch.save(ck, os.path.join(a.out, "checkpoint.pt"))
    from Models.export.__main__ import write_projection_from_checkpoint
    write_projection_from_checkpoint(os.path.join(a.out, "checkpoint.pt"),
                                     os.path.join(a.out, "text_projection.npz"),
                                     os.path.basename(os.path.normpath(a.out)))
    log(f"training wall time {train_wall:.1f} s ({a.steps} steps, batch {a.batch}, {a.threads} threads)")
    if not a.tiny:
        from .evaluate import evaluate_all
        res = evaluate_all(model, motionsense=True, log=log)
        with open(os.path.join(a.out, "results.json"), "w") as f:
            json.dump(res, f, indent=1)
    log(f"total wall time {time.time() - t_start:.1f} s")
    log_f.close()
    return model


if __name__ == "__main__":
    main()
