// Dropout's two per-element loops in C, for every family: without a branch on the random mask
// (which mispredicts on one unit in ten), so that they run at the speed of their loads and stores.
// Plain C with no target attributes: the compiler vectorises what it can for the baseline CPU.
#include "CDescentKernels.h"
#include <stdint.h>
#include <string.h>

static inline uint32_t float_bits(float x) { uint32_t b; memcpy(&b, &x, sizeof b); return b; }
static inline float bits_float(uint32_t b) { float x; memcpy(&x, &b, sizeof x); return x; }

// SplitMix64's output for an advanced state (DescentLinearAlgebra's SplitMix64.mixed).
static inline uint64_t splitmix_mixed(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void descent_dropout_masks(unsigned long long *state, long count, unsigned long long threshold, float kept, float *mask) {
    const uint64_t increment = 0x9E3779B97F4A7C15ULL, base = *state;
    const uint32_t kept_bits = float_bits(kept);
    const long pairs = count / 2;
    for (long p = 0; p < pairs; p++) {
        uint64_t bits = splitmix_mixed(base + (uint64_t)(p + 1) * increment);
        // All ones where the unit is kept: kept's bits, else 0 (+0.0).
        mask[2 * p] = bits_float(kept_bits & (0u - (uint32_t)((bits >> 32) < threshold)));
        mask[2 * p + 1] = bits_float(kept_bits & (0u - (uint32_t)((bits & 0xFFFFFFFFu) < threshold)));
    }
    if (count % 2 == 1) {
        uint64_t bits = splitmix_mixed(base + (uint64_t)(pairs + 1) * increment);
        mask[count - 1] = bits_float(kept_bits & (0u - (uint32_t)((bits >> 32) < threshold)));
    }
    *state = base + (uint64_t)((count + 1) / 2) * increment;
}

void descent_dropout_relu_backward(float *delta, const float *outputs, const float *mask, long count) {
    for (long i = 0; i < count; i++) {
        float m = mask[i];
        float y = outputs[i] / m;  // NaN where m is 0, and then not used
        float derivative = bits_float(0x3F800000u & (0u - (uint32_t)(y > 0)));  // 1 or 0
        float kept = delta[i] * m * derivative;
        delta[i] = bits_float(float_bits(kept) & (0u - (uint32_t)(m != 0)));
    }
}
