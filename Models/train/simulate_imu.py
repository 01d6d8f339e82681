"""Simulated accelerometer (and gyroscope) from a 3-D pose sequence, written from the physics.

A sensor rigidly attached to a body segment measures the specific force in its own frame,

    f_s(t) = R(t)^T (p''(t) - g),        g = -9.80665 m/s^2 * up        (so at rest f = +1 g * up)

with p(t) the sensor's position in the world, R(t) the segment's orientation (columns: the sensor's
axes in world coordinates) and up the world's unit up vector. A gyroscope on the same segment
measures w_s with [w_s]x = R^T R'. This is the model convention (Android sign: a face-up device reads
+9.81 on z) and the MPU-6050's.

The steps, each a function here:
  1. `smooth_and_differentiate`: Savitzky-Golay fit of every joint's trajectory (cubic, a window of
     about 0.4 s), giving smoothed positions and their second derivative (joint noise is amplified
     twice by differentiation, so the fit does the smoothing and the derivative in one go);
  2. `segment_frames`: an orientation for the limb from the skeleton alone (Kinect v1 gives joint
     positions, no segment orientation): x along the segment (e.g. elbow -> wrist), y the part of a
     second bone perpendicular to it (e.g. the upper arm, which fixes the elbow plane), with a
     fallback bone blended in where the second bone is nearly parallel (a straight arm), z = x cross y;
  3. `specific_force`: R^T (p'' + g * up), optionally through a fixed mounting rotation;
  4. `resample`: onto the model's grid (20 Hz), anti-aliased when the rate goes down;
  5. `SensorModel`: what a MEMS chip adds: scale and offset errors, a low-pass (its digital filter),
     white noise of a given density, range clipping and quantisation.

No code of IMUSim (GPL-3) or any other simulator was used; `Models/pose/README.md` states the
assumptions and what this matches of UTD-MHAD's real IMU.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRAVITY = 9.80665
MODEL_RATE_HZ = 20.0

# Kinect v1 joint indices (UTD-MHAD's order, Models/train/utd_mhad.py)
_J = {name: i for i, name in enumerate(
    ["head", "shoulder_center", "spine", "hip_center",
     "left_shoulder", "left_elbow", "left_wrist", "left_hand",
     "right_shoulder", "right_elbow", "right_wrist", "right_hand",
     "left_hip", "left_knee", "left_ankle", "left_foot",
     "right_hip", "right_knee", "right_ankle", "right_foot"])}


@dataclass(frozen=True)
class Placement:
    """A virtual sensor on the segment `proximal` -> `distal`, at `frac` along it (0 = proximal
    joint, 1 = distal joint). Its x axis points along the segment; its y axis is the part of the
    `roll` bone (a -> b) perpendicular to x; where that part is shorter than `fallback_weight` metres
    (the bones nearly parallel), the `fallback` bone takes over smoothly (`segment_frames`)."""
    proximal: str
    distal: str
    frac: float
    roll: tuple
    fallback: tuple
    fallback_weight: float = 0.05


_LAT_SH = ("left_shoulder", "right_shoulder")      # the body's left -> right axis, shoulders
_LAT_HIP = ("left_hip", "right_hip")               # the same at the pelvis

PLACEMENTS = {
    # forearm: elbow -> wrist; the upper arm gives the elbow plane (forearm pronation is not
    # observable from joint positions), the shoulder line where the arm is straight
    "right_wrist": Placement("right_elbow", "right_wrist", 1.0, ("right_shoulder", "right_elbow"), _LAT_SH),
    "left_wrist": Placement("left_elbow", "left_wrist", 1.0, ("left_shoulder", "left_elbow"), _LAT_SH),
    "right_forearm": Placement("right_elbow", "right_wrist", 0.5, ("right_shoulder", "right_elbow"), _LAT_SH),
    "right_hand": Placement("right_wrist", "right_hand", 1.0, ("right_shoulder", "right_elbow"), _LAT_SH),
    "right_upper_arm": Placement("right_shoulder", "right_elbow", 0.5, ("right_elbow", "right_wrist"), _LAT_SH),
    # thigh: hip -> knee, rolled by the pelvis line (thigh rotation about its axis is small)
    "right_thigh": Placement("right_hip", "right_knee", 0.5, _LAT_HIP, ("right_knee", "right_ankle")),
    "left_thigh": Placement("left_hip", "left_knee", 0.5, _LAT_HIP, ("left_knee", "left_ankle")),
    "right_pocket": Placement("right_hip", "right_knee", 0.2, _LAT_HIP, ("right_knee", "right_ankle")),
    # waist (belt): at the hip centre, x up the trunk, rolled by the pelvis line
    "waist": Placement("hip_center", "spine", 0.0, _LAT_HIP, _LAT_SH),
    "chest": Placement("spine", "shoulder_center", 0.5, _LAT_SH, _LAT_HIP),
    # shank / ankle: knee -> ankle, rolled by the foot (which points forward)
    "right_ankle": Placement("right_knee", "right_ankle", 0.9, ("right_ankle", "right_foot"), _LAT_HIP),
    "left_ankle": Placement("left_knee", "left_ankle", 0.9, ("left_ankle", "left_foot"), _LAT_HIP),
}


# --------------------------------------------------------------------------- 1. smoothing, derivatives
def _savgol_window(fps: float, window_s: float, polyorder: int) -> int:
    w = int(round(window_s * fps))
    w = max(w, polyorder + 1)
    return w if w % 2 == 1 else w + 1


def smooth_and_differentiate(p: np.ndarray, fps: float, window_s: float = 0.4, polyorder: int = 3):
    """Savitzky-Golay fit along time (axis 0) of p [T, ...]: (smoothed p, its second derivative).

    Sequences shorter than the window are fitted with the longest odd window that fits. polyorder 2
    with a 3-frame window is the plain central second difference (p[t-1] - 2 p[t] + p[t+1]) fps^2.
    """
    from scipy.signal import savgol_filter
    p = np.asarray(p, dtype=np.float64)
    w = _savgol_window(fps, window_s, polyorder)
    if w > len(p):
        w = len(p) if len(p) % 2 == 1 else len(p) - 1
    if w <= polyorder:
        raise ValueError(f"sequence too short to differentiate: {len(p)} frames")
    pos = savgol_filter(p, w, polyorder, deriv=0, axis=0, mode="interp")
    acc = savgol_filter(p, w, polyorder, deriv=2, delta=1.0 / fps, axis=0, mode="interp")
    return pos, acc


# --------------------------------------------------------------------------- 2. segment orientation
def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


def _perp(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    return v - np.sum(v * x, axis=-1, keepdims=True) * x


def segment_frames(axis_vec: np.ndarray, roll_vec: np.ndarray, fallback_vec: np.ndarray | None = None,
                   fallback_weight: float = 0.05) -> np.ndarray:
    """Rotation matrices R [T, 3, 3] whose columns are the sensor's x, y, z axes in world coordinates.

    x = axis_vec normalised; y = the part of roll_vec perpendicular to x, normalised; z = x cross y, so
    every R is a proper rotation. Where that perpendicular part is shorter than `fallback_weight`
    (metres: the two bones nearly parallel, so the roll is undefined), the perpendicular part of
    `fallback_vec` (as a unit vector, scaled by fallback_weight x (1 - length / fallback_weight)) is
    added: the frame changes continuously and is the roll bone's alone once that part is long enough.
    """
    x = _unit(np.asarray(axis_vec, dtype=np.float64))
    v = _perp(np.asarray(roll_vec, dtype=np.float64), x)
    if fallback_vec is not None and fallback_weight > 0:
        s = np.linalg.norm(v, axis=-1, keepdims=True)
        k = np.clip(1.0 - s / fallback_weight, 0.0, 1.0)       # 0 once the roll bone is usable
        v = v + fallback_weight * k * _unit(_perp(np.asarray(fallback_vec, dtype=np.float64), x))
    y = _unit(_perp(v, x))
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=-1)


def placement_trajectory(skeleton: np.ndarray, fps: float, place: Placement | str, window_s: float = 0.4,
                         joints: dict | None = None, polyorder: int = 3):
    """Sensor position's second derivative [T, 3] (world) and orientation R [T, 3, 3] of a placement."""
    joints = joints or _J
    place = PLACEMENTS[place] if isinstance(place, str) else place
    pos, acc = smooth_and_differentiate(skeleton, fps, window_s, polyorder)
    a, b = joints[place.proximal], joints[place.distal]
    p_acc = (1 - place.frac) * acc[:, a] + place.frac * acc[:, b]
    seg = pos[:, b] - pos[:, a]
    roll = pos[:, joints[place.roll[1]]] - pos[:, joints[place.roll[0]]]
    fb = pos[:, joints[place.fallback[1]]] - pos[:, joints[place.fallback[0]]]
    R = segment_frames(seg, roll, fb, place.fallback_weight)
    return p_acc, R


# --------------------------------------------------------------------------- 3. specific force, gyro
def specific_force(acc_world: np.ndarray, R: np.ndarray, up=(0.0, 1.0, 0.0),
                   mount: np.ndarray | None = None, g: float = GRAVITY) -> np.ndarray:
    """f_s = M^T R^T (a + g * up) [T, 3]: what an accelerometer on the segment reads (M: mounting
    rotation of the sensor on the segment, columns = sensor axes in segment coordinates)."""
    up = _unit(np.asarray(up, dtype=np.float64))
    f_world = np.asarray(acc_world, dtype=np.float64) + g * up
    f = np.einsum("tij,ti->tj", R, f_world)                # R^T f
    if mount is not None:
        f = f @ np.asarray(mount, dtype=np.float64)        # M^T f, row-vector form
    return f


def angular_rate(R: np.ndarray, fps: float, mount: np.ndarray | None = None) -> np.ndarray:
    """Body-frame angular rate [T, 3] (rad/s) of orientations R [T, 3, 3] sampled at fps:
    w = log(R_t^T R_{t+1}) * fps (central: the mean of the steps before and after)."""
    from scipy.spatial.transform import Rotation
    dR = np.einsum("tji,tjk->tik", R[:-1], R[1:])          # R_t^T R_{t+1}
    w = Rotation.from_matrix(dR).as_rotvec() * fps        # [T-1, 3], body frame
    out = np.empty((len(R), 3))
    out[0], out[-1] = w[0], w[-1]
    out[1:-1] = 0.5 * (w[:-1] + w[1:])
    if mount is not None:
        out = out @ np.asarray(mount, dtype=np.float64)
    return out


def random_rotation(rng: np.random.Generator, max_deg: float | None = None) -> np.ndarray:
    """A random rotation matrix: uniform over SO(3) (max_deg None), or about a uniform random axis
    by an angle uniform in [0, max_deg]."""
    from scipy.spatial.transform import Rotation
    if max_deg is None:
        q = rng.normal(size=4)
        return Rotation.from_quat(q / np.linalg.norm(q)).as_matrix()
    axis = _unit(rng.normal(size=3))
    ang = np.deg2rad(rng.uniform(0.0, max_deg))
    return Rotation.from_rotvec(axis * ang).as_matrix()


# --------------------------------------------------------------------------- 4. resampling
def resample(x: np.ndarray, fs_in: float, fs_out: float = MODEL_RATE_HZ) -> np.ndarray:
    """x [T, ...] sampled at fs_in (t = k / fs_in) -> the grid t = k / fs_out within the same span.

    Going down in rate, a zero-phase 4th-order Butterworth at 0.45 fs_out removes what would alias;
    the values on the new grid come from a cubic spline through the (filtered) samples.
    """
    from scipy.interpolate import CubicSpline
    from scipy.signal import butter, sosfiltfilt
    x = np.asarray(x, dtype=np.float64)
    if fs_out < fs_in and len(x) > 27:
        sos = butter(4, 0.45 * fs_out, btype="low", fs=fs_in, output="sos")
        x = sosfiltfilt(sos, x, axis=0)
    t_in = np.arange(len(x)) / fs_in
    n_out = int(np.floor(t_in[-1] * fs_out + 1e-9)) + 1
    t_out = np.arange(n_out) / fs_out
    return CubicSpline(t_in, x, axis=0)(t_out)


# --------------------------------------------------------------------------- 5. the chip
@dataclass
class SensorModel:
    """A MEMS accelerometer's errors. Defaults are typical of consumer chips (MPU-6050: 400 ug/sqrt(Hz);
    LIS3DH: 220; BMI160: 180): 300 ug/sqrt(Hz) white noise, 2nd-order low-pass at 8 Hz (below the
    20 Hz grid's Nyquist; a chip's digital filter is causal, so it delays too), +-8 g range, 16 bits,
    per-axis zero-g offset ~ N(0, 20 mg) and scale error ~ N(0, 1 %), drawn once per recording."""
    noise_density_ug: float = 300.0
    bandwidth_hz: float = 8.0
    range_g: float = 8.0
    bits: int = 16
    offset_mg: float = 20.0
    scale_error: float = 0.01

    @property
    def lsb(self) -> float:
        return 2 * self.range_g * GRAVITY / 2 ** self.bits

    def noise_std(self, fs: float) -> float:
        """Noise std (m/s^2) after the low-pass: density x sqrt(noise-equivalent bandwidth); a 2nd-order
        Butterworth's is 1.11 x its cut-off."""
        b = 1.11 * min(self.bandwidth_hz, fs / 2)
        return self.noise_density_ug * 1e-6 * GRAVITY * np.sqrt(b)

    def apply(self, f: np.ndarray, fs: float, rng: np.random.Generator) -> np.ndarray:
        from scipy.signal import butter, sosfilt, sosfilt_zi
        f = np.asarray(f, dtype=np.float64)
        c = f.shape[1]
        f = f * (1 + self.scale_error * rng.normal(size=c)) + self.offset_mg * 1e-3 * GRAVITY * rng.normal(size=c)
        if self.bandwidth_hz < fs / 2:
            sos = butter(2, self.bandwidth_hz, btype="low", fs=fs, output="sos")
            zi = sosfilt_zi(sos)[:, :, None] * f[0][None, None, :]   # start settled on the first sample
            f, _ = sosfilt(sos, f, axis=0, zi=zi)
        f = f + self.noise_std(fs) * rng.normal(size=f.shape)
        full = self.range_g * GRAVITY
        f = np.clip(np.round(f / self.lsb) * self.lsb, -full, full - self.lsb)
        return f


# --------------------------------------------------------------------------- the whole chain
def simulate_imu(skeleton: np.ndarray, fps: float, place: Placement | str = "right_wrist",
                 up=(0.0, 1.0, 0.0), fs_out: float = MODEL_RATE_HZ, window_s: float = 0.4,
                 mount: np.ndarray | None = None, sensor: SensorModel | None = None,
                 rng: np.random.Generator | None = None, with_gyro: bool = False, polyorder: int = 3):
    """Accelerometer [N, 3] (m/s^2, gravity included, +1 g on an upward axis) at fs_out from a skeleton
    [T, J, 3] (metres, world frame, `up` its unit up vector) at fps. With `with_gyro`, returns
    (acc, gyro) with gyro [N, 3] in rad/s (no gyro noise model). `sensor=None`: an ideal sensor."""
    p_acc, R = placement_trajectory(skeleton, fps, place, window_s, polyorder=polyorder)
    f = specific_force(p_acc, R, up, mount)
    acc = resample(f, fps, fs_out)
    if sensor is not None:
        acc = sensor.apply(acc, fs_out, rng if rng is not None else np.random.default_rng(0))
    if not with_gyro:
        return acc
    return acc, resample(angular_rate(R, fps, mount), fps, fs_out)
