// The one rounding policy (MuJoCore/Quantization/FixedPoint.swift), in C: identical results.
#ifndef MUJO_REQUANTIZE_H
#define MUJO_REQUANTIZE_H
#include "include/CMuJoKernels.h"

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
