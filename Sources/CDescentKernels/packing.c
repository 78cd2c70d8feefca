// The product driver every family shares, and the packing behind it, for the packed products of every family (Goto & van de Geijn, "Anatomy of
// high-performance matrix multiplication", 2008): KC rows of op(B)'s shared dimension at a time,
// laid out in panels NR columns wide, p-major, so a micro-kernel streams one panel from L1.
#include "kernels.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// One buffer per thread, grown as needed and kept: no allocation per product. A pthread key frees
// it when its thread exits: without it, every worker thread Dispatch retired leaked its buffer
// (up to ~400 KB each; found by LeakSanitizer, scripts/sanitize.sh).
static _Thread_local float *packing_buffer = 0;
static _Thread_local long packing_capacity = 0;
static pthread_key_t packing_key;
static pthread_once_t packing_key_once = PTHREAD_ONCE_INIT;

static void packing_make_key(void) { pthread_key_create(&packing_key, free); }

float *descent_packing_buffer(long floats) {
    if (floats > packing_capacity) {
        free(packing_buffer);
        packing_buffer = aligned_alloc(64, (size_t)((floats * 4 + 63) / 64 * 64));
        packing_capacity = packing_buffer ? floats : 0;
        pthread_once(&packing_key_once, packing_make_key);
        pthread_setspecific(packing_key, packing_buffer);
    }
    return packing_buffer;
}

// The packed product (Goto & van de Geijn): op(B) packed KC rows at a time; the micro-kernel runs
// over MR rows of op(A) (read in place) and one NR-wide panel. False where no memory could be had.
static bool sgemm_packed(const descent_gemm_tiles *t, bool transpose_a, bool transpose_b, long m, long n, long k,
                         float alpha, const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    long panels = (n + t->nr - 1) / t->nr;
    float *packed = descent_packing_buffer(panels * t->nr * (k < t->kc ? k : t->kc));
    if (!packed) return false;
    long row_step = transpose_a ? 1 : lda, p_step = transpose_a ? lda : 1;
    for (long k0 = 0; k0 < k; k0 += t->kc) {
        long kc = k - k0 < t->kc ? k - k0 : t->kc;
        descent_pack_b(transpose_b, b, ldb, n, k0, kc, t->nr, packed);
        float block_beta = k0 == 0 ? beta : 1;
        for (long i = 0; i < m; i += t->mr) {
            long rows = m - i < t->mr ? m - i : t->mr;
            const float *a_rows = a + i * row_step + k0 * p_step;
            for (long jp = 0; jp < panels; jp++) {
                long cols = n - jp * t->nr < t->nr ? n - jp * t->nr : t->nr;
                t->packed(rows, cols, kc, a_rows, row_step, p_step, packed + jp * kc * t->nr, alpha, block_beta,
                          c + i * ldc + jp * t->nr, ldc);
            }
        }
    }
    return true;
}

#define SMALL_TRANSPOSE 4096  // floats: 16 KB on the stack

void descent_sgemm_tiled(const descent_gemm_tiles *t, bool transpose_a, bool transpose_b, long m, long n, long k,
                         float alpha, const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    bool large = m >= 32 && n >= 16 && k >= 32;
    if ((large || !t->axpy) && k > 0 && sgemm_packed(t, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
        return;
    // The dot form needs op(A) row-major; A transposed with B transposed is not a shape training uses.
    if (!t->axpy || (transpose_a && transpose_b)) {
        descent_sgemm_portable(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    float transposed[SMALL_TRANSPOSE];
    if (transpose_b && k <= 64 && n * k <= SMALL_TRANSPOSE) {
        for (long p = 0; p < k; p++)
            for (long j = 0; j < n; j++) transposed[p * n + j] = b[j * ldb + p];
        b = transposed;
        ldb = n;
        transpose_b = false;
    }
    if (transpose_b) {
        for (long i = 0; i < m; i += t->dot_rows) {
            long rows = m - i < t->dot_rows ? m - i : t->dot_rows;
            for (long j = 0; j < n; j += t->dot_cols) {
                long cols = n - j < t->dot_cols ? n - j : t->dot_cols;
                t->dot(rows, cols, k, alpha, a + i * lda, lda, b + j * ldb, ldb, beta, c + i * ldc + j, ldc);
            }
        }
        return;
    }
    for (long i = 0; i < m; i += t->axpy_rows) {
        long rows = m - i < t->axpy_rows ? m - i : t->axpy_rows;
        const float *a_rows = transpose_a ? a + i : a + i * lda;
        for (long j = 0; j < n; j += t->axpy_cols) {
            long cols = n - j < t->axpy_cols ? n - j : t->axpy_cols;
            t->axpy(rows, cols, k, alpha, a_rows, lda, transpose_a, b + j, ldb, beta, c + i * ldc + j, ldc);
        }
    }
}

void descent_pack_b(bool transpose_b, const float *b, long ldb, long n, long k0, long kc, long nr, float *packed) {
    for (long jp = 0; jp < n; jp += nr) {
        float *panel = packed + (jp / nr) * kc * nr;
        long width = n - jp < nr ? n - jp : nr;
        if (transpose_b) {
            // B is n x k: read each of the panel's rows of B along p (contiguous), write a column.
            for (long jj = 0; jj < width; jj++) {
                const float *source = b + (jp + jj) * ldb + k0;
                for (long p = 0; p < kc; p++) panel[p * nr + jj] = source[p];
            }
            for (long jj = width; jj < nr; jj++)
                for (long p = 0; p < kc; p++) panel[p * nr + jj] = 0;
        } else {
            for (long p = 0; p < kc; p++) {
                const float *source = b + (k0 + p) * ldb + jp;
                float *out = panel + p * nr;
                for (long jj = 0; jj < width; jj++) out[jj] = source[jj];
                for (long jj = width; jj < nr; jj++) out[jj] = 0;
            }
        }
    }
}

// MARK: - bfloat16 products
// The same Goto loop, with both operands packed and rounded once per block of k: op(B) into
// pair-major panels, op(A) into rows of bfloat16 (kernels.h), so the micro-kernel reads each pair
// of k as one 32-bit word.
bool descent_sgemm_bf16_packed(const descent_bf16_tiles *t, bool transpose_a, bool transpose_b, long m, long n,
                               long k, float alpha, const float *a, long lda, const float *b, long ldb, float beta,
                               float *c, long ldc) {
    // Blocks of k of equal size (a multiple of k_step), none over kc by more than k_step - 1: 800
    // is cut 268 + 268 + 264 rather than 384 + 384 + 32, whose last block is mostly overhead.
    long blocks = (k + t->kc - 1) / t->kc;
    long kc_most = ((k + blocks - 1) / blocks + t->k_step - 1) / t->k_step * t->k_step;
    long kc_room = kc_most;
    long m_padded = (m + t->mr - 1) / t->mr * t->mr, panels = (n + t->nr - 1) / t->nr;
    long b_words = (panels * t->nr * kc_room / 2 + 15) / 16 * 16;  // keeps A's rows 64-byte aligned
    float *buffer = descent_packing_buffer(b_words + m_padded * kc_room / 2);
    if (!buffer) return false;
    unsigned int *packed_b = (unsigned int *)buffer;
    unsigned short *packed_a = (unsigned short *)(buffer + b_words);
    for (long k0 = 0; k0 < k; k0 += kc_most) {
        long kc = k - k0 < kc_most ? k - k0 : kc_most;
        long kc_padded = (kc + t->k_step - 1) / t->k_step * t->k_step;
        t->pack_b(transpose_b, b, ldb, n, k0, kc, kc_padded, t->nr, packed_b);
        t->pack_a(transpose_a, a, lda, m, m_padded, k0, kc, kc_padded, packed_a);
        float block_beta = k0 == 0 ? beta : 1;
        for (long i = 0; i < m; i += t->mr) {
            long rows = m - i < t->mr ? m - i : t->mr;
            for (long jp = 0; jp < panels; jp++) {
                long cols = n - jp * t->nr < t->nr ? n - jp * t->nr : t->nr;
                t->kernel(rows, cols, kc_padded / 2, packed_a + i * kc_padded, kc_padded,
                          packed_b + jp * t->nr * kc_padded / 2, alpha, block_beta, c + i * ldc + jp * t->nr, ldc);
            }
        }
    }
    return true;
}

static inline unsigned short bf16_of(float value) {
    unsigned int bits;
    memcpy(&bits, &value, 4);
    return descent_bf16_round_bits(bits);
}

void descent_bf16_pack_a_portable(bool transpose_a, const float *a, long lda, long m, long m_padded, long k0, long kc,
                                  long kc_padded, unsigned short *packed) {
    for (long i = 0; i < m_padded; i++) {
        unsigned short *row = packed + i * kc_padded;
        for (long p = 0; p < kc_padded; p++)
            row[p] = i < m && p < kc ? bf16_of(transpose_a ? a[(k0 + p) * lda + i] : a[i * lda + k0 + p]) : 0;
    }
}

void descent_bf16_pack_b_portable(bool transpose_b, const float *b, long ldb, long n, long k0, long kc, long kc_padded,
                                  long nr, unsigned int *packed) {
    for (long jp = 0; jp < n; jp += nr) {
        unsigned int *panel = packed + (jp / nr) * nr * kc_padded / 2;
        for (long q = 0; q < kc_padded / 2; q++)
            for (long jj = 0; jj < nr; jj++) {
                long j = jp + jj, p = k0 + 2 * q;
                unsigned int low = 0, high = 0;
                if (j < n && 2 * q < kc) low = bf16_of(transpose_b ? b[j * ldb + p] : b[p * ldb + j]);
                if (j < n && 2 * q + 1 < kc) high = bf16_of(transpose_b ? b[j * ldb + p + 1] : b[(p + 1) * ldb + j]);
                panel[q * nr + jj] = low | high << 16;
            }
    }
}
