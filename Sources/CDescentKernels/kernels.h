// The kernels' internal seam: each instruction-set family (portable.c, avx2.c, avx512.c, neon.c)
// fills one table of the same functions, and dispatch.c chooses a table at run time, in one place,
// as XNNPACK and OpenBLAS keep their micro-kernels. The public entry points in CDescentKernels.h
// call through the chosen table. A family that cannot run on this CPU, or was not compiled for this
// architecture, leaves its table's `name` NULL.
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
} descent_kernel_table;

extern const descent_kernel_table descent_kernels_portable;
extern const descent_kernel_table descent_kernels_avx2;
extern const descent_kernel_table descent_kernels_avx512;
extern const descent_kernel_table descent_kernels_neon;

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
