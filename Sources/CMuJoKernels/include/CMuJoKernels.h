// Optimized int8 kernels in C, for the instructions Swift cannot express (x86-64 AVX2 / AVX-VNNI,
// ARM NEON and the aarch64 dot product; the portable C path compiles everywhere, the board included). Each computes exactly what its Swift
// reference kernel in MuJoCore/Kernels/ computes — the same wrapping int32 accumulation, the same
// fixed-point requantization (FixedPoint.swift) — so the output bytes are identical; the tests in
// Tests/MuJoCoreTests check it. Nothing here allocates or keeps state; scratch is the caller's.
#ifndef CMUJOKERNELS_H
#define CMUJOKERNELS_H

#include <stdint.h>
#include <stddef.h>

/// How the products are computed: the portable C loops, AVX2 (only when mujo_cpu_has_avx2()
/// returned 1), or AVX-VNNI (only when mujo_cpu_has_avxvnni() returned 1; products whose second
/// operand has a zero point, and the depthwise convolution, then take the AVX2 path); on ARM NEON
/// smlal/vmlal.s16 (only when mujo_cpu_has_neon() returned 1) or the aarch64 dot product sdot (only
/// when mujo_cpu_has_dotprod() returned 1). For the NEON paths only mujo_gemm_s8 has NEON code; the
/// depthwise convolution, Add and LayerNorm run their portable C (which the compiler vectorizes).
typedef enum {
    MUJO_GEMM_PORTABLE = 0,
    MUJO_GEMM_AVX2 = 1,
    MUJO_GEMM_AVXVNNI = 2,
    MUJO_GEMM_NEON = 3,
    MUJO_GEMM_NEON_DOT = 4,
} mujo_gemm_path;

/// The output side of a requantized int8 product.
typedef struct {
    /// int32 bias per column, or NULL.
    const int32_t *bias;
    /// (multiplier, shift) pairs: per column when per_column != 0, else one pair for all.
    const int32_t *requant;
    int32_t per_column;
    int32_t zero_point;
    int32_t lo;
    int32_t hi;
} mujo_requant_out;

/// 1 when this CPU and build can run the AVX2 path.
int mujo_cpu_has_avx2(void);

/// 1 when this CPU and build can run the AVX-VNNI path.
int mujo_cpu_has_avxvnni(void);

/// 1 when this CPU and build can run the NEON path (aarch64: always; armv7: a NEON build on a CPU
/// whose HWCAP has NEON).
int mujo_cpu_has_neon(void);

/// 1 when this CPU and build can run the dot-product path (aarch64 with HWCAP_ASIMDDP).
int mujo_cpu_has_dotprod(void);

/// y[r·y_stride + c] = requantize(Σ_i (x[r·x_stride + i] − zx)·(w[c·w_stride + i] − zw) + bias[c])
/// for r < rows, c < cols, i < length; the sum wraps in int32 exactly as the reference kernels'.
/// Zero points are int8 values (−128…127).
void mujo_gemm_s8(mujo_gemm_path path, const int8_t *x, ptrdiff_t x_stride, ptrdiff_t rows, int32_t zx,
                  const int8_t *w, ptrdiff_t w_stride, ptrdiff_t cols, int32_t zw, ptrdiff_t length,
                  int8_t *y, ptrdiff_t y_stride, const mujo_requant_out *out);

/// Bytes of scratch mujo_depthwise_conv1d_s8 needs for `channels` channels and kernel size `k`.
ptrdiff_t mujo_depthwise_conv1d_s8_scratch_bytes(ptrdiff_t channels, ptrdiff_t k);

/// The depthwise case of conv1dS8 (groups = channels in = channels out, weights [C, K, 1]);
/// `path` as for mujo_gemm_s8.
void mujo_depthwise_conv1d_s8(mujo_gemm_path path, const int8_t *x, const int8_t *w, ptrdiff_t time_in, ptrdiff_t channels,
                              ptrdiff_t time_out, ptrdiff_t k, ptrdiff_t stride, ptrdiff_t dilation,
                              ptrdiff_t pad_left, int32_t zx, int8_t *y, const mujo_requant_out *out,
                              void *scratch);

/// The reference softmaxS8 over rows of n (output scale 1/256, zero point −128) with AVX2; exp_table
/// holds 256 entries in 0…2²⁰, entry 0 positive (what the model validator accepts). x86-64 only.
void mujo_softmax_s8_avx2(const int8_t *x, ptrdiff_t rows, ptrdiff_t n, const int32_t *exp_table, int8_t *y);

/// The left shift of both inputs of an int8 Add before rescaling (MuJoCore's addS8LeftShift).
#define MUJO_ADD_LEFT_SHIFT 20

/// The reference addS8: `requant` holds three (multiplier, shift) pairs (input a, input b, output);
/// element i adds b[i % b_count]; `path` as for mujo_gemm_s8 (AVX-VNNI: AVX2).
void mujo_add_s8(mujo_gemm_path path, const int8_t *a, const int8_t *b, ptrdiff_t count, ptrdiff_t b_count, const int32_t *requant,
                 int8_t *y, int32_t za, int32_t zb, int32_t zy, int32_t lo, int32_t hi);

/// Fraction bits of LayerNorm's normalised value (MuJoCore's layerNormS8FractionBits).
#define MUJO_LAYER_NORM_FRACTION_BITS 12

/// The reference layerNormS8 over rows of c channels; `path` as for mujo_gemm_s8 (AVX-VNNI: AVX2).
void mujo_layer_norm_s8(mujo_gemm_path path, const int8_t *x, ptrdiff_t rows, ptrdiff_t c, const int8_t *gamma,
                        const int32_t *beta, const int32_t *requant, int32_t epsilon, int8_t *y, int32_t zx, int32_t zy);

#endif
