// mujo_depthwise_conv1d_s8: conv1dS8 when every channel is its own group. The weights [C, K] are
// turned into [K, C] int16 in the caller's scratch once per call, so the inner loop runs over
// contiguous channels (the compiler vectorizes it); taps outside the input are skipped as in the
// reference. Sums wrap in int32 exactly as the reference's.
#include "include/CMuJoKernels.h"
#include "requantize.h"

ptrdiff_t mujo_depthwise_conv1d_s8_scratch_bytes(ptrdiff_t channels, ptrdiff_t k) {
    return channels * k * (ptrdiff_t)sizeof(int16_t) + channels * (ptrdiff_t)sizeof(uint32_t) + 16;
}

void mujo_depthwise_conv1d_s8(const int8_t *x, const int8_t *w, ptrdiff_t time_in, ptrdiff_t channels,
                              ptrdiff_t time_out, ptrdiff_t k, ptrdiff_t stride, ptrdiff_t dilation,
                              ptrdiff_t pad_left, int32_t zx, int8_t *y, const mujo_requant_out *out,
                              void *scratch) {
    int16_t *wt = (int16_t *)scratch;
    uint32_t *acc = (uint32_t *)(((uintptr_t)(wt + channels * k) + 3) & ~(uintptr_t)3);
    for (ptrdiff_t c = 0; c < channels; c++)
        for (ptrdiff_t j = 0; j < k; j++) wt[j * channels + c] = w[c * k + j];
    for (ptrdiff_t t = 0; t < time_out; t++) {
        for (ptrdiff_t c = 0; c < channels; c++) acc[c] = 0;
        ptrdiff_t start = t * stride - pad_left;
        for (ptrdiff_t j = 0; j < k; j++) {
            ptrdiff_t ti = start + j * dilation;
            if (ti < 0 || ti >= time_in) continue;
            const int8_t *xt = x + ti * channels;
            const int16_t *wj = wt + j * channels;
            for (ptrdiff_t c = 0; c < channels; c++) acc[c] += (uint32_t)(((int32_t)xt[c] - zx) * (int32_t)wj[c]);
        }
        for (ptrdiff_t c = 0; c < channels; c++) y[t * channels + c] = mujo_requantize((int32_t)acc[c], c, out);
    }
}
