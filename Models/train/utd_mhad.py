"""UTD-MHAD (Chen, Jafari, Kehtarnavaz, ICIP 2015): Kinect v1 skeletons paired with a real wearable IMU.

What the files hold (../shared/datasets/utd-mhad/MANIFEST.md):
  * `Skeleton/aA_sS_tT_skeleton.mat.xz`, variable `d_skel`: 20 joints x 3 x T, metres, Kinect camera
    frame (x to the camera's left = the subject's right when facing it, y up, z away from the camera).
  * `Inertial/aA_sS_tT_inertial.mat.xz`, variable `d_iner`: N x 6, accelerometer x, y, z in g
    (gravity included), gyroscope x, y, z in deg/s, 50 Hz.
  * the IMU is on the right wrist for actions 1-21 and on the right thigh for actions 22-27;
  * the two streams start and end together, so the skeleton's rate is T / (N / 50 Hz): median 19.05 fps,
    11-21 fps between recordings (Kinect v1 drops frames; taken as evenly spaced within a recording).

A `Recording` keeps both streams in SI units: skeleton [T, 20, 3] in metres, acc [N, 3] in m/s^2 and
gyro [N, 3] in rad/s at 50 Hz, and the skeleton's own frame rate. Nothing is resampled here.

The usual cross-subject protocol of UTD-MHAD trains on the odd subjects (1, 3, 5, 7) and tests on the
even ones (2, 4, 6, 8); `TRAIN_SUBJECTS`/`TEST_SUBJECTS` follow it.
"""
from __future__ import annotations

import glob
import io
import lzma
import os
import re
from dataclasses import dataclass, field

import numpy as np

from .data import G, datasets_root

IMU_RATE_HZ = 50.0

JOINTS = ["head", "shoulder_center", "spine", "hip_center",
          "left_shoulder", "left_elbow", "left_wrist", "left_hand",
          "right_shoulder", "right_elbow", "right_wrist", "right_hand",
          "left_hip", "left_knee", "left_ankle", "left_foot",
          "right_hip", "right_knee", "right_ankle", "right_foot"]
J = {name: i for i, name in enumerate(JOINTS)}

ACTIONS = ["right arm swipe to the left", "right arm swipe to the right", "right hand wave",
           "two hand front clap", "right arm throw", "cross arms in the chest", "basketball shoot",
           "right hand draw x", "right hand draw circle (clockwise)",
           "right hand draw circle (counter clockwise)", "draw triangle", "bowling (right hand)",
           "front boxing", "baseball swing from right", "tennis right hand forehand swing",
           "arm curl (two arms)", "tennis serve", "two hand push", "right hand knock on door",
           "right hand catch an object", "right hand pick up and throw", "jogging in place",
           "walking in place", "sit to stand", "stand to sit", "forward lunge (left foot forward)",
           "squat (two arms stretch out)"]

TRAIN_SUBJECTS = (1, 3, 5, 7)
TEST_SUBJECTS = (2, 4, 6, 8)

# Kinect camera frame: y is the camera's up axis (the camera is tilted by a few degrees:
# `estimate_up` measures the vertical from the standing body instead).
KINECT_UP = np.array([0.0, 1.0, 0.0])


def placement(action: int) -> str:
    """Where the real IMU was worn for an action (1-based): right wrist for 1-21, right thigh for 22-27."""
    if not 1 <= action <= 27:
        raise ValueError(f"UTD-MHAD action out of range: {action}")
    return "right_wrist" if action <= 21 else "right_thigh"


@dataclass
class Recording:
    action: int            # 1-27
    subject: int           # 1-8
    trial: int             # 1-4
    skeleton: np.ndarray   # [T, 20, 3] float64, metres, Kinect camera frame
    acc: np.ndarray        # [N, 3] float64, m/s^2, gravity included, sensor frame, 50 Hz
    gyro: np.ndarray       # [N, 3] float64, rad/s, sensor frame, 50 Hz
    meta: dict = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return len(self.acc) / IMU_RATE_HZ

    @property
    def skeleton_fps(self) -> float:
        """Frames per second of the skeleton: both streams span the same time."""
        return len(self.skeleton) / self.duration_s

    @property
    def placement(self) -> str:
        return placement(self.action)

    @property
    def label(self) -> str:
        return ACTIONS[self.action - 1]


def _loadmat_xz(path: str, key: str) -> np.ndarray:
    import scipy.io as sio
    with lzma.open(path) as f:
        return np.asarray(sio.loadmat(io.BytesIO(f.read()))[key], dtype=np.float64)


def load_recording(root: str, action: int, subject: int, trial: int) -> Recording:
    sk = _loadmat_xz(os.path.join(root, "Skeleton", f"a{action}_s{subject}_t{trial}_skeleton.mat.xz"),
                     "d_skel")
    iner = _loadmat_xz(os.path.join(root, "Inertial", f"a{action}_s{subject}_t{trial}_inertial.mat.xz"),
                       "d_iner")
    if sk.ndim != 3 or sk.shape[:2] != (20, 3):
        raise ValueError(f"unexpected skeleton shape {sk.shape}")
    if iner.ndim != 2 or iner.shape[1] != 6:
        raise ValueError(f"unexpected inertial shape {iner.shape}")
    return Recording(action, subject, trial,
                     skeleton=sk.transpose(2, 0, 1).copy(),
                     acc=iner[:, :3] * G,
                     gyro=np.deg2rad(iner[:, 3:6]))


def load_utd_mhad(root=None, actions=None, subjects=None) -> list[Recording]:
    """Every (action, subject, trial) present in both folders, sorted; optional filters (1-based)."""
    root = root or os.path.join(datasets_root(), "utd-mhad")
    files = sorted(glob.glob(os.path.join(root, "Skeleton", "a*_s*_t*_skeleton.mat.xz")))
    if not files:
        raise FileNotFoundError(f"no UTD-MHAD skeleton files under {root}")
    keys = []
    for f in files:
        a, s, t = map(int, re.findall(r"a(\d+)_s(\d+)_t(\d+)", os.path.basename(f))[0])
        if actions is not None and a not in actions:
            continue
        if subjects is not None and s not in subjects:
            continue
        if os.path.exists(os.path.join(root, "Inertial", f"a{a}_s{s}_t{t}_inertial.mat.xz")):
            keys.append((a, s, t))
    return [load_recording(root, a, s, t) for a, s, t in sorted(keys)]


def body_axis(skeleton: np.ndarray, seconds: float = 0.5, fps: float = 19.0) -> np.ndarray:
    """Unit vector from the mid-ankle to the shoulder centre, median over the first `seconds`
    (every UTD-MHAD action starts standing)."""
    n = max(1, int(round(seconds * fps)))
    p = skeleton[:n]
    v = p[:, J["shoulder_center"]] - 0.5 * (p[:, J["left_ankle"]] + p[:, J["right_ankle"]])
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    m = np.median(v, axis=0)
    return m / np.linalg.norm(m)


def estimate_up(recordings) -> dict[int, np.ndarray]:
    """The world's up axis in the Kinect frame, per subject: the median standing body axis over all of
    that subject's recordings (the camera stays put within a session; individual lean averages out).
    Measured: 1.6-4.9 degrees from the camera's y axis, leaning towards -z."""
    by_subject: dict[int, list] = {}
    for r in recordings:
        by_subject.setdefault(r.subject, []).append(body_axis(r.skeleton, fps=r.skeleton_fps))
    out = {}
    for s, v in by_subject.items():
        m = np.median(np.array(v), axis=0)
        out[s] = m / np.linalg.norm(m)
    return out


def to_segments(recordings, source: str = "real", placement_name: str | None = None, ups=None,
                sensor=None, seed: int = 0, with_gyro: bool = False):
    """Recordings as `data.Segment`s in the model convention (20 Hz, m/s^2, +g on an upward axis),
    label = action - 1, meta: trial, placement, source.

    source "real": the worn IMU, 50 -> 20 Hz (polyphase, as the other 50 Hz sets in data.py);
    source "simulated": `simulate_imu` at `placement_name` (default: where the real IMU was worn),
    gravity along `ups[subject]` (default `estimate_up(recordings)`), `sensor` (a SensorModel, or
    None for an ideal sensor), seeded per recording from `seed`.
    Note: UTD-MHAD recordings last 2.1-6.5 s (median 3.5 s), mostly shorter than the model's 5 s window.
    """
    from scipy.signal import resample_poly

    from . import simulate_imu as S
    from .data import Segment
    if source not in ("real", "simulated"):
        raise ValueError(f"source must be 'real' or 'simulated', not {source!r}")
    if source == "simulated" and ups is None:
        ups = estimate_up(recordings)
    segs = []
    for r in recordings:
        place = placement_name or r.placement
        if source == "real":
            cols = [r.acc] + ([r.gyro] if with_gyro else [])
            x = resample_poly(np.concatenate(cols, axis=1), 2, 5, axis=0)
            place = r.placement
        else:
            rng = np.random.default_rng([seed, r.action, r.subject, r.trial])
            out = S.simulate_imu(r.skeleton, r.skeleton_fps, place, up=ups[r.subject], sensor=sensor,
                                 rng=rng, with_gyro=with_gyro)
            x = np.concatenate(out, axis=1) if with_gyro else out
        segs.append(Segment(r.subject, r.action - 1, x.astype(np.float32),
                            {"trial": r.trial, "placement": place, "source": source}))
    return segs
