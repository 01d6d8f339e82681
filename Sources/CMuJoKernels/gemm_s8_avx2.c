// The AVX2 path of mujo_gemm_s8 (see gemm_s8.c), compiled for x86-64 only, with AVX2 enabled per
// function (the rest of the binary stays baseline x86-64; mujo_cpu_has_avx2 decides at run time).
// Each 16-element step sign-extends x and w to int16, subtracts the zero points (|x − zx|, |w − zw|
// ≤ 255 fit int16 exactly) and multiplies with vpmaddwd: two products per int32 lane, each pair sum
// ≤ 2·255² < 2³¹, so nothing saturates (unlike vpmaddubsw) and the sums are the reference's bits.
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#include "include/CMuJoKernels.h"
#include "requantize_avx2.h"

/// Columns whose sums are held at once before requantization.
#define COLUMN_CHUNK 64

#define AVX2 __attribute__((target("avx2")))

/// 16 int16 lanes from tail_mask + t: lane j is all ones when j ≥ 16 − t (the last t elements).
static const int16_t tail_mask[32] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                      -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

/// The four int32 lanes of each of a, b, c, d summed: {Σa, Σb, Σc, Σd}.
static inline __attribute__((always_inline)) AVX2 __m128i sum4(__m256i a, __m256i b, __m256i c, __m256i d) {
    __m256i ab = _mm256_hadd_epi32(a, b), cd = _mm256_hadd_epi32(c, d);
    __m256i abcd = _mm256_hadd_epi32(ab, cd);
    return _mm_add_epi32(_mm256_castsi256_si128(abcd), _mm256_extracti128_si256(abcd, 1));
}

/// R rows × C columns (R ≤ 2, C ≤ 4) of wrapped int32 sums into acc; subtract_w: zw ≠ 0.
static inline __attribute__((always_inline)) AVX2
void block(const int8_t *x, ptrdiff_t x_stride, int R, int32_t zx, const int8_t *w, ptrdiff_t w_stride,
           int C, int32_t zw, int subtract_w, ptrdiff_t length, int32_t acc[2][4]) {
    __m256i a[2][4];
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) a[r][c] = _mm256_setzero_si256();
    const __m256i vzx = _mm256_set1_epi16((int16_t)zx), vzw = _mm256_set1_epi16((int16_t)zw);
    ptrdiff_t i = 0;
    for (; i + 16 <= length; i += 16) {
        __m256i xv[2];
        for (int r = 0; r < R; r++)
            xv[r] = _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + r * x_stride + i))), vzx);
        for (int c = 0; c < C; c++) {
            __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + c * w_stride + i)));
            if (subtract_w) wv = _mm256_sub_epi16(wv, vzw);
            for (int r = 0; r < R; r++) a[r][c] = _mm256_add_epi32(a[r][c], _mm256_madd_epi16(xv[r], wv));
        }
    }
    if (i < length && length >= 16) {
        // The last length % 16 elements: the 16 that end each row, with the x lanes already
        // counted masked to 0 (so their products are 0).
        ptrdiff_t tail = length - i, o = length - 16;
        const __m256i keep = _mm256_loadu_si256((const __m256i *)(tail_mask + tail));
        __m256i xv[2];
        for (int r = 0; r < R; r++)
            xv[r] = _mm256_and_si256(_mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + r * x_stride + o))), vzx), keep);
        for (int c = 0; c < C; c++) {
            __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + c * w_stride + o)));
            if (subtract_w) wv = _mm256_sub_epi16(wv, vzw);
            for (int r = 0; r < R; r++) a[r][c] = _mm256_add_epi32(a[r][c], _mm256_madd_epi16(xv[r], wv));
        }
    } else if (i < length) {
        // Rows shorter than 16: copied into 16-byte buffers padded with the zero points,
        // whose (zx − zx)(w − zw) and (x − zx)(zw − zw) products are 0, so one more step is exact
        // and no load reads past a row.
        ptrdiff_t tail = length - i;
        int8_t xt[2][16], wt[16];
        __m256i xv[2];
        for (int r = 0; r < R; r++) {
            memset(xt[r], (int8_t)zx, 16);
            memcpy(xt[r], x + r * x_stride + i, (size_t)tail);
            xv[r] = _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)xt[r])), vzx);
        }
        for (int c = 0; c < C; c++) {
            memset(wt, (int8_t)zw, 16);
            memcpy(wt, w + c * w_stride + i, (size_t)tail);
            __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)wt));
            if (subtract_w) wv = _mm256_sub_epi16(wv, vzw);
            for (int r = 0; r < R; r++) a[r][c] = _mm256_add_epi32(a[r][c], _mm256_madd_epi16(xv[r], wv));
        }
    }
    for (int r = 0; r < R; r++) {
        int32_t s[4];
        _mm_storeu_si128((__m128i *)s, sum4(a[r][0], a[r][1], a[r][2], a[r][3]));
        for (int c = 0; c < C; c++) acc[r][c] = s[c];
    }
}

/// The products of rows [r, r + R) and columns [c0, c0 + count) into acc[R][count].
static inline __attribute__((always_inline)) AVX2
void columns(const int8_t *x, ptrdiff_t x_stride, int R, int32_t zx, const int8_t *w, ptrdiff_t w_stride,
             ptrdiff_t count, int32_t zw, int subtract_w, ptrdiff_t length, int32_t acc[2][COLUMN_CHUNK]) {
    int32_t block_acc[2][4];
    ptrdiff_t c = 0;
    for (; c + 4 <= count; c += 4) {
        block(x, x_stride, R, zx, w + c * w_stride, w_stride, 4, zw, subtract_w, length, block_acc);
        for (int i = 0; i < R; i++)
            for (int j = 0; j < 4; j++) acc[i][c + j] = block_acc[i][j];
    }
    for (; c < count; c++) {
        block(x, x_stride, R, zx, w + c * w_stride, w_stride, 1, zw, subtract_w, length, block_acc);
        for (int i = 0; i < R; i++) acc[i][c] = block_acc[i][0];
    }
}

/// Rows in pairs, columns in chunks: each chunk's sums go to a small stack buffer, then are
/// requantized eight at a time (requantize_avx2.h; the columns planned once per call).
static inline __attribute__((always_inline)) AVX2
void gemm(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx, const int8_t *w, ptrdiff_t w_stride,
          ptrdiff_t cols, int32_t zw, int subtract_w, ptrdiff_t length, int8_t *y, ptrdiff_t y_stride,
          const mujo_requant_out *out) {
    int32_t acc[2][COLUMN_CHUNK];
    mujo_requant_plan plan;
    const int planned = mujo_requant_plan_init(out, cols, &plan);
    for (ptrdiff_t r = 0; r < rows; r += 2) {
        int R = rows - r >= 2 ? 2 : 1;
        for (ptrdiff_t c0 = 0; c0 < cols; c0 += COLUMN_CHUNK) {
            ptrdiff_t count = cols - c0 < COLUMN_CHUNK ? cols - c0 : COLUMN_CHUNK;
            const int8_t *xr = x + r * x_stride, *wc = w + c0 * w_stride;
            if (R == 2) columns(xr, x_stride, 2, zx, wc, w_stride, count, zw, subtract_w, length, acc);
            else columns(xr, x_stride, 1, zx, wc, w_stride, count, zw, subtract_w, length, acc);
            for (int i = 0; i < R; i++) {
                int8_t *yr = y + (r + i) * y_stride + c0;
                if (planned) mujo_requantize_row_planned_avx2(acc[i], c0, count, out, &plan, yr);
                else mujo_requantize_row_avx2(acc[i], c0, count, out, yr);
            }
        }
    }
}

AVX2 void mujo_gemm_s8_avx2(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                            const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                            int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out) {
    if (zw == 0) gemm(x, x_stride, rows, zx, w, w_stride, cols, 0, 0, length, y, y_stride, out);
    else gemm(x, x_stride, rows, zx, w, w_stride, cols, zw, 1, length, y, y_stride, out);
}
#endif
