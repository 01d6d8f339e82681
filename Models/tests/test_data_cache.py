"""The WISDM loader's parsed-data cache is keyed by its inputs (no torch, no shared datasets needed).

Two small fake WISDM folders must never share a cache entry; a changed file or another loader
setting must not be served from an old entry.
"""
import lzma
import os

import numpy as np
import pytest

pytest.importorskip("pandas")

from Models.train import data as D  # noqa: E402


def _write_fake_wisdm(root, sid, offset, n=60, rate_hz=20.0, act="A"):
    """One subject's watch accelerometer file: n samples at rate_hz, x = offset + i/10."""
    d = root / "raw" / "watch" / "accel"
    d.mkdir(parents=True, exist_ok=True)
    t0 = 90426708196641
    lines = [f"{sid},{act},{t0 + int(i * 1e9 / rate_hz)},{offset + i / 10:.6f},{-offset:.6f},9.81;"
             for i in range(n)]
    path = d / f"data_{sid}_accel_watch.txt.xz"
    with lzma.open(path, "wt") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _signal(segs):
    return [(s.subject, s.label, s.x.copy()) for s in segs]


def _same(a, b):
    return len(a) == len(b) and all(sa == sb and la == lb and np.array_equal(xa, xb)
                                    for (sa, la, xa), (sb, lb, xb) in zip(a, b))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setattr(D, "CACHE_DIR", str(d))
    return d


def test_two_roots_get_their_own_data(tmp_path, cache_dir):
    a, b = tmp_path / "a", tmp_path / "b"
    _write_fake_wisdm(a, 1600, offset=1.0)
    _write_fake_wisdm(b, 1700, offset=5.0)
    seg_a = _signal(D.load_wisdm(root=str(a)))            # parses a, writes a cache entry
    seg_b = _signal(D.load_wisdm(root=str(b)))            # must not be a's entry
    assert seg_a[0][0] == 1600 and seg_b[0][0] == 1700
    assert not np.allclose(seg_a[0][2][:5], seg_b[0][2][:5])
    assert _same(seg_b, _signal(D.load_wisdm(root=str(b), use_cache=False)))
    # and a's entry was not overwritten by b's
    assert _same(seg_a, _signal(D.load_wisdm(root=str(a))))
    assert len(list(cache_dir.glob("wisdm_accel_20hz-*.npz"))) == 2


def test_cache_hit_equals_a_fresh_parse(tmp_path, cache_dir):
    a = tmp_path / "a"
    _write_fake_wisdm(a, 1600, offset=1.0)
    first = _signal(D.load_wisdm(root=str(a)))
    assert len(list(cache_dir.glob("*.npz"))) == 1
    assert _same(first, _signal(D.load_wisdm(root=str(a))))
    assert _same(first, _signal(D.load_wisdm(root=str(a), use_cache=False)))
    x = first[0][2]
    assert x.shape[1] == 3 and x.dtype == np.float32
    assert np.allclose(x[:3, 0], [1.0, 1.1, 1.2], atol=1e-5)   # 20 Hz in, 20 Hz grid out


def test_changed_file_or_setting_is_not_served_stale(tmp_path, cache_dir):
    a = tmp_path / "a"
    path = _write_fake_wisdm(a, 1600, offset=1.0)
    old = _signal(D.load_wisdm(root=str(a)))
    _write_fake_wisdm(a, 1600, offset=3.0, n=80)          # same name, new content and size
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    new = _signal(D.load_wisdm(root=str(a)))
    assert not _same(old, new)
    assert np.allclose(new[0][2][0, 0], 3.0, atol=1e-5)
    # another loader parameter is another entry: a 20 Hz file split at gaps > 0.01 s yields nothing
    assert D.load_wisdm(root=str(a), max_gap_s=0.01) == []
    assert _same(new, _signal(D.load_wisdm(root=str(a))))
