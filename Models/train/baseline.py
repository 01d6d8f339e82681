"""Classical baseline on the same WISDM split (5 s windows, 2.5 s hop, accelerometer only).

    python3 -m Models.train.baseline [--model lr|rf|both]

Per-window features: per-axis and magnitude statistics (mean, std, min, max, median,
10/25/75/90th percentiles, mean absolute deviation, skew, kurtosis), energy, zero crossings
(of the mean-removed signal), dominant frequency and its power share, axis correlations.
Classifiers: standardised logistic regression and a 300-tree random forest (scikit-learn).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from . import data as D


def window_features(X: np.ndarray, rate=D.MODEL_RATE_HZ) -> np.ndarray:
    """X [N, 3, T] -> features [N, F]."""
    mag = np.linalg.norm(X, axis=1, keepdims=True)
    S = np.concatenate([X, mag], axis=1)                    # [N, 4, T]
    N, C, T = S.shape
    mean = S.mean(2)
    c = S - mean[..., None]
    std = S.std(2) + 1e-8
    pct = np.percentile(S, [0, 10, 25, 50, 75, 90, 100], axis=2).transpose(1, 2, 0).reshape(N, -1)
    mad = np.abs(c).mean(2)
    skew = (c ** 3).mean(2) / std ** 3
    kurt = (c ** 4).mean(2) / std ** 4
    energy = (c ** 2).mean(2)
    zc = (np.diff(np.signbit(c), axis=2) != 0).sum(2) / T
    spec = np.abs(np.fft.rfft(c, axis=2)) ** 2
    spec[..., 0] = 0
    freqs = np.fft.rfftfreq(T, 1.0 / rate)
    dom = freqs[spec.argmax(2)]
    share = spec.max(2) / (spec.sum(2) + 1e-8)
    z = c[:, :3] / std[:, :3, None]
    corr = np.stack([(z[:, 0] * z[:, 1]).mean(1), (z[:, 0] * z[:, 2]).mean(1), (z[:, 1] * z[:, 2]).mean(1)], 1)
    return np.concatenate([mean, std, pct, mad, skew, kurt, energy, zc, dom, share, corr], axis=1).astype(np.float32)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["lr", "rf", "both"], default="both")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    t0 = time.time()
    tr, te = D.wisdm_split(D.load_wisdm())
    Xtr, ytr, _ = D.cut_windows(tr)
    Xte, yte, _ = D.cut_windows(te)
    Ftr, Fte = window_features(Xtr), window_features(Xte)
    print(f"WISDM windows train {len(ytr)} test {len(yte)}, features {Ftr.shape[1]}")
    models = {}
    if a.model in ("lr", "both"):
        models["logistic regression"] = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0))
    if a.model in ("rf", "both"):
        models["random forest (300 trees)"] = RandomForestClassifier(n_estimators=300, n_jobs=2, random_state=a.seed)
    for name, m in models.items():
        t = time.time()
        m.fit(Ftr, ytr)
        p = m.predict(Fte)
        print(f"baseline {name}: macro-F1 {f1_score(yte, p, average='macro'):.4f} "
              f"accuracy {accuracy_score(yte, p):.4f} ({time.time() - t:.0f} s)")
    print(f"wall time {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
