// mujo_layer_norm_s8: the reference layerNormS8 (MuJoCore/Kernels/LayerNormS8.swift) with the
// per-element division by the row's √ done as a multiplication by its Double reciprocal plus an
// exact integer correction (as PortableKernels.quotient), and on the AVX2 path the division four
// channels at a time in exact double lanes and the per-channel requantization eight at a time
// (requantize_avx2.h). Same integer statistics, same bits.
#include "include/CMuJoKernels.h"
#include "requantize.h"
#if defined(__x86_64__)
#include <string.h>
#include "requantize_avx2.h"
#endif

#define CHANNEL_CHUNK 256

/// FixedPoint.isqrt: ⌊√n⌋. Below 2⁵² (every row of up to 2¹⁶ channels) from the correctly rounded
/// double square root, which is ⌊√n⌋ or one more, corrected exactly in integers (a handful of cycles
/// instead of Newton's int64 divisions); above, by Newton's method on integers as the reference.
static int64_t isqrt64(int64_t n) {
    if (n < 2) return n < 0 ? 0 : n;
    if (n < ((int64_t)1 << 52)) {
        int64_t x = (int64_t)__builtin_sqrt((double)n);
        while (x * x > n) x -= 1;
        while ((x + 1) * (x + 1) <= n) x += 1;
        return x;
    }
    int bits = 64 - __builtin_clzll((uint64_t)n);
    int64_t x = (int64_t)1 << ((bits + 1) / 2);
    for (;;) {
        int64_t y = (x + n / x) / 2;
        if (y >= x) return x;
        x = y;
    }
}

/// FixedPoint.divRoundHalfAway(a, b), b > 0, |a| + b < 2⁵²; inverse = 1 / b.
static inline int64_t quotient(int64_t a, int64_t b, double inverse, int64_t half) {
    int64_t u = (a >= 0 ? a : -a) + half;
    int64_t q = (int64_t)((double)u * inverse);
    if (q * b > u) q -= 1;
    else if ((q + 1) * b <= u) q += 1;
    return a >= 0 ? q : -q;
}

/// The row statistics: the √ denominator, its reciprocal and half, and Σd.
typedef struct {
    int64_t s1, den, half;
    double inverse;
} row_statistics;

static inline __attribute__((always_inline)) row_statistics statistics(const int8_t *row, ptrdiff_t c, int32_t zx, int32_t epsilon) {
    int64_t s1 = 0, s2 = 0;
    for (ptrdiff_t i = 0; i < c; i++) {
        int64_t d = (int64_t)row[i] - zx;
        s1 += d;
        s2 += d * d;
    }
    int64_t den = isqrt64((int64_t)c * s2 - s1 * s1 + (int64_t)epsilon);
    row_statistics s = {.s1 = s1, .den = den, .half = den / 2, .inverse = den != 0 ? 1.0 / (double)den : 0};
    return s;
}

/// acc[j] = clamp_int32(normalised(i)·γ[i] + β[i]) for i = c0 + j, j < count.
static inline __attribute__((always_inline))
void normalise(const int8_t *row, ptrdiff_t c, ptrdiff_t c0, ptrdiff_t count, const int8_t *gamma, const int32_t *beta,
               int32_t zx, row_statistics s, int32_t *acc) {
    const int64_t one = (int64_t)1 << MUJO_LAYER_NORM_FRACTION_BITS, limit = (int64_t)1 << 23;
    for (ptrdiff_t j = 0; j < count; j++) {
        ptrdiff_t i = c0 + j;
        int64_t normalised = 0;
        if (s.den != 0) {
            normalised = quotient(((int64_t)c * ((int64_t)row[i] - zx) - s.s1) * one, s.den, s.inverse, s.half);
            normalised = normalised < -limit ? -limit : (normalised > limit ? limit : normalised);
        }
        int64_t a = normalised * gamma[i] + beta[i];
        acc[j] = (int32_t)(a < INT32_MIN ? INT32_MIN : (a > INT32_MAX ? INT32_MAX : a));
    }
}

static void layer_norm_portable(const int8_t *x, ptrdiff_t rows, ptrdiff_t c, const int8_t *gamma, const int32_t *beta,
                                const int32_t *requant, int32_t epsilon, int8_t *y, int32_t zx, int32_t zy) {
    const mujo_requant_out out = {.bias = NULL, .requant = requant, .per_column = 1, .zero_point = zy, .lo = -128, .hi = 127};
    int32_t acc[CHANNEL_CHUNK];
    for (ptrdiff_t r = 0; r < rows; r++) {
        row_statistics s = statistics(x + r * c, c, zx, epsilon);
        for (ptrdiff_t c0 = 0; c0 < c; c0 += CHANNEL_CHUNK) {
            ptrdiff_t count = c - c0 < CHANNEL_CHUNK ? c - c0 : CHANNEL_CHUNK;
            normalise(x + r * c, c, c0, count, gamma, beta, zx, s, acc);
            for (ptrdiff_t j = 0; j < count; j++) y[r * c + c0 + j] = mujo_requantize(acc[j], c0 + j, &out);
        }
    }
}

#if defined(__x86_64__)
/// normalise() four channels at a time in double lanes. Every value is an integer below 2⁵³, so
/// each step is exact: c·d − Σd and its ×2¹² (|·| + half < 2⁵², as quotient() requires), the
/// truncated product by the reciprocal and its one-step correction (q·den and q·den + den ≤ u + den),
/// the clamp to ±2²³, and normalised·γ + β (< 2³² in magnitude) clamped to int32 — the same integers
/// as the scalar code, hence the same bits. The last count % 4 channels take the scalar code.
__attribute__((target("avx2")))
static void normalise_avx2(const int8_t *row, ptrdiff_t c, ptrdiff_t c0, ptrdiff_t count, const int8_t *gamma,
                           const int32_t *beta, int32_t zx, row_statistics s, int32_t *acc) {
    ptrdiff_t j = 0;
    const __m256d sign_bit = _mm256_set1_pd(-0.0), one = _mm256_set1_pd(1.0);
    const __m256d channels = _mm256_set1_pd((double)c), sum = _mm256_set1_pd((double)s.s1);
    const __m256d scale = _mm256_set1_pd((double)((int64_t)1 << MUJO_LAYER_NORM_FRACTION_BITS));
    const __m256d den = _mm256_set1_pd((double)s.den), half = _mm256_set1_pd((double)s.half), inverse = _mm256_set1_pd(s.inverse);
    const __m256d limit = _mm256_set1_pd((double)((int64_t)1 << 23)), neg_limit = _mm256_set1_pd(-(double)((int64_t)1 << 23));
    const __m256d lo = _mm256_set1_pd((double)INT32_MIN), hi = _mm256_set1_pd((double)INT32_MAX);
    const __m128i zero_point = _mm_set1_epi32(zx);
    for (; s.den != 0 && j + 4 <= count; j += 4) {
        ptrdiff_t i = c0 + j;
        int32_t x4, g4;
        memcpy(&x4, row + i, 4);
        memcpy(&g4, gamma + i, 4);
        __m256d d = _mm256_cvtepi32_pd(_mm_sub_epi32(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(x4)), zero_point));
        __m256d num = _mm256_mul_pd(_mm256_sub_pd(_mm256_mul_pd(channels, d), sum), scale);
        __m256d negative = _mm256_and_pd(num, sign_bit);
        __m256d u = _mm256_add_pd(_mm256_andnot_pd(sign_bit, num), half);
        __m256d q = _mm256_round_pd(_mm256_mul_pd(u, inverse), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        __m256d qb = _mm256_mul_pd(q, den);
        __m256d over = _mm256_cmp_pd(qb, u, _CMP_GT_OQ);
        __m256d under = _mm256_andnot_pd(over, _mm256_cmp_pd(_mm256_add_pd(qb, den), u, _CMP_LE_OQ));
        q = _mm256_add_pd(_mm256_sub_pd(q, _mm256_and_pd(over, one)), _mm256_and_pd(under, one));
        __m256d normalised = _mm256_min_pd(_mm256_max_pd(_mm256_or_pd(q, negative), neg_limit), limit);
        __m256d g = _mm256_cvtepi32_pd(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(g4)));
        __m256d b = _mm256_cvtepi32_pd(_mm_loadu_si128((const __m128i *)(beta + i)));
        __m256d a = _mm256_min_pd(_mm256_max_pd(_mm256_add_pd(_mm256_mul_pd(normalised, g), b), lo), hi);
        _mm_storeu_si128((__m128i *)(acc + j), _mm256_cvttpd_epi32(a));
    }
    normalise(row, c, c0 + j, count - j, gamma, beta, zx, s, acc + j);
}

__attribute__((target("avx2")))
static void layer_norm_avx2(const int8_t *x, ptrdiff_t rows, ptrdiff_t c, const int8_t *gamma, const int32_t *beta,
                            const int32_t *requant, int32_t epsilon, int8_t *y, int32_t zx, int32_t zy) {
    const mujo_requant_out out = {.bias = NULL, .requant = requant, .per_column = 1, .zero_point = zy, .lo = -128, .hi = 127};
    int32_t acc[CHANNEL_CHUNK];
    mujo_requant_plan plan;
    const int planned = mujo_requant_plan_init(&out, c, &plan);
    for (ptrdiff_t r = 0; r < rows; r++) {
        row_statistics s = statistics(x + r * c, c, zx, epsilon);
        for (ptrdiff_t c0 = 0; c0 < c; c0 += CHANNEL_CHUNK) {
            ptrdiff_t count = c - c0 < CHANNEL_CHUNK ? c - c0 : CHANNEL_CHUNK;
            normalise_avx2(x + r * c, c, c0, count, gamma, beta, zx, s, acc);
            if (planned) mujo_requantize_row_planned_avx2(acc, c0, count, &out, &plan, y + r * c + c0);
            else mujo_requantize_row_avx2(acc, c0, count, &out, y + r * c + c0);
        }
    }
}
#endif

void mujo_layer_norm_s8(mujo_gemm_path path, const int8_t *x, ptrdiff_t rows, ptrdiff_t c, const int8_t *gamma,
                        const int32_t *beta, const int32_t *requant, int32_t epsilon, int8_t *y, int32_t zx, int32_t zy) {
#if defined(__x86_64__)
    if (path != MUJO_GEMM_PORTABLE) {
        layer_norm_avx2(x, rows, c, gamma, beta, requant, epsilon, y, zx, zy);
        return;
    }
#endif
    (void)path;
    layer_norm_portable(x, rows, c, gamma, beta, requant, epsilon, y, zx, zy);
}
