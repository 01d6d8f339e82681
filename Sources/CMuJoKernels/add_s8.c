// mujo_add_s8: the reference addS8 (MuJoCore/Kernels/ElementwiseS8.swift) with its per-input
// rescaling looked up instead of computed. ra = mbqm((a − za) << 20, Ma) depends on a alone, so
// both inputs' 256 possible values are rescaled once per call into stack tables; each element
// then costs two loads, an add and the output's requantization — the same int64 arithmetic, the
// same bits. On the AVX2 path, when both tables fit int32, eight elements are requantized at once
// (requantize_avx2.h: ra as the accumulator, rb as the bias, so an int32 overflow of ra + rb falls
// back to the scalar requantization of those eight); when b is as long as a, ra and rb themselves
// are computed eight at a time in int64 lanes instead of looked up.
#include "include/CMuJoKernels.h"
#include "requantize.h"
#if defined(__x86_64__)
#include "requantize_avx2.h"
#endif

/// The two rescaling tables; returns 1 when every entry fits int32.
static int rescaling_tables(const int32_t *requant, int32_t za, int32_t zb, int64_t ta[256], int64_t tb[256]) {
    int fits = 1;
    for (int v = -128; v < 128; v++) {
        ta[v + 128] = mujo_multiply_by_quantized_multiplier(((int64_t)v - za) * ((int64_t)1 << MUJO_ADD_LEFT_SHIFT), requant[0], requant[1]);
        tb[v + 128] = mujo_multiply_by_quantized_multiplier(((int64_t)v - zb) * ((int64_t)1 << MUJO_ADD_LEFT_SHIFT), requant[2], requant[3]);
        if (ta[v + 128] < INT32_MIN || ta[v + 128] > INT32_MAX || tb[v + 128] < INT32_MIN || tb[v + 128] > INT32_MAX) fits = 0;
    }
    return fits;
}

/// Elements [0, count) of y; b is read from b[j0] on (b_count wraps it).
static void add_scalar(const int8_t *a, const int8_t *b, ptrdiff_t j0, ptrdiff_t count, ptrdiff_t b_count, const int32_t *requant,
                       int8_t *y, int32_t zy, int32_t lo, int32_t hi, const int64_t *ta, const int64_t *tb) {
    const int32_t my = requant[4], sy = requant[5];
    for (ptrdiff_t i = 0, j = j0; i < count; i++) {
        int64_t v = mujo_multiply_by_quantized_multiplier(ta[a[i] + 128] + tb[b[j] + 128], my, sy) + zy;
        y[i] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
        if (++j == b_count) j = 0;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void add_avx2(const int8_t *a, const int8_t *b, ptrdiff_t count, ptrdiff_t b_count, const int32_t *requant,
                     int8_t *y, int32_t za, int32_t zb, int32_t zy, int32_t lo, int32_t hi, const int64_t *ta, const int64_t *tb) {
    int32_t ra[8], rb[8];
    const mujo_requant_out out = {.bias = rb, .requant = requant + 4, .per_column = 0, .zero_point = zy, .lo = lo, .hi = hi};
    mujo_requant8_plan plan;
    mujo_requant8_plan_init(&out, 0, &plan);
    ptrdiff_t i = 0, j = 0;
    if (b_count == count && requant[1] >= -31 && requant[1] <= 30 && requant[3] >= -31 && requant[3] <= 30) {
        // Both inputs as long as the output: ra and rb computed eight at a time (the tables' own
        // int64 arithmetic, whose results fit int32 on this path), not looked up.
        const mujo_requant_out scale_a = {.requant = requant}, scale_b = {.requant = requant + 2};
        mujo_requant8_plan pa, pb;
        mujo_requant8_plan_init(&scale_a, 0, &pa);
        mujo_requant8_plan_init(&scale_b, 0, &pb);
        const __m256i vza = _mm256_set1_epi32(za), vzb = _mm256_set1_epi32(zb);
        for (; i + 8 <= count; i += 8) {
            __m256i xa = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(a + i)));
            __m256i xb = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + i)));
            xa = _mm256_slli_epi32(_mm256_sub_epi32(xa, vza), MUJO_ADD_LEFT_SHIFT);  // |a − za| ≤ 255: < 2²⁸
            xb = _mm256_slli_epi32(_mm256_sub_epi32(xb, vzb), MUJO_ADD_LEFT_SHIFT);
            _mm256_storeu_si256((__m256i *)ra, mujo_multiply_by_quantized_multiplier8_avx2(xa, &pa));
            _mm256_storeu_si256((__m256i *)rb, mujo_multiply_by_quantized_multiplier8_avx2(xb, &pb));
            mujo_requantize8_planned_avx2(ra, 0, &out, &plan, y + i);
        }
        j = i == b_count ? 0 : i;
    }
    for (; i + 8 <= count; i += 8) {
        for (int k = 0; k < 8; k++) {
            ra[k] = (int32_t)ta[a[i + k] + 128];
            rb[k] = (int32_t)tb[b[j] + 128];
            if (++j == b_count) j = 0;
        }
        mujo_requantize8_planned_avx2(ra, 0, &out, &plan, y + i);
    }
    add_scalar(a + i, b, j, count - i, b_count, requant, y + i, zy, lo, hi, ta, tb);
}
#endif

void mujo_add_s8(mujo_gemm_path path, const int8_t *a, const int8_t *b, ptrdiff_t count, ptrdiff_t b_count,
                 const int32_t *requant, int8_t *y, int32_t za, int32_t zb, int32_t zy, int32_t lo, int32_t hi) {
    int64_t ta[256], tb[256];
    int fits = rescaling_tables(requant, za, zb, ta, tb);
#if defined(__x86_64__)
    if (path != MUJO_GEMM_PORTABLE && fits) {
        add_avx2(a, b, count, b_count, requant, y, za, zb, zy, lo, hi, ta, tb);
        return;
    }
#endif
    (void)path;
    (void)fits;
    add_scalar(a, b, 0, count, b_count, requant, y, zy, lo, hi, ta, tb);
}
