"""The UTD-MHAD loader (skipped when the shared datasets are absent)."""
import numpy as np
import pytest

pytest.importorskip("scipy")

from Models.train import data as D  # noqa: E402
from Models.train import utd_mhad as U  # noqa: E402

try:
    HAVE = bool(U.load_utd_mhad(actions=[1], subjects=[1]))
except FileNotFoundError:
    HAVE = False

needs_data = pytest.mark.skipif(not HAVE, reason="shared datasets (utd-mhad) not found")


def test_placement_by_action():
    assert U.placement(1) == U.placement(21) == "right_wrist"
    assert U.placement(22) == U.placement(27) == "right_thigh"
    with pytest.raises(ValueError):
        U.placement(28)
    assert len(U.ACTIONS) == 27 and len(U.JOINTS) == 20
    assert U.JOINTS[10] == "right_wrist" and U.JOINTS[11] == "right_hand"


@needs_data
def test_one_subject_loads_in_si_units():
    recs = U.load_utd_mhad(subjects=[1], actions=[1, 23])
    assert len(recs) == 8 and {r.action for r in recs} == {1, 23}
    for r in recs:
        assert r.skeleton.ndim == 3 and r.skeleton.shape[1:] == (20, 3)
        assert r.acc.shape == r.gyro.shape == (len(r.acc), 3)
        assert 10.0 < r.skeleton_fps < 22.0        # from the two lengths: 11-21 fps, median 19.05
        assert 0.8 * D.G < np.median(np.linalg.norm(r.acc, axis=1)) < 1.3 * D.G   # g -> m/s^2
        head, foot = r.skeleton[0, U.J["head"]], r.skeleton[0, U.J["right_foot"]]
        assert head[1] - foot[1] > 1.2                           # y is up, metres
    up = U.estimate_up(recs)[1]
    assert np.degrees(np.arccos(up @ U.KINECT_UP)) < 8.0


@needs_data
def test_segments_real_and_simulated_in_the_model_convention():
    recs = U.load_utd_mhad(subjects=[2], actions=[3, 24])
    real = U.to_segments(recs, "real")
    sim = U.to_segments(recs, "simulated")
    assert len(real) == len(sim) == len(recs)
    for r, a, b in zip(recs, real, sim):
        assert a.label == b.label == r.action - 1 and a.subject == b.subject == 2
        assert a.x.dtype == b.x.dtype == np.float32 and a.x.shape[1] == b.x.shape[1] == 3
        assert abs(len(a.x) - r.duration_s * 20) <= 1 and abs(len(b.x) - len(a.x)) <= 1
        # both read about 1 g (gravity included)
        for x in (a.x, b.x):
            assert 0.8 * D.G < np.median(np.linalg.norm(x, axis=1)) < 1.3 * D.G
    six = U.to_segments(recs[:1], "simulated", placement_name="right_ankle", with_gyro=True)[0]
    assert six.x.shape[1] == 6 and six.meta["placement"] == "right_ankle"
    with pytest.raises(ValueError):
        U.to_segments(recs, "video")
