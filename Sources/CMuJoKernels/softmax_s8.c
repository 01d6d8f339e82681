// mujo_softmax_s8: the reference softmaxS8 (MuJoCore/Kernels/LookupTableS8.swift) in portable C,
// with each element's division by the row's sum done as a multiplication by the sum's reciprocal
// plus the exact one-step correction (as PortableKernels.quotient). Exact for every model the
// validator accepts: table entries in 0…2²⁰ with entry 0 positive, so the sum is in 1…n·2²⁰ and
// e·256 + sum/2 ≪ 2⁵². Same bits as the reference (KernelVariantTests, KernelVectorTests).
#include "include/CMuJoKernels.h"

void mujo_softmax_s8(const int8_t *x, ptrdiff_t rows, ptrdiff_t n, const int32_t *exp_table, int8_t *y) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const int8_t *row = x + r * n;
        int8_t *out = y + r * n;
        int m = row[0];
        for (ptrdiff_t i = 1; i < n; i++) m = row[i] > m ? row[i] : m;
        int64_t sum = 0;
        for (ptrdiff_t i = 0; i < n; i++) sum += exp_table[m - row[i]];
        const int64_t half = sum / 2;
        const double inverse = 1.0 / (double)sum;
        for (ptrdiff_t i = 0; i < n; i++) {
            int64_t u = (int64_t)exp_table[m - row[i]] * 256 + half;
            int64_t q = (int64_t)((double)u * inverse);
            if (q * sum > u) q -= 1;
            else if ((q + 1) * sum <= u) q += 1;
            int64_t v = q - 128;
            out[i] = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
        }
    }
}
