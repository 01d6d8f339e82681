"""How close is the accelerometer simulated from Kinect pose to UTD-MHAD's real wearable IMU?

    python3 -m Models.train.check_simulated_imu [--out Models/pose/simulated-imu-check.json]

For every recording (861; the real IMU on the right wrist for actions 1-21, the right thigh for 22-27):
  * real: accelerometer 50 Hz -> 20 Hz (polyphase, anti-aliased), m/s^2;
  * simulated: `simulate_imu` at the placement, 20 Hz, with the default MEMS sensor model (seeded);
  * alignment: both start at the action start; the lag (within +-0.5 s) with the best |a| correlation
    is taken, and r at lag 0 is reported beside it;
  * |a|: Pearson r of the magnitudes (rotation-free), at each recording's best lag, at lag 0, and at
    one lag for all recordings chosen on the training subjects ("fixed", reported on test subjects);
  * per axis: one mean rotation (Kabsch, proper) from simulated to real axes is fitted per placement on
    the TRAINING subjects (1, 3, 5, 7) and applied to the TEST subjects (2, 4, 6, 8); Pearson r per axis.
    For reference: no rotation, and a rotation fitted on each test recording itself (optimistic, though
    not a strict bound on r: Kabsch minimises the squared error, not the correlation);
  * spectra: Welch PSD of each axis with its mean removed, summed over axes (rotation-free), power in
    the bands 0-1, 1-3, 3-8 Hz: the fraction of the recording's 0-8 Hz power in each band, and the
    ratio simulated/real of the absolute band power;
  * the Savitzky-Golay window is chosen on the training subjects (median |a| r, true placement), and
    other joints are simulated too, as a control (the worn placement should match best).
Prints the figures and writes them as JSON. Single-threaded numpy/scipy, about a minute.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from . import simulate_imu as S
from . import utd_mhad as U
from .data import REPO_ROOT

FS = S.MODEL_RATE_HZ
BANDS = ((0.0, 1.0), (1.0, 3.0), (3.0, 8.0))
WINDOWS_S = (0.25, 0.3, 0.4, 0.5, 0.7)
VARIANTS = {
    "right_wrist": ["right_wrist", "right_forearm", "right_hand", "right_upper_arm", "left_wrist", "waist"],
    "right_thigh": ["right_thigh", "right_pocket", "waist", "right_ankle", "left_thigh", "right_wrist"],
}


def pearson(a, b):
    a = a - a.mean()
    b = b - b.mean()
    d = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / d) if d > 0 else float("nan")


def real_20hz(rec):
    from scipy.signal import resample_poly
    return resample_poly(rec.acc, 2, 5, axis=0), resample_poly(rec.gyro, 2, 5, axis=0)


def lag_curve(sim, real, max_lag):
    """|a| Pearson r for every lag k in -max_lag..max_lag (samples; sim[t] ~ real[t + k])."""
    ms, mr = np.linalg.norm(sim, axis=1), np.linalg.norm(real, axis=1)
    out = np.full(2 * max_lag + 1, np.nan)
    for i, k in enumerate(range(-max_lag, max_lag + 1)):
        a, b = shift(ms, mr, k)
        if len(a) >= 20:
            out[i] = pearson(a, b)
    return out


def best_lag(sim, real, max_lag):
    """The lag (samples) with the best |a| correlation within +-max_lag."""
    c = lag_curve(sim, real, max_lag)
    return int(np.nanargmax(c)) - max_lag if np.isfinite(c).any() else 0


def shift(sim, real, k):
    a, b = (sim[:len(sim) - k], real[k:]) if k >= 0 else (sim[-k:], real[:len(real) + k])
    n = min(len(a), len(b))
    return a[:n], b[:n]


def kabsch(P, Q, proper=True):
    """Rotation R minimising sum ||Q_i - R P_i||^2 (rows P, Q); proper=False allows a reflection."""
    H = P.T @ Q
    u, _, vt = np.linalg.svd(H)
    d = np.sign(np.linalg.det(vt.T @ u.T)) if proper else 1.0
    return vt.T @ np.diag([1.0, 1.0, d]) @ u.T


def band_powers(x):
    from scipy.signal import welch
    f, p = welch(x - x.mean(axis=0), fs=FS, nperseg=min(len(x), 64), axis=0, detrend="constant")
    p = p.sum(axis=1)
    df = f[1] - f[0]
    return np.array([p[(f >= lo) & (f < hi)].sum() * df for lo, hi in BANDS])


def simulate(rec, up, place, window_s, seed, polyorder=3, with_gyro=False):
    rng = np.random.default_rng(seed)
    return S.simulate_imu(rec.skeleton, rec.skeleton_fps, place, up=up, fs_out=FS, window_s=window_s,
                          sensor=S.SensorModel(), rng=rng, with_gyro=with_gyro, polyorder=polyorder)


def med(v):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else float("nan")


def q(v, p):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return float(np.percentile(v, p)) if len(v) else float("nan")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=None, help="UTD-MHAD folder (default: shared datasets)")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "Models", "pose", "simulated-imu-check.json"))
    ap.add_argument("--max-lag-s", type=float, default=0.5)
    args = ap.parse_args(argv)
    t0 = time.time()
    recs = U.load_utd_mhad(args.root)
    ups = U.estimate_up(recs)
    max_lag = int(round(args.max_lag_s * FS))
    real = {id(r): real_20hz(r) for r in recs}
    real.update({(r.action, r.subject, r.trial): real[id(r)] for r in recs})
    seed = {id(r): 1000 * r.action + 10 * r.subject + r.trial for r in recs}
    train = [r for r in recs if r.subject in U.TRAIN_SUBJECTS]
    test = [r for r in recs if r.subject in U.TEST_SUBJECTS]
    out = {"recordings": len(recs), "train_subjects": list(U.TRAIN_SUBJECTS), "test_subjects": list(U.TEST_SUBJECTS),
           "rate_hz": FS, "max_lag_s": args.max_lag_s, "sensor_model": S.SensorModel().__dict__,
           "up_per_subject": {str(s): {"vector": v.round(4).tolist(),
                                       "degrees_from_kinect_y": round(float(np.degrees(np.arccos(v @ U.KINECT_UP))), 2)}
                              for s, v in sorted(ups.items())},
           "skeleton_fps": {"median": med([r.skeleton_fps for r in recs]), "min": min(r.skeleton_fps for r in recs),
                            "max": max(r.skeleton_fps for r in recs)}}
    print(f"{len(recs)} recordings ({len(train)} training subjects, {len(test)} test); "
          f"skeleton {out['skeleton_fps']['median']:.2f} fps median")
    print("up axis per subject, degrees from the Kinect y axis:",
          ", ".join(f"{s}: {d['degrees_from_kinect_y']}" for s, d in out["up_per_subject"].items()))

    # ---- the smoothing window, chosen on the training subjects (true placement, median |a| r)
    def mag_r(rs, window_s, polyorder=3, place=None):
        vals = []
        for r in rs:
            sim = simulate(r, ups[r.subject], place or r.placement, window_s, seed[id(r)], polyorder)
            a, b = shift(sim, real[id(r)][0], best_lag(sim, real[id(r)][0], max_lag))
            vals.append(pearson(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)))
        return vals

    sel = {}
    for w in WINDOWS_S:
        v = mag_r(train, w)
        sel[str(w)] = {p: med([x for x, r in zip(v, train) if r.placement == p]) for p in VARIANTS}
        sel[str(w)]["all"] = med(v)
    window_s = float(max(WINDOWS_S, key=lambda w: sel[str(w)]["all"]))
    raw = mag_r(train, 0.0, polyorder=2)           # the plain central second difference, no smoothing
    sel["plain second difference"] = {p: med([x for x, r in zip(raw, train) if r.placement == p]) for p in VARIANTS}
    sel["plain second difference"]["all"] = med(raw)
    out["window_selection_train_median_r_mag"] = sel
    out["window_s"] = window_s
    print("\nSavitzky-Golay window (training subjects, median |a| r, wrist / thigh / all):")
    for k, v in sel.items():
        print(f"  {k:>24}: {v['right_wrist']:.3f} / {v['right_thigh']:.3f} / {v['all']:.3f}")
    print(f"  chosen: {window_s} s")

    # ---- per recording, the true placement and the control placements
    rows = []
    for r in recs:
        re_acc, re_gyro = real[id(r)]
        row = {"action": r.action, "subject": r.subject, "trial": r.trial, "placement": r.placement,
               "split": "train" if r.subject in U.TRAIN_SUBJECTS else "test", "variants": {}}
        for place in VARIANTS[r.placement]:
            res = simulate(r, ups[r.subject], place, window_s, seed[id(r)], with_gyro=(place == r.placement))
            sim, sim_gyro = res if place == r.placement else (res, None)
            curve = lag_curve(sim, re_acc, max_lag)
            k = int(np.nanargmax(curve)) - max_lag
            a, b = shift(sim, re_acc, k)
            a0, b0 = shift(sim, re_acc, 0)
            v = {"lag_s": k / FS,
                 "r_mag": pearson(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)),
                 "r_mag_lag0": pearson(np.linalg.norm(a0, axis=1), np.linalg.norm(b0, axis=1)),
                 "lag_curve": curve}
            if place == r.placement:
                row["pair"] = (a, b)
                row["bands_sim"] = band_powers(a)
                row["bands_real"] = band_powers(b)
                ga, gb = shift(sim_gyro, re_gyro, k)
                v["r_gyro_mag"] = pearson(np.linalg.norm(ga, axis=1), np.linalg.norm(gb, axis=1))
                v["rms_mag_sim"] = float(np.linalg.norm(a - a.mean(0), axis=1).mean())
                v["rms_mag_real"] = float(np.linalg.norm(b - b.mean(0), axis=1).mean())
            else:
                row.setdefault("pairs_other", {})[place] = (a, b)
            row.setdefault("unshifted", {})[place] = sim
            row["variants"][place] = v
        rows.append(row)

    # ---- one mean rotation per placement and variant, fitted on the training subjects
    results = {}
    for placement, variants in VARIANTS.items():
        prow = [x for x in rows if x["placement"] == placement]
        tr = [x for x in prow if x["split"] == "train"]
        te = [x for x in prow if x["split"] == "test"]
        res_p = {"recordings": len(prow), "test_recordings": len(te), "variants": {}}
        for place in variants:
            def pair(x):
                return x["pair"] if place == placement else x["pairs_other"][place]
            P = np.concatenate([pair(x)[0] for x in tr])
            Q = np.concatenate([pair(x)[1] for x in tr])
            R = kabsch(P, Q)
            Rm = kabsch(P, Q, proper=False)
            sse = lambda M: float(((Q - P @ M.T) ** 2).sum(axis=1).mean())   # noqa: E731
            # one lag for all: the best median over the training subjects' recordings, applied to all
            curves = np.array([x["variants"][place]["lag_curve"] for x in tr])
            ig = int(np.nanargmax(np.nanmedian(curves, axis=0)))
            axis_r, axis_r_id, axis_r_or, rmse = [], [], [], []
            for x in te:
                a, b = pair(x)
                ar = a @ R.T
                axis_r.append([pearson(ar[:, j], b[:, j]) for j in range(3)])
                axis_r_id.append([pearson(a[:, j], b[:, j]) for j in range(3)])
                ao = a @ kabsch(a, b).T
                axis_r_or.append([pearson(ao[:, j], b[:, j]) for j in range(3)])
                rmse.append(float(np.sqrt(((ar - b) ** 2).sum(axis=1).mean())))
            axis_r_fixed = []
            for x in te:                       # the same, at the one lag fitted on the training subjects
                a, b = shift(x["unshifted"][place], real[(x["action"], x["subject"], x["trial"])][0], ig - max_lag)
                ar = a @ R.T
                axis_r_fixed.append([pearson(ar[:, j], b[:, j]) for j in range(3)])
            axis_r, axis_r_id, axis_r_or, axis_r_fixed = map(np.array, (axis_r, axis_r_id, axis_r_or, axis_r_fixed))
            rm = [x["variants"][place]["r_mag"] for x in prow]
            fixed = [x["variants"][place]["lag_curve"][ig] for x in prow]
            fixed_te = [x["variants"][place]["lag_curve"][ig] for x in te]
            lags = [x["variants"][place]["lag_s"] for x in prow]
            rm_te = [x["variants"][place]["r_mag"] for x in te]
            v = {"median_r_mag_all": med(rm), "median_r_mag_test": med(rm_te),
                 "r_mag_test_quartiles": [q(rm_te, 25), q(rm_te, 75)],
                 "median_r_mag_lag0_all": med([x["variants"][place]["r_mag_lag0"] for x in prow]),
                 "fixed_lag_s_train": (ig - max_lag) / FS,
                 "median_r_mag_fixed_lag_all": med(fixed), "median_r_mag_fixed_lag_test": med(fixed_te),
                 "median_lag_s": med(lags), "lag_s_quartiles": [q(lags, 25), q(lags, 75)],
                 "lag_at_search_edge_fraction": float(np.mean([abs(x["variants"][place]["lag_s"]) >= args.max_lag_s - 1e-9
                                                               for x in prow])),
                 "rotation_train": R.round(4).tolist(),
                 "rotation_train_angle_deg": float(np.degrees(np.arccos(np.clip((np.trace(R) - 1) / 2, -1, 1)))),
                 "train_mse_proper": sse(R), "train_mse_with_reflection": sse(Rm),
                 "median_r_axis_test_train_rotation": [med(axis_r[:, j]) for j in range(3)],
                 "median_r_axis_test_train_rotation_fixed_lag": [med(axis_r_fixed[:, j]) for j in range(3)],
                 "median_r_axis_test_no_rotation": [med(axis_r_id[:, j]) for j in range(3)],
                 "median_r_axis_test_own_rotation": [med(axis_r_or[:, j]) for j in range(3)],
                 "median_rmse_test_train_rotation_ms2": med(rmse)}
            if place == placement:
                v["median_r_gyro_mag_all"] = med([x["variants"][place]["r_gyro_mag"] for x in prow])
                v["median_dynamic_mag_sim_over_real"] = med([x["variants"][place]["rms_mag_sim"] /
                                                             x["variants"][place]["rms_mag_real"] for x in prow])
                bs = np.array([x["bands_sim"] for x in prow])
                br = np.array([x["bands_real"] for x in prow])
                fs_, fr_ = bs / bs.sum(1, keepdims=True), br / br.sum(1, keepdims=True)
                v["bands_hz"] = [list(b) for b in BANDS]
                v["band_fraction_sim_median"] = [med(fs_[:, j]) for j in range(3)]
                v["band_fraction_real_median"] = [med(fr_[:, j]) for j in range(3)]
                v["band_power_sim_over_real_median"] = [med(bs[:, j] / br[:, j]) for j in range(3)]
                v["band_power_sim_median_m2s4"] = [med(bs[:, j]) for j in range(3)]
                v["band_power_real_median_m2s4"] = [med(br[:, j]) for j in range(3)]
                per_action = {}
                for a in sorted({x["action"] for x in prow}):
                    xs = [x for x in prow if x["action"] == a]
                    per_action[str(a)] = {"label": U.ACTIONS[a - 1], "n": len(xs),
                                          "median_r_mag": med([x["variants"][place]["r_mag"] for x in xs])}
                v["per_action"] = per_action
            res_p["variants"][place] = v
        results[placement] = res_p
    out["placements"] = results
    out["seconds"] = round(time.time() - t0, 1)

    for placement, res_p in results.items():
        print(f"\n== real IMU on the {placement.replace('_', ' ')}: {res_p['recordings']} recordings "
              f"({res_p['test_recordings']} of test subjects)")
        print(f"  {'simulated at':<16} {'|a| r':>6} {'lag0':>6} {'fixed':>6} {'test':>6} {'lag s':>6}  "
              f"{'axes r (train rotation, test)':<28} {'no rot.':<18} {'own rot.':<18} rmse")
        for place, v in res_p["variants"].items():
            ax = " ".join(f"{x:5.2f}" for x in v["median_r_axis_test_train_rotation"])
            ai = " ".join(f"{x:5.2f}" for x in v["median_r_axis_test_no_rotation"])
            ao = " ".join(f"{x:5.2f}" for x in v["median_r_axis_test_own_rotation"])
            print(f"  {place:<16} {v['median_r_mag_all']:6.3f} {v['median_r_mag_lag0_all']:6.3f} "
                  f"{v['median_r_mag_fixed_lag_test']:6.3f} "
                  f"{v['median_r_mag_test']:6.3f} {v['median_lag_s']:6.2f}  {ax:<28} {ai:<18} {ao:<18} "
                  f"{v['median_rmse_test_train_rotation_ms2']:.2f}")
        v = res_p["variants"][placement]
        print(f"  {placement}, axes r at the one training lag (test): " +
              " ".join(f"{x:.2f}" for x in v["median_r_axis_test_train_rotation_fixed_lag"]))
        print(f"  rotation fitted on training subjects: {v['rotation_train_angle_deg']:.0f} deg; train MSE "
              f"{v['train_mse_proper']:.2f} (a reflection allowed: {v['train_mse_with_reflection']:.2f}) (m/s^2)^2")
        print(f"  |gyro| r {v['median_r_gyro_mag_all']:.3f}; dynamic |a| sim/real {v['median_dynamic_mag_sim_over_real']:.2f}; "
              f"best lag quartiles {v['lag_s_quartiles'][0]:.2f} .. {v['lag_s_quartiles'][1]:.2f} s, at the search edge "
              f"{100 * v['lag_at_search_edge_fraction']:.0f} %; one lag fitted on training {v['fixed_lag_s_train']:.2f} s")
        print("  spectrum (0-1 / 1-3 / 3-8 Hz): fraction sim " +
              " / ".join(f"{x:.2f}" for x in v["band_fraction_sim_median"]) + ", real " +
              " / ".join(f"{x:.2f}" for x in v["band_fraction_real_median"]) + "; power sim/real " +
              " / ".join(f"{x:.2f}" for x in v["band_power_sim_over_real_median"]))
        worst = sorted(v["per_action"].items(), key=lambda kv: kv[1]["median_r_mag"])
        print("  per action |a| r: " + ", ".join(f"{a} {d['median_r_mag']:.2f}" for a, d in worst))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False, default=float)
        f.write("\n")
    print(f"\nwrote {os.path.relpath(args.out, REPO_ROOT)} ({out['seconds']} s)")
    return out


if __name__ == "__main__":
    main()
