// mujo_gemm_s8: the int8 product shared by the fully connected layer, the convolutions (one row
// per output time step) and the attention matmuls, in blocks of up to 2 rows × 4 columns.
// The portable path is plain C (the compiler vectorizes it for the target); the AVX2 path is in
// gemm_s8_avx2.c, the AVX-VNNI path (weights without zero point) in gemm_s8_avxvnni.c, the ARM NEON
// path (smlal / vmlal.s16) in gemm_s8_neon.c, the aarch64 dot-product path (sdot) in gemm_s8_neon_dot.c.
// All accumulate exactly: each product (x − zx)(w − zw) is at most 255·255 and
// the int32 sum wraps like the reference's &+, whose result does not depend on the order.
#include "include/CMuJoKernels.h"
#include "requantize.h"
#if (defined(__aarch64__) || defined(__arm__)) && defined(__linux__)
#include <sys/auxv.h>
#endif

void mujo_gemm_s8_avx2(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                       const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                       int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out);

void mujo_gemm_s8_avxvnni(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                          const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, ptrdiff_t length,
                          int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out);

void mujo_gemm_s8_neon(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                       const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                       int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out);

void mujo_gemm_s8_neon_dot(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                           const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                           int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out);

int mujo_cpu_has_neon(void) {
#if defined(__aarch64__)
    return 1;  // Advanced SIMD is part of baseline armv8-a
#elif defined(__ARM_NEON) && defined(__linux__)
    // The armv7 cross build enables NEON for all its code (cross/lib.sh: -mfpu=neon-vfpv4), so a CPU
    // without it cannot run the binary anyway; the check keeps this path honest on its own.
    return (getauxval(AT_HWCAP) & (1ul << 12)) ? 1 : 0;  // HWCAP_NEON (asm/hwcap.h, arm)
#else
    return 0;
#endif
}

int mujo_cpu_has_dotprod(void) {
#if defined(__aarch64__) && defined(__linux__)
    return (getauxval(AT_HWCAP) & (1ul << 20)) ? 1 : 0;  // HWCAP_ASIMDDP (asm/hwcap.h, arm64)
#else
    return 0;
#endif
}

int mujo_cpu_has_avxvnni(void) {
#if defined(__x86_64__)
    // CPUID leaf 7 subleaf 1, EAX bit 4 (AVX-VNNI), on top of AVX2 (which checks the OS saves YMM).
    if (!mujo_cpu_has_avx2()) return 0;
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(1));
    return (a & (1u << 4)) ? 1 : 0;
#else
    return 0;
#endif
}

int mujo_cpu_has_avx2(void) {
#if defined(__x86_64__) && !defined(MUJO_EMBEDDED)
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#elif defined(__x86_64__)
    // Embedded builds have no compiler-rt CPU model: ask CPUID directly (leaf 7, EBX bit 5), and
    // check that the OS saves the YMM state (OSXSAVE, then XCR0 bits 1 and 2).
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (!(c & (1u << 27)) || !(c & (1u << 28))) return 0;
    uint32_t xlo, xhi;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    if ((xlo & 6u) != 6u) return 0;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    return (b & (1u << 5)) ? 1 : 0;
#else
    return 0;
#endif
}

/// One block of R rows × C columns (R ≤ 2, C ≤ 4), portable C.
static inline __attribute__((always_inline))
void block_portable(const int8_t *x, ptrdiff_t x_stride, int R, int32_t zx, const int8_t *w, ptrdiff_t w_stride,
                    int C, int32_t zw, ptrdiff_t length, int32_t acc[2][4]) {
    for (int r = 0; r < R; r++) {
        for (int c = 0; c < C; c++) {
            const int8_t *xr = x + r * x_stride, *wc = w + c * w_stride;
            uint32_t s = 0;
            for (ptrdiff_t i = 0; i < length; i++) s += (uint32_t)(((int32_t)xr[i] - zx) * ((int32_t)wc[i] - zw));
            acc[r][c] = (int32_t)s;
        }
    }
}

static void gemm_portable(const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                          const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                          int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out) {
    int32_t acc[2][4];
    for (ptrdiff_t r = 0; r < rows; r += 2) {
        int R = rows - r >= 2 ? 2 : 1;
        for (ptrdiff_t c = 0; c < cols; c += 4) {
            int C = cols - c >= 4 ? 4 : (int)(cols - c);
            block_portable(x + r * x_stride, x_stride, R, zx, w + c * w_stride, w_stride, C, zw, length, acc);
            for (int i = 0; i < R; i++)
                for (int j = 0; j < C; j++) y[(r + i) * y_stride + c + j] = mujo_requantize(acc[i][j], c + j, out);
        }
    }
}

void mujo_gemm_s8(mujo_gemm_path path, const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                  const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                  int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out) {
#if defined(__x86_64__)
    if (path == MUJO_GEMM_AVXVNNI && zw == 0) {
        mujo_gemm_s8_avxvnni(x, x_stride, rows, zx, w, w_stride, cols, length, y, y_stride, out);
        return;
    }
    if (path == MUJO_GEMM_AVX2 || path == MUJO_GEMM_AVXVNNI) {
        mujo_gemm_s8_avx2(x, x_stride, rows, zx, w, w_stride, cols, zw, length, y, y_stride, out);
        return;
    }
#endif
#if defined(__aarch64__)
    if (path == MUJO_GEMM_NEON_DOT) {
        mujo_gemm_s8_neon_dot(x, x_stride, rows, zx, w, w_stride, cols, zw, length, y, y_stride, out);
        return;
    }
#endif
#if defined(__aarch64__) || defined(__ARM_NEON)
    if (path == MUJO_GEMM_NEON) {
        mujo_gemm_s8_neon(x, x_stride, rows, zx, w, w_stride, cols, zw, length, y, y_stride, out);
        return;
    }
#endif
    (void)path;
    gemm_portable(x, x_stride, rows, zx, w, w_stride, cols, zw, length, y, y_stride, out);
}
