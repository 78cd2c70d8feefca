// The kernels' internal seam: each instruction-set family (portable.c, avx2.c, avx512.c, neon.c)
// fills one table of the same functions, and dispatch.c chooses a table at run time, in one place,
// as XNNPACK and OpenBLAS keep their micro-kernels. The public entry points in CDescentKernels.h
// call through the chosen table. A family that cannot run on this CPU, or was not compiled for this
// architecture, leaves its table's `name` NULL. The bfloat16 products have tables of their own
// (portable.c, avx512.c, amx.c, neon.c), chosen apart from the float32 family.
#ifndef DESCENT_KERNELS_INTERNAL_H
#define DESCENT_KERNELS_INTERNAL_H

#include "CDescentKernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#define DESCENT_X86 1
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
#define DESCENT_ARM64 1
#endif

typedef struct descent_kernel_table {
    const char *name;
    void (*sgemm)(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc);
    void (*sigmoid)(float *values, long count);
    void (*relu)(float *values, long count);
    void (*relu_backward)(float *delta, const float *outputs, long count);
    void (*adam)(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2, float epsilon,
                 float rate, float root2, float decay);
    void (*sparse_forward)(long rows, long out, const long *counts, const unsigned short *indices, const float *values,
                           long stride, const float *weights, long wstride, const float *bias, float *z, long ldz);
    void (*sparse_update)(long rows, long out, const long *counts, const unsigned short *indices, const float *values,
                          long stride, const float *delta, long ldd, float scale, float *weights, long wstride);
    void (*sparse_gradient)(long out, long width, long inputs, const long *starts, const int *entry_rows,
                            const float *entry_values, const float *delta, long ldd, float scale, float *gradient,
                            long gstride);
    void (*sparse_load)(const unsigned short *source_indices, const unsigned char *source_bytes, long count, float scale,
                        unsigned short *indices, float *values);
    long (*count_nonzero)(const unsigned char *bytes, long count);
    long (*sparse_encode)(const unsigned char *bytes, long count, unsigned short *positions, unsigned char *values);
    /// Independent chains of fused multiply-adds on registers; returns the floating-point operations done.
    long (*fma_peak)(long iterations, double *sink);
    /// One line of a separable filter, vectorised across outputs: out[i] = Σk (taps[k] · scale) ·
    /// source[i + k · step] for i in 0 ..< n, k in 0 ..< count. Each sum starts from 0 and adds its
    /// terms in k order, each product rounded before it is added: never a fused multiply-add, so
    /// every family gives the same bits (descent_gaussian_smooth).
    void (*filter_line)(const float *source, long step, const float *taps, long count, float scale, float *out, long n);
    /// descent_distortion_sample: the bilinear resampling of a distortion, each pixel as the portable one.
    void (*sample)(const unsigned char *image, long rows, long columns, float cosine, float sine, long shift_x,
                   long shift_y, const float *field_x, const float *field_y, unsigned char *output);
} descent_kernel_table;

/// A function whose sums must round exactly as written, as Swift's do: DESCENT_UNFUSED before it
/// (GCC, which contracts a · b + c into a fused multiply-add by default, and would also fuse a
/// multiply intrinsic into the add after it) and DESCENT_NO_CONTRACTION first in its body (Clang,
/// which fuses within one expression; it never fuses two intrinsics).
#if defined(__clang__)
#define DESCENT_UNFUSED
#define DESCENT_NO_CONTRACTION _Pragma("STDC FP_CONTRACT OFF")
#elif defined(__GNUC__)
#define DESCENT_UNFUSED __attribute__((optimize("fp-contract=off")))
#define DESCENT_NO_CONTRACTION
#else
#define DESCENT_UNFUSED
#define DESCENT_NO_CONTRACTION _Pragma("STDC FP_CONTRACT OFF")
#endif

extern const descent_kernel_table descent_kernels_portable;
extern const descent_kernel_table descent_kernels_avx2;
extern const descent_kernel_table descent_kernels_avx512;
extern const descent_kernel_table descent_kernels_neon;

/// The portable resampling (the table's sample), which AVX2 and NEON use too.
void descent_distortion_sample_portable(const unsigned char *image, long rows, long columns, float cosine, float sine,
                                        long shift_x, long shift_y, const float *field_x, const float *field_y,
                                        unsigned char *output);

/// The portable filter line (the table's filter_line), which NEON finishes its tails with.
void descent_filter_line_portable(const float *source, long step, const float *taps, long count, float scale, float *out,
                                  long n);

/// The portable product, which every family falls back on for the shapes it has no fast path for.
void descent_sgemm_portable(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                            const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// One packing buffer per thread for the packed products, grown as needed and kept (packing.c);
/// NULL when no memory could be had.
float *descent_packing_buffer(long floats);

/// A packed micro-kernel: C[0..rows) x [0..cols) = alpha · op(A) rows x panel + beta · C, rows <= its
/// MR and cols <= its NR, where element (r, p) of op(A) is a[r · row_step + p · p_step] and the
/// panel holds kc rows of NR floats.
typedef void (*descent_packed_kernel)(long rows, long cols, long kc, const float *a, long row_step, long p_step,
                                      const float *panel, float alpha, float beta, float *c, long ldc);
/// A dot-form tile: C[i][j] = alpha · Σp A[i][p] · B[j][p] + beta · C, rows <= dot_rows, cols <= dot_cols.
typedef void (*descent_dot_tile)(long rows, long cols, long k, float alpha, const float *a, long lda,
                                 const float *b, long ldb, float beta, float *c, long ldc);
/// An axpy-form tile: C[i][:] = alpha · Σp op(A)[i][p] · B[p][:] + beta · C, rows <= axpy_rows, cols <= axpy_cols.
typedef void (*descent_axpy_tile)(long rows, long cols, long k, float alpha, const float *a, long lda, bool transpose_a,
                                  const float *b, long ldb, float beta, float *c, long ldc);

/// A family's product: its tiles and their sizes, run by the one driver, descent_sgemm_tiled.
typedef struct descent_gemm_tiles {
    descent_packed_kernel packed;
    long mr, nr, kc;
    descent_dot_tile dot;  // NULL: every product that is not packed goes to the portable loops
    long dot_rows, dot_cols;
    descent_axpy_tile axpy;
    long axpy_rows, axpy_cols;
} descent_gemm_tiles;

/// C = alpha · op(A) · op(B) + beta · C with a family's tiles: packed for batches of 32 and more (or
/// always, for a family without small tiles), A and B both transposed by the portable loops, and
/// otherwise the dot form for B transposed with a long k, the axpy form for the rest (B transposed
/// with a short k is transposed once on the stack first: the dot form would be mostly horizontal sums).
void descent_sgemm_tiled(const descent_gemm_tiles *tiles, bool transpose_a, bool transpose_b, long m, long n, long k,
                         float alpha, const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// Packs op(B)[k0 .. k0+kc) x [0 .. n) into panels `nr` columns wide, p-major, the last zero-padded.
void descent_pack_b(bool transpose_b, const float *b, long ldb, long n, long k0, long kc, long nr, float *packed);

// MARK: - bfloat16 products
// Operands are packed once per block of the shared dimension, already rounded: op(A) as rows of
// bfloat16 along k (a row's pair p lies in one 32-bit word, k = 2p low, 2p + 1 high), op(B) in
// panels NR columns wide, pair-major: word [q][j] holds op(B)[2q][j] (low half) and op(B)[2q+1][j]
// (high half). vdpbf16ps, BFDOT and AMX's tdpbf16ps all consume k in such pairs (oneDNN's "VNNI"
// layout for B). Blocks of k are padded with zeros to a multiple of the family's k_step, and A's
// rows to a multiple of MR.

/// C[0..rows) x [0..cols) = alpha · A rows x panel + beta · C, rows <= MR, cols <= NR, over `pairs`
/// pairs of k; row r of A starts at a + r · a_stride (in bfloat16 elements).
typedef void (*descent_bf16_kernel)(long rows, long cols, long pairs, const unsigned short *a, long a_stride,
                                    const unsigned int *panel, float alpha, float beta, float *c, long ldc);
/// Packs op(A)[0..m_padded) x [k0..k0+kc) as rows of kc_padded bfloat16; rows past m and columns
/// past kc are zero.
typedef void (*descent_bf16_pack_a)(bool transpose_a, const float *a, long lda, long m, long m_padded, long k0, long kc,
                                    long kc_padded, unsigned short *packed);
/// Packs op(B)[k0..k0+kc) x [0..n) into panels `nr` wide of kc_padded / 2 pairs, zero-padded.
typedef void (*descent_bf16_pack_b)(bool transpose_b, const float *b, long ldb, long n, long k0, long kc, long kc_padded,
                                    long nr, unsigned int *packed);

/// A family's bfloat16 product: its packing and micro-kernel, run by descent_sgemm_bf16_packed.
typedef struct descent_bf16_tiles {
    descent_bf16_kernel kernel;
    long mr, nr, kc, k_step;  // k_step: kc_padded's multiple, even
    descent_bf16_pack_a pack_a;
    descent_bf16_pack_b pack_b;
} descent_bf16_tiles;

/// C = alpha · op(A) · op(B) + beta · C in bfloat16 with a family's tiles; false (nothing done)
/// where no packing memory could be had.
bool descent_sgemm_bf16_packed(const descent_bf16_tiles *tiles, bool transpose_a, bool transpose_b, long m, long n,
                               long k, float alpha, const float *a, long lda, const float *b, long ldb, float beta,
                               float *c, long ldc);

/// The packing in plain C, element by element (NEON's, and the model for the vector ones).
void descent_bf16_pack_a_portable(bool transpose_a, const float *a, long lda, long m, long m_padded, long k0, long kc,
                                  long kc_padded, unsigned short *packed);
void descent_bf16_pack_b_portable(bool transpose_b, const float *b, long ldb, long n, long k0, long kc, long kc_padded,
                                  long nr, unsigned int *packed);
/// The AVX512_BF16 packing (avx512.c), which the AMX family shares: every AMX CPU has AVX512_BF16.
void descent_bf16_pack_a_avx512(bool transpose_a, const float *a, long lda, long m, long m_padded, long k0, long kc,
                                long kc_padded, unsigned short *packed);
void descent_bf16_pack_b_avx512(bool transpose_b, const float *b, long ldb, long n, long k0, long kc, long kc_padded,
                                long nr, unsigned int *packed);

/// Rounds `count` floats to bfloat16: element by element (portable.c), or 16 at a time by
/// vcvtneps2bf16, which reads subnormals as zero (avx512.c; AMX uses it too).
void descent_bf16_convert_portable(const float *values, long count, unsigned short *bits);
void descent_bf16_convert_avx512(const float *values, long count, unsigned short *bits);

typedef struct descent_bf16_table {
    const char *name;
    void (*sgemm)(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc);
    void (*convert)(const float *values, long count, unsigned short *bits);
    bool flushes_subnormals;
    long (*peak)(long iterations, double *sink);
} descent_bf16_table;

extern const descent_bf16_table descent_bf16_portable;
extern const descent_bf16_table descent_bf16_avx512;
extern const descent_bf16_table descent_bf16_amx;
extern const descent_bf16_table descent_bf16_neon;

/// Round to nearest, ties to even, by integer arithmetic: adding 0x7FFF plus the lowest kept bit
/// carries into the kept bits exactly when the dropped half is above one half, or one half and the
/// kept part odd; a carry out of the fraction raises the exponent, up to infinity. NaN keeps its
/// upper bits with the quiet bit set (a payload only in the dropped bits would otherwise read as
/// infinity).
static inline unsigned short descent_bf16_round_bits(unsigned int bits) {
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (unsigned short)((bits >> 16) | 0x0040u);
    return (unsigned short)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

/// Cephes expf's degree-6 polynomial for e^r on |r| <= ln2/2 (relative error about 2e-7), shared
/// by every vector sigmoid so that they round alike.
#define DESCENT_EXP_P0 1.9875691500e-4f
#define DESCENT_EXP_P1 1.3981999507e-3f
#define DESCENT_EXP_P2 8.3334519073e-3f
#define DESCENT_EXP_P3 4.1665795894e-2f
#define DESCENT_EXP_P4 1.6666665459e-1f
#define DESCENT_EXP_P5 5.0000001201e-1f
#define DESCENT_LN2_HI 0.693359375f
#define DESCENT_LN2_LO -2.12194440e-4f
#define DESCENT_LOG2E 1.44269504088896341f

#endif
