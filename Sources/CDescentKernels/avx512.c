// The AVX-512 family (F, BW, VL, DQ: Intel since Skylake-SP, AMD since Zen 4): 16-wide vectors, 32
// registers, and masks, so every tail is a masked load or store rather than a scalar loop. Compiled
// with __attribute__((target)) and no build flags, chosen at run time only where the CPU and the
// operating system have it (dispatch.c).
//
// A 16-neuron row is one register, so the video's 16-wide layers take one load, one fused
// multiply-add and one store a pixel. Products, as in avx2.c, in three forms:
//   packed (batches of 32 and more): op(B) packed into 32-wide panels and an 8x32 micro-kernel:
//     16 accumulators, two panel loads and broadcasts from op(A), with registers to spare;
//   "axpy" C[i][:] += sum_p op(A)[i][p] * B[p][:]: tiles of 8 rows x 16 columns, masked;
//   "dot" C[i][j] = sum_p A[i][p] * B[j][p]: tiles of 5 rows x 2 columns, k 16 at a time.
// Fused multiply-add is used deliberately: results differ from the reference in rounding only.
// Products in bfloat16 (AVX512_BF16, a later extension, chosen on its own) have a section below.
#include "kernels.h"
#include <string.h>

#ifdef DESCENT_X86
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))
enum { KC = 256, MR = 8, NR = 32 };

// Lanes 0..count-1 of a 16-lane vector (none for count <= 0, all for count >= 16).
AVX512 static inline __mmask16 lanes(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

// MARK: - Products

// C[i][0..cols) = alpha · sums[i] + beta · C[i] for i < rows, cols <= 32 (beta 0: C not read).
AVX512 static inline void store_rows(__m512 (*sums)[2], long rows, long cols, float alpha, float beta, float *c, long ldc) {
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __mmask16 mask0 = lanes(cols), mask1 = lanes(cols - 16);
    for (long i = 0; i < rows; i++) {
        float *out = c + i * ldc;
        __m512 lo = _mm512_mul_ps(va, sums[i][0]), hi = _mm512_mul_ps(va, sums[i][1]);
        if (beta != 0) {
            lo = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask0, out), lo);
            hi = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask1, out + 16), hi);
        }
        _mm512_mask_storeu_ps(out, mask0, lo);
        _mm512_mask_storeu_ps(out + 16, mask1, hi);
    }
}

// C[0..rows) x [0..cols) = alpha * op(A) rows x panel + beta * C; rows <= 8, cols <= 32. Element
// (r, p) of op(A) is a[r * row_step + p * p_step].
AVX512 static void kernel_8x32(long rows, long cols, long kc, const float *a, long row_step, long p_step,
                               const float *panel, float alpha, float beta, float *c, long ldc) {
    const float *r[MR];
    for (long i = 0; i < MR; i++) r[i] = a + (i < rows ? i : rows - 1) * row_step;
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (long p = 0; p < kc; p++) {
        __m512 x0 = _mm512_load_ps(panel + p * NR), x1 = _mm512_load_ps(panel + p * NR + 16);
        long offset = p * p_step;
        __m512 s = _mm512_set1_ps(r[0][offset]);
        c00 = _mm512_fmadd_ps(s, x0, c00); c01 = _mm512_fmadd_ps(s, x1, c01);
        s = _mm512_set1_ps(r[1][offset]);
        c10 = _mm512_fmadd_ps(s, x0, c10); c11 = _mm512_fmadd_ps(s, x1, c11);
        s = _mm512_set1_ps(r[2][offset]);
        c20 = _mm512_fmadd_ps(s, x0, c20); c21 = _mm512_fmadd_ps(s, x1, c21);
        s = _mm512_set1_ps(r[3][offset]);
        c30 = _mm512_fmadd_ps(s, x0, c30); c31 = _mm512_fmadd_ps(s, x1, c31);
        s = _mm512_set1_ps(r[4][offset]);
        c40 = _mm512_fmadd_ps(s, x0, c40); c41 = _mm512_fmadd_ps(s, x1, c41);
        s = _mm512_set1_ps(r[5][offset]);
        c50 = _mm512_fmadd_ps(s, x0, c50); c51 = _mm512_fmadd_ps(s, x1, c51);
        s = _mm512_set1_ps(r[6][offset]);
        c60 = _mm512_fmadd_ps(s, x0, c60); c61 = _mm512_fmadd_ps(s, x1, c61);
        s = _mm512_set1_ps(r[7][offset]);
        c70 = _mm512_fmadd_ps(s, x0, c70); c71 = _mm512_fmadd_ps(s, x1, c71);
    }
    __m512 sums[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
    store_rows(sums, rows, cols, alpha, beta, c, ldc);
}

// Dot form on one tile: up to 5 rows of A (row-major) against up to 2 rows of B: 10 accumulators.
AVX512 static void dot_tile(long rows, long cols, long k, float alpha, const float *a, long lda,
                            const float *b, long ldb, float beta, float *c, long ldc) {
    const float *a0 = a, *a1 = a + (rows > 1 ? 1 : 0) * lda, *a2 = a + (rows > 2 ? 2 : 0) * lda;
    const float *a3 = a + (rows > 3 ? 3 : 0) * lda, *a4 = a + (rows > 4 ? 4 : 0) * lda;
    const float *b0 = b, *b1 = b + (cols > 1 ? 1 : 0) * ldb;
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m512 c30 = c00, c31 = c00, c40 = c00, c41 = c00;
    for (long p = 0; p < k; p += 16) {
        __mmask16 mask = lanes(k - p);
        __m512 x0 = _mm512_maskz_loadu_ps(mask, b0 + p), x1 = _mm512_maskz_loadu_ps(mask, b1 + p);
        __m512 r = _mm512_maskz_loadu_ps(mask, a0 + p);
        c00 = _mm512_fmadd_ps(r, x0, c00); c01 = _mm512_fmadd_ps(r, x1, c01);
        r = _mm512_maskz_loadu_ps(mask, a1 + p);
        c10 = _mm512_fmadd_ps(r, x0, c10); c11 = _mm512_fmadd_ps(r, x1, c11);
        r = _mm512_maskz_loadu_ps(mask, a2 + p);
        c20 = _mm512_fmadd_ps(r, x0, c20); c21 = _mm512_fmadd_ps(r, x1, c21);
        r = _mm512_maskz_loadu_ps(mask, a3 + p);
        c30 = _mm512_fmadd_ps(r, x0, c30); c31 = _mm512_fmadd_ps(r, x1, c31);
        r = _mm512_maskz_loadu_ps(mask, a4 + p);
        c40 = _mm512_fmadd_ps(r, x0, c40); c41 = _mm512_fmadd_ps(r, x1, c41);
    }
    __m512 sums[5][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}};
    for (long i = 0; i < rows; i++) {
        for (long j = 0; j < cols; j++) {
            float *out = &c[i * ldc + j];
            *out = alpha * _mm512_reduce_add_ps(sums[i][j]) + (beta == 0 ? 0 : beta * *out);
        }
    }
}

// Axpy form on one tile: C rows (up to 8) x columns (up to 16), summing over all k.
AVX512 static void axpy_tile(long rows, long cols, long k, float alpha, const float *a, long lda, bool transpose_a,
                             const float *b, long ldb, float beta, float *c, long ldc) {
    long row_step = transpose_a ? 1 : lda, p_step = transpose_a ? lda : 1;
    const float *r[8];
    for (long i = 0; i < 8; i++) r[i] = a + (i < rows ? i : rows - 1) * row_step;
    __mmask16 mask = lanes(cols);
    __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    for (long p = 0; p < k; p++) {
        __m512 x = _mm512_maskz_loadu_ps(mask, b + p * ldb);
        long offset = p * p_step;
        c0 = _mm512_fmadd_ps(_mm512_set1_ps(r[0][offset]), x, c0);
        c1 = _mm512_fmadd_ps(_mm512_set1_ps(r[1][offset]), x, c1);
        c2 = _mm512_fmadd_ps(_mm512_set1_ps(r[2][offset]), x, c2);
        c3 = _mm512_fmadd_ps(_mm512_set1_ps(r[3][offset]), x, c3);
        c4 = _mm512_fmadd_ps(_mm512_set1_ps(r[4][offset]), x, c4);
        c5 = _mm512_fmadd_ps(_mm512_set1_ps(r[5][offset]), x, c5);
        c6 = _mm512_fmadd_ps(_mm512_set1_ps(r[6][offset]), x, c6);
        c7 = _mm512_fmadd_ps(_mm512_set1_ps(r[7][offset]), x, c7);
    }
    __m512 sums[8] = {c0, c1, c2, c3, c4, c5, c6, c7};
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (long i = 0; i < rows; i++) {
        float *out = c + i * ldc;
        __m512 value = _mm512_mul_ps(va, sums[i]);
        if (beta != 0) value = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, out), value);
        _mm512_mask_storeu_ps(out, mask, value);
    }
}

static const descent_gemm_tiles tiles = {
    .packed = kernel_8x32, .mr = MR, .nr = NR, .kc = KC,
    .dot = dot_tile, .dot_rows = 5, .dot_cols = 2,
    .axpy = axpy_tile, .axpy_rows = 8, .axpy_cols = 16,
};

AVX512 static void sgemm_avx512(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                                const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    descent_sgemm_tiled(&tiles, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// Independent chains of fused multiply-adds on registers only: the core's arithmetic peak. Sixteen
// chains cover two FMA units with a latency of 4 to 6 cycles. Each chain starts from its own value:
// chains that start alike compute alike, and the compiler folds them into one (gcc did: the old
// loop timed one chain of latency-bound FMAs and counted twelve).
AVX512 static long fma_peak_avx512(long iterations, double *sink) {
    __m512 a[16];
    for (int j = 0; j < 16; j++) a[j] = _mm512_set1_ps(1.0f + (float)j * 0x1p-10f);
    const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16
        for (int j = 0; j < 16; j++) a[j] = _mm512_fmadd_ps(a[j], x, y);
    }
    for (int j = 1; j < 16; j++) a[0] = _mm512_add_ps(a[0], a[j]);
    *sink = _mm512_reduce_add_ps(a[0]);
    return iterations * 16 * 16 * 2;
}

// MARK: - Products in bfloat16 (AVX512_BF16: Intel Cooper Lake and Sapphire Rapids, AMD Zen 4)
// vdpbf16ps adds to each float32 lane the two products of a pair of bfloat16 (k even and odd): one
// instruction, 32 multiply-adds. Operands are packed as oneDNN packs them for it: op(B) in panels
// 32 wide of 32-bit pairs along k, op(A) in rows of bfloat16, both rounded once per block of k by
// vcvtne2ps2bf16 (round to nearest even, NaN made quiet, subnormal inputs read as zero). A 12x32
// micro-kernel holds 24 accumulators; each pair of k takes two panel loads and twelve 32-bit
// broadcasts of A's pairs for its 24 vdpbf16ps. vdpbf16ps itself reads subnormal bfloat16 as zero
// and flushes subnormal sums; its two products are added to the sum one after the other, rounded.
#define AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma")))
enum { BF16_KC = 512, BF16_MR = 12, BF16_NR = 32 };

// Lanes 0..count-1 of a 32-lane vector of 16-bit elements.
AVX512_BF16 static inline __mmask32 lanes32(long count) {
    return count >= 32 ? (__mmask32)0xFFFFFFFFu : count <= 0 ? (__mmask32)0 : (__mmask32)((1u << count) - 1);
}

// Word q of a packed row: the pair of bfloat16 at k = 2q, 2q + 1.
static inline int pair_at(const unsigned short *row, long q) {
    int word;
    memcpy(&word, row + 2 * q, 4);
    return word;
}

// C[0..rows) x [0..cols) = alpha · A rows x panel + beta · C; rows <= 12, cols <= 32. A's rows are
// a_stride bfloat16 apart, zero past m (the packing pads them), so all twelve are read.
AVX512_BF16 static void kernel_bf16_12x32(long rows, long cols, long pairs, const unsigned short *a, long a_stride,
                                          const unsigned int *panel, float alpha, float beta, float *c, long ldc) {
    __m512 sums[BF16_MR][2];
#pragma GCC unroll 12
    for (int i = 0; i < BF16_MR; i++) sums[i][0] = sums[i][1] = _mm512_setzero_ps();
    for (long q = 0; q < pairs; q++) {
        __m512bh x0 = (__m512bh)_mm512_load_si512(panel + q * BF16_NR);
        __m512bh x1 = (__m512bh)_mm512_load_si512(panel + q * BF16_NR + 16);
#pragma GCC unroll 12
        for (int i = 0; i < BF16_MR; i++) {
            __m512bh s = (__m512bh)_mm512_set1_epi32(pair_at(a + i * a_stride, q));
            sums[i][0] = _mm512_dpbf16_ps(sums[i][0], s, x0);
            sums[i][1] = _mm512_dpbf16_ps(sums[i][1], s, x1);
        }
    }
    store_rows(sums, rows, cols, alpha, beta, c, ldc);
}

// Sixteen rows of eight pairs (one row's 16 floats of k, rounded, as 8 words), two rows to a
// register, into eight registers of one pair for the sixteen rows: a transpose of 32-bit words in
// three rounds of vpermt2d, each swapping one bit of the register number with one bit of the lane
// (Hacker's Delight 7-3). Lane bit 3 starts as the row's lowest bit; the last round's indices put
// the rows in order. `inverse`: the way back, the same rounds in the other order, the first one
// taking the rows out of order again.
typedef struct transpose_indices {
    __m512i low[3], high[3];
} transpose_indices;

AVX512_BF16 static transpose_indices make_transpose_indices(bool inverse) {
    transpose_indices t;
    for (int round = 0; round < 3; round++) {
        int low[16], high[16], bit = inverse ? 4 >> round : 1 << round;
        for (int lane = 0; lane < 16; lane++) {
            int other = lane & bit ? 16 : 0, from_low = lane & ~bit, from_high = lane | bit;
            if (!inverse && round == 2) {
                // Lane `row` takes what this round would put in lane L, where the row sits:
                // L's bits 0-2 are the row's bits 1-3 and L's bit 3 the row's bit 0.
                int from = ((lane >> 1) & 7) | ((lane & 1) << 3);
                other = from & bit ? 16 : 0, from_low = from & ~bit, from_high = from | bit;
            } else if (inverse && round == 0) {
                // Reads lane L as the ordered rows hold it: row ((L & 7) << 1) | (L >> 3).
                from_low = ((from_low & 7) << 1) | (from_low >> 3);
                from_high = ((from_high & 7) << 1) | (from_high >> 3);
            }
            low[lane] = from_low + other;
            high[lane] = from_high + other;
        }
        t.low[round] = _mm512_loadu_si512(low);
        t.high[round] = _mm512_loadu_si512(high);
    }
    return t;
}

// rows: 8 registers, register s holding rows 2s (lanes 0-7) and 2s + 1 (lanes 8-15), lane q of
// each half the row's pair q. Afterwards register q holds pair q of rows 0..15, in order; with
// `inverse` (and its indices), the other way.
AVX512_BF16 static inline __attribute__((always_inline)) void transpose_pairs(__m512i rows[8],
                                                                              const transpose_indices *t, bool inverse) {
#pragma GCC unroll 3
    for (int round = 0; round < 3; round++) {
        int bit = inverse ? 4 >> round : 1 << round;
        __m512i next[8];
#pragma GCC unroll 8
        for (int r = 0; r < 8; r++) {
            if (r & bit) continue;
            next[r] = _mm512_permutex2var_epi32(rows[r], t->low[round], rows[r | bit]);
            next[r | bit] = _mm512_permutex2var_epi32(rows[r], t->high[round], rows[r | bit]);
        }
#pragma GCC unroll 8
        for (int r = 0; r < 8; r++) rows[r] = next[r];
    }
}

// Pairs of B's (or A's) rows p and p + 1 as 16-bit elements 0-15 and 16-31, into 32-bit pairs.
static const unsigned short interleave[32] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                                              8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};

// op(A)'s rows as bfloat16, 32 at a time: two float32 vectors rounded into one. Transposed, a row
// of op(A) is a column of A: sixteen columns' 16 elements are rounded a pair of A's rows to a
// register, interleaved into pairs and transposed back into rows.
AVX512_BF16 void descent_bf16_pack_a_avx512(bool transpose_a, const float *a, long lda, long m, long m_padded, long k0,
                                            long kc, long kc_padded, unsigned short *packed) {
    if (transpose_a) {
        const transpose_indices back = make_transpose_indices(true);
        const __m512i order = _mm512_loadu_si512(interleave);
        for (long i = 0; i < m_padded; i += 16) {
            __mmask16 columns = lanes(m - i);
            for (long p = 0; p < kc_padded; p += 16) {
                __m512i rows[8];
#pragma GCC unroll 8
                for (int s = 0; s < 8; s++) {
                    long row = p + 2 * s;
                    __m512 first = _mm512_maskz_loadu_ps(row < kc ? columns : 0, a + (k0 + row) * lda + i);
                    __m512 second = _mm512_maskz_loadu_ps(row + 1 < kc ? columns : 0, a + (k0 + row + 1) * lda + i);
                    rows[s] = _mm512_permutexvar_epi16(order, (__m512i)_mm512_cvtne2ps_pbh(second, first));
                }
                transpose_pairs(rows, &back, true);
                long words = (kc_padded - p) / 2 < 8 ? (kc_padded - p) / 2 : 8;
                __mmask8 keep = (__mmask8)((1u << words) - 1);
#pragma GCC unroll 8
                for (int s = 0; s < 8; s++) {
                    long row = i + 2 * s;
                    if (row < m_padded) _mm512_mask_storeu_epi32(packed + row * kc_padded + p, keep, rows[s]);
                    if (row + 1 < m_padded)
                        _mm256_mask_storeu_epi32(packed + (row + 1) * kc_padded + p, keep, _mm512_extracti64x4_epi64(rows[s], 1));
                }
            }
        }
        return;
    }
    for (long i = 0; i < m_padded; i++) {
        unsigned short *row = packed + i * kc_padded;
        for (long p = 0; p < kc_padded; p += 32) {
            __m512i words = _mm512_setzero_si512();
            if (i < m) {
                __mmask16 mask0 = lanes(kc - p), mask1 = lanes(kc - p - 16);
                __m512 low = _mm512_maskz_loadu_ps(mask0, a + i * lda + k0 + p);
                __m512 high = _mm512_maskz_loadu_ps(mask1, a + i * lda + k0 + p + 16);
                words = (__m512i)_mm512_cvtne2ps_pbh(high, low);
            }
            _mm512_mask_storeu_epi16(row + p, lanes32(kc_padded - p), words);
        }
    }
}

// op(B) into pair-major panels, 16 columns (one vector of pairs) at a time. B as it is (k x n):
// rows p and p + 1 rounded into one vector, then interleaved into pairs. B transposed (n x k): a
// pair is two adjacent floats of one row of B; sixteen rows' 16 floats are rounded two rows to a
// register and transposed into eight vectors of pairs.
AVX512_BF16 void descent_bf16_pack_b_avx512(bool transpose_b, const float *b, long ldb, long n, long k0, long kc,
                                            long kc_padded, long nr, unsigned int *packed) {
    if (nr % 16 != 0) {
        descent_bf16_pack_b_portable(transpose_b, b, ldb, n, k0, kc, kc_padded, nr, packed);
        return;
    }
    long pairs = kc_padded / 2, width = (n + nr - 1) / nr * nr;
    if (!transpose_b) {
        const __m512i order = _mm512_loadu_si512(interleave);
        for (long q = 0; q < pairs; q++) {
            long p = 2 * q;
            for (long j = 0; j < width; j += 16) {
                __mmask16 mask = p < kc ? lanes(n - j) : 0, high_mask = p + 1 < kc ? mask : 0;
                __m512 low = _mm512_maskz_loadu_ps(mask, b + (k0 + p) * ldb + j);
                __m512 high = _mm512_maskz_loadu_ps(high_mask, b + (k0 + p + 1) * ldb + j);
                __m512i words = _mm512_permutexvar_epi16(order, (__m512i)_mm512_cvtne2ps_pbh(high, low));
                _mm512_store_si512(packed + (j / nr) * nr * pairs + j % nr + q * nr, words);
            }
        }
        return;
    }
    const transpose_indices indices = make_transpose_indices(false);
    for (long j = 0; j < width; j += 16) {
        unsigned int *column = packed + (j / nr) * nr * pairs + j % nr;
        for (long p = 0; p < kc_padded; p += 16) {
            __mmask16 mask = lanes(kc - p);
            __m512i rows[8];
#pragma GCC unroll 8
            for (int s = 0; s < 8; s++) {
                long row = j + 2 * s;
                __m512 first = _mm512_maskz_loadu_ps(row < n ? mask : 0, b + row * ldb + k0 + p);
                __m512 second = _mm512_maskz_loadu_ps(row + 1 < n ? mask : 0, b + (row + 1) * ldb + k0 + p);
                rows[s] = (__m512i)_mm512_cvtne2ps_pbh(second, first);
            }
            transpose_pairs(rows, &indices, false);
            for (long q = 0; q < 8 && p / 2 + q < pairs; q++) _mm512_store_si512(column + (p / 2 + q) * nr, rows[q]);
        }
    }
}

static const descent_bf16_tiles bf16_tiles = {
    .kernel = kernel_bf16_12x32, .mr = BF16_MR, .nr = BF16_NR, .kc = BF16_KC, .k_step = 2,
    .pack_a = descent_bf16_pack_a_avx512, .pack_b = descent_bf16_pack_b_avx512,
};

static void sgemm_bf16_avx512(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a,
                              long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (!descent_sgemm_bf16_packed(&bf16_tiles, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
        descent_sgemm_bf16_reference(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

AVX512_BF16 void descent_bf16_convert_avx512(const float *values, long count, unsigned short *bits) {
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lanes(count - i);
        __m256i rounded = (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, values + i));
        _mm256_mask_storeu_epi16(bits + i, mask, rounded);
    }
}

// Sixteen independent chains of vdpbf16ps, each from its own value: 64 FLOP an instruction.
AVX512_BF16 static long bf16_peak_avx512(long iterations, double *sink) {
    __m512 a[16];
    for (int j = 0; j < 16; j++) a[j] = _mm512_set1_ps(1.0f + (float)j * 0x1p-10f);
    const __m512bh x = (__m512bh)_mm512_set1_epi32(0x3F803F80);  // (1, 1)
    const __m512bh y = (__m512bh)_mm512_set1_epi32(0x34003400);  // (2^-23, 2^-23)
    for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16
        for (int j = 0; j < 16; j++) a[j] = _mm512_dpbf16_ps(a[j], x, y);
    }
    for (int j = 1; j < 16; j++) a[0] = _mm512_add_ps(a[0], a[j]);
    *sink = _mm512_reduce_add_ps(a[0]);
    return iterations * 16 * 16 * 4;
}

const descent_bf16_table descent_bf16_avx512 = {
    .name = "avx512-bf16",
    .sgemm = sgemm_bf16_avx512,
    .convert = descent_bf16_convert_avx512,
    .flushes_subnormals = true,
    .peak = bf16_peak_avx512,
};

// MARK: - Element-wise

// The logistic function: e^-x = 2^n * e^r with |r| <= ln2/2 and a degree-6 polynomial for e^r,
// clamped to [-88, 88] so 1 + e^-x stays finite: the same operations as avx2.c, lane for lane.
AVX512 static void sigmoid_avx512(float *values, long count) {
    const __m512 one = _mm512_set1_ps(1.0f), log2e = _mm512_set1_ps(DESCENT_LOG2E);
    const __m512 ln2_hi = _mm512_set1_ps(DESCENT_LN2_HI), ln2_lo = _mm512_set1_ps(DESCENT_LN2_LO);
    const __m512 high = _mm512_set1_ps(88.0f), low = _mm512_set1_ps(-88.0f);
    const __m512 p0 = _mm512_set1_ps(DESCENT_EXP_P0), p1 = _mm512_set1_ps(DESCENT_EXP_P1);
    const __m512 p2 = _mm512_set1_ps(DESCENT_EXP_P2), p3 = _mm512_set1_ps(DESCENT_EXP_P3);
    const __m512 p4 = _mm512_set1_ps(DESCENT_EXP_P4), p5 = _mm512_set1_ps(DESCENT_EXP_P5);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lanes(count - i);
        __m512 x = _mm512_sub_ps(_mm512_setzero_ps(), _mm512_maskz_loadu_ps(mask, values + i));  // e^-x
        x = _mm512_max_ps(_mm512_min_ps(x, high), low);
        __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m512 r = _mm512_fnmadd_ps(n, ln2_hi, x);
        r = _mm512_fnmadd_ps(n, ln2_lo, r);
        __m512 y = _mm512_fmadd_ps(p0, r, p1);
        y = _mm512_fmadd_ps(y, r, p2);
        y = _mm512_fmadd_ps(y, r, p3);
        y = _mm512_fmadd_ps(y, r, p4);
        y = _mm512_fmadd_ps(y, r, p5);
        y = _mm512_fmadd_ps(y, _mm512_mul_ps(r, r), _mm512_add_ps(r, one));
        __m512i exponent = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
        __m512 e = _mm512_mul_ps(y, _mm512_castsi512_ps(exponent));
        _mm512_mask_storeu_ps(values + i, mask, _mm512_div_ps(one, _mm512_add_ps(one, e)));
    }
}

// max(x, 0) returns its second operand when x is NaN or -0, so NaN and -0 give +0, as x > 0 ? x : 0 does.
AVX512 static void relu_avx512(float *values, long count) {
    const __m512 zero = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lanes(count - i);
        _mm512_mask_storeu_ps(values + i, mask, _mm512_max_ps(_mm512_maskz_loadu_ps(mask, values + i), zero));
    }
}

AVX512 static void relu_backward_avx512(float *delta, const float *outputs, long count) {
    const __m512 zero = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lanes(count - i);
        __mmask16 positive = _mm512_mask_cmp_ps_mask(mask, _mm512_maskz_loadu_ps(mask, outputs + i), zero, _CMP_GT_OQ);
        _mm512_mask_storeu_ps(delta + i, mask, _mm512_maskz_loadu_ps(positive, delta + i));
    }
}

// One Adam step (see CDescentKernels.h), the same operations as avx2.c lane for lane, tail included.
AVX512 static void adam_avx512(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2,
                               float epsilon, float rate, float root2, float decay) {
    const __m512 b1 = _mm512_set1_ps(beta1), c1 = _mm512_set1_ps(1 - beta1), b2 = _mm512_set1_ps(beta2);
    const __m512 c2 = _mm512_set1_ps(1 - beta2), eps = _mm512_set1_ps(epsilon), r = _mm512_set1_ps(rate);
    const __m512 inverse_root2 = _mm512_set1_ps(1 / root2), d = _mm512_set1_ps(decay);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = lanes(count - i);
        __m512 weight = _mm512_maskz_loadu_ps(mask, w + i);
        __m512 gradient = _mm512_fmadd_ps(d, weight, _mm512_maskz_loadu_ps(mask, g + i));
        __m512 first = _mm512_fmadd_ps(b1, _mm512_maskz_loadu_ps(mask, m + i), _mm512_mul_ps(c1, gradient));
        __m512 second = _mm512_fmadd_ps(b2, _mm512_maskz_loadu_ps(mask, v + i),
                                        _mm512_mul_ps(c2, _mm512_mul_ps(gradient, gradient)));
        __m512 denominator = _mm512_fmadd_ps(_mm512_sqrt_ps(second), inverse_root2, eps);
        _mm512_mask_storeu_ps(m + i, mask, first);
        _mm512_mask_storeu_ps(v + i, mask, second);
        _mm512_mask_storeu_ps(w + i, mask, _mm512_sub_ps(weight, _mm512_div_ps(_mm512_mul_ps(r, first), denominator)));
    }
}

// MARK: - The sparse first layer
// `weights` rows are `wstride` floats apart, wstride a multiple of 16 at least `out`, the padding
// zero: every weight access is a whole 16-wide register; only the bias, z and delta rows are masked.
// Columns outside, examples inside, as in avx2.c: a 64-column block of the weights stays in L2
// while every example of the batch reads it.

AVX512 static void sparse_forward_avx512(long rows, long out, const long *counts, const unsigned short *indices,
                                         const float *values, long stride, const float *weights, long wstride,
                                         const float *bias, float *z, long ldz) {
    long j = 0;
    for (; j + 64 <= out; j += 64) {
        for (long i = 0; i < rows; i++) {
            const unsigned short *index = indices + i * stride;
            const float *value = values + i * stride;
            // Two pixels a step into two sets of sums: one chain would wait out each FMA's latency.
            __m512 a0 = _mm512_loadu_ps(bias + j), a1 = _mm512_loadu_ps(bias + j + 16);
            __m512 a2 = _mm512_loadu_ps(bias + j + 32), a3 = _mm512_loadu_ps(bias + j + 48);
            __m512 b0 = _mm512_setzero_ps(), b1 = b0, b2 = b0, b3 = b0;
            long p = 0;
            for (; p + 2 <= counts[i]; p += 2) {
                const float *w = weights + (long)index[p] * wstride + j, *u = weights + (long)index[p + 1] * wstride + j;
                __m512 v = _mm512_set1_ps(value[p]), t = _mm512_set1_ps(value[p + 1]);
                a0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w), a0); a1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w + 16), a1);
                a2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w + 32), a2); a3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w + 48), a3);
                b0 = _mm512_fmadd_ps(t, _mm512_loadu_ps(u), b0); b1 = _mm512_fmadd_ps(t, _mm512_loadu_ps(u + 16), b1);
                b2 = _mm512_fmadd_ps(t, _mm512_loadu_ps(u + 32), b2); b3 = _mm512_fmadd_ps(t, _mm512_loadu_ps(u + 48), b3);
            }
            if (p < counts[i]) {
                const float *w = weights + (long)index[p] * wstride + j;
                __m512 v = _mm512_set1_ps(value[p]);
                a0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w), a0); a1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w + 16), a1);
                a2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w + 32), a2); a3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(w + 48), a3);
            }
            float *row = z + i * ldz + j;
            _mm512_storeu_ps(row, _mm512_add_ps(a0, b0));
            _mm512_storeu_ps(row + 16, _mm512_add_ps(a1, b1));
            _mm512_storeu_ps(row + 32, _mm512_add_ps(a2, b2));
            _mm512_storeu_ps(row + 48, _mm512_add_ps(a3, b3));
        }
    }
    for (; j < out; j += 16) {
        __mmask16 mask = lanes(out - j);
        for (long i = 0; i < rows; i++) {
            const unsigned short *index = indices + i * stride;
            const float *value = values + i * stride;
            // Four pixels a step into four sums.
            __m512 a0 = _mm512_maskz_loadu_ps(mask, bias + j), a1 = _mm512_setzero_ps(), a2 = a1, a3 = a1;
            long p = 0, n = counts[i];
            for (; p + 4 <= n; p += 4) {
                a0 = _mm512_fmadd_ps(_mm512_set1_ps(value[p]), _mm512_loadu_ps(weights + (long)index[p] * wstride + j), a0);
                a1 = _mm512_fmadd_ps(_mm512_set1_ps(value[p + 1]), _mm512_loadu_ps(weights + (long)index[p + 1] * wstride + j), a1);
                a2 = _mm512_fmadd_ps(_mm512_set1_ps(value[p + 2]), _mm512_loadu_ps(weights + (long)index[p + 2] * wstride + j), a2);
                a3 = _mm512_fmadd_ps(_mm512_set1_ps(value[p + 3]), _mm512_loadu_ps(weights + (long)index[p + 3] * wstride + j), a3);
            }
            for (; p < n; p++)
                a0 = _mm512_fmadd_ps(_mm512_set1_ps(value[p]), _mm512_loadu_ps(weights + (long)index[p] * wstride + j), a0);
            _mm512_mask_storeu_ps(z + i * ldz + j, mask, _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
        }
    }
}

// W[p][:] += scale · v · delta[i][:], example by example, pixel by pixel: every weight sees its
// updates in the same order, and each is one fused multiply-add, as in avx2.c.
AVX512 static void sparse_update_avx512(long rows, long out, const long *counts, const unsigned short *indices,
                                        const float *values, long stride, const float *delta, long ldd, float scale,
                                        float *weights, long wstride) {
    for (long i = 0; i < rows; i++) {
        const unsigned short *index = indices + i * stride;
        const float *value = values + i * stride;
        const float *d = delta + i * ldd;
        long j = 0;
        for (; j + 64 <= out; j += 64) {
            __m512 d0 = _mm512_loadu_ps(d + j), d1 = _mm512_loadu_ps(d + j + 16);
            __m512 d2 = _mm512_loadu_ps(d + j + 32), d3 = _mm512_loadu_ps(d + j + 48);
            for (long p = 0; p < counts[i]; p++) {
                float *w = weights + (long)index[p] * wstride + j;
                __m512 v = _mm512_set1_ps(scale * value[p]);
                _mm512_storeu_ps(w, _mm512_fmadd_ps(v, d0, _mm512_loadu_ps(w)));
                _mm512_storeu_ps(w + 16, _mm512_fmadd_ps(v, d1, _mm512_loadu_ps(w + 16)));
                _mm512_storeu_ps(w + 32, _mm512_fmadd_ps(v, d2, _mm512_loadu_ps(w + 32)));
                _mm512_storeu_ps(w + 48, _mm512_fmadd_ps(v, d3, _mm512_loadu_ps(w + 48)));
            }
        }
        for (; j < out; j += 16) {
            // Lanes past `out` load as 0, so the padding is updated by 0 and stays 0.
            __m512 d0 = _mm512_maskz_loadu_ps(lanes(out - j), d + j);
            for (long p = 0; p < counts[i]; p++) {
                float *w = weights + (long)index[p] * wstride + j;
                _mm512_storeu_ps(w, _mm512_fmadd_ps(_mm512_set1_ps(scale * value[p]), d0, _mm512_loadu_ps(w)));
            }
        }
    }
}

// For each input p: gradient[p][0..width) = scale · Σ over p's entries e of value_e · delta[row_e][..],
// delta's columns past `out` read as zero.
AVX512 static void sparse_gradient_avx512(long out, long width, long inputs, const long *starts, const int *entry_rows,
                                          const float *entry_values, const float *delta, long ldd, float scale,
                                          float *gradient, long gstride) {
    long j = 0;
    for (; j + 64 <= out; j += 64) {
        for (long p = 0; p < inputs; p++) {
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (long e = starts[p]; e < starts[p + 1]; e++) {
                const float *d = delta + (long)entry_rows[e] * ldd + j;
                __m512 v = _mm512_set1_ps(scale * entry_values[e]);
                a0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(d), a0); a1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(d + 16), a1);
                a2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(d + 32), a2); a3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(d + 48), a3);
            }
            float *g = gradient + p * gstride + j;
            _mm512_storeu_ps(g, a0); _mm512_storeu_ps(g + 16, a1); _mm512_storeu_ps(g + 32, a2); _mm512_storeu_ps(g + 48, a3);
        }
    }
    for (; j < width; j += 16) {
        __mmask16 mask = lanes(out - j);
        for (long p = 0; p < inputs; p++) {
            __m512 a0 = _mm512_setzero_ps();
            for (long e = starts[p]; e < starts[p + 1]; e++) {
                __m512 v = _mm512_set1_ps(scale * entry_values[e]);
                a0 = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(mask, delta + (long)entry_rows[e] * ldd + j), a0);
            }
            _mm512_storeu_ps(gradient + p * gstride + j, a0);
        }
    }
}

AVX512 static void load_avx512(const unsigned short *source_indices, const unsigned char *source_bytes, long count,
                               float scale, unsigned short *indices, float *values) {
    for (long q = 0; q < count; q += 32) {
        __mmask32 mask = count - q >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << (count - q)) - 1);
        _mm512_mask_storeu_epi16(indices + q, mask, _mm512_maskz_loadu_epi16(mask, source_indices + q));
    }
    const __m512 factor = _mm512_set1_ps(scale);
    for (long p = 0; p < count; p += 16) {
        __mmask16 mask = lanes(count - p);
        __m512i bytes = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(mask, source_bytes + p));
        _mm512_mask_storeu_ps(values + p, mask, _mm512_mul_ps(_mm512_cvtepi32_ps(bytes), factor));
    }
}

AVX512 static long count_nonzero_avx512(const unsigned char *bytes, long count) {
    long found = 0;
    for (long position = 0; position < count; position += 64) {
        long left = count - position;
        __mmask64 mask = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
        __m512i chunk = _mm512_maskz_loadu_epi8(mask, bytes + position);
        found += __builtin_popcountll(_mm512_test_epi8_mask(chunk, chunk));
    }
    return found;
}

AVX512 static long encode_avx512(const unsigned char *bytes, long count, unsigned short *positions, unsigned char *values) {
    long found = 0;
    for (long position = 0; position < count; position += 64) {
        long left = count - position;
        __mmask64 mask = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
        __m512i chunk = _mm512_maskz_loadu_epi8(mask, bytes + position);
        unsigned long long nonzero = _mm512_test_epi8_mask(chunk, chunk);
        while (nonzero) {
            long bit = __builtin_ctzll(nonzero);
            positions[found] = (unsigned short)(position + bit);
            values[found++] = bytes[position + bit];
            nonzero &= nonzero - 1;
        }
    }
    return found;
}

// The portable filter line, 16 outputs at a time (a masked tail): separate multiply and add.
AVX512 DESCENT_UNFUSED
static void filter_line_avx512(const float *source, long step, const float *taps, long count, float scale, float *out,
                               long n) {
    DESCENT_NO_CONTRACTION
    for (long i = 0; i < n; i += 16) {
        __mmask16 mask = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 sum = _mm512_setzero_ps();
        for (long k = 0; k < count; k++) {
            __m512 weight = _mm512_set1_ps(taps[k] * scale);
            sum = _mm512_add_ps(sum, _mm512_mul_ps(weight, _mm512_maskz_loadu_ps(mask, source + i + k * step)));
        }
        _mm512_mask_storeu_ps(out + i, mask, sum);
    }
}

// descent_distortion_sample 16 pixels of a row at a time: positions, both of the portable
// formulas (interior and border) with the neighbours gathered from the image widened to floats
// (0 where a neighbour is outside), the one the portable code would take chosen per lane. Every
// lane does the portable pixel's operations in its order, unfused. Images over 4096 pixels go to
// the portable loop.
AVX512 DESCENT_UNFUSED
static void sample_avx512(const unsigned char *image, long rows, long columns, float cosine, float sine, long shift_x,
                          long shift_y, const float *field_x, const float *field_y, unsigned char *output) {
    DESCENT_NO_CONTRACTION
    float pixels[4096];
    long size = rows * columns;
    if (size > 4096 || columns < 1) {
        descent_distortion_sample_portable(image, rows, columns, cosine, sine, shift_x, shift_y, field_x, field_y, output);
        return;
    }
    for (long i = 0; i < size; i += 16) {
        __mmask16 mask = lanes(size - i);
        _mm512_storeu_ps(pixels + i, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(mask, image + i))));
    }
    const float centre_x = (float)(columns - 1) / 2, centre_y = (float)(rows - 1) / 2;
    const __m512 cx = _mm512_set1_ps(centre_x), cy = _mm512_set1_ps(centre_y), c = _mm512_set1_ps(cosine),
                 s = _mm512_set1_ps(sine), tx = _mm512_set1_ps((float)shift_x), ty = _mm512_set1_ps((float)shift_y);
    const __m512 one = _mm512_set1_ps(1), minus_one = _mm512_set1_ps(-1), zero = _mm512_setzero_ps(),
                 half = _mm512_set1_ps(0.5f), most = _mm512_set1_ps(255), width = _mm512_set1_ps((float)columns),
                 height = _mm512_set1_ps((float)rows);
    const __m512i ones = _mm512_set1_epi32(1), wide = _mm512_set1_epi32((int)columns), high = _mm512_set1_epi32((int)rows),
                  steps = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (long y = 0; y < rows; y++) {
        const float dy = (float)y - centre_y;
        const __m512 sdy = _mm512_set1_ps(sine * dy), cdy = _mm512_set1_ps(cosine * dy);
        for (long x = 0; x < columns; x += 16) {
            __mmask16 mask = lanes(columns - x);
            __m512 dx = _mm512_sub_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_set1_epi32((int)x), steps)), cx);
            __m512 sx = _mm512_sub_ps(_mm512_add_ps(_mm512_add_ps(cx, _mm512_mul_ps(c, dx)), sdy), tx);
            __m512 sy = _mm512_sub_ps(_mm512_add_ps(_mm512_sub_ps(cy, _mm512_mul_ps(s, dx)), cdy), ty);
            if (field_x) {
                sx = _mm512_add_ps(sx, _mm512_maskz_loadu_ps(mask, field_x + y * columns + x));
                sy = _mm512_add_ps(sy, _mm512_maskz_loadu_ps(mask, field_y + y * columns + x));
            }
            __mmask16 inside = mask & _mm512_cmp_ps_mask(sx, minus_one, _CMP_GT_OQ) &
                               _mm512_cmp_ps_mask(sy, minus_one, _CMP_GT_OQ) & _mm512_cmp_ps_mask(sx, width, _CMP_LT_OQ) &
                               _mm512_cmp_ps_mask(sy, height, _CMP_LT_OQ);
            // x + 1 > 0 in every lane inside, so truncation is the floor.
            __m512i column = _mm512_sub_epi32(_mm512_cvttps_epi32(_mm512_add_ps(sx, one)), ones);
            __m512i row = _mm512_sub_epi32(_mm512_cvttps_epi32(_mm512_add_ps(sy, one)), ones);
            __m512 fx = _mm512_sub_ps(sx, _mm512_cvtepi32_ps(column)), fy = _mm512_sub_ps(sy, _mm512_cvtepi32_ps(row));
            __m512i right = _mm512_add_epi32(column, ones), below = _mm512_add_epi32(row, ones);
            __mmask16 left_in = _mm512_cmpge_epi32_mask(column, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(column, wide);
            __mmask16 right_in = _mm512_cmpge_epi32_mask(right, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(right, wide);
            __mmask16 top_in = _mm512_cmpge_epi32_mask(row, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(row, high);
            __mmask16 bottom_in = _mm512_cmpge_epi32_mask(below, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(below, high);
            __m512i at = _mm512_add_epi32(_mm512_mullo_epi32(row, wide), column);
            __m512 p00 = _mm512_mask_i32gather_ps(zero, inside & top_in & left_in, at, pixels, 4);
            __m512 p01 = _mm512_mask_i32gather_ps(zero, inside & top_in & right_in, _mm512_add_epi32(at, ones), pixels, 4);
            __m512i under = _mm512_add_epi32(at, wide);
            __m512 p10 = _mm512_mask_i32gather_ps(zero, inside & bottom_in & left_in, under, pixels, 4);
            __m512 p11 = _mm512_mask_i32gather_ps(zero, inside & bottom_in & right_in, _mm512_add_epi32(under, ones), pixels, 4);
            // The interior formula.
            __m512 upper = _mm512_add_ps(p00, _mm512_mul_ps(fx, _mm512_sub_ps(p01, p00)));
            __m512 lower = _mm512_add_ps(p10, _mm512_mul_ps(fx, _mm512_sub_ps(p11, p10)));
            __m512 interior = _mm512_add_ps(upper, _mm512_mul_ps(fy, _mm512_sub_ps(lower, upper)));
            // The border formula.
            __m512 gx = _mm512_sub_ps(one, fx), gy = _mm512_sub_ps(one, fy);
            __m512 upper_b = _mm512_add_ps(_mm512_mul_ps(p00, gx), _mm512_mul_ps(p01, fx));
            __m512 lower_b = _mm512_add_ps(_mm512_mul_ps(p10, gx), _mm512_mul_ps(p11, fx));
            __m512 border = _mm512_add_ps(_mm512_mul_ps(upper_b, gy), _mm512_mul_ps(lower_b, fy));
            __m512 value = _mm512_mask_blend_ps(left_in & right_in & top_in & bottom_in, border, interior);
            // min(255, max(0, value + 0.5)) as Swift has them: max(0, v) is v >= 0 ? v : 0, min(255, m) is 255 < m ? 255 : m.
            __m512 rounded = _mm512_add_ps(value, half);
            rounded = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(rounded, zero, _CMP_GE_OQ), rounded);
            rounded = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(most, rounded, _CMP_LT_OQ), rounded, most);
            __m512i bytes = _mm512_maskz_cvttps_epi32(inside, rounded);
            _mm512_mask_cvtepi32_storeu_epi8(output + y * columns + x, mask, bytes);
        }
    }
}

const descent_kernel_table descent_kernels_avx512 = {
    .name = "avx512",
    .sgemm = sgemm_avx512,
    .sigmoid = sigmoid_avx512,
    .relu = relu_avx512,
    .relu_backward = relu_backward_avx512,
    .adam = adam_avx512,
    .sparse_forward = sparse_forward_avx512,
    .sparse_update = sparse_update_avx512,
    .sparse_gradient = sparse_gradient_avx512,
    .sparse_load = load_avx512,
    .count_nonzero = count_nonzero_avx512,
    .sparse_encode = encode_avx512,
    .fma_peak = fma_peak_avx512,
    .filter_line = filter_line_avx512,
    .sample = sample_avx512,
};
#else
const descent_kernel_table descent_kernels_avx512 = {.name = 0};
const descent_bf16_table descent_bf16_avx512 = {.name = 0};
#endif
