"""The helpers of the simulated-vs-real IMU check (no dataset needed)."""
import numpy as np
import pytest

pytest.importorskip("scipy")

from Models.train import check_simulated_imu as C  # noqa: E402
from Models.train import simulate_imu as S  # noqa: E402


def test_kabsch_recovers_a_rotation():
    rng = np.random.default_rng(0)
    R = S.random_rotation(rng)
    P = rng.normal(size=(200, 3))
    assert np.allclose(C.kabsch(P, P @ R.T), R, atol=1e-9)
    assert np.isclose(np.linalg.det(C.kabsch(P, -P)), 1.0)       # proper even for a reflection
    assert np.isclose(np.linalg.det(C.kabsch(P, -P, proper=False)), -1.0)


def test_best_lag_finds_a_known_shift():
    rng = np.random.default_rng(1)
    x = np.cumsum(rng.normal(size=(120, 3)), axis=0) + 10.0
    for k in (-4, 0, 3):
        real = np.roll(x, k, axis=0)                                 # real[t + k] = x[t]
        assert C.best_lag(x[10:-10], real[10:-10], 10) == k
    a, b = C.shift(x, np.roll(x, 3, axis=0), 3)
    assert np.allclose(a[:-3], b[:-3])


def test_band_powers_put_a_sine_in_its_band():
    t = np.arange(400) / C.FS
    for f, band in ((0.5, 0), (2.0, 1), (5.0, 2)):
        x = np.stack([np.sin(2 * np.pi * f * t), np.zeros_like(t), np.zeros_like(t)], axis=1)
        p = C.band_powers(x)
        assert np.argmax(p) == band and p[band] / p.sum() > 0.9
        assert abs(p.sum() - 0.5) < 0.1     # a unit sine's power, 1/2 (0.5 Hz leaks in 3.2 s segments)


def test_plain_second_difference_is_the_smallest_fit():
    p = np.random.default_rng(2).normal(size=(30, 2))
    _, a = S.smooth_and_differentiate(p, 10.0, 0.0, polyorder=2)
    assert np.allclose(a[1:-1], (p[:-2] - 2 * p[1:-1] + p[2:]) * 100.0)
