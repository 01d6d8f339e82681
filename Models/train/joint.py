"""Joint MuJo-style training (issue 13): real IMU, pose, simulated IMU and text in one space.

    nice -n 10 python3 -m Models.train.joint --out Models/checkpoints/joint --steps 2000 --threads 1

Modalities and losses (every contrastive loss is the symmetric InfoNCE of `run.contrastive_losses`,
over ONE label space: 18 WISDM + 7 seglearn + 27 UTD-MHAD labels, one random prompt per label per step):
  * real IMU (WISDM watch, seglearn watch) <-> text, plus the classification heads (as `run.py`);
  * simulated IMU <-> text: accelerometer simulated from UTD-MHAD Kinect skeletons (`simulate_imu`) at
    several placements (wrist, hand, pocket, waist, thigh, ankle), with random mounting rotations
    (uniform for the body placements, <= 30 deg for wrist/hand), plus a UTD-MHAD head;
  * pose <-> text and pose <-> simulated IMU of the same recording: a small pose encoder
    (`PoseEncoder`, 20 joints x 3 at 20 Hz, 5 s -> 64-d). The pose encoder never runs on the device.
Multi-prompt: every label's prompts are expanded with its bare name and the templates of
`text.expand_prompts`; a random one is drawn per step and the export averages all of them.

Splits (never trained on, never used to choose anything): WISDM subjects of shared/notes/model.md,
seglearn 5 and 10, UTD-MHAD subjects 7 and 8, MotionSense, UCI-HAPT. Settings are chosen on a
VALIDATION split carved from training subjects only: WISDM `WISDM_VAL_SUBJECTS` (every 6th of the 37
training subjects) and UTD-MHAD subject 6; both are left out of training in every run here, and
`validate()` reports them (the criterion, fixed before any run: the mean of the WISDM-val 18-way
macro-F1 and the UTD-val real-wrist 21-way macro-F1, own prompts).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import data as D
from .augment import augment, random_rotation
from .model import EncoderConfig, MuJoStyle, count_macs, count_params
from .run import contrastive_losses, set_seed
from .text import TEXT_ENCODER_NAME, embed_labels, expand_prompts, label_file, parse_label_file

UTD_TRAIN_SUBJECTS = (1, 2, 3, 4, 5)
UTD_VAL_SUBJECTS = (6,)
UTD_TEST_SUBJECTS = (7, 8)
SIM_PLACEMENTS = ("right_wrist", "right_hand", "right_pocket", "waist", "right_thigh", "right_ankle")
SMALL_MOUNT = ("right_wrist", "right_hand", "left_wrist")   # a watch is worn one way up: <= 30 deg
SPAN = int(np.ceil(D.WINDOW * 1.25))


def split_wisdm_train(segs):
    """(train, validation) of the WISDM TRAINING subjects; validation = every 6th sorted subject."""
    subs = sorted({s.subject for s in segs if s.subject not in D.WISDM_TEST_SUBJECTS})
    val = set(subs[2::6])
    return ([s for s in segs if s.subject not in val and s.subject not in D.WISDM_TEST_SUBJECTS],
            [s for s in segs if s.subject in val], sorted(val))


def pad_center(x: np.ndarray, n: int) -> np.ndarray:
    """[L, C] -> [n, C]: centred; shorter recordings held at their first/last value (the person
    is still before and after a UTD-MHAD action), longer ones cropped around the centre."""
    L = len(x)
    if L >= n:
        a = (L - n) // 2
        return x[a:a + n]
    a = (n - L) // 2
    return np.pad(x, ((a, n - L - a), (0, 0)), mode="edge")


# ------------------------------------------------------------------------------ UTD-MHAD data
def pose_features(rec) -> np.ndarray:
    """Skeleton [T, 20, 3] at its fps -> [T20, 60] at 20 Hz, relative to the first frame's hip centre."""
    from . import simulate_imu as S
    from .utd_mhad import J
    sk = rec.skeleton - rec.skeleton[0, J["hip_center"]][None, None, :]
    p = S.resample(sk.reshape(len(sk), -1), rec.skeleton_fps, D.MODEL_RATE_HZ)
    return p.astype(np.float32)


def load_utd_arrays(placements=SIM_PLACEMENTS, seed=0, use_cache=True):
    """Per recording: pose [SPAN, 60], simulated acc per placement [P, SPAN, 3] (sensor frame of the
    limb, no mounting rotation: that is drawn per step), real IMU [SPAN, 3], action, subject."""
    from . import simulate_imu as S
    from . import utd_mhad as U
    root = os.path.join(D.datasets_root(), "utd-mhad")
    import glob
    files = sorted(glob.glob(os.path.join(root, "Skeleton", "*.mat.xz")))
    cache = D.cache_path("utd_joint", files, placements=list(placements), seed=seed, span=SPAN, v=1)
    if use_cache and os.path.exists(cache):
        z = np.load(cache)
        return {k: z[k] for k in z.files}
    recs = U.load_utd_mhad()
    ups = U.estimate_up(recs)
    sensor = S.SensorModel()
    real = U.to_segments(recs, "real")
    pose, sim, act, sub, rl = [], [], [], [], []
    for r, rs in zip(recs, real):
        pose.append(pad_center(pose_features(r), SPAN))
        per = []
        for i, p in enumerate(placements):
            rng = np.random.default_rng([seed, r.action, r.subject, r.trial, i])
            a = S.simulate_imu(r.skeleton, r.skeleton_fps, p, up=ups[r.subject], sensor=sensor, rng=rng)
            per.append(pad_center(a.astype(np.float32), SPAN))
        sim.append(np.stack(per))
        rl.append(pad_center(rs.x, SPAN))
        act.append(r.action)
        sub.append(r.subject)
    out = {"pose": np.stack(pose), "sim": np.stack(sim), "real": np.stack(rl),
           "action": np.array(act), "subject": np.array(sub)}
    if use_cache:
        D._save_npz_atomic(cache, **out)
    return out


def utd_real_windows(arr, subjects, actions=range(1, 22)):
    """Real UTD-MHAD IMU windows [N, 3, 100] (centred, edge-padded) of `subjects`, labels action-1."""
    sel = np.isin(arr["subject"], list(subjects)) & np.isin(arr["action"], list(actions))
    X = np.stack([pad_center(x, D.WINDOW) for x in arr["real"][sel]]).transpose(0, 2, 1)
    return np.ascontiguousarray(X, dtype=np.float32), arr["action"][sel] - 1, arr["subject"][sel]


# ------------------------------------------------------------------------------ pose encoder
class PoseEncoder(nn.Module):
    """[B, 60, T] joint positions (m) -> 64-d L2-normalised embedding (host/training only)."""

    def __init__(self, in_ch=60, width=128, embed_dim=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(2 * in_ch, width, 5, padding=2), nn.BatchNorm1d(width), nn.ReLU(),
            nn.Conv1d(width, width, 3, stride=2, padding=1), nn.BatchNorm1d(width), nn.ReLU(),
            nn.Conv1d(width, width, 3, padding=2, dilation=2), nn.BatchNorm1d(width), nn.ReLU(),
            nn.Conv1d(width, width, 3, stride=2, padding=1), nn.BatchNorm1d(width), nn.ReLU())
        self.proj = nn.Sequential(nn.Linear(width, width), nn.GELU(), nn.Linear(width, embed_dim))
        self.feat_dim = width

    def features(self, p):
        v = torch.diff(p, dim=2, prepend=p[:, :, :1]) * D.MODEL_RATE_HZ      # velocities, m/s
        return self.net(torch.cat([p * 2.0, v * 0.5], dim=1)).mean(dim=2)

    def forward(self, p):
        return F.normalize(self.proj(self.features(p)), dim=-1)


class JointModel(MuJoStyle):
    """`MuJoStyle` (IMU encoder, text projection, heads) + a pose encoder (+ its head)."""

    def __init__(self, cfg, head_sizes, use_pose=True, n_utd=27):
        super().__init__(cfg, head_sizes)
        self.use_pose = use_pose
        if use_pose:
            self.pose = PoseEncoder(embed_dim=cfg.embed_dim)
            self.pose_head = nn.Linear(self.pose.feat_dim, n_utd)


def augment_pose(p: torch.Tensor, gen: torch.Generator, window=D.WINDOW) -> torch.Tensor:
    """p [B, SPAN, 60] -> [B, 60, window]: random crop, rotation about the vertical (y) axis
    <= 30 deg, scale 0.9-1.1, jitter 1 cm."""
    B, S, C = p.shape
    st = torch.randint(0, S - window + 1, (B,), generator=gen)
    idx = st[:, None] + torch.arange(window)[None, :]
    x = torch.gather(p, 1, idx[..., None].expand(B, window, C)).reshape(B, window, 20, 3)
    ang = (torch.rand(B, generator=gen) * 2 - 1) * np.deg2rad(30)
    c, s = torch.cos(ang), torch.sin(ang)
    R = torch.zeros(B, 3, 3)
    R[:, 0, 0], R[:, 0, 2], R[:, 1, 1], R[:, 2, 0], R[:, 2, 2] = c, s, 1, -s, c
    x = torch.einsum("btjc,bdc->btjd", x, R)
    x = x * (0.9 + 0.2 * torch.rand(B, 1, 1, 1, generator=gen)) + 0.01 * torch.randn(x.shape, generator=gen)
    return x.reshape(B, window, C).transpose(1, 2).contiguous()


def rotate_sim(crops: torch.Tensor, small: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A random mounting rotation per simulated crop [B, S, 3]: <= 30 deg where `small`, else ~uniform."""
    B = crops.shape[0]
    R_small = random_rotation(B, gen, 30.0)
    R_big = random_rotation(B, gen, 180.0)
    R = torch.where(small[:, None, None], R_small, R_big)
    return crops @ R.transpose(1, 2)


# ------------------------------------------------------------------------------ validation
@torch.no_grad()
def validate(model, wisdm_val, utd, label_names, prompt_emb, owner, log=print):
    from .evaluate import embed_windows, metrics
    from .text import project_label_embeddings
    W = model.text_proj.lin.weight.numpy()
    b = model.text_proj.lin.bias.numpy()
    L = project_label_embeddings(W, b, prompt_emb, owner)
    res = {}
    X, y, _ = D.cut_windows(wisdm_val)
    emb = embed_windows(model.encoder, X)
    res["wisdm_val"] = metrics(y, np.argmax(emb @ L[:18].T, 1), 18)
    if utd is not None:
        Xu, yu, _ = utd_real_windows(utd, UTD_VAL_SUBJECTS)
        off = label_names.index("arm swipe left") if "arm swipe left" in label_names else None
        if off is not None:
            eu = embed_windows(model.encoder, Xu)
            res["utd_val_real_wrist"] = metrics(yu, np.argmax(eu @ L[off:off + 21].T, 1), 21)
    crit = [res["wisdm_val"]["macro_f1"]] + ([res["utd_val_real_wrist"]["macro_f1"]]
                                              if "utd_val_real_wrist" in res else [])
    res["criterion_mean_macro_f1"] = float(np.mean(crit))
    log("VALIDATION " + ", ".join(f"{k} macro-F1 {v['macro_f1']:.4f}" for k, v in res.items() if isinstance(v, dict))
        + f"; criterion {res['criterion_mean_macro_f1']:.4f}")
    return res


# ------------------------------------------------------------------------------ training
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="Models/checkpoints/joint")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=256, help="real IMU windows per step (1/8 seglearn)")
    ap.add_argument("--sim-batch", type=int, default=64, help="UTD-MHAD recordings per step")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.02)
    ap.add_argument("--cls-weight", type=float, default=0.5)
    ap.add_argument("--sim-weight", type=float, default=0.5)
    ap.add_argument("--pose-weight", type=float, default=0.5)
    ap.add_argument("--no-pose", action="store_true", help="ablation: no pose encoder / pose losses")
    ap.add_argument("--no-sim", action="store_true", help="no simulated IMU (and no pose): real IMU <-> text only")
    ap.add_argument("--placements", default=",".join(SIM_PLACEMENTS))
    ap.add_argument("--no-expand", action="store_true", help="prompts as in the label files only")
    ap.add_argument("--rot-deg", type=float, default=15.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--tiny", action="store_true", help="smoke test: few subjects, no validation")
    ap.add_argument("--final", action="store_true",
                    help="the final run of a setting chosen on validation: the validation subjects "
                         "(WISDM_VAL, UTD-MHAD 6) are trained on too, so no validation figures")
    a = ap.parse_args(argv)
    if a.no_sim:
        a.no_pose = True

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

    log("command: python3 -m Models.train.joint " + " ".join(argv if argv is not None else sys.argv[1:]))
    log(f"torch {torch.__version__}, threads {torch.get_num_threads()}, seed {a.seed}")

    # ------------------------------------------------------------------ data
    w_train, w_val, val_subs = split_wisdm_train(D.load_wisdm())
    if a.final:
        w_train, w_val = w_train + w_val, []
    if a.tiny:
        keep = sorted({s.subject for s in w_train})[:3]
        w_train = [s for s in w_train if s.subject in keep]
    s_train = D.seglearn_split(D.load_seglearn_watch())[0]
    if a.tiny:
        s_train = [s for s in s_train if s.subject in (1, 2)]
    wis = D.CropSampler(w_train, SPAN, step=1)
    seg = D.CropSampler(s_train, SPAN, label_offset=len(D.WISDM_LABELS))
    log(f"WISDM train subjects {len({s.subject for s in w_train})} (crops {len(wis)}); "
        f"validation subjects {val_subs}{' (trained on: --final)' if a.final else ''}; held out (never used) {sorted(D.WISDM_TEST_SUBJECTS)}")
    placements = [p for p in a.placements.split(",") if p]
    use_sim = not a.no_sim
    utd = None
    if use_sim or not a.tiny:
        utd = load_utd_arrays(SIM_PLACEMENTS)
    if use_sim:
        pidx = [SIM_PLACEMENTS.index(p) for p in placements]
        tr = np.isin(utd["subject"], (1, 2) if a.tiny else
                     UTD_TRAIN_SUBJECTS + (UTD_VAL_SUBJECTS if a.final else ()))
        u_pose = torch.from_numpy(utd["pose"][tr])
        u_sim = torch.from_numpy(utd["sim"][tr][:, pidx])
        u_y = torch.from_numpy(utd["action"][tr] - 1).long()
        small = torch.tensor([p in SMALL_MOUNT for p in placements])
        log(f"UTD-MHAD train subjects {sorted(set(utd['subject'][tr].tolist()))} ({int(tr.sum())} recordings), validation "
            f"{UTD_VAL_SUBJECTS}, held out {UTD_TEST_SUBJECTS}; simulated placements {placements}; "
            f"pose {'yes' if not a.no_pose else 'no'}")

    # ------------------------------------------------------------------ text
    labels = parse_label_file(label_file("wisdm18.txt")) + parse_label_file(label_file("seglearn-watch.txt"))
    head_sizes = {"wisdm": 18, "seglearn": 7}
    utd_labels = parse_label_file(label_file("utd27.txt"))
    if use_sim:
        labels = labels + utd_labels
        head_sizes["utd"] = 27
    if not a.no_expand:
        labels = [(n, expand_prompts(n, p)) for n, p in labels]
    names = [n for n, _ in labels]
    prompt_emb_np, owner_np = embed_labels(labels)
    prompt_emb = torch.from_numpy(prompt_emb_np)
    by_label = [torch.nonzero(torch.from_numpy(owner_np) == i).flatten() for i in range(len(labels))]
    log(f"labels {len(labels)}, prompts {len(owner_np)} (expanded: {not a.no_expand}), text encoder {TEXT_ENCODER_NAME}")
    # validation label embeddings: the training label space (incl. UTD labels even for runs without them)
    v_labels = labels if use_sim else labels + ([(n, expand_prompts(n, p)) for n, p in utd_labels]
                                                 if not a.no_expand else utd_labels)
    v_emb, v_owner = embed_labels(v_labels)
    v_names = [n for n, _ in v_labels]

    # ------------------------------------------------------------------ model
    cfg = EncoderConfig()
    model = JointModel(cfg, head_sizes, use_pose=not a.no_pose)
    model.encoder.in_mean.copy_(torch.from_numpy(wis.sig.mean(0)))
    model.encoder.in_std.copy_(torch.from_numpy(wis.sig.std(0)))
    macs = count_macs(model.encoder)
    log(f"IMU encoder params {count_params(model.encoder)}, MACs/window {macs['total']}"
        + (f"; pose encoder params {count_params(model.pose)} (host only)" if model.use_pose else ""))
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
    n_seg = int(round(a.batch * 0.125))
    n_wis = a.batch - n_seg
    off_utd = 25
    model.train()
    t_train = time.time()
    run = {}
    for step in range(1, a.steps + 1):
        cw, yw = wis.sample(rng, n_wis)
        cs, ys = seg.sample(rng, n_seg)
        crops = torch.from_numpy(np.concatenate([cw, cs]))
        y = torch.from_numpy(np.concatenate([yw, ys])).long()
        x = augment(crops, cfg.window, gen, rot_deg=a.rot_deg)
        pick = torch.stack([ix[torch.randint(len(ix), (1,), generator=gen)] for ix in by_label]).flatten()
        text_z = model.text_proj(prompt_emb[pick])
        scale = model.logit_scale.exp().clamp(max=100)
        n_real = len(x)
        if use_sim:
            r = torch.randint(0, len(u_y), (a.sim_batch,), generator=gen)
            pl = torch.randint(0, len(placements), (a.sim_batch,), generator=gen)
            sc = rotate_sim(u_sim[r, pl], small[pl], gen)
            xs = augment(sc, cfg.window, gen, rot_deg=0.0)
            x = torch.cat([x, xs])
        feats = model.encoder.features(x)
        z = model.encoder.embed(feats)
        l_i2t, l_t2i, acc = contrastive_losses(z[:n_real], y, text_z, scale)
        l_cls = (F.cross_entropy(model.heads["wisdm"](feats[:n_wis]), y[:n_wis])
                 + F.cross_entropy(model.heads["seglearn"](feats[n_wis:n_real]), y[n_wis:n_real] - 18))
        loss = 0.5 * (l_i2t + l_t2i) + a.cls_weight * l_cls
        parts = {"i2t": l_i2t.item(), "cls": l_cls.item(), "acc": acc.item()}
        if use_sim:
            yu = u_y[r] + off_utd
            zs = z[n_real:]
            s_i2t, s_t2i, s_acc = contrastive_losses(zs, yu, text_z, scale)
            s_cls = F.cross_entropy(model.heads["utd"](feats[n_real:]), u_y[r])
            loss = loss + a.sim_weight * (0.5 * (s_i2t + s_t2i) + a.cls_weight * s_cls)
            parts.update(sim=s_i2t.item(), sim_acc=s_acc.item())
            if model.use_pose:
                pf = model.pose.features(augment_pose(u_pose[r], gen))
                zp = F.normalize(model.pose.proj(pf), dim=-1)
                p_i2t, p_t2i, p_acc = contrastive_losses(zp, yu, text_z, scale)
                same = (r[:, None] == r[None, :]).float()
                lg = scale * zp @ zs.t()
                l_ps = 0.5 * (-(lg.log_softmax(1) * same / same.sum(1, keepdim=True)).sum(1).mean()
                              - (lg.t().log_softmax(1) * same / same.sum(1, keepdim=True)).sum(1).mean())
                p_cls = F.cross_entropy(model.pose_head(pf), u_y[r])
                loss = loss + a.pose_weight * (0.5 * (p_i2t + p_t2i) + l_ps + a.cls_weight * p_cls)
                parts.update(pose=p_i2t.item(), pose_sim=l_ps.item(), pose_acc=p_acc.item())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        sched.step()
        parts["loss"] = loss.item()
        for k, v in parts.items():
            run[k] = 0.98 * run.get(k, v) + 0.02 * v
        if step % 100 == 0 or step == a.steps:
            log(f"step {step}/{a.steps} " + " ".join(f"{k} {v:.3f}" for k, v in run.items())
                + f" scale {scale.item():.1f} lr {sched.get_last_lr()[0]:.2e} elapsed {time.time() - t_train:.0f}s")
    train_wall = time.time() - t_train
    model.eval()

    ck = {"encoder_config": cfg.to_dict(), "head_sizes": head_sizes, "state_dict": model.state_dict(),
          "labels": names, "args": vars(a), "text_encoder": TEXT_ENCODER_NAME, "joint": True,
          "use_pose": model.use_pose, "expand_prompts": not a.no_expand,
          "sample_rate_hz": D.MODEL_RATE_HZ, "window": D.WINDOW, "hop": D.HOP,
          "wisdm_val_subjects": val_subs, "final": a.final, "utd_splits": {"train": UTD_TRAIN_SUBJECTS, "val": UTD_VAL_SUBJECTS,
                                                        "test": UTD_TEST_SUBJECTS}}
    torch.save(ck, os.path.join(a.out, "checkpoint.pt"))
    from Models.export.__main__ import write_projection_from_checkpoint
    write_projection_from_checkpoint(os.path.join(a.out, "checkpoint.pt"),
                                     os.path.join(a.out, "text_projection.npz"),
                                     os.path.basename(os.path.normpath(a.out)))
    log(f"training wall time {train_wall:.1f} s ({a.steps} steps, batch {a.batch}+{a.sim_batch if use_sim else 0}, "
        f"{a.threads} threads)")
    if not a.tiny and not a.final:
        res = validate(model, w_val, utd, v_names, v_emb, v_owner, log=log)
        with open(os.path.join(a.out, "validation.json"), "w") as f:
            json.dump(res, f, indent=1)
    log(f"total wall time {time.time() - t_start:.1f} s")
    log_f.close()
    return model


if __name__ == "__main__":
    main()
