// mujo_add_s8: the reference addS8 (MuJoCore/Kernels/ElementwiseS8.swift) with its per-input
// rescaling looked up instead of computed. ra = mbqm((a − za) << 20, Ma) depends on a alone, so
// both inputs' 256 possible values are rescaled once per call into stack tables; each element
// then costs two loads, an add and the output's requantization — the same int64 arithmetic, the
// same bits.
#include "include/CMuJoKernels.h"
#include "requantize.h"

void mujo_add_s8(const int8_t *a, const int8_t *b, ptrdiff_t count, ptrdiff_t b_count, const int32_t *requant,
                 int8_t *y, int32_t za, int32_t zb, int32_t zy, int32_t lo, int32_t hi) {
    int64_t ta[256], tb[256];
    for (int v = -128; v < 128; v++) {
        ta[v + 128] = mujo_multiply_by_quantized_multiplier(((int64_t)v - za) * ((int64_t)1 << MUJO_ADD_LEFT_SHIFT), requant[0], requant[1]);
        tb[v + 128] = mujo_multiply_by_quantized_multiplier(((int64_t)v - zb) * ((int64_t)1 << MUJO_ADD_LEFT_SHIFT), requant[2], requant[3]);
    }
    const int32_t my = requant[4], sy = requant[5];
    for (ptrdiff_t i = 0, j = 0; i < count; i++) {
        int64_t v = mujo_multiply_by_quantized_multiplier(ta[a[i] + 128] + tb[b[j] + 128], my, sy) + zy;
        y[i] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
        if (++j == b_count) j = 0;
    }
}
