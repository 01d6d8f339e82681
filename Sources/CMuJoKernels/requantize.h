// The one rounding policy (MuJoCore/Quantization/FixedPoint.swift), in C: identical results.
#ifndef MUJO_REQUANTIZE_H
#define MUJO_REQUANTIZE_H
#include "include/CMuJoKernels.h"

/// FixedPoint.multiplyByQuantizedMultiplier(x, (multiplier, shift)): (x·M + 2^(n−1)) >> n, n = 31 − shift,
/// the multiplication and addition wrapping (as Swift's &* and &+), the shift arithmetic.
static inline int64_t mujo_multiply_by_quantized_multiplier(int64_t x, int32_t multiplier, int32_t shift) {
    int64_t n = 31 - (int64_t)shift;
    uint64_t p = (uint64_t)x * (uint64_t)(int64_t)multiplier + ((uint64_t)1 << (n - 1));
    return (int64_t)p >> n;
}

/// FixedPoint.requantize(Int64(acc) + bias, (multiplier, shift), zeroPoint, lo, hi).
static inline int8_t mujo_requantize(int32_t acc, ptrdiff_t c, const mujo_requant_out *o) {
    int64_t total = (int64_t)acc + (o->bias ? (int64_t)o->bias[c] : 0);
    const int32_t *m = o->requant + (o->per_column ? 2 * c : 0);
    int64_t n = 31 - (int64_t)m[1];
    // x·M + 2^(n−1), wrapping (as Swift's &* and &+), then an arithmetic shift right.
    uint64_t p = (uint64_t)total * (uint64_t)(int64_t)m[0] + ((uint64_t)1 << (n - 1));
    int64_t v = ((int64_t)p >> n) + (int64_t)o->zero_point;
    if (v < o->lo) v = o->lo;
    if (v > o->hi) v = o->hi;
    return (int8_t)v;
}
#endif
