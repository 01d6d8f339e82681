"""Dataset loaders for the MuJo Edge model family.

Every loader returns data in ONE convention, the model's input convention:
  * sample rate  : MODEL_RATE_HZ (20 Hz)
  * channels     : accelerometer x, y, z (optionally gyro x, y, z after them)
  * units        : m/s^2, gravity included (gyro: rad/s)
  * sign         : Android (device at rest, face up: +9.81 on z)

A loaded set is a list of `Segment`s: one continuous recording of one activity
by one subject, resampled to the model rate. Windows are cut from segments, so a
window never spans two activities or a gap in the recording.

Datasets live outside the repository (`../shared/datasets` relative to the repo
root by default, or $MUJO_DATASETS); they are never copied into the repo.
Parsed data is cached in `Models/.cache/` (git-ignored).
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
from dataclasses import dataclass, field

import numpy as np

MODEL_RATE_HZ = 20.0
WINDOW = 100          # 5 s at 20 Hz
HOP = 50              # 2.5 s
G = 9.80665

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE_DIR = os.environ.get("MUJO_CACHE", os.path.join(REPO_ROOT, "Models", ".cache"))


def datasets_root() -> str:
    env = os.environ.get("MUJO_DATASETS")
    if env:
        return env
    for cand in (os.path.join(REPO_ROOT, "..", "shared", "datasets"),
                 os.path.join(REPO_ROOT, "shared", "datasets")):
        if os.path.isdir(cand):
            return os.path.abspath(cand)
    raise FileNotFoundError("datasets not found: set MUJO_DATASETS")


# --------------------------------------------------------------------------- WISDM 2019
WISDM_CODES = "ABCDEFGHIJKLMOPQRS"
WISDM_LABELS = ["walking", "jogging", "stairs", "sitting", "standing", "typing",
                "brushing teeth", "eating soup", "eating chips", "eating pasta", "drinking",
                "eating sandwich", "kicking", "playing catch", "dribbling", "writing",
                "clapping", "folding clothes"]
# Fixed in shared/notes/model.md: every 5th of the 46 sorted subject ids.
WISDM_TEST_SUBJECTS = (1604, 1609, 1614, 1619, 1624, 1630, 1635, 1644, 1649)

SEGLEARN_LABELS_SHORT = ["PEN", "ABD", "FEL", "IR", "ER", "TRAP", "ROW"]
SEGLEARN_LABELS = ["pendulum", "shoulder abduction", "forward elevation",
                   "internal rotation", "external rotation", "trapezius extension",
                   "upright row"]
# every 5th of the 10 sorted subject ids (5 and 10) are held out
SEGLEARN_TEST_SUBJECTS = (5, 10)

MOTIONSENSE_CODES = {"dws": "downstairs", "ups": "upstairs", "wlk": "walking",
                     "jog": "jogging", "sit": "sitting", "std": "standing"}
MOTIONSENSE_LABELS = ["downstairs", "upstairs", "walking", "jogging", "sitting", "standing"]


@dataclass
class Segment:
    subject: int
    label: int           # index into the dataset's label list
    x: np.ndarray        # [L, C] float32, model convention
    meta: dict = field(default_factory=dict)


def _resample_timestamps(ts_ns: np.ndarray, xyz: np.ndarray, max_gap_s: float = 1.0):
    """Split at gaps, linearly interpolate each piece onto a uniform MODEL_RATE_HZ grid."""
    order = np.argsort(ts_ns, kind="stable")
    ts = ts_ns[order].astype(np.float64) * 1e-9
    xyz = xyz[order]
    keep = np.concatenate([[True], np.diff(ts) > 0])   # drop duplicated timestamps
    ts, xyz = ts[keep], xyz[keep]
    cuts = np.where(np.diff(ts) > max_gap_s)[0] + 1
    out = []
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(ts)]):
        t, v = ts[a:b], xyz[a:b]
        if len(t) < 2:
            continue
        grid = np.arange(t[0], t[-1], 1.0 / MODEL_RATE_HZ)
        if len(grid) < 2:
            continue
        res = np.stack([np.interp(grid, t, v[:, c]) for c in range(v.shape[1])], axis=1)
        out.append(res.astype(np.float32))
    return out


def cache_path(name: str, files, **params) -> str:
    """A cache file in CACHE_DIR keyed by everything the cached result depends on.

    The key hashes the (absolute, real) path, size and modification time of every input file
    and the loader's parameters, so another data folder, a changed file or another setting
    gets its own cache file instead of silently reading (or overwriting) an old one.
    """
    h = hashlib.sha256()
    entries = []
    for f in sorted(os.path.realpath(f) for f in files):
        st = os.stat(f)
        entries.append([f, st.st_size, st.st_mtime_ns])
    h.update(json.dumps({"files": entries, "params": params}, sort_keys=True, default=str).encode())
    return os.path.join(CACHE_DIR, f"{name}-{h.hexdigest()[:16]}.npz")


def _save_npz_atomic(path: str, **arrays) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def load_wisdm(subjects=None, root=None, use_cache=True, max_gap_s: float = 1.0) -> list[Segment]:
    """WISDM 2019 watch accelerometer (already m/s^2, gravity included, Android)."""
    root = root or os.path.join(datasets_root(), "wisdm2019")
    files = sorted(glob.glob(os.path.join(root, "raw", "watch", "accel", "data_*_accel_watch.txt.xz")))
    if not files:
        raise FileNotFoundError(f"no WISDM watch accel files under {root}")
    cache = cache_path("wisdm_accel_20hz", files, root=os.path.realpath(root), loader="load_wisdm/2",
                       rate=MODEL_RATE_HZ, max_gap_s=max_gap_s, codes=WISDM_CODES)
    if use_cache and os.path.exists(cache):
        with np.load(cache) as z:
            sig, index = z["sig"], z["index"]
        segs = [Segment(int(s), int(l), sig[a:b]) for s, l, a, b in index]
    else:
        import pandas as pd
        segs = []
        for f in files:
            df = pd.read_csv(f, header=None, names=["sid", "act", "ts", "x", "y", "z"],
                             dtype={"z": str})
            df["z"] = df["z"].str.rstrip(";").astype(np.float64)
            sid = int(df["sid"].iloc[0])
            for code, g in df.groupby("act", sort=False):
                if code not in WISDM_CODES:
                    continue
                for piece in _resample_timestamps(g["ts"].to_numpy(np.int64),
                                                  g[["x", "y", "z"]].to_numpy(np.float64),
                                                  max_gap_s=max_gap_s):
                    segs.append(Segment(sid, WISDM_CODES.index(code), piece))
        if use_cache:
            bounds = np.cumsum([0] + [len(s.x) for s in segs])
            index = np.array([[s.subject, s.label, bounds[i], bounds[i + 1]]
                              for i, s in enumerate(segs)], dtype=np.int64).reshape(-1, 4)
            sig = np.concatenate([s.x for s in segs]) if segs else np.zeros((0, 3), np.float32)
            _save_npz_atomic(cache, sig=sig, index=index)
    if subjects is not None:
        subjects = set(int(s) for s in subjects)
        segs = [s for s in segs if s.subject in subjects]
    return segs


def wisdm_split(segs):
    test = [s for s in segs if s.subject in WISDM_TEST_SUBJECTS]
    train = [s for s in segs if s.subject not in WISDM_TEST_SUBJECTS]
    return train, test


# --------------------------------------------------------------------------- seglearn watch
def _resample_50_to_20(x: np.ndarray) -> np.ndarray:
    from scipy.signal import resample_poly
    return resample_poly(x, 2, 5, axis=0).astype(np.float32)


def load_seglearn_watch(with_gyro=False) -> list[Segment]:
    """seglearn's `watch` set (Burns et al. 2018, BSD-3): 7 shoulder exercises, 10 subjects.

    Recorded at 50 Hz with an Apple Watch: accelerometer in g with gravity, Core Motion
    sign (gravity reads -1 g on an upward axis). Converted here: x (-G), 50 -> 20 Hz.
    """
    from seglearn.datasets import load_watch
    d = load_watch()
    segs = []
    for x, y, subj, side in zip(d["X"], d["y"], d["subject"], d["side"]):
        x = np.asarray(x, dtype=np.float64)
        acc = -x[:, :3] * G
        cols = [acc] + ([x[:, 3:6]] if with_gyro else [])
        segs.append(Segment(int(subj), int(y), _resample_50_to_20(np.concatenate(cols, axis=1)),
                            {"side": int(side)}))
    return segs


def seglearn_split(segs):
    test = [s for s in segs if s.subject in SEGLEARN_TEST_SUBJECTS]
    train = [s for s in segs if s.subject not in SEGLEARN_TEST_SUBJECTS]
    return train, test


# --------------------------------------------------------------------------- MotionSense
def load_motionsense(root=None) -> list[Segment]:
    """MotionSense raw accelerometer (B), EVALUATION ONLY (never train/tune on it).

    iPhone 6s in the front trouser pocket, 50 Hz, g with gravity, iOS sign:
    converted with x (-G) and 50 -> 20 Hz.
    """
    import pandas as pd
    root = root or os.path.join(datasets_root(), "motionsense")
    segs = []
    for d in sorted(glob.glob(os.path.join(root, "B_Accelerometer_data", "*"))):
        code = os.path.basename(d).split("_")[0]
        if code not in MOTIONSENSE_CODES:
            continue
        lab = MOTIONSENSE_LABELS.index(MOTIONSENSE_CODES[code])
        for f in sorted(glob.glob(os.path.join(d, "sub_*.csv.xz"))):
            sid = int(os.path.basename(f).split("_")[1].split(".")[0])
            v = pd.read_csv(f, index_col=0)[["x", "y", "z"]].to_numpy(np.float64)
            segs.append(Segment(sid, lab, _resample_50_to_20(-v * G), {"trial": os.path.basename(d)}))
    return segs


# --------------------------------------------------------------------------- windows
def cut_windows(segs, window=WINDOW, hop=HOP):
    """Fixed windows [N, C, T] (Conv1d layout), labels [N], subjects [N]."""
    xs, ys, ss = [], [], []
    for s in segs:
        n = (len(s.x) - window) // hop + 1
        if n <= 0:
            continue
        idx = np.arange(n)[:, None] * hop + np.arange(window)[None, :]
        xs.append(s.x[idx].transpose(0, 2, 1))
        ys.append(np.full(n, s.label))
        ss.append(np.full(n, s.subject))
    if not xs:
        c = segs[0].x.shape[1] if segs else 3
        return np.zeros((0, c, window), np.float32), np.zeros(0, int), np.zeros(0, int)
    return (np.concatenate(xs).astype(np.float32), np.concatenate(ys), np.concatenate(ss))


class CropSampler:
    """Random crops from a set of segments (crop length `span` >= window, for time warping)."""

    def __init__(self, segs, span, label_offset=0, dataset_id=0, step=1):
        sig, starts, labels = [], [], []
        pos = 0
        for s in segs:
            L = len(s.x)
            if L >= span:
                st = np.arange(0, L - span + 1, step) + pos
                starts.append(st)
                labels.append(np.full(len(st), s.label + label_offset))
            sig.append(s.x)
            pos += L
        self.sig = np.concatenate(sig).astype(np.float32)
        self.starts = np.concatenate(starts)
        self.labels = np.concatenate(labels)
        self.span = span
        self.dataset_id = dataset_id

    def __len__(self):
        return len(self.starts)

    def sample(self, rng, n):
        i = rng.integers(0, len(self.starts), n)
        idx = self.starts[i][:, None] + np.arange(self.span)[None, :]
        return self.sig[idx], self.labels[i]       # [n, span, C], [n]
