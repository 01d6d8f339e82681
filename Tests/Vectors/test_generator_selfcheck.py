"""Hand-computed checks of the numpy reference in generate_kernel_vectors.py.

Run: python3 -m pytest -q Tests/Vectors
"""
import importlib.util
import os

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("gkv", os.path.join(HERE, "generate_kernel_vectors.py"))
g = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(g)

TWO30 = 1 << 30
TWO31 = 1 << 31


def test_round_half_away():
    assert g.round_half_away(2.5) == 3
    assert g.round_half_away(-2.5) == -3
    assert g.round_half_away(0.49999999999999994) == 0
    assert g.round_half_away(-0.5) == -1
    assert g.round_half_away(-0.0) == 0
    assert list(g.round_half_away_np([2.5, -2.5, 0.4, -0.6])) == [3, -3, 0, -1]


def test_mbqm_worked_values():
    # 3 * 2^30 * 2^(0-31) = 1.5: (3*2^30 + 2^30) >> 31 = 2^32 >> 31 = 2 (tie toward +inf)
    assert g.mbqm(3, TWO30, 0) == 2
    # -1.5 -> -1 (toward +inf, not away from zero)
    assert g.mbqm(-3, TWO30, 0) == -1
    assert g.mbqm(-1, TWO30, 0) == 0       # -0.5 -> 0
    assert g.mbqm(-77, TWO30, 1) == -77    # M = 2^30, shift 1 is exactly 1.0
    assert g.mbqm(3, 1, 30) == 2           # n = 1
    assert g.mbqm(TWO31 - 1, TWO31 - 1, -31) == 1  # n = 62


def test_mbqm_vectorised_matches_scalar():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.integers(-(TWO31 - 1), TWO31, 200), [TWO31 - 1, -(TWO31 - 1), 0, 1, -1]])
    m = np.concatenate([rng.integers(TWO30, TWO31, 200), [TWO31 - 1] * 5])
    s = np.concatenate([rng.integers(-31, 31, 200), [-31, -31, 30, 30, 30]])
    v = g.mbqm_np(x, m, s)
    assert [int(a) for a in v] == [g.mbqm(a, b, c) for a, b, c in zip(x, m, s)]


def test_quantize_multiplier():
    assert g.quantize_multiplier(0.0) == (0, 0)
    assert g.quantize_multiplier(1.0) == (TWO30, 1)
    assert g.quantize_multiplier(0.5) == (TWO30, 0)
    assert g.quantize_multiplier(-1.0) == (-TWO30, 1)
    assert g.quantize_multiplier(0.5 + 2.0 ** -32) == (TWO30 + 1, 0)        # tie away from zero
    assert g.quantize_multiplier(-(0.5 + 2.0 ** -32)) == (-(TWO30 + 1), 0)
    assert g.quantize_multiplier(1.0 - 2.0 ** -32) == (TWO30, 1)             # rounds up to 2^31
    assert g.quantize_multiplier((1.0 - 2.0 ** -32) * 2.0 ** -32) == (TWO30, -31)
    assert g.quantize_multiplier(2.0 ** -33) == (0, 0)
    assert g.quantize_multiplier(0.1) == (1717986918, -3)   # 0.8 * 2^31 = 1717986918.4
    with pytest.raises(ValueError):
        g.quantize_multiplier(2.0 ** 31)


def test_div_round_half_away_and_isqrt():
    cases = [(7, 2, 4), (-7, 2, -4), (1, 3, 0), (2, 3, 1), (-2, 3, -1), (3, 6, 1), (-3, 6, -1), (0, 9, 0)]
    for a, b, want in cases:
        assert g.div_round_half_away(a, b) == want
    a = np.array([c[0] for c in cases])
    b = np.array([c[1] for c in cases])
    assert list(g.div_round_half_away_np(a, b)) == [c[2] for c in cases]
    assert [g.isqrt(n) for n in [0, 1, 3, 4, 24, 25, (TWO31 - 1) ** 2 - 1]] == [0, 1, 1, 2, 4, 5, TWO31 - 2]


def test_conv1d_1x1_by_hand():
    # x - zp_x = [[0, 1], [2, -5]]; w = [2, -1]; acc = bias + [-1, 9] = [9, 19]
    x = np.array([[1, 2], [3, -4]])
    w = np.array([[[2, -1]]])
    one = (TWO30, 1)   # exactly 1.0
    y = g.conv1d_s8(x, w, np.array([10]), [one[0]], [one[1]], 1, -5, 1, 1, 0, 0, 1, -128, 127)
    assert y.tolist() == [[4], [14]]
    half = (TWO30, 0)  # exactly 0.5: 4.5 -> 5, 9.5 -> 10
    y = g.conv1d_s8(x, w, np.array([10]), [half[0]], [half[1]], 1, -5, 1, 1, 0, 0, 1, -128, 127)
    assert y.tolist() == [[0], [5]]


def test_conv1d_padding_and_depthwise_by_hand():
    x = np.array([[1], [2], [3]])
    w = np.array([[[1], [1], [1]]])
    y = g.conv1d_s8(x, w, None, [TWO30], [1], 0, 0, 1, 1, 1, 1, 1, -128, 127)
    assert y.tolist() == [[3], [6], [5]]
    # padding is the zero point: with zp_x = 1 the padded taps add nothing, the real ones add x - 1
    y = g.conv1d_s8(x, w, None, [TWO30], [1], 1, 0, 1, 1, 1, 1, 1, -128, 127)
    assert y.tolist() == [[1], [3], [3]]
    # depthwise, channel multiplier 2: out channels 0,1 read input 0, channels 2,3 read input 1
    x = np.array([[1, 10], [2, 20]])
    w = np.array([[[1]], [[2]], [[3]], [[-1]]])
    y = g.conv1d_s8(x, w, None, [TWO30] * 4, [1] * 4, 0, 0, 1, 1, 0, 0, 2, -128, 127)
    assert y.tolist() == [[1, 2, 30, -10], [2, 4, 60, -20]]
    assert g.conv1d_out_len(32, 5, 1, 1, 2, 2) == 32
    assert g.conv1d_out_len(15, 3, 2, 1, 1, 1) == 8


def test_add_equal_scales_by_hand():
    ma, sa, mb, sb, my, sy = g.add_host(0.05, 0.05, 0.05)
    assert (ma, sa, mb, sb) == (TWO30, 0, TWO30, 0)
    assert (my, sy) == (TWO30, -18)  # 2^-19
    y = g.add_s8(np.array([3 + 4]), np.array([4 - 2]), 4, -2, 0, ma, sa, mb, sb, my, sy, -128, 127)
    assert y.tolist() == [7]


def test_softmax_and_l2_by_hand():
    E, _ = g.softmax_exp_table(0.1)
    assert E[0] == 1 << 20
    assert g.softmax_s8(np.array([[5]]), E).tolist() == [[127]]            # 256 - 128 saturates
    assert g.softmax_s8(np.array([[9, 9, 9, 9]]), E).tolist() == [[-64] * 4]
    # [3, 4]: S = 25, r = isqrt(25 * 2^14) = 640; 49152/640 = 76.8 -> 77, 65536/640 = 102.4 -> 102
    assert g.l2_normalize_s8(np.array([[3, 4], [-3, 4]]), 0).tolist() == [[77, 102], [-77, 102]]
    assert g.l2_normalize_s8(np.array([[0, 9, 0], [0, -9, 0], [0, 0, 0]]), 0).tolist() == \
        [[0, 127, 0], [0, -128, 0], [0, 0, 0]]


def test_layer_norm_by_hand():
    # d = [1, -1]: S1 = 0, S2 = 2, den = isqrt(2*2) = 2, n = +-(2*4096)/2 = +-4096 (= +-1.0 in Q12)
    gq, bq, m, sh, eps_q = g.layer_norm_host([1.0, 1.0], [0.0, 0.0], 0.0, 0.05, 1.0 / 64.0, 2)
    assert gq.tolist() == [127, 127] and bq.tolist() == [0, 0] and eps_q == 0
    y = g.layer_norm_s8(np.array([[4, 2], [3, 3]]), gq, bq, m, sh, 3, 0, eps_q)
    assert y.tolist() == [[64, -64], [0, 0]]


def test_gelu_table_and_quantize():
    tab, margin = g.gelu_table(0.03, -10, 0.02, -100)
    assert tab[-10 + 128] == -100  # gelu(0) = 0 -> the output zero point
    assert margin > 1e-9
    q = g.quantize_f32_to_s8(np.array([0.1875, -0.1875, 0.0625, -0.0625, 3e38], np.float32), 0.125, 0)
    assert q.tolist() == [2, -2, 1, -1, 127]  # 1.5 -> 2, -1.5 -> -2, 0.5 -> 1, -0.5 -> -1
    assert g.dequantize_s8_to_f32(np.array([-128, 0, 127]), 0.5, -1).tolist() == [-63.5, 0.5, 64.0]


def test_generator_is_deterministic(tmp_path):
    g.main(["--out", str(tmp_path), "--quiet"])
    committed = os.path.join(os.path.dirname(HERE), "MuJoCoreTests", "Vectors")
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 8
    for n in names:
        with open(os.path.join(tmp_path, n), "rb") as f:
            fresh = f.read()
        path = os.path.join(committed, n)
        if os.path.exists(path):
            with open(path, "rb") as f:
                assert f.read() == fresh, n + " differs from a fresh generation"
