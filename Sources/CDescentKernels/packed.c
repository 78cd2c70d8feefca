// Float32 matrix multiply for large products (batches of 32 and more): B is packed, KC rows of
// the shared dimension at a time, into panels 16 columns wide laid out p-major, so the 6x16
// micro-kernel streams one panel from L1 while six rows of op(A) are broadcast one value at a
// time (Goto & van de Geijn, "Anatomy of high-performance matrix multiplication", 2008, without
// packing A: its rows are read along p, contiguous when A is not transposed). Twelve accumulators,
// two panel loads and one broadcast fill 15 of the 16 AVX registers.
#include "CDescentKernels.h"
#include <pthread.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))
enum { KC = 256, MR = 6, NR = 16 };

// One packing buffer per thread, grown as needed and kept: no allocation per product. A pthread
// key frees it when its thread exits: without it, every worker thread Dispatch retired leaked its
// buffer (up to ~400 KB each; found by LeakSanitizer, scripts/sanitize.sh).
static _Thread_local float *packing_buffer = 0;
static _Thread_local long packing_capacity = 0;
static pthread_key_t packing_key;
static pthread_once_t packing_key_once = PTHREAD_ONCE_INIT;

static void packing_make_key(void) { pthread_key_create(&packing_key, free); }

static float *packing(long floats) {
    if (floats > packing_capacity) {
        free(packing_buffer);
        packing_buffer = aligned_alloc(64, (size_t)((floats * 4 + 63) / 64 * 64));
        packing_capacity = packing_buffer ? floats : 0;
        pthread_once(&packing_key_once, packing_make_key);
        pthread_setspecific(packing_key, packing_buffer);
    }
    return packing_buffer;
}

// Panels of op(B)[k0 .. k0+kc) x [0 .. n), zero-padded to whole panels.
static void pack_b(bool transpose_b, const float *b, long ldb, long n, long k0, long kc, float *packed) {
    for (long jp = 0; jp < n; jp += NR) {
        float *panel = packed + (jp / NR) * kc * NR;
        long width = n - jp < NR ? n - jp : NR;
        if (transpose_b) {
            // B is n x k: read each of the panel's rows of B along p (contiguous), write a column.
            for (long jj = 0; jj < width; jj++) {
                const float *source = b + (jp + jj) * ldb + k0;
                for (long p = 0; p < kc; p++) panel[p * NR + jj] = source[p];
            }
            for (long jj = width; jj < NR; jj++)
                for (long p = 0; p < kc; p++) panel[p * NR + jj] = 0;
        } else {
            for (long p = 0; p < kc; p++) {
                const float *source = b + (k0 + p) * ldb + jp;
                float *out = panel + p * NR;
                for (long jj = 0; jj < width; jj++) out[jj] = source[jj];
                for (long jj = width; jj < NR; jj++) out[jj] = 0;
            }
        }
    }
}

AVX2 static inline __m256i lanes(long count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
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
    __m256i mask0 = lanes(cols), mask1 = lanes(cols - 8);
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

bool descent_sgemm_packed_avx2(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                               const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    long panels = (n + NR - 1) / NR;
    float *packed = packing(panels * NR * (k < KC ? k : KC));
    if (!packed) return false;  // No memory for the panels: the caller uses the unpacked kernels.
    long row_step = transpose_a ? 1 : lda, p_step = transpose_a ? lda : 1;
    for (long k0 = 0; k0 < k; k0 += KC) {
        long kc = k - k0 < KC ? k - k0 : KC;
        pack_b(transpose_b, b, ldb, n, k0, kc, packed);
        float block_beta = k0 == 0 ? beta : 1;
        for (long i = 0; i < m; i += MR) {
            long rows = m - i < MR ? m - i : MR;
            const float *a_rows = a + i * row_step + k0 * p_step;
            for (long jp = 0; jp < panels; jp++) {
                long cols = n - jp * NR < NR ? n - jp * NR : NR;
                kernel_6x16(rows, cols, kc, a_rows, row_step, p_step, packed + jp * kc * NR, alpha, block_beta,
                            c + i * ldc + jp * NR, ldc);
            }
        }
    }
    return true;
}
#else
bool descent_sgemm_packed_avx2(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                               const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    return false;
}
#endif
