// Eight int32 accumulators requantized at once with AVX2, bit-identical to mujo_requantize
// (requantize.h, FixedPoint.swift). Included only by AVX2 code (functions with target("avx2")).
//
// total = acc + bias fits int32 unless the addition overflows; then (rare: only far outside any
// calibrated range) the eight are done by the scalar code. With |total| < 2³¹ and M < 2³¹, the
// products total·M (vpmuldq, even and odd lanes apart) are exact in int64, + 2^(n−1) cannot
// overflow, and the arithmetic shift right by n is done without vpsraq (AVX-512) as
// ((p + 2⁶³) >>> n) − (2⁶³ >>> n). The clamp to [lo − zp, hi − zp] is done in int64, so no
// intermediate value saturates; then + zp, narrowed to int8 (already in range).
#ifndef MUJO_REQUANTIZE_AVX2_H
#define MUJO_REQUANTIZE_AVX2_H
#include <immintrin.h>
#include "requantize.h"

static inline __attribute__((always_inline, target("avx2")))
__m256i mujo_shift_right_arithmetic_epi64(__m256i p, __m256i n) {
    const __m256i sign = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    return _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_xor_si256(p, sign), n), _mm256_srlv_epi64(sign, n));
}

/// y[0..<8] = mujo_requantize(acc[j], c + j, o) for j < 8.
static inline __attribute__((always_inline, target("avx2")))
void mujo_requantize8_avx2(const int32_t *acc, ptrdiff_t c, const mujo_requant_out *o, int8_t *y) {
    __m256i a = _mm256_loadu_si256((const __m256i *)acc);
    __m256i total = a;
    if (o->bias) {
        __m256i b = _mm256_loadu_si256((const __m256i *)(o->bias + c));
        total = _mm256_add_epi32(a, b);
        // Signed overflow: a and b of one sign, the sum of the other.
        __m256i overflow = _mm256_and_si256(_mm256_xor_si256(a, total), _mm256_xor_si256(b, total));
        if (_mm256_movemask_ps(_mm256_castsi256_ps(overflow))) {
            for (int j = 0; j < 8; j++) y[j] = mujo_requantize(acc[j], c + j, o);
            return;
        }
    }
    __m256i m, shift;
    if (o->per_column) {
        // The table interleaves (multiplier, shift) per column: split it into two vectors.
        const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
        __m256i t0 = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)(o->requant + 2 * c)), even);
        __m256i t1 = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)(o->requant + 2 * c + 8)), even);
        m = _mm256_permute2x128_si256(t0, t1, 0x20);
        shift = _mm256_permute2x128_si256(t0, t1, 0x31);
    } else {
        m = _mm256_set1_epi32(o->requant[0]);
        shift = _mm256_set1_epi32(o->requant[1]);
    }
    __m256i n = _mm256_sub_epi32(_mm256_set1_epi32(31), shift);
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFFLL), one = _mm256_set1_epi64x(1);
    __m256i n_even = _mm256_and_si256(n, low32), n_odd = _mm256_srli_epi64(n, 32);
    __m256i p_even = _mm256_mul_epi32(total, m);
    __m256i p_odd = _mm256_mul_epi32(_mm256_srli_epi64(total, 32), _mm256_srli_epi64(m, 32));
    p_even = _mm256_add_epi64(p_even, _mm256_sllv_epi64(one, _mm256_sub_epi64(n_even, one)));
    p_odd = _mm256_add_epi64(p_odd, _mm256_sllv_epi64(one, _mm256_sub_epi64(n_odd, one)));
    __m256i v_even = mujo_shift_right_arithmetic_epi64(p_even, n_even);
    __m256i v_odd = mujo_shift_right_arithmetic_epi64(p_odd, n_odd);
    const __m256i lo = _mm256_set1_epi64x((long long)o->lo - o->zero_point);
    const __m256i hi = _mm256_set1_epi64x((long long)o->hi - o->zero_point);
    v_even = _mm256_blendv_epi8(v_even, lo, _mm256_cmpgt_epi64(lo, v_even));
    v_even = _mm256_blendv_epi8(v_even, hi, _mm256_cmpgt_epi64(v_even, hi));
    v_odd = _mm256_blendv_epi8(v_odd, lo, _mm256_cmpgt_epi64(lo, v_odd));
    v_odd = _mm256_blendv_epi8(v_odd, hi, _mm256_cmpgt_epi64(v_odd, hi));
    __m256i v = _mm256_blend_epi32(v_even, _mm256_slli_epi64(v_odd, 32), 0xAA);
    v = _mm256_add_epi32(v, _mm256_set1_epi32(o->zero_point));
    __m128i v16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)y, _mm_packs_epi16(v16, v16));
}

/// y[j] = mujo_requantize(acc[j], c0 + j, o) for j < count.
static inline __attribute__((always_inline, target("avx2")))
void mujo_requantize_row_avx2(const int32_t *acc, ptrdiff_t c0, ptrdiff_t count, const mujo_requant_out *o, int8_t *y) {
    ptrdiff_t j = 0;
    for (; j + 8 <= count; j += 8) mujo_requantize8_avx2(acc + j, c0 + j, o, y + j);
    for (; j < count; j++) y[j] = mujo_requantize(acc[j], c0 + j, o);
}
/// What mujo_requantize8_avx2 derives from eight columns' (multiplier, shift) pairs, derived once:
/// the multipliers, 2^(n−1) and n for the even and odd int64 lanes, 2⁶³ >>> n, and whether every
/// shift is ≤ 0. Then n ≥ 31, so (total·M + 2^(n−1)) >> n fits int32 (|total|, |M| < 2³¹), and the
/// clamp can be done by saturating narrowing: int32 → int16 (saturating), + zp (saturating), →
/// int8 (saturating), then max/min with lo, hi; a value saturated on the way is beyond int8 on the
/// same side, so this is clamp(v + zp, lo, hi) exactly. With a positive shift the plan falls back
/// to mujo_requantize8_avx2.
typedef struct {
    __m256i m_even, m_odd, round_even, round_odd, n_even, n_odd, sign_even, sign_odd;
    int narrow;
} mujo_requant8_plan;

/// The plan of columns c ..< c + 8 (for a per-tensor `o`, any c).
static inline __attribute__((always_inline, target("avx2")))
void mujo_requant8_plan_init(const mujo_requant_out *o, ptrdiff_t c, mujo_requant8_plan *p) {
    __m256i m, shift;
    if (o->per_column) {
        const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
        __m256i t0 = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)(o->requant + 2 * c)), even);
        __m256i t1 = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)(o->requant + 2 * c + 8)), even);
        m = _mm256_permute2x128_si256(t0, t1, 0x20);
        shift = _mm256_permute2x128_si256(t0, t1, 0x31);
    } else {
        m = _mm256_set1_epi32(o->requant[0]);
        shift = _mm256_set1_epi32(o->requant[1]);
    }
    __m256i n = _mm256_sub_epi32(_mm256_set1_epi32(31), shift);
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFFLL), one = _mm256_set1_epi64x(1);
    const __m256i sign = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    p->n_even = _mm256_and_si256(n, low32);
    p->n_odd = _mm256_srli_epi64(n, 32);
    p->m_even = m;
    p->m_odd = _mm256_srli_epi64(m, 32);
    p->round_even = _mm256_sllv_epi64(one, _mm256_sub_epi64(p->n_even, one));
    p->round_odd = _mm256_sllv_epi64(one, _mm256_sub_epi64(p->n_odd, one));
    p->sign_even = _mm256_srlv_epi64(sign, p->n_even);
    p->sign_odd = _mm256_srlv_epi64(sign, p->n_odd);
    p->narrow = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(shift, _mm256_setzero_si256()))) == 0;
}

/// The low 32 bits of mujo_multiply_by_quantized_multiplier(x[j], M, shift) for the plan's eight
/// (multiplier, shift) pairs, each product taken whole in an int64 lane: the value itself when it
/// fits int32 (and 1 ≤ n = 31 − shift ≤ 62).
static inline __attribute__((always_inline, target("avx2")))
__m256i mujo_multiply_by_quantized_multiplier8_avx2(__m256i x, const mujo_requant8_plan *p) {
    const __m256i sign = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, p->m_even), p->round_even);
    __m256i po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), p->m_odd), p->round_odd);
    __m256i ve = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_xor_si256(pe, sign), p->n_even), p->sign_even);
    __m256i vo = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_xor_si256(po, sign), p->n_odd), p->sign_odd);
    return _mm256_blend_epi32(ve, _mm256_slli_epi64(vo, 32), 0xAA);
}

/// mujo_requantize8_avx2(acc, c, o, y) through the plan of columns c ..< c + 8: the same bits.
static inline __attribute__((always_inline, target("avx2")))
void mujo_requantize8_planned_avx2(const int32_t *acc, ptrdiff_t c, const mujo_requant_out *o, const mujo_requant8_plan *p, int8_t *y) {
    __m256i a = _mm256_loadu_si256((const __m256i *)acc);
    __m256i total = a;
    if (o->bias) {
        __m256i b = _mm256_loadu_si256((const __m256i *)(o->bias + c));
        total = _mm256_add_epi32(a, b);
        __m256i overflow = _mm256_and_si256(_mm256_xor_si256(a, total), _mm256_xor_si256(b, total));
        if (_mm256_movemask_ps(_mm256_castsi256_ps(overflow))) {
            for (int j = 0; j < 8; j++) y[j] = mujo_requantize(acc[j], c + j, o);
            return;
        }
    }
    if (!p->narrow) { mujo_requantize8_avx2(acc, c, o, y); return; }
    __m256i v = mujo_multiply_by_quantized_multiplier8_avx2(total, p);
    __m128i v16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    v16 = _mm_adds_epi16(v16, _mm_set1_epi16((short)o->zero_point));
    __m128i v8 = _mm_packs_epi16(v16, v16);
    v8 = _mm_max_epi8(v8, _mm_set1_epi8((char)o->lo));
    v8 = _mm_min_epi8(v8, _mm_set1_epi8((char)o->hi));
    _mm_storel_epi64((__m128i *)y, v8);
}

/// The plans of columns [0, count) for count ≤ MUJO_REQUANT_PLAN_COLUMNS (their full groups of
/// eight), made once per call of a kernel and used by every row.
#define MUJO_REQUANT_PLAN_COLUMNS 256
typedef struct {
    mujo_requant8_plan group[MUJO_REQUANT_PLAN_COLUMNS / 8];
} mujo_requant_plan;

/// Plans columns [0, count) of `o` (per-tensor: one plan serves every column). 0 when count is
/// above MUJO_REQUANT_PLAN_COLUMNS: then the caller requantizes with mujo_requantize_row_avx2.
static inline __attribute__((always_inline, target("avx2")))
int mujo_requant_plan_init(const mujo_requant_out *o, ptrdiff_t count, mujo_requant_plan *plan) {
    if (count > MUJO_REQUANT_PLAN_COLUMNS) return 0;
    ptrdiff_t groups = o->per_column ? count / 8 : 1;
    for (ptrdiff_t g = 0; g < groups; g++) mujo_requant8_plan_init(o, 8 * g, &plan->group[g]);
    return 1;
}

/// mujo_requantize_row_avx2(acc, c0, count, o, y) through `plan` (columns from 0; c0 a multiple of 8).
static inline __attribute__((always_inline, target("avx2")))
void mujo_requantize_row_planned_avx2(const int32_t *acc, ptrdiff_t c0, ptrdiff_t count, const mujo_requant_out *o,
                                      const mujo_requant_plan *plan, int8_t *y) {
    ptrdiff_t j = 0;
    for (; j + 8 <= count; j += 8)
        mujo_requantize8_planned_avx2(acc + j, c0 + j, o, &plan->group[o->per_column ? (c0 + j) / 8 : 0], y + j);
    for (; j < count; j++) y[j] = mujo_requantize(acc[j], c0 + j, o);
}
#endif
