#!/usr/bin/env python3
"""Independent numpy reference for every int8 kernel of MuJo Edge.

Implements docs/int8-spec.md from the text of the spec alone (int64 arithmetic, arithmetic right
shifts, floats only in the host-side constructions the spec names) and writes the JSON test
vectors the Swift tests read from Tests/MuJoCoreTests/Vectors/.

    python3 Tests/Vectors/generate_kernel_vectors.py [--out DIR]

Deterministic: every file uses its own numpy Generator seeded with [SEED, file number], so adding
cases to one file never changes another.
"""
import argparse
import json
import math
import os
import platform
import sys

import numpy as np

SEED = 20261126
GENERATOR = "Tests/Vectors/generate_kernel_vectors.py"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, "Tests", "MuJoCoreTests", "Vectors")

I32_MIN = -(1 << 31)
I32_MAX = (1 << 31) - 1
I64_MAX = (1 << 63) - 1


# ----------------------------------------------------------------------------------------------
# Scalar helpers (Python ints are exact; every result is checked to fit the int64 the spec uses)
# ----------------------------------------------------------------------------------------------

def round_half_away(x):
    """Nearest integer, ties away from zero, of a finite float; returns a Python int."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("round_half_away of a non-finite value")
    t = math.trunc(x)
    if abs(x - t) >= 0.5:  # x - t is exact: t = 0 or t and x lie within a factor of two
        t += 1 if x > 0 else -1
    return t


def quantize_multiplier(r):
    """(M, shift) with r ~= M * 2**(shift - 31); spec: host only, float64."""
    r = float(r)
    if r == 0.0:
        return 0, 0
    m, e = math.frexp(r)  # 0.5 <= |m| < 1
    big = round_half_away(m * 2.0 ** 31)  # m * 2^31 is exact in float64
    if abs(big) == 1 << 31:
        big //= 2  # exact: +-2^31 -> +-2^30
        e += 1
    if e < -31:
        return 0, 0
    if e > 30:
        raise ValueError("quantize_multiplier: real %r too large (e = %d)" % (r, e))
    return int(big), int(e)


def mbqm(x, mult, shift):
    """multiplyByQuantizedMultiplier: (x*M + 2^(n-1)) >> n, n = 31 - shift. Ties toward +inf."""
    x, mult, shift = int(x), int(mult), int(shift)
    n = 31 - shift
    assert 1 <= n <= 62, n
    assert abs(x) < (1 << 31) or abs(x) == (1 << 31), x
    prod = x * mult + (1 << (n - 1))
    assert -(1 << 63) <= prod <= I64_MAX
    return prod >> n  # Python >> on ints is floor, i.e. an arithmetic shift


def requantize(acc, mult, shift, zp, lo, hi):
    return min(max(mbqm(acc, mult, shift) + int(zp), int(lo)), int(hi))


def div_round_half_away(a, b):
    a, b = int(a), int(b)
    assert b > 0
    h = b // 2
    if a >= 0:
        return (a + h) // b
    return -((-a + h) // b)


def isqrt(n):
    assert n >= 0
    return math.isqrt(int(n))


def relu_bounds(zp):
    return max(-128, zp), 127


def relu6_bounds(zp, s_out):
    return max(-128, zp), min(127, zp + round_half_away(6.0 / float(s_out)))


# ----------------------------------------------------------------------------------------------
# Vectorised int64 helpers (checked against the scalar ones in test_generator_selfcheck.py)
# ----------------------------------------------------------------------------------------------

def mbqm_np(x, mult, shift):
    x = np.asarray(x, dtype=np.int64)
    mult = np.asarray(mult, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    n = 31 - shift
    assert np.all((n >= 1) & (n <= 62))
    assert np.all(np.abs(x) <= (1 << 31))
    assert np.all(np.abs(mult) < (1 << 31))
    rnd = np.left_shift(np.int64(1), n - 1)
    return np.right_shift(x * mult + rnd, n)  # arithmetic shift on int64


def requantize_np(acc, mult, shift, zp, lo, hi):
    return np.clip(mbqm_np(acc, mult, shift) + np.int64(zp), lo, hi).astype(np.int64)


def div_round_half_away_np(a, b):
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    assert np.all(b > 0)
    h = b // 2
    # numerators are >= 0 on both branches, so floor division is the truncating division
    return np.where(a >= 0, (np.abs(a) + h) // b, -((np.abs(a) + h) // b))


def isqrt_np(n):
    n = np.asarray(n, dtype=np.int64)
    return np.array([math.isqrt(int(v)) for v in n.ravel()], dtype=np.int64).reshape(n.shape)


def round_half_away_np(x):
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        t = np.trunc(x)
        return t + np.sign(x) * (np.abs(x - t) >= 0.5)


# ----------------------------------------------------------------------------------------------
# Host-side constructions
# ----------------------------------------------------------------------------------------------

def gelu64(v):
    return v / 2.0 * (1.0 + math.erf(v / math.sqrt(2.0)))


def gelu_table(s_x, zp_x, s_y, zp_y):
    """table[q+128] = clamp(rha(f((q - zp_x) * s_x) / s_y) + zp_y, -128, 127), float64."""
    tab = []
    margin = 1.0
    for q in range(-128, 128):
        v = (q - zp_x) * float(s_x)
        u = gelu64(v) / float(s_y)
        margin = min(margin, abs(abs(u - math.trunc(u)) - 0.5))
        tab.append(min(max(round_half_away(u) + zp_y, -128), 127))
    return np.array(tab, dtype=np.int64), margin


def softmax_exp_table(s_x):
    """E[d] = rha(exp(-d * s_x) * 2^20), d = 0..255, float64."""
    tab = []
    margin = 1.0
    for d in range(256):
        u = math.exp(-d * float(s_x)) * float(1 << 20)
        if u >= 0.25:
            margin = min(margin, abs(abs(u - math.trunc(u)) - 0.5))
        tab.append(round_half_away(u))
    return np.array(tab, dtype=np.int64), margin


def layer_norm_host(gamma, beta, eps, s_x, s_y, C):
    """gq, bq, M, shift, eps_q per the spec (float64 host arithmetic)."""
    eps_q = min(round_half_away(float(eps) * float(C * C) / (float(s_x) * float(s_x))), I32_MAX)
    gq, bq, mult, shift = [], [], [], []
    for g, b in zip(np.asarray(gamma, np.float64), np.asarray(beta, np.float64)):
        s_g = max(abs(float(g)), 1e-12) / 127.0
        gq.append(min(max(round_half_away(float(g) / s_g), -127), 127))
        # not in the spec: bq is clamped to int32 (only reachable for |gamma| << |beta|)
        bq.append(min(max(round_half_away(float(b) * 4096.0 / s_g), I32_MIN), I32_MAX))
        m, sh = quantize_multiplier(s_g / (4096.0 * float(s_y)))
        mult.append(m)
        shift.append(sh)
    return (np.array(gq, np.int64), np.array(bq, np.int64), np.array(mult, np.int64),
            np.array(shift, np.int64), int(eps_q))


def add_host(s_a, s_b, s_y):
    s_a, s_b, s_y = float(s_a), float(s_b), float(s_y)
    s2 = 2.0 * max(s_a, s_b)
    ma, sa = quantize_multiplier(s_a / s2)
    mb, sb = quantize_multiplier(s_b / s2)
    my, sy = quantize_multiplier(s2 / (float(1 << 20) * s_y))
    return ma, sa, mb, sb, my, sy


def calib_qparams(lo, hi):
    """Asymmetric int8 activation: scale = (max-min)/255 (stored as float32), zp from it."""
    lo = min(float(lo), 0.0)
    hi = max(float(hi), 0.0)
    if hi == lo:
        hi = lo + 1e-6
    s = float(np.float32((hi - lo) / 255.0))
    zp = min(max(round_half_away(-128.0 - lo / s), -128), 127)
    return s, zp


def quantize_weights_per_channel(w):
    """Symmetric per-output-channel int8 in [-127, 127]; scale (float32) = max|w_c| / 127."""
    w64 = np.asarray(w, np.float64)
    flat = w64.reshape(w64.shape[0], -1)
    scales = np.array([float(np.float32(max(np.max(np.abs(r)), 1e-12) / 127.0)) for r in flat])
    q = np.clip(round_half_away_np(flat / scales[:, None]), -127, 127).astype(np.int64)
    return q.reshape(w64.shape), scales


def quantize_bias(b, s_in, s_w):
    out = []
    for bi, swi in zip(np.asarray(b, np.float64), s_w):
        out.append(min(max(round_half_away(float(bi) / (float(s_in) * float(swi))), I32_MIN), I32_MAX))
    return np.array(out, np.int64)


# ----------------------------------------------------------------------------------------------
# int8 kernels
# ----------------------------------------------------------------------------------------------

def conv1d_out_len(T_in, K, stride, dil, pl, pr):
    return (T_in + pl + pr - dil * (K - 1) - 1) // stride + 1


def conv1d_acc(xd, w, bias, stride, dil, pl, pr, groups):
    """Generic accumulation (int64 or float64 arrays): xd already has zp_x removed."""
    T_in, C_in = xd.shape
    C_out, K, Cg = w.shape
    assert C_in % groups == 0 and Cg == C_in // groups and C_out % groups == 0
    Og = C_out // groups
    T_out = conv1d_out_len(T_in, K, stride, dil, pl, pr)
    assert T_out >= 1
    acc = np.zeros((T_out, C_out), dtype=xd.dtype)
    if bias is not None:
        acc += bias[None, :]
    for t in range(T_out):
        for k in range(K):
            p = t * stride + k * dil - pl
            if p < 0 or p >= T_in:
                continue  # padding adds nothing
            for c in range(C_out):
                g = c // Og
                acc[t, c] += np.dot(xd[p, g * Cg:(g + 1) * Cg], w[c, k, :])
    return acc


def conv1d_s8(x, w, bias, mult, shift, zp_x, zp_y, stride, dil, pl, pr, groups, lo, hi):
    xd = np.asarray(x, np.int64) - zp_x
    b = None if bias is None else np.asarray(bias, np.int64)
    acc = conv1d_acc(xd, np.asarray(w, np.int64), b, stride, dil, pl, pr, groups)
    assert np.all(np.abs(acc) < (1 << 31))
    return requantize_np(acc, np.asarray(mult)[None, :], np.asarray(shift)[None, :], zp_y, lo, hi)


def fully_connected_s8(x, w, bias, mult, shift, zp_x, zp_y, lo, hi):
    xd = np.asarray(x, np.int64) - zp_x
    acc = xd @ np.asarray(w, np.int64).T
    if bias is not None:
        acc = acc + np.asarray(bias, np.int64)[None, :]
    assert np.all(np.abs(acc) < (1 << 31))
    return requantize_np(acc, np.asarray(mult)[None, :], np.asarray(shift)[None, :], zp_y, lo, hi)


def broadcast_b(a, b):
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    if b.shape == a.shape:
        return b
    if b.shape == (1,):
        return np.broadcast_to(b.reshape((1,) * a.ndim), a.shape)
    assert b.shape == (a.shape[-1],)
    return np.broadcast_to(b, a.shape)


def add_s8(a, b, zp_a, zp_b, zp_y, ma, sa, mb, sb, my, sy, lo, hi):
    a = np.asarray(a, np.int64)
    b = broadcast_b(a, b)
    ra = mbqm_np(np.left_shift(a - zp_a, 20), ma, sa)
    rb = mbqm_np(np.left_shift(b - zp_b, 20), mb, sb)
    return requantize_np(ra + rb, my, sy, zp_y, lo, hi)


def mul_s8(a, b, zp_a, zp_b, zp_y, m, sh, lo, hi):
    a = np.asarray(a, np.int64)
    b = broadcast_b(a, b)
    return requantize_np((a - zp_a) * (b - zp_b), m, sh, zp_y, lo, hi)


def lut_s8(x, table):
    return np.asarray(table, np.int64)[np.asarray(x, np.int64) + 128]


def softmax_s8(x, E):
    x = np.asarray(x, np.int64)
    E = np.asarray(E, np.int64)
    m = x.max(axis=-1, keepdims=True)
    e = E[m - x]
    S = e.sum(axis=-1, keepdims=True)
    y = div_round_half_away_np(e * 256, np.broadcast_to(S, e.shape)) - 128
    return np.clip(y, -128, 127)


def layer_norm_s8(x, gq, bq, mult, shift, zp_x, zp_y, eps_q):
    x = np.asarray(x, np.int64)
    R, C = x.shape
    out = np.zeros_like(x)
    for r in range(R):
        d = x[r] - zp_x
        S1 = int(d.sum())
        S2 = int((d * d).sum())
        den = isqrt(C * S2 - S1 * S1 + eps_q)
        if den == 0:
            n = np.zeros(C, np.int64)
        else:
            n = np.clip(div_round_half_away_np((C * d - S1) * 4096, den), -(1 << 23), 1 << 23)
        acc = np.clip(n * np.asarray(gq, np.int64) + np.asarray(bq, np.int64), I32_MIN, I32_MAX)
        out[r] = requantize_np(acc, mult, shift, zp_y, -128, 127)
    return out


def mean_pool_s8(x, zp_x, zp_y, m, sh, lo, hi):
    acc = (np.asarray(x, np.int64) - zp_x).sum(axis=0, keepdims=True)
    return requantize_np(acc, m, sh, zp_y, lo, hi)


def batch_matmul_s8(a, b, transpose_b, zp_a, zp_b, zp_y, m, sh, lo, hi):
    ad = np.asarray(a, np.int64) - zp_a
    bd = np.asarray(b, np.int64) - zp_b
    if transpose_b:
        bd = np.transpose(bd, (0, 2, 1))
    acc = np.matmul(ad, bd)
    assert np.all(np.abs(acc) < (1 << 31))
    return requantize_np(acc, m, sh, zp_y, lo, hi)


def l2_normalize_s8(x, zp_x):
    x = np.asarray(x, np.int64)
    out = np.zeros_like(x)
    for r in range(x.shape[0]):
        d = x[r] - zp_x
        S = int((d * d).sum())
        if S == 0:
            continue
        rr = isqrt(S << 14)
        out[r] = np.clip(div_round_half_away_np(d * 16384, rr), -128, 127)
    return out


def quantize_f32_to_s8(x, s, zp):
    x32 = np.asarray(x, np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        q32 = x32 / np.float32(s)  # the division in float32
    r = round_half_away_np(q32.astype(np.float64))  # exact widening; inf stays inf
    return np.clip(r + zp, -128, 127).astype(np.int64)


def dequantize_s8_to_f32(q, s, zp):
    d = (np.asarray(q, np.int64) - zp).astype(np.float32)
    return d * np.float32(s)


# ----------------------------------------------------------------------------------------------
# float kernels (float64 arithmetic on float32 inputs, result cast to float32 by the writer)
# ----------------------------------------------------------------------------------------------

def activation_f(y, act):
    if act == 1:
        return np.maximum(y, 0.0)
    if act == 2:
        return np.minimum(np.maximum(y, 0.0), 6.0)
    return y


def conv1d_f(x, w, bias, stride, dil, pl, pr, groups, act):
    b = None if bias is None else np.asarray(bias, np.float64)
    y = conv1d_acc(np.asarray(x, np.float64), np.asarray(w, np.float64), b, stride, dil, pl, pr, groups)
    return activation_f(y, act)


def fully_connected_f(x, w, bias, act):
    y = np.asarray(x, np.float64) @ np.asarray(w, np.float64).T
    if bias is not None:
        y = y + np.asarray(bias, np.float64)[None, :]
    return activation_f(y, act)


def layer_norm_f(x, gamma, beta, eps):
    x = np.asarray(x, np.float64)
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)  # biased (population) variance
    return (x - mu) / np.sqrt(var + float(eps)) * np.asarray(gamma, np.float64) + np.asarray(beta, np.float64)


def gelu_f(x):
    x = np.asarray(x, np.float64)
    return np.vectorize(gelu64)(x) if x.size else x


def softmax_f(x):
    x = np.asarray(x, np.float64)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def l2_normalize_f(x):
    x = np.asarray(x, np.float64)
    out = np.zeros_like(x)
    for r in range(x.shape[0]):
        S = float((x[r] * x[r]).sum())
        if S > 0:
            out[r] = x[r] / math.sqrt(S)
    return out


def mean_pool_f(x):
    return np.asarray(x, np.float64).mean(axis=0, keepdims=True)


def batch_matmul_f(a, b, transpose_b):
    b = np.asarray(b, np.float64)
    if transpose_b:
        b = np.transpose(b, (0, 2, 1))
    return np.matmul(np.asarray(a, np.float64), b)


# ----------------------------------------------------------------------------------------------
# JSON writing
# ----------------------------------------------------------------------------------------------

def tensor(arr, dtype):
    a = np.asarray(arr)
    if dtype == "float32":
        data = np.asarray(a, np.float64).astype(np.float32).ravel().tolist()
        assert all(math.isfinite(v) for v in data)
    else:
        lim = {"int8": (-128, 127), "int32": (I32_MIN, I32_MAX), "int64": (-(1 << 63), I64_MAX)}[dtype]
        data = [int(v) for v in a.ravel().tolist()]
        assert all(lim[0] <= v <= lim[1] for v in data), (dtype, min(data), max(data))
    return {"dtype": dtype, "shape": [int(s) for s in a.shape], "data": data}


def f32(v):
    """A Python float holding exactly a float32 value."""
    return float(np.float32(v))


def clean_params(p):
    out = {}
    for k, v in p.items():
        if isinstance(v, (bool, np.bool_)):
            out[k] = int(v)
        elif isinstance(v, (int, np.integer)):
            out[k] = int(v)
        else:
            out[k] = float(v)
    return out


def case(name, kernel, params, tensors, expected):
    return {"name": name, "kernel": kernel, "params": clean_params(params), "tensors": tensors,
            "expected": expected}


def header():
    return {"generator": GENERATOR, "python": platform.python_version(), "numpy": np.__version__,
            "seed": SEED}


def write_cases(out_dir, fname, cases):
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names in " + fname
    h = header()
    lines = ["{"]
    for k, v in h.items():
        lines.append("%s: %s," % (json.dumps(k), json.dumps(v)))
    lines.append('"cases": [')
    body = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases]
    lines.append(",\n".join(body))
    lines.append("]}")
    path = os.path.join(out_dir, fname)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    json.load(open(path))  # must parse
    return path


def write_doc(out_dir, fname, doc):
    full = header()
    full.update(doc)
    path = os.path.join(out_dir, fname)
    with open(path, "w") as f:
        json.dump(full, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    return path


# ----------------------------------------------------------------------------------------------
# Case builders
# ----------------------------------------------------------------------------------------------

def rng_for(file_no):
    return np.random.default_rng([SEED, file_no])


def rand_i8(rng, shape, lo=-128, hi=127):
    return rng.integers(lo, hi + 1, size=shape, dtype=np.int64)


def multipliers_for(acc, target, rng, axis_channels=True):
    """Per-channel (M, shift) so that the requantized output has roughly `target` spread."""
    acc = np.asarray(acc, np.float64)
    if acc.ndim == 1:
        acc = acc[None, :]
    std = np.maximum(acc.std(axis=0), np.abs(acc).mean(axis=0))
    std = np.maximum(std, 1.0)
    ms, ss = [], []
    for sd in std:
        real = target / sd * float(rng.uniform(0.7, 1.3))
        m, s = quantize_multiplier(real)
        ms.append(m)
        ss.append(s)
    return np.array(ms, np.int64), np.array(ss, np.int64)


def build_fixed_point():
    rng = rng_for(1)
    cases = []
    two31 = 1 << 31
    two30 = 1 << 30

    def c_mbqm(name, x, m, s):
        cases.append(case(name, "multiplyByQuantizedMultiplier", {"x": x, "multiplier": m, "shift": s}, {},
                          tensor([mbqm(x, m, s)], "int64")))

    c_mbqm("mbqm_worked_3_half", 3, two30, 0)            # 1.5 -> 2
    c_mbqm("mbqm_tie_neg_1p5", -3, two30, 0)             # -1.5 -> -1
    c_mbqm("mbqm_tie_pos_0p5", 1, two30, 0)              # 0.5 -> 1
    c_mbqm("mbqm_tie_neg_0p5", -1, two30, 0)             # -0.5 -> 0
    c_mbqm("mbqm_tie_pos_2p5", 5, two30, 0)              # 2.5 -> 3
    c_mbqm("mbqm_tie_neg_2p5", -5, two30, 0)             # -2.5 -> -2
    c_mbqm("mbqm_tie_neg_3p5_shift_m2", -7 * 4, two30, -2)  # -28 * 2^-3 = -3.5 -> -3
    c_mbqm("mbqm_tie_shift30_pos", 3, 1, 30)             # 1.5 -> 2
    c_mbqm("mbqm_tie_shift30_neg", -3, 1, 30)            # -1.5 -> -1
    c_mbqm("mbqm_shift30_big", two31 - 1, two31 - 1, 30)
    c_mbqm("mbqm_shift30_big_neg", -(two31 - 1), two31 - 1, 30)
    c_mbqm("mbqm_shift_m31_max", two31 - 1, two31 - 1, -31)   # ~0.99999 -> 1
    c_mbqm("mbqm_shift_m31_max_neg", -(two31 - 1), two31 - 1, -31)  # -> -1
    c_mbqm("mbqm_shift_m31_small", 12345, two31 - 1, -31)      # -> 0
    c_mbqm("mbqm_shift_m31_small_neg", -12345, two31 - 1, -31)  # -> 0 (tiny negative)
    c_mbqm("mbqm_shift_m30_tie_pos", two30, two30, -30)        # 0.5 -> 1
    c_mbqm("mbqm_shift_m30_tie_neg", -two30, two30, -30)       # -0.5 -> 0
    c_mbqm("mbqm_x_max_mult_max_shift0", two31 - 1, two31 - 1, 0)
    c_mbqm("mbqm_x_min_mult_max_shift0", -(two31 - 1), two31 - 1, 0)
    c_mbqm("mbqm_mult_zero", 123456789, 0, 0)
    c_mbqm("mbqm_x_zero", 0, two31 - 1, 5)
    c_mbqm("mbqm_neg_multiplier", 1000, -(two30 + 12345), -3)
    c_mbqm("mbqm_neg_multiplier_neg_x", -1000, -(two30 + 12345), -3)
    c_mbqm("mbqm_neg_multiplier_tie", 3, -two30, 0)      # -1.5 -> -1
    c_mbqm("mbqm_identity_shift1", -77, two30, 1)        # M=2^30, shift 1 is exactly 1.0
    for i in range(40):
        x = int(rng.integers(-(two31 - 1), two31))
        if i % 4 == 0:
            x = int(rng.integers(-70000, 70001))
        m = int(rng.integers(two30, two31))
        s = int(rng.integers(-31, 31))
        c_mbqm("mbqm_random_%02d" % i, x, m, s)

    def c_qm(name, real):
        m, s = quantize_multiplier(real)
        cases.append(case(name, "quantizeMultiplier", {"real": real}, {}, tensor([m, s], "int64")))

    c_qm("qm_zero", 0.0)
    c_qm("qm_one", 1.0)
    c_qm("qm_half", 0.5)
    c_qm("qm_three_quarters", 0.75)
    c_qm("qm_minus_one", -1.0)
    c_qm("qm_tie_up", 0.5 + 2.0 ** -32)            # m*2^31 = 2^30 + 0.5 -> 2^30 + 1
    c_qm("qm_tie_up_neg", -(0.5 + 2.0 ** -32))      # -> -(2^30 + 1)
    c_qm("qm_tie_up_3", (0.5 + 3 * 2.0 ** -32) * 2.0 ** -7)
    c_qm("qm_rounds_to_2p31", 1.0 - 2.0 ** -32)     # 2^31 - 0.5 -> 2^31 -> (2^30, 1)
    c_qm("qm_rounds_to_2p31_neg", -(1.0 - 2.0 ** -32))
    c_qm("qm_rounds_to_2p31_small", (1.0 - 2.0 ** -40) * 2.0 ** -10)
    c_qm("qm_just_below_rounding_up", (1.0 - 2.0 ** -31) * 2.0 ** -3)  # 2^31 - 1 exactly
    c_qm("qm_quarter_below_up", (1.0 - 2.0 ** -33) * 2.0 ** -3)        # 2^31 - 0.25 -> 2^31 - 1
    c_qm("qm_e_m32_rounds_into_range", (1.0 - 2.0 ** -32) * 2.0 ** -32)  # e -32 -> -31: (2^30, -31)
    c_qm("qm_smallest_valid", 2.0 ** -32)            # frexp (0.5, -31)
    c_qm("qm_just_too_small", 2.0 ** -33)            # e = -32 -> (0, 0)
    c_qm("qm_tiny_1e-12", 1e-12)
    c_qm("qm_tiny_neg", -3e-11)
    c_qm("qm_subnormal", 5e-324)
    c_qm("qm_largest_shift", 2.0 ** 29)              # (2^30, 30)
    c_qm("qm_large_1e9", 1e9)
    c_qm("qm_third", 1.0 / 3.0)
    c_qm("qm_tenth", 0.1)
    c_qm("qm_typical_scale_ratio", (0.0123 * 0.0041) / 0.0519)
    for i in range(30):
        r = float(2.0 ** rng.uniform(-34, 29.5))
        if i % 3 == 0:
            r = -r
        if i % 5 == 0:
            r = float(np.float32(r))
        c_qm("qm_random_%02d" % i, r)

    def c_div(name, a, b):
        cases.append(case(name, "divRoundHalfAway", {"a": a, "b": b}, {},
                          tensor([div_round_half_away(a, b)], "int64")))

    for a, b in [(7, 2), (-7, 2), (5, 2), (-5, 2), (1, 2), (-1, 2), (1, 3), (2, 3), (-1, 3), (-2, 3),
                 (0, 5), (3, 6), (-3, 6), (9, 6), (-9, 6), (42, 1), (-42, 1), (0, 1),
                 (128 * 16384, 128 * 1000), (-(1 << 40) - 1, 2), ((1 << 40) + 1, 2),
                 (268435456, 1048576), (1 << 28, 3 * (1 << 20) + 1), (-(1 << 45) + 7, 1234567)]:
        c_div("div_%d_%d" % (a, b), a, b)
    for i in range(20):
        b = int(rng.integers(1, 1 << 24))
        a = int(rng.integers(-(1 << 40), 1 << 40))
        if i % 4 == 0:  # exact ties for even b
            b = 2 * int(rng.integers(1, 1 << 20))
            a = (2 * int(rng.integers(-1000, 1000)) + 1) * (b // 2)
        c_div("div_random_%02d" % i, a, b)

    def c_isqrt(name, n):
        cases.append(case(name, "isqrt", {"n": n}, {}, tensor([isqrt(n)], "int64")))

    for n in [0, 1, 2, 3, 4, 5, 8, 9, 10, 15, 16, 17, 24, 25, 26, 255 * 255, 255 * 255 - 1,
              (1 << 32) - 1, 1 << 32, (1 << 32) + 1, (two31 - 1) ** 2, (two31 - 1) ** 2 - 1,
              (two31 - 1) ** 2 + 1, 1 << 62, I64_MAX, 3037000499 ** 2, 3037000499 ** 2 - 1,
              64 * 65025 * 16384]:
        c_isqrt("isqrt_%d" % n, n)
    for i in range(15):
        n = int(rng.integers(0, 1 << int(rng.integers(4, 63))))
        c_isqrt("isqrt_random_%02d" % i, n)

    def c_rq(name, acc, m, s, zp, lo, hi):
        cases.append(case(name, "requantize", {"acc": acc, "multiplier": m, "shift": s, "zp": zp,
                                                "lo": lo, "hi": hi}, {},
                          tensor([requantize(acc, m, s, zp, lo, hi)], "int64")))

    c_rq("rq_plain", 1000, 1 << 30, -3, 5, -128, 127)
    c_rq("rq_negative_acc", -1000, 1 << 30, -3, 5, -128, 127)
    c_rq("rq_tie_pos", 3, two30, 0, 0, -128, 127)
    c_rq("rq_tie_neg", -3, two30, 0, 0, -128, 127)
    c_rq("rq_saturate_hi", 1 << 20, two31 - 1, 0, 10, -128, 127)
    c_rq("rq_saturate_lo", -(1 << 20), two31 - 1, 0, 10, -128, 127)
    c_rq("rq_relu_clamps", -5000, 1 << 30, -5, -20, -20, 127)
    c_rq("rq_relu6_clamps", 5000, 1 << 30, -2, -20, -20, 30)
    c_rq("rq_zp_minus128", 0, 1 << 30, 0, -128, -128, 127)
    c_rq("rq_zp_127", 0, 1 << 30, 0, 127, -128, 127)
    c_rq("rq_zp_127_neg", -100, 1 << 30, 0, 127, -128, 127)
    c_rq("rq_acc_max", two31 - 1, two30 + 1, -31, 0, -128, 127)
    c_rq("rq_acc_min", -(two31 - 1), two30 + 1, -31, 0, -128, 127)
    for i in range(20):
        acc = int(rng.integers(-(1 << 24), 1 << 24))
        m = int(rng.integers(two30, two31))
        s = int(rng.integers(-24, -8))
        zp = int(rng.integers(-128, 128))
        lo, hi = [(-128, 127), relu_bounds(zp), (max(-128, zp), min(127, zp + 40))][i % 3]
        c_rq("rq_random_%02d" % i, acc, m, s, zp, lo, hi)
    return cases


def conv_case(rng, name, T_in, C_in, C_out, K, stride=1, dil=1, pl=0, pr=0, groups=1,
              zp_x=None, zp_y=None, act=0, with_bias=True, target=40.0, x_range=(-128, 127),
              w_range=(-127, 127)):
    x = rand_i8(rng, (T_in, C_in), *x_range)
    w = rand_i8(rng, (C_out, K, C_in // groups), *w_range)
    zp_x = int(rng.integers(-40, 41)) if zp_x is None else zp_x
    zp_y = int(rng.integers(-30, 31)) if zp_y is None else zp_y
    bias = rng.integers(-3000, 3001, size=C_out, dtype=np.int64) if with_bias else None
    acc = conv1d_acc(x - zp_x, w, bias, stride, dil, pl, pr, groups)
    mult, shift = multipliers_for(acc, target, rng)
    s_out = 0.05
    lo, hi = [(-128, 127), relu_bounds(zp_y), relu6_bounds(zp_y, s_out)][act]
    y = conv1d_s8(x, w, bias, mult, shift, zp_x, zp_y, stride, dil, pl, pr, groups, lo, hi)
    tensors = {"x": tensor(x, "int8"), "w": tensor(w, "int8")}
    if bias is not None:
        tensors["bias"] = tensor(bias, "int32")
    tensors["multiplier"] = tensor(mult, "int32")
    tensors["shift"] = tensor(shift, "int32")
    params = {"zp_x": zp_x, "zp_y": zp_y, "stride": stride, "dilation": dil, "pad_left": pl,
              "pad_right": pr, "groups": groups, "lo": lo, "hi": hi}
    return case(name, "conv1dS8", params, tensors, tensor(y, "int8"))


def conv_f_case(rng, name, T_in, C_in, C_out, K, stride=1, dil=1, pl=0, pr=0, groups=1, act=0,
                with_bias=True):
    x = rng.normal(0, 1.5, size=(T_in, C_in)).astype(np.float32)
    w = (rng.normal(0, 1, size=(C_out, K, C_in // groups)) / math.sqrt(K * C_in // groups)).astype(np.float32)
    bias = rng.normal(0, 0.5, size=C_out).astype(np.float32) if with_bias else None
    y = conv1d_f(x, w, bias, stride, dil, pl, pr, groups, act)
    tensors = {"x": tensor(x, "float32"), "w": tensor(w, "float32")}
    if bias is not None:
        tensors["bias"] = tensor(bias, "float32")
    params = {"stride": stride, "dilation": dil, "pad_left": pl, "pad_right": pr, "groups": groups,
              "activation": act}
    return case(name, "conv1dF32", params, tensors, tensor(y, "float32"))


def build_conv():
    rng = rng_for(2)
    c = []
    c.append(conv_case(rng, "plain", 12, 3, 4, 3))
    c.append(conv_case(rng, "plain_no_bias", 10, 4, 5, 3, with_bias=False))
    c.append(conv_case(rng, "pointwise_1x1", 7, 6, 5, 1))
    c.append(conv_case(rng, "same_pad", 16, 3, 8, 5, pl=2, pr=2))
    c.append(conv_case(rng, "stride2", 15, 4, 6, 3, stride=2, pl=1, pr=1))
    c.append(conv_case(rng, "stride3_no_pad", 17, 2, 3, 4, stride=3))
    c.append(conv_case(rng, "dilation2", 14, 3, 4, 3, dil=2, pl=2, pr=2))
    c.append(conv_case(rng, "dilation3_stride2", 20, 2, 3, 3, stride=2, dil=3, pl=1, pr=0))
    c.append(conv_case(rng, "asym_pad_left", 9, 3, 4, 4, pl=3, pr=0))
    c.append(conv_case(rng, "asym_pad_right", 9, 3, 4, 4, pl=0, pr=3))
    c.append(conv_case(rng, "pad_larger_than_kernel_reach", 4, 2, 3, 3, pl=4, pr=1))
    c.append(conv_case(rng, "grouped_g2", 11, 6, 4, 3, pl=1, pr=1, groups=2))
    c.append(conv_case(rng, "grouped_g2_stride2", 12, 4, 6, 3, stride=2, pl=1, pr=1, groups=2))
    c.append(conv_case(rng, "depthwise", 13, 8, 8, 3, pl=1, pr=1, groups=8))
    c.append(conv_case(rng, "depthwise_mult2", 10, 4, 8, 3, pl=1, pr=1, groups=4))
    c.append(conv_case(rng, "depthwise_k5_dil2", 16, 5, 5, 5, dil=2, pl=4, pr=4, groups=5))
    c.append(conv_case(rng, "fused_relu", 12, 3, 6, 3, pl=1, pr=1, act=1))
    c.append(conv_case(rng, "fused_relu_zp_neg128", 12, 3, 6, 3, pl=1, pr=1, act=1, zp_y=-128))
    c.append(conv_case(rng, "fused_relu6", 12, 3, 6, 3, pl=1, pr=1, act=2, zp_y=-100))
    c.append(conv_case(rng, "fused_relu6_zp_pos", 12, 4, 4, 3, pl=1, pr=1, act=2, zp_y=20, target=120))
    c.append(conv_case(rng, "zp_x_minus128", 10, 3, 4, 3, pl=1, pr=1, zp_x=-128, zp_y=-128))
    c.append(conv_case(rng, "zp_x_127", 10, 3, 4, 3, pl=1, pr=1, zp_x=127, zp_y=127))
    c.append(conv_case(rng, "zp_x_127_padding_heavy", 5, 2, 3, 5, pl=4, pr=4, zp_x=127, zp_y=0))
    c.append(conv_case(rng, "extreme_inputs", 8, 4, 4, 3, pl=1, pr=1, zp_x=-128,
                       x_range=(120, 127), w_range=(125, 127)))
    c.append(conv_case(rng, "extreme_inputs_neg_w", 8, 4, 4, 3, pl=1, pr=1, zp_x=127,
                       x_range=(-128, -120), w_range=(-127, -125)))
    c.append(conv_case(rng, "saturating", 12, 4, 5, 3, pl=1, pr=1, target=600.0))
    c.append(conv_case(rng, "saturating_relu", 12, 4, 5, 3, pl=1, pr=1, act=1, target=600.0))
    c.append(conv_case(rng, "t_out_1", 5, 3, 4, 5))
    c.append(conv_case(rng, "t_out_1_single_sample", 1, 3, 2, 1))
    c.append(conv_case(rng, "t_out_1_stride_gt_len", 4, 2, 3, 3, stride=5, pl=1, pr=0))
    c.append(conv_case(rng, "c_in_1", 9, 1, 3, 3, pl=1, pr=1))
    c.append(conv_case(rng, "imu_like_3_to_16", 32, 3, 16, 5, pl=2, pr=2, act=1))
    c.append(conv_f_case(rng, "f32_plain", 12, 3, 4, 3))
    c.append(conv_f_case(rng, "f32_no_bias", 10, 4, 5, 3, with_bias=False))
    c.append(conv_f_case(rng, "f32_stride2_pad", 15, 4, 6, 3, stride=2, pl=1, pr=1))
    c.append(conv_f_case(rng, "f32_dilation2", 14, 3, 4, 3, dil=2, pl=2, pr=2))
    c.append(conv_f_case(rng, "f32_asym_pad", 9, 3, 4, 4, pl=3, pr=1))
    c.append(conv_f_case(rng, "f32_grouped", 11, 6, 4, 3, pl=1, pr=1, groups=2))
    c.append(conv_f_case(rng, "f32_depthwise_relu", 13, 8, 8, 3, pl=1, pr=1, groups=8, act=1))
    c.append(conv_f_case(rng, "f32_depthwise_mult2", 10, 4, 8, 3, pl=1, pr=1, groups=4))
    c.append(conv_f_case(rng, "f32_relu6", 12, 3, 6, 3, pl=1, pr=1, act=2))
    c.append(conv_f_case(rng, "f32_t_out_1", 5, 3, 4, 5, act=1))
    return c


def fc_case(rng, name, N, K, O, zp_x=None, zp_y=None, act=0, target=40.0, x_range=(-128, 127),
            w_range=(-127, 127), zero_bias=False):
    x = rand_i8(rng, (N, K), *x_range)
    w = rand_i8(rng, (O, K), *w_range)
    zp_x = int(rng.integers(-40, 41)) if zp_x is None else zp_x
    zp_y = int(rng.integers(-30, 31)) if zp_y is None else zp_y
    bias = np.zeros(O, np.int64) if zero_bias else rng.integers(-20000, 20001, size=O, dtype=np.int64)
    acc = (x - zp_x) @ w.T + bias
    mult, shift = multipliers_for(acc, target, rng)
    lo, hi = [(-128, 127), relu_bounds(zp_y), relu6_bounds(zp_y, 0.04)][act]
    y = fully_connected_s8(x, w, bias, mult, shift, zp_x, zp_y, lo, hi)
    tensors = {"x": tensor(x, "int8"), "w": tensor(w, "int8"), "bias": tensor(bias, "int32"),
               "multiplier": tensor(mult, "int32"), "shift": tensor(shift, "int32")}
    return case(name, "fullyConnectedS8", {"zp_x": zp_x, "zp_y": zp_y, "lo": lo, "hi": hi}, tensors,
                tensor(y, "int8"))


def fc_f_case(rng, name, N, K, O, act=0):
    x = rng.normal(0, 1.5, size=(N, K)).astype(np.float32)
    w = (rng.normal(0, 1, size=(O, K)) / math.sqrt(K)).astype(np.float32)
    bias = rng.normal(0, 0.5, size=O).astype(np.float32)
    y = fully_connected_f(x, w, bias, act)
    return case(name, "fullyConnectedF32", {"activation": act},
                {"x": tensor(x, "float32"), "w": tensor(w, "float32"), "bias": tensor(bias, "float32")},
                tensor(y, "float32"))


def build_fc():
    rng = rng_for(3)
    c = [
        fc_case(rng, "plain", 1, 8, 6),
        fc_case(rng, "batch3", 3, 16, 5),
        fc_case(rng, "k1", 2, 1, 4),
        fc_case(rng, "o1", 2, 12, 1),
        fc_case(rng, "zero_bias", 2, 10, 3, zero_bias=True),
        fc_case(rng, "k33_o16", 2, 33, 16),
        fc_case(rng, "k128", 1, 128, 8),
        fc_case(rng, "relu", 3, 16, 8, act=1),
        fc_case(rng, "relu6", 3, 16, 8, act=2, zp_y=-90),
        fc_case(rng, "zp_x_minus128", 2, 16, 4, zp_x=-128, zp_y=-128),
        fc_case(rng, "zp_x_127", 2, 16, 4, zp_x=127, zp_y=127),
        fc_case(rng, "saturating", 3, 16, 6, target=800.0),
        fc_case(rng, "extreme_inputs", 2, 64, 4, zp_x=-128, x_range=(125, 127), w_range=(126, 127)),
        fc_f_case(rng, "f32_plain", 1, 8, 6),
        fc_f_case(rng, "f32_batch", 3, 16, 5),
        fc_f_case(rng, "f32_relu", 3, 16, 8, act=1),
        fc_f_case(rng, "f32_relu6", 2, 12, 4, act=2),
    ]
    return c


def add_case(rng, name, a_shape, b_shape, s_a, s_b, s_y, zp_a=None, zp_b=None, zp_y=None, act=0,
             a=None, b=None):
    s_a, s_b, s_y = f32(s_a), f32(s_b), f32(s_y)
    zp_a = int(rng.integers(-60, 61)) if zp_a is None else zp_a
    zp_b = int(rng.integers(-60, 61)) if zp_b is None else zp_b
    zp_y = int(rng.integers(-60, 61)) if zp_y is None else zp_y
    a = rand_i8(rng, a_shape) if a is None else np.asarray(a, np.int64)
    b = rand_i8(rng, b_shape) if b is None else np.asarray(b, np.int64)
    ma, sa, mb, sb, my, sy = add_host(s_a, s_b, s_y)
    lo, hi = [(-128, 127), relu_bounds(zp_y), relu6_bounds(zp_y, s_y)][act]
    y = add_s8(a, b, zp_a, zp_b, zp_y, ma, sa, mb, sb, my, sy, lo, hi)
    params = {"zp_a": zp_a, "zp_b": zp_b, "zp_y": zp_y, "mult_a": ma, "shift_a": sa, "mult_b": mb,
              "shift_b": sb, "mult_y": my, "shift_y": sy, "lo": lo, "hi": hi,
              "s_a": s_a, "s_b": s_b, "s_y": s_y}
    return case(name, "addS8", params, {"a": tensor(a, "int8"), "b": tensor(b, "int8")}, tensor(y, "int8"))


def mul_case(rng, name, a_shape, b_shape, s_a, s_b, s_y, zp_a=None, zp_b=None, zp_y=None, act=0,
             a=None, b=None):
    s_a, s_b, s_y = f32(s_a), f32(s_b), f32(s_y)
    zp_a = int(rng.integers(-60, 61)) if zp_a is None else zp_a
    zp_b = int(rng.integers(-60, 61)) if zp_b is None else zp_b
    zp_y = int(rng.integers(-60, 61)) if zp_y is None else zp_y
    a = rand_i8(rng, a_shape) if a is None else np.asarray(a, np.int64)
    b = rand_i8(rng, b_shape) if b is None else np.asarray(b, np.int64)
    m, sh = quantize_multiplier(s_a * s_b / s_y)
    lo, hi = [(-128, 127), relu_bounds(zp_y), relu6_bounds(zp_y, s_y)][act]
    y = mul_s8(a, b, zp_a, zp_b, zp_y, m, sh, lo, hi)
    params = {"zp_a": zp_a, "zp_b": zp_b, "zp_y": zp_y, "mult": m, "shift": sh, "lo": lo, "hi": hi,
              "s_a": s_a, "s_b": s_b, "s_y": s_y}
    return case(name, "mulS8", params, {"a": tensor(a, "int8"), "b": tensor(b, "int8")}, tensor(y, "int8"))


def build_elementwise():
    rng = rng_for(4)
    all256 = np.arange(-128, 128, dtype=np.int64)
    c = [
        add_case(rng, "add_same_shape", (4, 5), (4, 5), 0.02, 0.03, 0.04),
        add_case(rng, "add_equal_scales", (3, 6), (3, 6), 0.05, 0.05, 0.05),
        add_case(rng, "add_equal_scales_all_zp0", (3, 6), (3, 6), 0.0625, 0.0625, 0.125, 0, 0, 0),
        add_case(rng, "add_broadcast_channel", (4, 5), (5,), 0.1, 0.013, 0.11),
        add_case(rng, "add_broadcast_scalar", (3, 7), (1,), 0.02, 0.5, 0.6),
        add_case(rng, "add_1d", (9,), (9,), 0.01, 0.02, 0.015),
        add_case(rng, "add_3d_broadcast_channel", (2, 3, 4), (4,), 0.03, 0.07, 0.05),
        add_case(rng, "add_scale_ratio_100", (4, 4), (4, 4), 0.001, 0.1, 0.1),
        add_case(rng, "add_all_a_values", (256,), (1,), 0.03, 0.01, 0.05, a=all256),
        add_case(rng, "add_saturate", (4, 8), (4, 8), 0.1, 0.1, 0.02),
        add_case(rng, "add_saturate_extreme_zp", (4, 8), (4, 8), 0.05, 0.08, 0.03, -128, 127, 0),
        add_case(rng, "add_zp_extremes", (4, 8), (8,), 0.05, 0.08, 0.2, 127, -128, -128),
        add_case(rng, "add_relu", (4, 6), (4, 6), 0.02, 0.03, 0.03, act=1),
        add_case(rng, "add_relu6", (4, 6), (4, 6), 0.04, 0.05, 0.03, zp_y=-128, act=2),
        add_case(rng, "add_unusual_scales", (5, 5), (5, 5), 0.0123456, 0.00987654, 0.0171717),
        add_case(rng, "add_small_out_scale", (5, 5), (5,), 0.00390625, 0.0078125, 0.001),
        mul_case(rng, "mul_same_shape", (4, 5), (4, 5), 0.02, 0.03, 0.004),
        mul_case(rng, "mul_broadcast_channel", (4, 5), (5,), 0.1, 0.013, 0.05),
        mul_case(rng, "mul_broadcast_scalar", (3, 7), (1,), 0.02, 0.5, 0.3),
        mul_case(rng, "mul_3d_broadcast_scalar", (2, 3, 4), (1,), 0.05, 0.05, 0.01),
        mul_case(rng, "mul_all_a_values", (256,), (1,), 0.03, 0.01, 0.01, a=all256, b=[77]),
        mul_case(rng, "mul_saturate", (4, 8), (4, 8), 0.1, 0.1, 0.01),
        mul_case(rng, "mul_zp_extremes", (4, 8), (4, 8), 0.05, 0.08, 0.5, -128, 127, 127),
        mul_case(rng, "mul_relu", (4, 6), (4, 6), 0.02, 0.03, 0.01, act=1),
        mul_case(rng, "mul_relu6", (4, 6), (4, 6), 0.04, 0.05, 0.05, zp_y=-100, act=2),
        mul_case(rng, "mul_tiny_multiplier", (4, 4), (4, 4), 0.001, 0.001, 1.0),
        mul_case(rng, "mul_multiplier_underflows_to_zero", (4, 4), (4, 4), 1e-5, 1e-5, 1.0),
        mul_case(rng, "mul_unusual_scales", (5, 5), (5,), 0.0123456, 0.00987654, 0.000171717),
    ]
    return c


def pick_gelu_params(s_x, zp_x, s_y, zp_y):
    """Nudge s_y (a float32) until no table entry is within 1e-7 of a rounding tie."""
    s_y = f32(s_y)
    while True:
        tab, margin = gelu_table(s_x, zp_x, s_y, zp_y)
        if margin > 1e-7:
            return s_y, tab
        s_y = f32(np.nextafter(np.float32(s_y), np.float32(1.0)))


def pick_softmax_scale(s_x):
    s_x = f32(s_x)
    while True:
        tab, margin = softmax_exp_table(s_x)
        if margin > 1e-7:
            return s_x, tab
        s_x = f32(np.nextafter(np.float32(s_x), np.float32(1.0)))


def build_lut():
    rng = rng_for(5)
    c = []
    all256 = np.arange(-128, 128, dtype=np.int64)
    gelu_params = [
        ("std", 0.03, -10, 0.02, -100),
        ("wide", 0.1, 0, 0.06, -125),
        ("narrow", 0.01, 20, 0.008, -110),
        ("zp_x_min", 0.03, -128, 0.03, -128),     # inputs all >= 0 real
        ("zp_x_max", 0.03, 127, 0.00067, 127),    # inputs all <= 0 real, gelu in [-0.17, 0]
        ("saturating", 0.1, 0, 0.01, 0),
        ("coarse_out", 0.08, -5, 0.25, -2),
    ]
    for tag, s_x, zp_x, s_y, zp_y in gelu_params:
        s_x = f32(s_x)
        s_y, tab = pick_gelu_params(s_x, zp_x, s_y, zp_y)
        params = {"s_x": s_x, "zp_x": zp_x, "s_y": s_y, "zp_y": zp_y}
        c.append(case("gelu_%s_all256" % tag, "geluS8", params,
                      {"x": tensor(all256, "int8"), "table": tensor(tab, "int8")},
                      tensor(lut_s8(all256, tab), "int8")))
        x = rand_i8(rng, (4, 16))
        c.append(case("gelu_%s_random" % tag, "geluS8", params,
                      {"x": tensor(x, "int8"), "table": tensor(tab, "int8")},
                      tensor(lut_s8(x, tab), "int8")))

    def sm(name, x, s_x):
        s_x, E = pick_softmax_scale(s_x)
        c.append(case(name, "softmaxS8", {"s_x": s_x},
                      {"x": tensor(x, "int8"), "exp_table": tensor(E, "int32")},
                      tensor(softmax_s8(x, E), "int8")))

    for N in [1, 5, 16, 64]:
        for s_x in [0.0625, 0.1]:
            rows = [rand_i8(rng, (N,)) for _ in range(3)]
            rows.append(np.full(N, int(rng.integers(-128, 128)), np.int64))   # all equal
            big = np.full(N, -128, np.int64)
            big[int(rng.integers(0, N))] = 127                                     # one big value
            rows.append(big)
            rows.append(np.full(N, 127, np.int64))
            rows.append(rand_i8(rng, (N,), 100, 127))                               # narrow spread
            sm("softmax_n%d_s%s" % (N, repr(s_x)), np.stack(rows), s_x)
    sm("softmax_small_scale", rand_i8(rng, (4, 16)), 0.004)
    sm("softmax_large_scale", rand_i8(rng, (4, 16)), 0.5)
    sm("softmax_two_tied_max", np.array([[5, 5, -20, 0], [127, 127, 127, -128], [-128, -128, -128, -127]],
                                        np.int64), 0.08)
    sm("softmax_exp_underflow", np.array([[127, -128, -128, -128, -128, 0]], np.int64), 0.2)
    return c


def ln_case(rng, name, R, C, zp_x=None, zp_y=None, eps=1e-5, s_x=0.05, s_y=0.03, rows=None,
            gamma=None, beta=None):
    s_x, s_y, eps = f32(s_x), f32(s_y), f32(eps)
    zp_x = int(rng.integers(-30, 31)) if zp_x is None else zp_x
    zp_y = int(rng.integers(-20, 21)) if zp_y is None else zp_y
    x = rand_i8(rng, (R, C)) if rows is None else np.asarray(rows, np.int64)
    if gamma is None:
        gamma = rng.normal(1.0, 0.3, size=C)
        gamma[rng.random(C) < 0.15] *= -1.0
    if beta is None:
        beta = rng.normal(0.0, 0.3, size=C)
    gamma = np.asarray(gamma, np.float32)
    beta = np.asarray(beta, np.float32)
    gq, bq, m, sh, eps_q = layer_norm_host(gamma, beta, eps, s_x, s_y, C)
    y = layer_norm_s8(x, gq, bq, m, sh, zp_x, zp_y, eps_q)
    params = {"zp_x": zp_x, "zp_y": zp_y, "eps_q": eps_q, "eps": eps, "s_x": s_x, "s_y": s_y}
    tensors = {"x": tensor(x, "int8"), "gamma_q": tensor(gq, "int8"), "beta_q": tensor(bq, "int32"),
               "multiplier": tensor(m, "int32"), "shift": tensor(sh, "int32"),
               "gamma": tensor(gamma, "float32"), "beta": tensor(beta, "float32")}
    return case(name, "layerNormS8", params, tensors, tensor(y, "int8"))


def build_layer_norm():
    rng = rng_for(6)
    c = []
    for C in [1, 8, 64, 128]:
        rows = [rand_i8(rng, (C,)) for _ in range(3)]
        rows.append(np.full(C, int(rng.integers(-128, 128)), np.int64))   # zero variance
        rows.append(rand_i8(rng, (C,), -5, 5))                               # small spread
        r = np.full(C, -128, np.int64)
        r[0] = 127
        rows.append(r)                                                         # one outlier
        rows.append(np.where(np.arange(C) % 2 == 0, 127, -128))                # max spread
        c.append(ln_case(rng, "ln_c%d" % C, 0, C, rows=np.stack(rows)))
        c.append(ln_case(rng, "ln_c%d_eps_q_zero" % C, 0, C, rows=np.stack(rows), eps=1e-12))
        c.append(ln_case(rng, "ln_c%d_big_eps" % C, 0, C, rows=np.stack(rows), eps=0.5))
    c.append(ln_case(rng, "ln_zp_extremes_lo", 4, 16, zp_x=-128, zp_y=-128))
    c.append(ln_case(rng, "ln_zp_extremes_hi", 4, 16, zp_x=127, zp_y=127))
    c.append(ln_case(rng, "ln_fine_out_scale_saturates", 4, 16, s_y=0.005))
    c.append(ln_case(rng, "ln_coarse_scales", 4, 32, s_x=0.5, s_y=0.1))
    c.append(ln_case(rng, "ln_identity_affine", 4, 8, gamma=np.ones(8), beta=np.zeros(8), zp_y=0,
                     s_y=4.0 / 128.0))
    c.append(ln_case(rng, "ln_zero_variance_rows_beta", 0, 8,
                     rows=np.array([[3] * 8, [-128] * 8, [127] * 8]), eps=1e-12))
    c.append(ln_case(rng, "ln_large_beta", 3, 8, beta=rng.normal(0, 3.0, size=8), s_y=0.05))
    for name, R, C, eps in [("f32_c8", 3, 8, 1e-5), ("f32_c1", 2, 1, 1e-5), ("f32_c64", 2, 64, 1e-6),
                            ("f32_constant_row", 1, 16, 1e-5)]:
        x = rng.normal(0.3, 2.0, size=(R, C)).astype(np.float32)
        if name == "f32_constant_row":
            x[:] = np.float32(1.25)
        gamma = rng.normal(1.0, 0.3, size=C).astype(np.float32)
        beta = rng.normal(0.0, 0.3, size=C).astype(np.float32)
        eps = f32(eps)
        c.append(case("ln_" + name, "layerNormF32", {"eps": eps},
                      {"x": tensor(x, "float32"), "gamma": tensor(gamma, "float32"),
                       "beta": tensor(beta, "float32")},
                      tensor(layer_norm_f(x, gamma, beta, eps), "float32")))
    return c


def build_pool_matmul_norm():
    rng = rng_for(7)
    c = []

    def mp(name, T, C, s_x, s_y, zp_x=None, zp_y=None, act=0, x=None):
        s_x, s_y = f32(s_x), f32(s_y)
        zp_x = int(rng.integers(-40, 41)) if zp_x is None else zp_x
        zp_y = int(rng.integers(-40, 41)) if zp_y is None else zp_y
        x = rand_i8(rng, (T, C)) if x is None else np.asarray(x, np.int64)
        m, sh = quantize_multiplier(s_x / (float(T) * s_y))
        lo, hi = [(-128, 127), relu_bounds(zp_y), relu6_bounds(zp_y, s_y)][act]
        y = mean_pool_s8(x, zp_x, zp_y, m, sh, lo, hi)
        c.append(case(name, "meanPoolS8", {"zp_x": zp_x, "zp_y": zp_y, "mult": m, "shift": sh, "lo": lo,
                                           "hi": hi, "s_x": s_x, "s_y": s_y},
                      {"x": tensor(x, "int8")}, tensor(y, "int8")))

    mp("meanpool_t1", 1, 4, 0.05, 0.05)
    mp("meanpool_t4", 4, 6, 0.05, 0.02)
    mp("meanpool_t32", 32, 8, 0.04, 0.01)
    mp("meanpool_t128", 128, 3, 0.02, 0.004)
    mp("meanpool_t7_odd", 7, 5, 0.03, 0.03)
    mp("meanpool_zp_lo", 16, 4, 0.05, 0.02, zp_x=-128, zp_y=-128)
    mp("meanpool_zp_hi", 16, 4, 0.05, 0.02, zp_x=127, zp_y=127)
    mp("meanpool_relu", 16, 6, 0.05, 0.02, act=1)
    mp("meanpool_relu6", 16, 6, 0.05, 0.03, zp_y=-100, act=2)
    mp("meanpool_saturating", 16, 6, 0.05, 0.002)
    mp("meanpool_ties", 2, 4, 0.5, 1.0, zp_x=0, zp_y=0,
       x=np.array([[1, -1, 3, -3], [0, 0, 0, 0]]))  # means 0.25, -0.25, 0.75, -0.75

    def bmm(name, B, M, K, N, tb, s_a, s_b, s_y, zp_a=None, zp_b=None, zp_y=None, act=0):
        s_a, s_b, s_y = f32(s_a), f32(s_b), f32(s_y)
        zp_a = int(rng.integers(-40, 41)) if zp_a is None else zp_a
        zp_b = int(rng.integers(-40, 41)) if zp_b is None else zp_b
        zp_y = int(rng.integers(-40, 41)) if zp_y is None else zp_y
        a = rand_i8(rng, (B, M, K))
        b = rand_i8(rng, (B, N, K) if tb else (B, K, N))
        m, sh = quantize_multiplier(s_a * s_b / s_y)
        lo, hi = [(-128, 127), relu_bounds(zp_y), relu6_bounds(zp_y, s_y)][act]
        y = batch_matmul_s8(a, b, tb, zp_a, zp_b, zp_y, m, sh, lo, hi)
        c.append(case(name, "batchMatMulS8", {"transpose_b": tb, "zp_a": zp_a, "zp_b": zp_b, "zp_y": zp_y,
                                              "mult": m, "shift": sh, "lo": lo, "hi": hi,
                                              "s_a": s_a, "s_b": s_b, "s_y": s_y},
                      {"a": tensor(a, "int8"), "b": tensor(b, "int8")}, tensor(y, "int8")))

    bmm("bmm_b1", 1, 3, 4, 5, 0, 0.02, 0.02, 0.1)
    bmm("bmm_b1_tb", 1, 3, 4, 5, 1, 0.02, 0.02, 0.1)
    bmm("bmm_b2", 2, 4, 8, 3, 0, 0.03, 0.02, 0.15)
    bmm("bmm_b2_tb", 2, 4, 8, 3, 1, 0.03, 0.02, 0.15)
    bmm("bmm_attention_like_tb", 2, 6, 16, 6, 1, 0.05, 0.05, 0.5)
    bmm("bmm_k1", 2, 3, 1, 4, 0, 0.05, 0.05, 0.02)
    bmm("bmm_zp_extremes", 1, 3, 8, 3, 0, 0.02, 0.02, 1.0, -128, 127, 60)
    bmm("bmm_zp_extremes_tb", 1, 3, 8, 3, 1, 0.02, 0.02, 0.2, 127, -128, 127)
    bmm("bmm_saturating", 1, 4, 8, 4, 1, 0.05, 0.05, 0.01)
    bmm("bmm_relu", 2, 3, 8, 3, 0, 0.03, 0.03, 0.1, act=1)
    bmm("bmm_k64", 1, 2, 64, 3, 1, 0.02, 0.02, 0.3)

    def l2(name, x, zp_x):
        x = np.asarray(x, np.int64)
        c.append(case(name, "l2NormalizeS8", {"zp_x": zp_x}, {"x": tensor(x, "int8")},
                      tensor(l2_normalize_s8(x, zp_x), "int8")))

    rows6 = [rand_i8(rng, (6,)) for _ in range(3)]
    rows6.append(np.full(6, 7, np.int64))                         # all zero after zp
    r = np.full(6, 7, np.int64); r[2] = 57; rows6.append(r)        # single non-zero, positive -> 127
    r = np.full(6, 7, np.int64); r[4] = -93; rows6.append(r)       # single non-zero, negative -> -128
    r = np.full(6, 7, np.int64); r[0] = 8; rows6.append(r)         # single +1
    rows6.append(np.array([8, 6, 8, 6, 8, 6]))                     # +-1 alternating
    l2("l2_c6_zp7", np.stack(rows6), 7)
    l2("l2_c1", np.array([[5], [-5], [0], [127], [-128]]), 0)
    l2("l2_c16_zp_minus128", np.vstack([rand_i8(rng, (3, 16)), np.full((1, 16), -128)]), -128)
    l2("l2_c16_zp_127", np.vstack([rand_i8(rng, (3, 16)), np.full((1, 16), 127),
                                    np.full((1, 16), -128)]), 127)
    l2("l2_c64", rand_i8(rng, (3, 64)), -3)
    l2("l2_c2_exact", np.array([[3, 4], [-3, 4], [0, 0], [1, 1], [-1, 1]]), 0)
    l2("l2_c4_equal", np.array([[10, 10, 10, 10], [-128, -128, -128, -128]]), 0)

    def qz(name, x, s, zp):
        x = np.asarray(x, np.float32)
        s = f32(s)
        c.append(case(name, "quantizeF32ToS8", {"s": s, "zp": zp}, {"x": tensor(x, "float32")},
                      tensor(quantize_f32_to_s8(x, s, zp), "int8")))

    # exact ties after float32 division: s a power of two, x = (k + 0.5) * s
    ks = np.arange(-6, 6) + 0.5
    qz("quant_ties_pow2_scale", ks * 0.125, 0.125, 0)
    qz("quant_ties_pow2_scale_zp", ks * 0.125, 0.125, -7)
    # ties with a non-power-of-two scale: keep only x where float32(x / s) is exactly k + 0.5
    s = np.float32(0.1)
    tie_x = []
    for k in range(-40, 40):
        t = np.float32(k + 0.5)
        for cand in [np.float32(t * s), np.nextafter(np.float32(t * s), np.float32(1e9)),
                     np.nextafter(np.float32(t * s), np.float32(-1e9))]:
            if np.float32(cand / s) == t:
                tie_x.append(cand)
                break
    assert len(tie_x) >= 20
    qz("quant_ties_scale_0p1", tie_x, 0.1, 3)
    qz("quant_huge", [3.0e38, -3.0e38, 1e20, -1e20, 65504.0, -65504.0, 1e10, 129.0, -129.0,
                      127.49, -128.49, 127.5, -128.5], 1.0, 0)
    qz("quant_overflow_to_inf", [3.0e38, -3.0e38, 1e37, -1e37], 1e-3, 5)
    qz("quant_signed_zero_and_tiny", [0.0, -0.0, 1e-30, -1e-30, 1e-45, -1e-45], 0.05, -3)
    qz("quant_random", rng.normal(0, 2.0, size=40), f32(0.0321), -17)
    qz("quant_zp_minus128", rng.normal(0, 2.0, size=20), f32(0.02), -128)
    qz("quant_zp_127", rng.normal(0, 2.0, size=20), f32(0.02), 127)

    def dq(name, q, s, zp):
        q = np.asarray(q, np.int64)
        s = f32(s)
        c.append(case(name, "dequantizeS8ToF32", {"s": s, "zp": zp}, {"q": tensor(q, "int8")},
                      tensor(dequantize_s8_to_f32(q, s, zp), "float32")))

    all256 = np.arange(-128, 128)
    dq("dequant_all_zp0", all256, 0.0321, 0)
    dq("dequant_all_zp_minus128", all256, 1.0 / 256.0, -128)
    dq("dequant_all_zp_127", all256, 0.1, 127)
    dq("dequant_random", rand_i8(rng, (3, 5)), 0.0123456, -9)

    # float versions
    for T, C in [(1, 4), (16, 6)]:
        x = rng.normal(0, 1.5, size=(T, C)).astype(np.float32)
        c.append(case("meanpool_f32_t%d" % T, "meanPoolF32", {}, {"x": tensor(x, "float32")},
                      tensor(mean_pool_f(x), "float32")))
    for B, M, K, N, tb in [(1, 3, 4, 5, 0), (2, 4, 8, 3, 1), (2, 3, 1, 2, 0)]:
        a = rng.normal(0, 1, size=(B, M, K)).astype(np.float32)
        b = rng.normal(0, 1, size=(B, N, K) if tb else (B, K, N)).astype(np.float32)
        c.append(case("bmm_f32_b%d_m%d_k%d_n%d_tb%d" % (B, M, K, N, tb), "batchMatMulF32",
                      {"transpose_b": tb}, {"a": tensor(a, "float32"), "b": tensor(b, "float32")},
                      tensor(batch_matmul_f(a, b, tb), "float32")))
    for name, x in [("softmax_f32_n5", rng.normal(0, 2, size=(3, 5))),
                    ("softmax_f32_n1", rng.normal(0, 2, size=(2, 1))),
                    ("softmax_f32_large_values", np.array([[1000.0, 999.0, 0.0], [-50.0, -50.0, -50.0]])),
                    ("softmax_f32_n64", rng.normal(0, 3, size=(2, 64)))]:
        x = np.asarray(x, np.float32)
        c.append(case(name, "softmaxF32", {}, {"x": tensor(x, "float32")}, tensor(softmax_f(x), "float32")))
    x = np.concatenate([np.linspace(-6, 6, 49), rng.normal(0, 2, size=15)]).astype(np.float32).reshape(4, 16)
    c.append(case("gelu_f32", "geluF32", {}, {"x": tensor(x, "float32")}, tensor(gelu_f(x), "float32")))
    x = np.vstack([rng.normal(0, 1, size=(2, 6)), np.zeros((1, 6)), [[0, 0, 3.5, 0, 0, 0]],
                   [[0, 0, 0, 0, -2.0, 0]]]).astype(np.float32)
    c.append(case("l2_f32", "l2NormalizeF32", {}, {"x": tensor(x, "float32")},
                  tensor(l2_normalize_f(x), "float32")))
    return c


# ----------------------------------------------------------------------------------------------
# The small end-to-end graph
# ----------------------------------------------------------------------------------------------

def imu_window(rng, T=32):
    t = np.arange(T, dtype=np.float64)
    out = np.zeros((T, 3))
    for ch in range(3):
        f = rng.uniform(0.03, 0.25)
        out[:, ch] = (rng.uniform(0.3, 1.5) * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
                      + rng.normal(0, 0.15, size=T) + (1.0 if ch == 2 else 0.0) * rng.uniform(0.5, 1.0))
    return out.astype(np.float32)


def build_small_graph():
    rng = rng_for(8)
    T, C_in, C1, K1, K2, O = 32, 3, 8, 5, 3, 6
    eps = f32(1e-5)
    w1 = (rng.normal(0, 1, size=(C1, K1, C_in)) / math.sqrt(K1 * C_in)).astype(np.float32)
    b1 = rng.normal(0, 0.2, size=C1).astype(np.float32)
    w2 = (rng.normal(0, 1, size=(C1, K2, 1)) / math.sqrt(K2)).astype(np.float32)
    b2 = rng.normal(0, 0.2, size=C1).astype(np.float32)
    gamma = rng.normal(1.0, 0.2, size=C1).astype(np.float32)
    beta = rng.normal(0.0, 0.2, size=C1).astype(np.float32)
    w3 = (rng.normal(0, 1, size=(O, C1)) / math.sqrt(C1)).astype(np.float32)
    b3 = rng.normal(0, 0.1, size=O).astype(np.float32)

    def forward_f(x):
        a0 = np.asarray(x, np.float64)
        a1 = conv1d_f(a0, w1, b1, 1, 1, 2, 2, 1, 1)
        a2 = conv1d_f(a1, w2, b2, 1, 1, 1, 1, C1, 0)
        a3 = layer_norm_f(a2, gamma, beta, eps)
        a4 = gelu_f(a3)
        a5 = mean_pool_f(a4)
        a6 = fully_connected_f(a5, w3, b3, 0)
        a7 = l2_normalize_f(a6)
        return [a0, a1, a2, a3, a4, a5, a6, a7]

    calib = [forward_f(imu_window(rng)) for _ in range(64)]
    qp = []
    for i in range(7):
        lo = min(float(acts[i].min()) for acts in calib)
        hi = max(float(acts[i].max()) for acts in calib)
        qp.append(calib_qparams(lo, hi))
    qp.append((1.0 / 128.0, 0))  # l2Normalize output, fixed by the spec

    x_in = imu_window(rng)
    fl = forward_f(x_in)
    layers = []

    def layer(kernel, params, tensors, i, y_q):
        layers.append({"kernel": kernel, "params": clean_params(params), "tensors": tensors,
                       "input_quant": {"scale": qp[i - 1][0], "zp": qp[i - 1][1]} if i > 0 else None,
                       "output_quant": {"scale": qp[i][0], "zp": qp[i][1]},
                       "expected_int8": tensor(y_q, "int8"), "expected_float": tensor(fl[i], "float32")})

    # 0: quantize the input
    s0, z0 = qp[0]
    q0 = quantize_f32_to_s8(x_in, s0, z0)
    layer("quantizeF32ToS8", {"s": s0, "zp": z0}, {"x": tensor(x_in, "float32")}, 0, q0)
    layers[-1].pop("input_quant")

    # 1: conv 3->8, K=5, pad 2/2, fused ReLU
    s1, z1 = qp[1]
    w1q, sw1 = quantize_weights_per_channel(w1)
    b1q = quantize_bias(b1, s0, sw1)
    mm = [quantize_multiplier(s0 * float(sw) / s1) for sw in sw1]
    m1 = np.array([m for m, _ in mm], np.int64)
    sh1 = np.array([s for _, s in mm], np.int64)
    lo1, hi1 = relu_bounds(z1)
    q1 = conv1d_s8(q0, w1q, b1q, m1, sh1, z0, z1, 1, 1, 2, 2, 1, lo1, hi1)
    layer("conv1dS8", {"zp_x": z0, "zp_y": z1, "stride": 1, "dilation": 1, "pad_left": 2, "pad_right": 2,
                       "groups": 1, "lo": lo1, "hi": hi1},
          {"w": tensor(w1q, "int8"), "bias": tensor(b1q, "int32"), "multiplier": tensor(m1, "int32"),
           "shift": tensor(sh1, "int32"), "w_float": tensor(w1, "float32"),
           "bias_float": tensor(b1, "float32"), "w_scale": tensor(sw1, "float32")}, 1, q1)

    # 2: depthwise conv 8->8, K=3, groups 8, pad 1/1
    s2, z2 = qp[2]
    w2q, sw2 = quantize_weights_per_channel(w2)
    b2q = quantize_bias(b2, s1, sw2)
    mm = [quantize_multiplier(s1 * float(sw) / s2) for sw in sw2]
    m2 = np.array([m for m, _ in mm], np.int64)
    sh2 = np.array([s for _, s in mm], np.int64)
    q2 = conv1d_s8(q1, w2q, b2q, m2, sh2, z1, z2, 1, 1, 1, 1, C1, -128, 127)
    layer("conv1dS8", {"zp_x": z1, "zp_y": z2, "stride": 1, "dilation": 1, "pad_left": 1, "pad_right": 1,
                       "groups": C1, "lo": -128, "hi": 127},
          {"w": tensor(w2q, "int8"), "bias": tensor(b2q, "int32"), "multiplier": tensor(m2, "int32"),
           "shift": tensor(sh2, "int32"), "w_float": tensor(w2, "float32"),
           "bias_float": tensor(b2, "float32"), "w_scale": tensor(sw2, "float32")}, 2, q2)

    # 3: layer norm over C=8
    s3, z3 = qp[3]
    gq, bq, m3, sh3, eps_q = layer_norm_host(gamma, beta, eps, s2, s3, C1)
    q3 = layer_norm_s8(q2, gq, bq, m3, sh3, z2, z3, eps_q)
    layer("layerNormS8", {"zp_x": z2, "zp_y": z3, "eps_q": eps_q, "eps": eps, "s_x": s2, "s_y": s3},
          {"gamma_q": tensor(gq, "int8"), "beta_q": tensor(bq, "int32"), "multiplier": tensor(m3, "int32"),
           "shift": tensor(sh3, "int32"), "gamma": tensor(gamma, "float32"), "beta": tensor(beta, "float32")},
          3, q3)

    # 4: gelu LUT
    s4, z4 = qp[4]
    tab, margin = gelu_table(s3, z3, s4, z4)
    assert margin > 1e-9, margin
    q4 = lut_s8(q3, tab)
    layer("geluS8", {"s_x": s3, "zp_x": z3, "s_y": s4, "zp_y": z4}, {"table": tensor(tab, "int8")}, 4, q4)

    # 5: mean pool over time
    s5, z5 = qp[5]
    m5, sh5 = quantize_multiplier(s4 / (float(T) * s5))
    q5 = mean_pool_s8(q4, z4, z5, m5, sh5, -128, 127)
    layer("meanPoolS8", {"zp_x": z4, "zp_y": z5, "mult": m5, "shift": sh5, "lo": -128, "hi": 127,
                         "s_x": s4, "s_y": s5}, {}, 5, q5)

    # 6: fully connected 8->6
    s6, z6 = qp[6]
    w3q, sw3 = quantize_weights_per_channel(w3)
    b3q = quantize_bias(b3, s5, sw3)
    mm = [quantize_multiplier(s5 * float(sw) / s6) for sw in sw3]
    m6 = np.array([m for m, _ in mm], np.int64)
    sh6 = np.array([s for _, s in mm], np.int64)
    q6 = fully_connected_s8(q5, w3q, b3q, m6, sh6, z5, z6, -128, 127)
    layer("fullyConnectedS8", {"zp_x": z5, "zp_y": z6, "lo": -128, "hi": 127},
          {"w": tensor(w3q, "int8"), "bias": tensor(b3q, "int32"), "multiplier": tensor(m6, "int32"),
           "shift": tensor(sh6, "int32"), "w_float": tensor(w3, "float32"),
           "bias_float": tensor(b3, "float32"), "w_scale": tensor(sw3, "float32")}, 6, q6)

    # 7: l2 normalize
    q7 = l2_normalize_s8(q6, z6)
    layer("l2NormalizeS8", {"zp_x": z6}, {}, 7, q7)

    deq = (q7.astype(np.float64) - 0) / 128.0
    ref = fl[7]
    cos = float((deq * ref).sum() / (np.linalg.norm(deq) * np.linalg.norm(ref)))
    doc = {
        "spec": "docs/int8-spec.md",
        "description": "quantize -> conv1d(3->8,K5,pad2/2,ReLU) -> depthwise conv1d(K3,pad1/1) -> layerNorm -> "
                       "gelu LUT -> meanPool -> fullyConnected(8->6) -> l2Normalize",
        "input": tensor(x_in, "float32"),
        "input_quant": {"scale": s0, "zp": z0},
        "layers": layers,
        "expected_int8": tensor(q7, "int8"),
        "expected_float": tensor(ref, "float32"),
        "float_vs_int8": {"max_abs": float(np.max(np.abs(deq - ref))), "cosine": cos},
    }
    return doc


# ----------------------------------------------------------------------------------------------

FILES = [
    ("fixed_point.json", build_fixed_point),
    ("conv1d_s8.json", build_conv),
    ("fully_connected_s8.json", build_fc),
    ("elementwise_s8.json", build_elementwise),
    ("lut_s8.json", build_lut),
    ("layer_norm_s8.json", build_layer_norm),
    ("pool_matmul_norm_s8.json", build_pool_matmul_norm),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for fname, build in FILES:
        cases = build()
        path = write_cases(args.out, fname, cases)
        size = os.path.getsize(path)
        total += size
        if not args.quiet:
            counts = {}
            for cs in cases:
                counts[cs["kernel"]] = counts.get(cs["kernel"], 0) + 1
            print("%-28s %8d bytes  %s" % (fname, size, ", ".join("%s %d" % kv for kv in counts.items())))
    doc = build_small_graph()
    path = write_doc(args.out, "small_graph.json", doc)
    size = os.path.getsize(path)
    total += size
    if not args.quiet:
        print("%-28s %8d bytes  layers %d, float_vs_int8 %s" % ("small_graph.json", size, len(doc["layers"]),
                                                                 doc["float_vs_int8"]))
        print("total %d bytes" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
