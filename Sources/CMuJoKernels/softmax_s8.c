// mujo_softmax_s8_avx2: the reference softmaxS8 (MuJoCore/Kernels/LookupTableS8.swift) on x86-64
// with AVX2, for the host; the board keeps the reference (no code of this file is compiled for ARM).
// The row's maximum, table look-ups and int64 sum are the reference's; each element's rounded
// division (e·256 + ⌊sum/2⌋) / sum, an int64 idiv per element in the reference, is done four at a
// time in double lanes: every operand is an integer below 2⁵³ (the validator bounds table entries
// to 0…2²⁰ with entry 0 positive and a row to at most 4 Mi elements), so u, sum and q·sum are exact
// doubles, and the quotient's floor is corrected by one step each way with exact compares: the
// reference's bits (KernelVariantTests, KernelVectorTests).
#if defined(__x86_64__)
#include <immintrin.h>
#include "include/CMuJoKernels.h"

/// The reference's quotient and clamp for one element.
static inline int8_t one(int64_t e, int64_t sum, int64_t half) {
    int64_t v = (e * 256 + half) / sum - 128;
    return (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
}

__attribute__((target("avx2")))
void mujo_softmax_s8_avx2(const int8_t *x, ptrdiff_t rows, ptrdiff_t n, const int32_t *exp_table, int8_t *y) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const int8_t *row = x + r * n;
        int8_t *out = y + r * n;
        int m = row[0];
        for (ptrdiff_t i = 1; i < n; i++) m = row[i] > m ? row[i] : m;
        int64_t sum = 0;
        for (ptrdiff_t i = 0; i < n; i++) sum += exp_table[m - row[i]];
        const int64_t half = sum / 2;
        const __m256d s = _mm256_set1_pd((double)sum), h = _mm256_set1_pd((double)half);
        const __m256d k256 = _mm256_set1_pd(256.0), one_d = _mm256_set1_pd(1.0);
        ptrdiff_t i = 0;
        for (; i + 4 <= n; i += 4) {
            __m128i e = _mm_setr_epi32(exp_table[m - row[i]], exp_table[m - row[i + 1]],
                                       exp_table[m - row[i + 2]], exp_table[m - row[i + 3]]);
            __m256d u = _mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(e), k256), h);
            __m256d q = _mm256_floor_pd(_mm256_div_pd(u, s));
            // q·sum > u: one too many; (q + 1)·sum ≤ u: one too few (exact integer compares).
            q = _mm256_sub_pd(q, _mm256_and_pd(_mm256_cmp_pd(_mm256_mul_pd(q, s), u, _CMP_GT_OQ), one_d));
            q = _mm256_add_pd(q, _mm256_and_pd(_mm256_cmp_pd(_mm256_mul_pd(_mm256_add_pd(q, one_d), s), u, _CMP_LE_OQ), one_d));
            __m128i v = _mm_sub_epi32(_mm256_cvttpd_epi32(q), _mm_set1_epi32(128));
            v = _mm_packs_epi32(v, v);
            v = _mm_packs_epi16(v, v);  // saturating: the reference's clamp to −128…127
            int32_t four = _mm_cvtsi128_si32(v);
            __builtin_memcpy(out + i, &four, 4);
        }
        for (; i < n; i++) out[i] = one(exp_table[m - row[i]], sum, half);
    }
}
#endif
