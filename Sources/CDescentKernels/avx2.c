// The AVX2 + FMA family (x86-64 since Haswell and Zen): 8-wide vectors, 16 registers. Compiled with
// __attribute__((target)) and no build flags, chosen at run time only where the CPU has both.
//
// Products, in three forms (B is the batch size):
//   "dot" form, C[i][j] = sum_p A[i][p] * B[j][p] (B transposed): tiles of 5 rows x 2 columns keep
//     10 accumulators; k runs 8 at a time, its tail with masked loads.
//   "axpy" form, C[i][:] += sum_p op(A)[i][p] * B[p][:]: vectorised along C's contiguous rows; tiles
//     of 4 rows x 16 columns. Edge tiles reuse the last valid row's pointer and skip its store.
//   packed, for batches of 32 and more: op(B) packed into 16-wide panels, a 6x16 micro-kernel with
//     twelve accumulators, two panel loads and one broadcast (15 of the 16 registers).
// Fused multiply-add is used deliberately: results differ from the reference in rounding only.
#include "kernels.h"
#include <math.h>

#ifdef DESCENT_X86
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))
enum { KC = 256, MR = 6, NR = 16 };

// Lanes 0..count-1 set, for masked loads and stores of a vector's first `count` floats.
AVX2 static inline __m256i lane_mask(long count) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), lanes);
}

AVX2 static inline float horizontal_sum(__m256 v) {
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_shuffle_ps(sum, sum, 1));
    return _mm_cvtss_f32(sum);
}

// Dot form on one tile: up to 5 rows of A (row-major) against up to 2 rows of B: 10 accumulators.
// Five rows fit a batch of 10 in two tiles with no wasted lanes.
AVX2 static void dot_tile(long rows, long cols, long k, float alpha, const float *a, long lda,
                          const float *b, long ldb, float beta, float *c, long ldc) {
    const float *a0 = a, *a1 = a + (rows > 1 ? 1 : 0) * lda, *a2 = a + (rows > 2 ? 2 : 0) * lda;
    const float *a3 = a + (rows > 3 ? 3 : 0) * lda, *a4 = a + (rows > 4 ? 4 : 0) * lda;
    const float *b0 = b, *b1 = b + (cols > 1 ? 1 : 0) * ldb;
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00;
#define DOT_STEP(LOAD)                                                          \
    {                                                                           \
        __m256 x0 = LOAD(b0 + p), x1 = LOAD(b1 + p);                            \
        __m256 r = LOAD(a0 + p);                                                \
        c00 = _mm256_fmadd_ps(r, x0, c00); c01 = _mm256_fmadd_ps(r, x1, c01);   \
        r = LOAD(a1 + p);                                                       \
        c10 = _mm256_fmadd_ps(r, x0, c10); c11 = _mm256_fmadd_ps(r, x1, c11);   \
        r = LOAD(a2 + p);                                                       \
        c20 = _mm256_fmadd_ps(r, x0, c20); c21 = _mm256_fmadd_ps(r, x1, c21);   \
        r = LOAD(a3 + p);                                                       \
        c30 = _mm256_fmadd_ps(r, x0, c30); c31 = _mm256_fmadd_ps(r, x1, c31);   \
        r = LOAD(a4 + p);                                                       \
        c40 = _mm256_fmadd_ps(r, x0, c40); c41 = _mm256_fmadd_ps(r, x1, c41);   \
    }
    long p = 0;
    for (; p + 8 <= k; p += 8) DOT_STEP(_mm256_loadu_ps)
    if (p < k) {
        __m256i mask = lane_mask(k - p);
#define MASKED_LOAD(address) _mm256_maskload_ps(address, mask)
        DOT_STEP(MASKED_LOAD)
#undef MASKED_LOAD
    }
#undef DOT_STEP
    __m256 sums[5][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}};
    for (long r = 0; r < rows; r++) {
        for (long s = 0; s < cols; s++) {
            float *out = &c[r * ldc + s];
            *out = alpha * horizontal_sum(sums[r][s]) + (beta == 0 ? 0 : beta * *out);
        }
    }
}

// Axpy form on one tile: C rows i0.. (up to 4), columns j0.. (up to 16), summing over all k.
AVX2 static void axpy_tile(long rows, long cols, long k, float alpha, const float *a, long lda, bool transpose_a,
                           const float *b, long ldb, float beta, float *c, long ldc) {
    // Element (r, p) of op(A) for this tile's row r: a step of `row_step` between rows, `p_step` along p.
    long row_step = transpose_a ? 1 : lda, p_step = transpose_a ? lda : 1;
    long r1 = rows > 1 ? row_step : 0, r2 = rows > 2 ? 2 * row_step : 0, r3 = rows > 3 ? 3 * row_step : 0;
    __m256i mask0 = lane_mask(cols), mask1 = lane_mask(cols - 8);
    bool full = cols == 16;
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (long p = 0; p < k; p++) {
        const float *brow = b + p * ldb;
        __m256 x0 = full ? _mm256_loadu_ps(brow) : _mm256_maskload_ps(brow, mask0);
        __m256 x1 = full ? _mm256_loadu_ps(brow + 8) : _mm256_maskload_ps(brow + 8, mask1);
        const float *ap = a + p * p_step;
        __m256 s = _mm256_broadcast_ss(ap);
        c00 = _mm256_fmadd_ps(s, x0, c00); c01 = _mm256_fmadd_ps(s, x1, c01);
        s = _mm256_broadcast_ss(ap + r1);
        c10 = _mm256_fmadd_ps(s, x0, c10); c11 = _mm256_fmadd_ps(s, x1, c11);
        s = _mm256_broadcast_ss(ap + r2);
        c20 = _mm256_fmadd_ps(s, x0, c20); c21 = _mm256_fmadd_ps(s, x1, c21);
        s = _mm256_broadcast_ss(ap + r3);
        c30 = _mm256_fmadd_ps(s, x0, c30); c31 = _mm256_fmadd_ps(s, x1, c31);
    }
    __m256 sums[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    for (long r = 0; r < rows; r++) {
        float *out = c + r * ldc;
        __m256 lo = _mm256_mul_ps(va, sums[r][0]), hi = _mm256_mul_ps(va, sums[r][1]);
        if (full) {
            if (beta != 0) {
                lo = _mm256_fmadd_ps(vb, _mm256_loadu_ps(out), lo);
                hi = _mm256_fmadd_ps(vb, _mm256_loadu_ps(out + 8), hi);
            }
            _mm256_storeu_ps(out, lo);
            _mm256_storeu_ps(out + 8, hi);
        } else {
            if (beta != 0) {
                lo = _mm256_fmadd_ps(vb, _mm256_maskload_ps(out, mask0), lo);
                hi = _mm256_fmadd_ps(vb, _mm256_maskload_ps(out + 8, mask1), hi);
            }
            _mm256_maskstore_ps(out, mask0, lo);
            _mm256_maskstore_ps(out + 8, mask1, hi);
        }
    }
}

// C[0..rows) x [0..cols) = alpha * op(A) rows x panel + beta * C; rows <= 6, cols <= 16.
AVX2 static void kernel_6x16(long rows, long cols, long kc, const float *a, long row_step, long p_step,
                             const float *panel, float alpha, float beta, float *c, long ldc) {
    const float *a0 = a, *a1 = a + (rows > 1 ? row_step : 0), *a2 = a + (rows > 2 ? 2 * row_step : 0);
    const float *a3 = a + (rows > 3 ? 3 * row_step : 0), *a4 = a + (rows > 4 ? 4 * row_step : 0);
    const float *a5 = a + (rows > 5 ? 5 * row_step : 0);
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (long p = 0; p < kc; p++) {
        __m256 x0 = _mm256_load_ps(panel + p * NR), x1 = _mm256_load_ps(panel + p * NR + 8);
        long offset = p * p_step;
        __m256 s = _mm256_broadcast_ss(a0 + offset);
        c00 = _mm256_fmadd_ps(s, x0, c00); c01 = _mm256_fmadd_ps(s, x1, c01);
        s = _mm256_broadcast_ss(a1 + offset);
        c10 = _mm256_fmadd_ps(s, x0, c10); c11 = _mm256_fmadd_ps(s, x1, c11);
        s = _mm256_broadcast_ss(a2 + offset);
        c20 = _mm256_fmadd_ps(s, x0, c20); c21 = _mm256_fmadd_ps(s, x1, c21);
        s = _mm256_broadcast_ss(a3 + offset);
        c30 = _mm256_fmadd_ps(s, x0, c30); c31 = _mm256_fmadd_ps(s, x1, c31);
        s = _mm256_broadcast_ss(a4 + offset);
        c40 = _mm256_fmadd_ps(s, x0, c40); c41 = _mm256_fmadd_ps(s, x1, c41);
        s = _mm256_broadcast_ss(a5 + offset);
        c50 = _mm256_fmadd_ps(s, x0, c50); c51 = _mm256_fmadd_ps(s, x1, c51);
    }
    __m256 sums[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    __m256i mask0 = lane_mask(cols), mask1 = lane_mask(cols - 8);
    for (long r = 0; r < rows; r++) {
        float *out = c + r * ldc;
        __m256 lo = _mm256_mul_ps(va, sums[r][0]), hi = _mm256_mul_ps(va, sums[r][1]);
        if (cols == NR) {
            if (beta != 0) {
                lo = _mm256_fmadd_ps(vb, _mm256_loadu_ps(out), lo);
                hi = _mm256_fmadd_ps(vb, _mm256_loadu_ps(out + 8), hi);
            }
            _mm256_storeu_ps(out, lo);
            _mm256_storeu_ps(out + 8, hi);
        } else {
            if (beta != 0) {
                lo = _mm256_fmadd_ps(vb, _mm256_maskload_ps(out, mask0), lo);
                hi = _mm256_fmadd_ps(vb, _mm256_maskload_ps(out + 8, mask1), hi);
            }
            _mm256_maskstore_ps(out, mask0, lo);
            _mm256_maskstore_ps(out + 8, mask1, hi);
        }
    }
}

static const descent_gemm_tiles tiles = {
    .packed = kernel_6x16, .mr = MR, .nr = NR, .kc = KC,
    .dot = dot_tile, .dot_rows = 5, .dot_cols = 2,
    .axpy = axpy_tile, .axpy_rows = 4, .axpy_cols = 16,
};

AVX2 static void sgemm_avx2(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                            const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    descent_sgemm_tiled(&tiles, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// Independent chains of fused multiply-adds on registers only: the core's arithmetic peak. Twelve
// chains (and x and y: 14 of the 16 registers) cover two FMA units with a latency of 4 to 5 cycles;
// each starts from its own value, or the compiler folds chains that compute alike into one.
AVX2 static double fma_peak_avx2(long iterations) {
    __m256 a[12];
    for (int j = 0; j < 12; j++) a[j] = _mm256_set1_ps(1.0f + (float)j * 0x1p-10f);
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 12
        for (int j = 0; j < 12; j++) a[j] = _mm256_fmadd_ps(a[j], x, y);
    }
    for (int j = 1; j < 12; j++) a[0] = _mm256_add_ps(a[0], a[j]);
    return horizontal_sum(a[0]);
}

static long fma_peak(long iterations, double *sink) {
    *sink = fma_peak_avx2(iterations);
    return iterations * 12 * 8 * 2;
}

// The logistic function: e^-x = 2^n * e^r with |r| <= ln2/2 and a degree-6 polynomial for e^r,
// clamped to [-88, 88] so 1 + e^-x stays finite.
AVX2 static void sigmoid_avx2(float *values, long count) {
    const __m256 one = _mm256_set1_ps(1.0f), log2e = _mm256_set1_ps(DESCENT_LOG2E);
    const __m256 ln2_hi = _mm256_set1_ps(DESCENT_LN2_HI), ln2_lo = _mm256_set1_ps(DESCENT_LN2_LO);
    const __m256 high = _mm256_set1_ps(88.0f), low = _mm256_set1_ps(-88.0f);
    const __m256 p0 = _mm256_set1_ps(DESCENT_EXP_P0), p1 = _mm256_set1_ps(DESCENT_EXP_P1);
    const __m256 p2 = _mm256_set1_ps(DESCENT_EXP_P2), p3 = _mm256_set1_ps(DESCENT_EXP_P3);
    const __m256 p4 = _mm256_set1_ps(DESCENT_EXP_P4), p5 = _mm256_set1_ps(DESCENT_EXP_P5);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 x = _mm256_sub_ps(_mm256_setzero_ps(), _mm256_loadu_ps(values + i));  // e^-x
        x = _mm256_max_ps(_mm256_min_ps(x, high), low);
        __m256 n = _mm256_round_ps(_mm256_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m256 r = _mm256_fnmadd_ps(n, ln2_hi, x);
        r = _mm256_fnmadd_ps(n, ln2_lo, r);
        __m256 y = _mm256_fmadd_ps(p0, r, p1);
        y = _mm256_fmadd_ps(y, r, p2);
        y = _mm256_fmadd_ps(y, r, p3);
        y = _mm256_fmadd_ps(y, r, p4);
        y = _mm256_fmadd_ps(y, r, p5);
        y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), _mm256_add_ps(r, one));
        __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
        __m256 e = _mm256_mul_ps(y, _mm256_castsi256_ps(exponent));
        _mm256_storeu_ps(values + i, _mm256_div_ps(one, _mm256_add_ps(one, e)));
    }
    descent_kernels_portable.sigmoid(values + i, count - i);  // the tail, with the C library's expf
}

// One Adam step (see CDescentKernels.h).
AVX2 static void adam_avx2(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2,
                           float epsilon, float rate, float root2, float decay) {
    const __m256 b1 = _mm256_set1_ps(beta1), c1 = _mm256_set1_ps(1 - beta1), b2 = _mm256_set1_ps(beta2);
    const __m256 c2 = _mm256_set1_ps(1 - beta2), eps = _mm256_set1_ps(epsilon), r = _mm256_set1_ps(rate);
    const __m256 inverse_root2 = _mm256_set1_ps(1 / root2), d = _mm256_set1_ps(decay);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 weight = _mm256_loadu_ps(w + i);
        __m256 gradient = _mm256_fmadd_ps(d, weight, _mm256_loadu_ps(g + i));
        __m256 first = _mm256_fmadd_ps(b1, _mm256_loadu_ps(m + i), _mm256_mul_ps(c1, gradient));
        __m256 second = _mm256_fmadd_ps(b2, _mm256_loadu_ps(v + i), _mm256_mul_ps(c2, _mm256_mul_ps(gradient, gradient)));
        __m256 denominator = _mm256_fmadd_ps(_mm256_sqrt_ps(second), inverse_root2, eps);
        _mm256_storeu_ps(m + i, first);
        _mm256_storeu_ps(v + i, second);
        _mm256_storeu_ps(w + i, _mm256_sub_ps(weight, _mm256_div_ps(_mm256_mul_ps(r, first), denominator)));
    }
    // The tail in this function, not the portable one: compiled for FMA, the compiler fuses its
    // multiply-adds, and models trained before the families were split keep their last bits.
    for (; i < count; i++) {
        float gradient = g[i] + decay * w[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gradient;
        v[i] = beta2 * v[i] + (1 - beta2) * gradient * gradient;
        w[i] -= rate * m[i] / (sqrtf(v[i]) / root2 + epsilon);
    }
}

// The 64-wide blocks keep their sums in a0..a7: FMA_64 adds v times the 64 floats at `source`
// to them, STORE_64 stores them at `target`.
#define FMA_64(v, source)                                                                                          \
    {                                                                                                              \
        const float *s_ = (source);                                                                                \
        a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_), a0); a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 8), a1);   \
        a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 16), a2); a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 24), a3); \
        a4 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 32), a4); a5 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 40), a5); \
        a6 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 48), a6); a7 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 56), a7); \
    }
#define STORE_64(target)                                                                                           \
    {                                                                                                              \
        float *t_ = (target);                                                                                      \
        _mm256_storeu_ps(t_, a0); _mm256_storeu_ps(t_ + 8, a1); _mm256_storeu_ps(t_ + 16, a2);                      \
        _mm256_storeu_ps(t_ + 24, a3); _mm256_storeu_ps(t_ + 32, a4); _mm256_storeu_ps(t_ + 40, a5);                \
        _mm256_storeu_ps(t_ + 48, a6); _mm256_storeu_ps(t_ + 56, a7);                                              \
    }

// `weights` rows are `wstride` floats apart, wstride a multiple of 16 at least `out`, the padding
// zero: every weight access is a whole 16-wide block with plain loads and stores (masked stores are
// microcoded on AMD Zen and slow); only the once-per-example bias, z and delta rows are masked.
//
// Columns outside, examples inside: a block of 64 columns of the weights (784 x 64 floats, 200 KB
// for MNIST) stays in L2 while every example of the batch reads it. Examples outside, a 256-wide
// layer's 800 KB of weights came from L3 again for each example.
AVX2 static void sparse_forward_avx2(long rows, long out, const long *counts, const unsigned short *indices,
                                     const float *values, long stride, const float *weights, long wstride,
                                     const float *bias, float *z, long ldz) {
    long j = 0;
    for (; j + 64 <= out; j += 64) {
        for (long i = 0; i < rows; i++) {
            const unsigned short *index = indices + i * stride;
            const float *value = values + i * stride;
            const float *b = bias + j;
            __m256 a0 = _mm256_loadu_ps(b), a1 = _mm256_loadu_ps(b + 8), a2 = _mm256_loadu_ps(b + 16);
            __m256 a3 = _mm256_loadu_ps(b + 24), a4 = _mm256_loadu_ps(b + 32), a5 = _mm256_loadu_ps(b + 40);
            __m256 a6 = _mm256_loadu_ps(b + 48), a7 = _mm256_loadu_ps(b + 56);
            for (long p = 0; p < counts[i]; p++) {
                const float *w = weights + (long)index[p] * wstride + j;
                __m256 v = _mm256_broadcast_ss(value + p);
                FMA_64(v, w);
            }
            STORE_64(z + i * ldz + j);
        }
    }
    for (; j < out; j += 16) {
        __m256i mask0 = lane_mask(out - j), mask1 = lane_mask(out - j - 8);
        for (long i = 0; i < rows; i++) {
            const unsigned short *index = indices + i * stride;
            const float *value = values + i * stride;
            __m256 lo = _mm256_maskload_ps(bias + j, mask0), hi = _mm256_maskload_ps(bias + j + 8, mask1);
            // Two pixels a step into two pairs of sums: a single chain of fused multiply-adds would
            // wait out each one's latency.
            __m256 lo2 = _mm256_setzero_ps(), hi2 = _mm256_setzero_ps();
            long p = 0;
            for (; p + 2 <= counts[i]; p += 2) {
                const float *w = weights + (long)index[p] * wstride + j, *w2 = weights + (long)index[p + 1] * wstride + j;
                __m256 v = _mm256_broadcast_ss(value + p), v2 = _mm256_broadcast_ss(value + p + 1);
                lo = _mm256_fmadd_ps(v, _mm256_loadu_ps(w), lo);
                hi = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 8), hi);
                lo2 = _mm256_fmadd_ps(v2, _mm256_loadu_ps(w2), lo2);
                hi2 = _mm256_fmadd_ps(v2, _mm256_loadu_ps(w2 + 8), hi2);
            }
            if (p < counts[i]) {
                const float *w = weights + (long)index[p] * wstride + j;
                __m256 v = _mm256_broadcast_ss(value + p);
                lo = _mm256_fmadd_ps(v, _mm256_loadu_ps(w), lo);
                hi = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 8), hi);
            }
            lo = _mm256_add_ps(lo, lo2);
            hi = _mm256_add_ps(hi, hi2);
            float *row = z + i * ldz;
            _mm256_maskstore_ps(row + j, mask0, lo);
            _mm256_maskstore_ps(row + j + 8, mask1, hi);
        }
    }
}

AVX2 static void sparse_update_avx2(long rows, long out, const long *counts, const unsigned short *indices,
                                    const float *values, long stride, const float *delta, long ldd, float scale,
                                    float *weights, long wstride) {
    for (long i = 0; i < rows; i++) {
        const unsigned short *index = indices + i * stride;
        const float *value = values + i * stride;
        const float *d = delta + i * ldd;
        for (long j = 0; j < out; j += 16) {
            // Lanes past `out` load as 0, so the padding is updated by 0 and stays 0.
            __m256 lo = _mm256_maskload_ps(d + j, lane_mask(out - j)), hi = _mm256_maskload_ps(d + j + 8, lane_mask(out - j - 8));
            for (long p = 0; p < counts[i]; p++) {
                float *w = weights + (long)index[p] * wstride + j;
                __m256 v = _mm256_set1_ps(scale * value[p]);
                _mm256_storeu_ps(w, _mm256_fmadd_ps(v, lo, _mm256_loadu_ps(w)));
                _mm256_storeu_ps(w + 8, _mm256_fmadd_ps(v, hi, _mm256_loadu_ps(w + 8)));
            }
        }
    }
}

AVX2 static void load_avx2(const unsigned short *source_indices, const unsigned char *source_bytes, long count, float scale,
                           unsigned short *indices, float *values) {
    // An inline copy: a call to memcpy for the ~150 positions of a digit cost more than the copy.
    long q = 0;
    for (; q + 16 <= count; q += 16)
        _mm256_storeu_si256((__m256i *)(indices + q), _mm256_loadu_si256((const __m256i *)(source_indices + q)));
    for (; q < count; q++) indices[q] = source_indices[q];
    const __m256 factor = _mm256_set1_ps(scale);
    long p = 0;
    for (; p + 8 <= count; p += 8) {
        __m256i bytes = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(source_bytes + p)));
        _mm256_storeu_ps(values + p, _mm256_mul_ps(_mm256_cvtepi32_ps(bytes), factor));
    }
    for (; p < count; p++) values[p] = (float)source_bytes[p] * scale;
}

// For each input p: gradient[p][0..width) = scale · Σ over p's entries e of value_e · delta[row_e][..],
// delta's columns past `out` read as zero. Blocks of 64 columns in 8 accumulators, then of 16, masked.
// Columns outside, as in the forward pass: a block of 64 columns of delta (a batch of 128 rows,
// 32 KB) stays in L1 while every input reads it.
AVX2 static void sparse_gradient_avx2(long out, long width, long inputs, const long *starts, const int *entry_rows,
                                      const float *entry_values, const float *delta, long ldd, float scale,
                                      float *gradient, long gstride) {
    long j = 0;
    for (; j + 64 <= out; j += 64) {
        for (long p = 0; p < inputs; p++) {
            float *g = gradient + p * gstride;
            long first = starts[p], last = starts[p + 1];
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (long e = first; e < last; e++) {
                const float *d = delta + (long)entry_rows[e] * ldd + j;
                __m256 v = _mm256_set1_ps(scale * entry_values[e]);
                FMA_64(v, d);
            }
            STORE_64(g + j);
        }
    }
    for (; j < width; j += 16) {
        __m256i mask0 = lane_mask(out - j), mask1 = lane_mask(out - j - 8);
        for (long p = 0; p < inputs; p++) {
            float *g = gradient + p * gstride;
            long first = starts[p], last = starts[p + 1];
            __m256 a0 = _mm256_setzero_ps(), a1 = a0;
            for (long e = first; e < last; e++) {
                const float *d = delta + (long)entry_rows[e] * ldd + j;
                __m256 v = _mm256_set1_ps(scale * entry_values[e]);
                a0 = _mm256_fmadd_ps(v, _mm256_maskload_ps(d, mask0), a0);
                a1 = _mm256_fmadd_ps(v, _mm256_maskload_ps(d + 8, mask1), a1);
            }
            _mm256_storeu_ps(g + j, a0);
            _mm256_storeu_ps(g + j + 8, a1);
        }
    }
}

AVX2 static long count_nonzero_avx2(const unsigned char *bytes, long count) {
    long found = 0, position = 0;
    const __m256i zero = _mm256_setzero_si256();
    for (; position + 32 <= count; position += 32) {
        __m256i chunk = _mm256_loadu_si256((const __m256i *)(bytes + position));
        found += __builtin_popcount(~(unsigned int)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chunk, zero)));
    }
    for (; position < count; position++) found += bytes[position] != 0;
    return found;
}

AVX2 static long encode_avx2(const unsigned char *bytes, long count, unsigned short *positions, unsigned char *values) {
    long found = 0, position = 0;
    const __m256i zero = _mm256_setzero_si256();
    for (; position + 32 <= count; position += 32) {
        __m256i chunk = _mm256_loadu_si256((const __m256i *)(bytes + position));
        unsigned int nonzero = ~(unsigned int)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chunk, zero));
        while (nonzero) {
            long bit = __builtin_ctz(nonzero);
            positions[found] = (unsigned short)(position + bit);
            values[found++] = bytes[position + bit];
            nonzero &= nonzero - 1;
        }
    }
    for (; position < count; position++) {
        if (bytes[position]) {
            positions[found] = (unsigned short)position;
            values[found++] = bytes[position];
        }
    }
    return found;
}

static void relu_avx2(float *values, long count) { descent_kernels_portable.relu(values, count); }

static void relu_backward_avx2(float *delta, const float *outputs, long count) {
    descent_kernels_portable.relu_backward(delta, outputs, count);
}

// The portable filter line, 8 outputs at a time (a masked tail): separate multiply and add.
AVX2 DESCENT_UNFUSED
static void filter_line_avx2(const float *source, long step, const float *taps, long count, float scale, float *out,
                             long n) {
    DESCENT_NO_CONTRACTION
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (long i = 0; i < n; i += 8) {
        long left = n - i < 8 ? n - i : 8;
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), lanes);
        __m256 sum = _mm256_setzero_ps();
        for (long k = 0; k < count; k++) {
            __m256 weight = _mm256_set1_ps(taps[k] * scale);
            sum = _mm256_add_ps(sum, _mm256_mul_ps(weight, _mm256_maskload_ps(source + i + k * step, mask)));
        }
        _mm256_maskstore_ps(out + i, mask, sum);
    }
}

const descent_kernel_table descent_kernels_avx2 = {
    .name = "avx2-fma",
    .sgemm = sgemm_avx2,
    .sigmoid = sigmoid_avx2,
    .relu = relu_avx2,
    .relu_backward = relu_backward_avx2,
    .adam = adam_avx2,
    .sparse_forward = sparse_forward_avx2,
    .sparse_update = sparse_update_avx2,
    .sparse_gradient = sparse_gradient_avx2,
    .sparse_load = load_avx2,
    .count_nonzero = count_nonzero_avx2,
    .sparse_encode = encode_avx2,
    .fma_peak = fma_peak,
    .filter_line = filter_line_avx2,
    .sample = descent_distortion_sample_portable,
};
#else
const descent_kernel_table descent_kernels_avx2 = {.name = 0};
#endif
