// The AVX-VNNI path of mujo_gemm_s8 (see gemm_s8.c) for weights with zero point 0 (the convolutions
// and fully connected layers; the attention matmuls' second operand has a zero point and takes the
// AVX2 path). vpdpbusd multiplies unsigned by signed bytes and adds four products into an int32
// lane, wrapping (the non-saturating form: exact modulo 2³²). x is made unsigned as x + 128 (x xor
// 0x80), so Σ(x − zx)·w = Σ(x + 128)·w − (128 + zx)·Σw, with each column's Σw computed once per
// call for each chunk of columns. Both sides wrap in int32 like the reference's, so the result
// is the reference's bits. Compiled with AVX-VNNI enabled per function; mujo_cpu_has_avxvnni
// decides at run time.
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#include "include/CMuJoKernels.h"
#include "requantize_avx2.h"

#define VNNI __attribute__((target("avx2,avxvnni")))
#define COLUMN_CHUNK 64

/// 32 bytes from tail_mask + t: byte j is all ones when j ≥ 32 − t (the last t bytes).
static const int8_t tail_mask[64] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                     -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                     -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

static inline __attribute__((always_inline)) VNNI __m128i sum4(__m256i a, __m256i b, __m256i c, __m256i d) {
    __m256i ab = _mm256_hadd_epi32(a, b), cd = _mm256_hadd_epi32(c, d);
    __m256i abcd = _mm256_hadd_epi32(ab, cd);
    return _mm_add_epi32(_mm256_castsi256_si128(abcd), _mm256_extracti128_si256(abcd, 1));
}

/// Σ (x + 128)·w of R rows × C columns (R ≤ 2, C ≤ 4), wrapping, into acc.
static inline __attribute__((always_inline)) VNNI
void block(const int8_t *x, ptrdiff_t x_stride, int R, const int8_t *w, ptrdiff_t w_stride, int C,
           ptrdiff_t length, uint32_t acc[2][4]) {
    __m256i a[2][4];
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) a[r][c] = _mm256_setzero_si256();
    const __m256i flip = _mm256_set1_epi8((char)0x80);
    ptrdiff_t i = 0;
    for (; i + 32 <= length; i += 32) {
        __m256i xv[2];
        for (int r = 0; r < R; r++) xv[r] = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(x + r * x_stride + i)), flip);
        for (int c = 0; c < C; c++) {
            __m256i wv = _mm256_loadu_si256((const __m256i *)(w + c * w_stride + i));
            for (int r = 0; r < R; r++) a[r][c] = _mm256_dpbusd_avx_epi32(a[r][c], xv[r], wv);
        }
    }
    if (i < length && length >= 32) {
        // The last length % 32 elements: the 32 that end each row, with the x bytes already counted
        // masked to 0 after the flip (so their products are 0).
        ptrdiff_t tail = length - i, o = length - 32;
        const __m256i keep = _mm256_loadu_si256((const __m256i *)(tail_mask + tail));
        __m256i xv[2];
        for (int r = 0; r < R; r++)
            xv[r] = _mm256_and_si256(_mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(x + r * x_stride + o)), flip), keep);
        for (int c = 0; c < C; c++) {
            __m256i wv = _mm256_loadu_si256((const __m256i *)(w + c * w_stride + o));
            for (int r = 0; r < R; r++) a[r][c] = _mm256_dpbusd_avx_epi32(a[r][c], xv[r], wv);
        }
    } else if (i < length) {
        // Rows shorter than 32: from buffers padded with x = −128 and w = 0 (products 0).
        ptrdiff_t tail = length - i;
        int8_t xt[2][32], wt[32];
        __m256i xv[2];
        for (int r = 0; r < R; r++) {
            memset(xt[r], -128, 32);
            memcpy(xt[r], x + r * x_stride + i, (size_t)tail);
            xv[r] = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)xt[r]), flip);
        }
        for (int c = 0; c < C; c++) {
            memset(wt, 0, 32);
            memcpy(wt, w + c * w_stride + i, (size_t)tail);
            __m256i wv = _mm256_loadu_si256((const __m256i *)wt);
            for (int r = 0; r < R; r++) a[r][c] = _mm256_dpbusd_avx_epi32(a[r][c], xv[r], wv);
        }
    }
    for (int r = 0; r < R; r++) {
        uint32_t s[4];
        _mm_storeu_si128((__m128i *)s, sum4(a[r][0], a[r][1], a[r][2], a[r][3]));
        for (int c = 0; c < C; c++) acc[r][c] = s[c];
    }
}

/// Rows [0, R) × columns [0, count) of the chunk: Σ(x − zx)·w into acc, from the raw sums and Σw.
static inline __attribute__((always_inline)) VNNI
void columns(const int8_t *x, ptrdiff_t x_stride, int R, const int8_t *w, ptrdiff_t w_stride, ptrdiff_t count,
             ptrdiff_t length, uint32_t correction, const uint32_t *weight_sums, int32_t acc[2][COLUMN_CHUNK]) {
    uint32_t b[2][4];
    ptrdiff_t c = 0;
    for (; c + 4 <= count; c += 4) {
        block(x, x_stride, R, w + c * w_stride, w_stride, 4, length, b);
        for (int i = 0; i < R; i++)
            for (int j = 0; j < 4; j++) acc[i][c + j] = (int32_t)(b[i][j] - correction * weight_sums[c + j]);
    }
    for (; c < count; c++) {
        block(x, x_stride, R, w + c * w_stride, w_stride, 1, length, b);
        for (int i = 0; i < R; i++) acc[i][c] = (int32_t)(b[i][0] - correction * weight_sums[c]);
    }
}

/// Rows [0, R) of the chunk's sums requantized into y (through the call's plan when there is one).
static inline __attribute__((always_inline)) VNNI
void requantize_rows(int32_t acc[2][COLUMN_CHUNK], int R, ptrdiff_t c0, ptrdiff_t count, const mujo_requant_out *out,
                     const mujo_requant_plan *plan, int8_t *y, ptrdiff_t y_stride) {
    for (int i = 0; i < R; i++) {
        if (plan) mujo_requantize_row_planned_avx2(acc[i], c0, count, out, plan, y + i * y_stride + c0);
        else mujo_requantize_row_avx2(acc[i], c0, count, out, y + i * y_stride + c0);
    }
}

VNNI void mujo_gemm_s8_avxvnni(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                               const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, ptrdiff_t length,
                               int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out) {
    int32_t acc[2][COLUMN_CHUNK];
    uint32_t weight_sums[COLUMN_CHUNK];
    const uint32_t correction = (uint32_t)(128 + zx);
    mujo_requant_plan plan;
    const int planned = mujo_requant_plan_init(out, cols, &plan);
    for (ptrdiff_t c0 = 0; c0 < cols; c0 += COLUMN_CHUNK) {
        ptrdiff_t count = cols - c0 < COLUMN_CHUNK ? cols - c0 : COLUMN_CHUNK;
        const int8_t *wc = w + c0 * w_stride;
        for (ptrdiff_t c = 0; c < count; c++) {
            uint32_t s = 0;
            for (ptrdiff_t i = 0; i < length; i++) s += (uint32_t)(int32_t)wc[c * w_stride + i];
            weight_sums[c] = s;
        }
        if (length < 32) {
            // Short rows (e.g. a first convolution over 3 channels): the chunk's weights and each
            // row pair once into 32-byte rows padded with w = 0 and x = −128 (products 0), so
            // every block is one full vector step.
            int8_t wp[COLUMN_CHUNK][32], xp[2][32];
            for (ptrdiff_t c = 0; c < count; c++) {
                memset(wp[c], 0, 32);
                memcpy(wp[c], wc + c * w_stride, (size_t)length);
            }
            for (ptrdiff_t r = 0; r < rows; r += 2) {
                int R = rows - r >= 2 ? 2 : 1;
                for (int i = 0; i < R; i++) {
                    memset(xp[i], -128, 32);
                    memcpy(xp[i], x + (r + i) * x_stride, (size_t)length);
                }
                if (R == 2) columns(xp[0], 32, 2, wp[0], 32, count, 32, correction, weight_sums, acc);
                else columns(xp[0], 32, 1, wp[0], 32, count, 32, correction, weight_sums, acc);
                requantize_rows(acc, R, c0, count, out, planned ? &plan : NULL, y + r * y_stride, y_stride);
            }
            continue;
        }
        for (ptrdiff_t r = 0; r < rows; r += 2) {
            int R = rows - r >= 2 ? 2 : 1;
            const int8_t *xr = x + r * x_stride;
            if (R == 2) columns(xr, x_stride, 2, wc, w_stride, count, length, correction, weight_sums, acc);
            else columns(xr, x_stride, 1, wc, w_stride, count, length, correction, weight_sums, acc);
            requantize_rows(acc, R, c0, count, out, planned ? &plan : NULL, y + r * y_stride, y_stride);
        }
    }
}
#endif
