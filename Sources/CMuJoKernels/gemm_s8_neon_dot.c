// The ARMv8.2 dot-product path of mujo_gemm_s8 (see gemm_s8.c), aarch64 only (Pi 5's Cortex-A76).
// sdot adds four int8×int8 products into each int32 lane, wrapping (exact modulo 2³²), so it sums
// the raw products Σ x·w, 16 elements per step; the zero points are put back with the exact
// identity, every term computed wrapping in uint32 (the reference's int32 &+ and &*):
//   Σ (x − zx)(w − zw) = Σ x·w − zw·Σx − zx·Σw + length·zx·zw
// Σw per column is computed once per chunk of columns, Σx once per row pair. The last length % 16
// elements are added in scalar C; requantization is requantize.h's scalar mujo_requantize.
// Compiled with the dot-product extension for these functions only (the rest of the binary stays
// baseline armv8-a); mujo_cpu_has_dotprod decides at run time (HWCAP_ASIMDDP).
#if defined(__aarch64__)
#include <arm_neon.h>
#include "include/CMuJoKernels.h"
#include "requantize.h"

#define DOT __attribute__((target("dotprod")))
#define COLUMN_CHUNK 64

/// Σ x·w (raw bytes) of R rows × C columns (R ≤ 2, C ≤ 4), wrapping, into acc.
static inline __attribute__((always_inline)) DOT
void block(const int8_t *x, ptrdiff_t x_stride, int R, const int8_t *w, ptrdiff_t w_stride, int C,
           ptrdiff_t length, uint32_t acc[2][4]) {
    int32x4_t a[2][4];
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) a[r][c] = vdupq_n_s32(0);
    ptrdiff_t i = 0;
    for (; i + 16 <= length; i += 16) {
        int8x16_t xv[2];
        for (int r = 0; r < R; r++) xv[r] = vld1q_s8(x + r * x_stride + i);
        for (int c = 0; c < C; c++) {
            int8x16_t wv = vld1q_s8(w + c * w_stride + i);
            for (int r = 0; r < R; r++) a[r][c] = vdotq_s32(a[r][c], xv[r], wv);
        }
    }
    for (int r = 0; r < R; r++) {
        for (int c = 0; c < C; c++) {
            const int8_t *xr = x + r * x_stride, *wc = w + c * w_stride;
            uint32_t s = (uint32_t)vaddvq_s32(a[r][c]);
            for (ptrdiff_t j = i; j < length; j++) s += (uint32_t)((int32_t)xr[j] * (int32_t)wc[j]);
            acc[r][c] = s;
        }
    }
}

static inline uint32_t byte_sum(const int8_t *v, ptrdiff_t length) {
    uint32_t s = 0;
    for (ptrdiff_t i = 0; i < length; i++) s += (uint32_t)(int32_t)v[i];
    return s;
}

DOT void mujo_gemm_s8_neon_dot(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                               const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                               int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out) {
    uint32_t weight_sums[COLUMN_CHUNK], b[2][4];
    const uint32_t uzx = (uint32_t)zx, uzw = (uint32_t)zw;
    const uint32_t constant = (uint32_t)length * uzx * uzw;
    for (ptrdiff_t c0 = 0; c0 < cols; c0 += COLUMN_CHUNK) {
        ptrdiff_t count = cols - c0 < COLUMN_CHUNK ? cols - c0 : COLUMN_CHUNK;
        const int8_t *wc = w + c0 * w_stride;
        for (ptrdiff_t c = 0; c < count; c++) weight_sums[c] = zx ? byte_sum(wc + c * w_stride, length) : 0;
        for (ptrdiff_t r = 0; r < rows; r += 2) {
            int R = rows - r >= 2 ? 2 : 1;
            const int8_t *xr = x + r * x_stride;
            // Per row: the constant term minus zw·Σx.
            uint32_t row_term[2];
            for (int i = 0; i < R; i++) row_term[i] = constant - (zw ? uzw * byte_sum(xr + i * x_stride, length) : 0);
            for (ptrdiff_t c = 0; c < count; c += 4) {
                int C = count - c >= 4 ? 4 : (int)(count - c);
                if (R == 2 && C == 4) block(xr, x_stride, 2, wc + c * w_stride, w_stride, 4, length, b);
                else block(xr, x_stride, R, wc + c * w_stride, w_stride, C, length, b);
                for (int i = 0; i < R; i++)
                    for (int j = 0; j < C; j++) {
                        int32_t acc = (int32_t)(b[i][j] + row_term[i] - uzx * weight_sums[c + j]);
                        y[(r + i) * y_stride + c0 + c + j] = mujo_requantize(acc, c0 + c + j, out);
                    }
            }
        }
    }
}
#endif
