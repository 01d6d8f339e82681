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
#endif
