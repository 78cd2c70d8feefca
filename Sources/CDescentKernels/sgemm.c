// Float32 matrix multiply for the shapes a small MLP meets: see CKernels.h.
//
// Two forms cover the three products training needs (B is the batch size):
//   "dot" form, C[i][j] = sum_p A[i][p] * B[j][p] (B transposed): the forward pass x W^T, where
//     both operands are read along contiguous rows. Tiles of 5 rows x 2 columns keep 10 AVX
//     accumulators; k runs 8 at a time, its tail with masked loads.
//   "axpy" form, C[i][:] += sum_p op(A)[i][p] * B[p][:]: the weight gradient delta^T x and the
//     backward delta W, vectorised along C's contiguous rows; tiles of 4 rows x 16 columns.
// Edge tiles reuse the last valid row's pointer and skip its store, so every tile runs the same
// fully unrolled code.
#include "CDescentKernels.h"

bool descent_sgemm_packed_avx2(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                               const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);
#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define DESCENT_X86 1
#endif

static inline float op_a(const float *a, long lda, bool transpose, long i, long p) {
    return transpose ? a[p * lda + i] : a[i * lda + p];
}

void descent_sgemm_reference(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float sum = 0;
            for (long p = 0; p < k; p++) {
                float bv = transpose_b ? b[j * ldb + p] : b[p * ldb + j];
                sum += op_a(a, lda, transpose_a, i, p) * bv;
            }
            float *out = &c[i * ldc + j];
            *out = alpha * sum + (beta == 0 ? 0 : beta * *out);
        }
    }
}

// The portable path: loop orders that keep the innermost loop contiguous, for the compiler to vectorise.
static void sgemm_portable(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                           const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (transpose_b) {
            for (long j = 0; j < n; j++) {
                const float *brow = b + j * ldb;
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                long p = 0;
                if (!transpose_a) {
                    const float *arow = a + i * lda;
                    for (; p + 4 <= k; p += 4) {
                        s0 += arow[p] * brow[p];
                        s1 += arow[p + 1] * brow[p + 1];
                        s2 += arow[p + 2] * brow[p + 2];
                        s3 += arow[p + 3] * brow[p + 3];
                    }
                }
                for (; p < k; p++) s0 += op_a(a, lda, transpose_a, i, p) * brow[p];
                float sum = (s0 + s1) + (s2 + s3);
                row[j] = alpha * sum + (beta == 0 ? 0 : beta * row[j]);
            }
        } else {
            if (beta == 0) memset(row, 0, (size_t)n * sizeof(float));
            else if (beta != 1) for (long j = 0; j < n; j++) row[j] *= beta;
            for (long p = 0; p < k; p++) {
                float scale = alpha * op_a(a, lda, transpose_a, i, p);
                const float *brow = b + p * ldb;
                for (long j = 0; j < n; j++) row[j] += scale * brow[j];
            }
        }
    }
}

#ifdef DESCENT_X86
#define AVX2 __attribute__((target("avx2,fma")))
#define SMALL_TRANSPOSE 4096  // floats: 16 KB on the stack

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

AVX2 static void sgemm_avx2(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                            const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    // A short k leaves the dot form mostly horizontal sums (16 of them for 32 multiply-adds in a
    // 16-16 layer): transpose the small B once and take the axpy form, which has none.
    float transposed[SMALL_TRANSPOSE];
    if (transpose_b && k <= 64 && n * k <= SMALL_TRANSPOSE) {
        for (long p = 0; p < k; p++)
            for (long j = 0; j < n; j++) transposed[p * n + j] = b[j * ldb + p];
        b = transposed;
        ldb = n;
        transpose_b = false;
    }
    if (transpose_b) {
        for (long i = 0; i < m; i += 5) {
            long rows = m - i < 5 ? m - i : 5;
            for (long j = 0; j < n; j += 2) {
                long cols = n - j < 2 ? n - j : 2;
                dot_tile(rows, cols, k, alpha, a + i * lda, lda, b + j * ldb, ldb, beta, c + i * ldc + j, ldc);
            }
        }
        return;
    }
    for (long i = 0; i < m; i += 4) {
        long rows = m - i < 4 ? m - i : 4;
        const float *a_rows = transpose_a ? a + i : a + i * lda;
        for (long j = 0; j < n; j += 16) {
            long cols = n - j < 16 ? n - j : 16;
            axpy_tile(rows, cols, k, alpha, a_rows, lda, transpose_a, b + j, ldb, beta, c + i * ldc + j, ldc);
        }
    }
}
#endif

#include <stdatomic.h>
static _Atomic int use_portable = -1;  // -1: not yet decided; then 0 or 1.

static bool cpu_has_avx2_fma(void) {
#ifdef DESCENT_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

void descent_sgemm_force_portable(bool portable) {
    use_portable = portable ? 1 : (cpu_has_avx2_fma() ? 0 : 1);
}

const char *descent_sgemm_kernel_name(void) {
    if (use_portable < 0) descent_sgemm_force_portable(false);
    return use_portable ? "portable" : "avx2-fma";
}

void descent_sgemm(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                   const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (use_portable < 0) descent_sgemm_force_portable(false);
#ifdef DESCENT_X86
    // The dot form needs op(A) row-major; A transposed with B transposed is not a shape training uses.
    if (!use_portable && m >= 32 && n >= 16 && k >= 32 &&
        descent_sgemm_packed_avx2(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) return;
    if (!use_portable && !(transpose_a && transpose_b)) {
        sgemm_avx2(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    sgemm_portable(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void descent_prefetch(const void *address, long bytes) {
    const char *start = (const char *)address;
    for (long offset = 0; offset < bytes; offset += 64) __builtin_prefetch(start + offset, 0, 3);
}

#ifdef DESCENT_X86
// Independent chains of fused multiply-adds on registers only: the core's arithmetic peak.
AVX2 static double fma_peak_avx2(long iterations) {
    __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (long i = 0; i < iterations; i++) {
        a0 = _mm256_fmadd_ps(a0, x, y); a1 = _mm256_fmadd_ps(a1, x, y); a2 = _mm256_fmadd_ps(a2, x, y);
        a3 = _mm256_fmadd_ps(a3, x, y); a4 = _mm256_fmadd_ps(a4, x, y); a5 = _mm256_fmadd_ps(a5, x, y);
        a6 = _mm256_fmadd_ps(a6, x, y); a7 = _mm256_fmadd_ps(a7, x, y); a8 = _mm256_fmadd_ps(a8, x, y);
        a9 = _mm256_fmadd_ps(a9, x, y);
    }
    __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                               _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)), _mm256_add_ps(a8, a9)));
    return horizontal_sum(sum);
}
#endif

long descent_fma_peak(long iterations, double *sink) {
#ifdef DESCENT_X86
    if (cpu_has_avx2_fma()) {
        *sink = fma_peak_avx2(iterations);
        return iterations * 10 * 8 * 2;
    }
#endif
    float a[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < 8; j++) a[j] = a[j] * 0.999999f + 1e-7f;
    *sink = a[0] + a[7];
    return iterations * 8 * 2;
}

// The logistic function over a buffer. AVX2 path: e^-x = 2^n * e^r with |r| <= ln2/2 and a degree-6
// polynomial for e^r (the Cephes expf coefficients), relative error about 2e-7, clamped to
// [-88, 88] so 1 + e^-x stays finite. Elsewhere, the C library's expf.
#ifdef DESCENT_X86
AVX2 static void sigmoid_avx2(float *values, long count) {
    const __m256 one = _mm256_set1_ps(1.0f), log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 ln2_hi = _mm256_set1_ps(0.693359375f), ln2_lo = _mm256_set1_ps(-2.12194440e-4f);
    const __m256 high = _mm256_set1_ps(88.0f), low = _mm256_set1_ps(-88.0f);
    const __m256 p0 = _mm256_set1_ps(1.9875691500e-4f), p1 = _mm256_set1_ps(1.3981999507e-3f);
    const __m256 p2 = _mm256_set1_ps(8.3334519073e-3f), p3 = _mm256_set1_ps(4.1665795894e-2f);
    const __m256 p4 = _mm256_set1_ps(1.6666665459e-1f), p5 = _mm256_set1_ps(5.0000001201e-1f);
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
    for (; i < count; i++) values[i] = 1.0f / (1.0f + expf(-values[i]));
}
#endif

void descent_sigmoid(float *values, long count) {
    if (use_portable < 0) descent_sgemm_force_portable(false);
#ifdef DESCENT_X86
    if (!use_portable) {
        sigmoid_avx2(values, count);
        return;
    }
#endif
    for (long i = 0; i < count; i++) values[i] = 1.0f / (1.0f + expf(-values[i]));
}

// One Adam step over `count` parameters (see NeuralNetwork's Adam): g' = g + decay·w,
// m = β1 m + (1−β1) g', v = β2 v + (1−β2) g'², w −= rate · m / (√v / root2 + ε).
#ifdef DESCENT_X86
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
    for (; i < count; i++) {
        float gradient = g[i] + decay * w[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gradient;
        v[i] = beta2 * v[i] + (1 - beta2) * gradient * gradient;
        w[i] -= rate * m[i] / (sqrtf(v[i]) / root2 + epsilon);
    }
}
#endif

void descent_adam(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2, float epsilon,
                  float rate, float root2, float decay) {
    if (use_portable < 0) descent_sgemm_force_portable(false);
#ifdef DESCENT_X86
    if (!use_portable) {
        adam_avx2(count, w, g, m, v, beta1, beta2, epsilon, rate, root2, decay);
        return;
    }
#endif
    for (long i = 0; i < count; i++) {
        float gradient = g[i] + decay * w[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gradient;
        v[i] = beta2 * v[i] + (1 - beta2) * gradient * gradient;
        w[i] -= rate * m[i] / (sqrtf(v[i]) / root2 + epsilon);
    }
}

// ReLU and its backward step, written so that the compiler vectorises them (SSE on the baseline
// target): a select, not a branch, since half the signs are random and a branch mispredicts on them.
// Every element is written (no conditional store) and the buffers are restrict, or it stays scalar.
void descent_relu(float *restrict values, long count) {
    for (long i = 0; i < count; i++) {
        float x = values[i];
        values[i] = x > 0 ? x : 0.0f;
    }
}

void descent_relu_backward(float *restrict delta, const float *restrict outputs, long count) {
    for (long i = 0; i < count; i++) {
        float d = delta[i];
        delta[i] = outputs[i] > 0 ? d : 0.0f;
    }
}
