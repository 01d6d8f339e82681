// The NEON path of mujo_gemm_s8 (see gemm_s8.c) for aarch64 (baseline Advanced SIMD) and armv7
// (the cross build's -mfpu=neon-vfpv4): no dot-product instruction needed (Pi 4's Cortex-A72, Pi 3's
// Cortex-A53, Pi 2/3 on a 32-bit OS). Per block of up to 2 rows × 4 columns, 8 elements at a time:
// x and w are widened to int16 and their zero points subtracted there ((x − zx), (w − zw) ∈ [−255, 255]
// fit int16), then vmlal.s16 / smlal adds the int16×int16→int32 products into int32 lanes, wrapping
// (non-saturating: exact modulo 2³²). Each product is at most 255·255 in magnitude and the int32 sum
// wraps like the reference's &+, whose result does not depend on the order, so the sums are the
// reference's bits; the last length % 8 elements are added in scalar C, and the requantization is
// requantize.h's scalar mujo_requantize (no vqrdmulh: its saturation and ties differ).
#if defined(__aarch64__) || defined(__ARM_NEON)
#include <arm_neon.h>
#include "include/CMuJoKernels.h"
#include "requantize.h"

/// The four int32 lanes added, wrapping.
static inline __attribute__((always_inline)) uint32_t lane_sum(int32x4_t v) {
#if defined(__aarch64__)
    return (uint32_t)vaddvq_s32(v);
#else
    int32x2_t p = vadd_s32(vget_low_s32(v), vget_high_s32(v));
    return (uint32_t)vget_lane_s32(vpadd_s32(p, p), 0);
#endif
}

/// Σ (x − zx)(w − zw) of R rows × C columns (R ≤ 2, C ≤ 4), wrapping, into acc.
static inline __attribute__((always_inline))
void block(const int8_t *x, ptrdiff_t x_stride, int R, int32_t zx, const int8_t *w, ptrdiff_t w_stride,
           int C, int32_t zw, ptrdiff_t length, int32_t acc[2][4]) {
    int32x4_t a[2][4];
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) a[r][c] = vdupq_n_s32(0);
    const int16x8_t vzx = vdupq_n_s16((int16_t)zx), vzw = vdupq_n_s16((int16_t)zw);
    ptrdiff_t i = 0;
    for (; i + 8 <= length; i += 8) {
        int16x8_t xv[2];
        for (int r = 0; r < R; r++) xv[r] = vsubq_s16(vmovl_s8(vld1_s8(x + r * x_stride + i)), vzx);
        for (int c = 0; c < C; c++) {
            int16x8_t wv = vsubq_s16(vmovl_s8(vld1_s8(w + c * w_stride + i)), vzw);
            for (int r = 0; r < R; r++) {
                a[r][c] = vmlal_s16(a[r][c], vget_low_s16(xv[r]), vget_low_s16(wv));
                a[r][c] = vmlal_s16(a[r][c], vget_high_s16(xv[r]), vget_high_s16(wv));
            }
        }
    }
    for (int r = 0; r < R; r++) {
        for (int c = 0; c < C; c++) {
            const int8_t *xr = x + r * x_stride, *wc = w + c * w_stride;
            uint32_t s = lane_sum(a[r][c]);
            for (ptrdiff_t j = i; j < length; j++) s += (uint32_t)(((int32_t)xr[j] - zx) * ((int32_t)wc[j] - zw));
            acc[r][c] = (int32_t)s;
        }
    }
}

void mujo_gemm_s8_neon(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                       const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                       int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out) {
    int32_t acc[2][4];
    for (ptrdiff_t r = 0; r < rows; r += 2) {
        int R = rows - r >= 2 ? 2 : 1;
        for (ptrdiff_t c = 0; c < cols; c += 4) {
            int C = cols - c >= 4 ? 4 : (int)(cols - c);
            // Full blocks get constant bounds (the compiler keeps the 8 accumulators in registers).
            if (R == 2 && C == 4) block(x + r * x_stride, x_stride, 2, zx, w + c * w_stride, w_stride, 4, zw, length, acc);
            else block(x + r * x_stride, x_stride, R, zx, w + c * w_stride, w_stride, C, zw, length, acc);
            for (int i = 0; i < R; i++)
                for (int j = 0; j < C; j++) y[(r + i) * y_stride + c + j] = mujo_requantize(acc[i][j], c + j, out);
        }
    }
}
#endif
