// mujo_depthwise_conv1d_s8: conv1dS8 when every channel is its own group. The weights [C, K] are
// turned into [K, C] int16 in the caller's scratch once per call, so the inner loop runs over
// contiguous channels (the compiler vectorizes it: baseline code, and an AVX2 copy of the same
// loop with AVX2 requantization planned once per call, chosen by `path`); taps outside the input are skipped as in the
// reference. Sums wrap in int32 exactly as the reference's.
#include "include/CMuJoKernels.h"
#include "requantize.h"
#if defined(__x86_64__)
#include "requantize_avx2.h"
#endif

ptrdiff_t mujo_depthwise_conv1d_s8_scratch_bytes(ptrdiff_t channels, ptrdiff_t k) {
    return channels * k * (ptrdiff_t)sizeof(int16_t) + channels * (ptrdiff_t)sizeof(int32_t) + 16;
}

/// The sums of output step t into acc[channels].
static inline __attribute__((always_inline))
void step_sums(const int8_t *restrict x, const int16_t *restrict wt, ptrdiff_t time_in, ptrdiff_t channels,
               ptrdiff_t t, ptrdiff_t k, ptrdiff_t stride, ptrdiff_t dilation, ptrdiff_t pad_left, int32_t zx,
               uint32_t *restrict acc) {
    for (ptrdiff_t c = 0; c < channels; c++) acc[c] = 0;
    ptrdiff_t start = t * stride - pad_left;
    for (ptrdiff_t j = 0; j < k; j++) {
        ptrdiff_t ti = start + j * dilation;
        if (ti < 0 || ti >= time_in) continue;
        const int8_t *restrict xt = x + ti * channels;
        const int16_t *restrict wj = wt + j * channels;
        for (ptrdiff_t c = 0; c < channels; c++) acc[c] += (uint32_t)(((int32_t)xt[c] - zx) * (int32_t)wj[c]);
    }
}

static int16_t *transposed_weights(const int8_t *w, ptrdiff_t channels, ptrdiff_t k, void *scratch) {
    int16_t *wt = (int16_t *)scratch;
    for (ptrdiff_t c = 0; c < channels; c++)
        for (ptrdiff_t j = 0; j < k; j++) wt[j * channels + c] = w[c * k + j];
    return wt;
}

static uint32_t *sums_after(int16_t *wt, ptrdiff_t channels, ptrdiff_t k) {
    return (uint32_t *)(((uintptr_t)(wt + channels * k) + 3) & ~(uintptr_t)3);
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void depthwise_avx2(const int8_t *x, const int8_t *w, ptrdiff_t time_in, ptrdiff_t channels, ptrdiff_t time_out,
                           ptrdiff_t k, ptrdiff_t stride, ptrdiff_t dilation, ptrdiff_t pad_left, int32_t zx, int8_t *y,
                           const mujo_requant_out *out, void *scratch) {
    int16_t *wt = transposed_weights(w, channels, k, scratch);
    uint32_t *acc = sums_after(wt, channels, k);
    mujo_requant_plan plan;
    const int planned = mujo_requant_plan_init(out, channels, &plan);
    for (ptrdiff_t t = 0; t < time_out; t++) {
        step_sums(x, wt, time_in, channels, t, k, stride, dilation, pad_left, zx, acc);
        if (planned) mujo_requantize_row_planned_avx2((const int32_t *)acc, 0, channels, out, &plan, y + t * channels);
        else mujo_requantize_row_avx2((const int32_t *)acc, 0, channels, out, y + t * channels);
    }
}
#endif

void mujo_depthwise_conv1d_s8(mujo_gemm_path path, const int8_t *x, const int8_t *w, ptrdiff_t time_in, ptrdiff_t channels,
                              ptrdiff_t time_out, ptrdiff_t k, ptrdiff_t stride, ptrdiff_t dilation,
                              ptrdiff_t pad_left, int32_t zx, int8_t *y, const mujo_requant_out *out,
                              void *scratch) {
#if defined(__x86_64__)
    if (path == MUJO_GEMM_AVX2 || path == MUJO_GEMM_AVXVNNI) {
        depthwise_avx2(x, w, time_in, channels, time_out, k, stride, dilation, pad_left, zx, y, out, scratch);
        return;
    }
#endif
    (void)path;
    int16_t *wt = transposed_weights(w, channels, k, scratch);
    uint32_t *acc = sums_after(wt, channels, k);
    for (ptrdiff_t t = 0; t < time_out; t++) {
        step_sums(x, wt, time_in, channels, t, k, stride, dilation, pad_left, zx, acc);
        for (ptrdiff_t c = 0; c < channels; c++) y[t * channels + c] = mujo_requantize((int32_t)acc[c], c, out);
    }
}
