// CKernels: the float32 matrix-multiply kernels behind LinearAlgebra's gemm seam.
//
// Why C: Swift's default x86-64 target has no AVX, and the flags that would enable it are unsafe
// flags, which a package used as a versioned dependency may not carry. A C function marked
// __attribute__((target("avx2,fma"))) is compiled for AVX2 and FMA with no build flags, and is
// chosen at run time only where the CPU has them. Elsewhere (older x86-64, arm64) a portable C
// loop runs, which the compiler vectorises for the baseline instruction set.
#ifndef DESCENT_CKERNELS_H
#define DESCENT_CKERNELS_H

#include <stdbool.h>

/// C = alpha * op(A) * op(B) + beta * C, all row-major; op(A) is m x k, op(B) is k x n.
/// A is m x k (lda) or, if transpose_a, k x m; B is k x n (ldb) or, if transpose_b, n x k.
/// With beta == 0, C is not read (it may hold anything, NaN included).
/// Fused multiply-add is used deliberately: results differ from the naive loop in rounding only.
void descent_sgemm(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                   const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// The same product by straightforward loops: the reference every fast path is tested against.
void descent_sgemm_reference(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// Which kernel descent_sgemm uses on this CPU: "avx2-fma" or "portable".
const char *descent_sgemm_kernel_name(void);

/// Forces the portable kernel (for tests that compare both paths on an AVX2 machine).
void descent_sgemm_force_portable(bool portable);

/// Replaces each of `count` values x with 1 / (1 + e^-x), vectorised where AVX2 is available
/// (relative error about 2e-7 against the C library's expf).
void descent_sigmoid(float *values, long count);

/// Replaces each of `count` values x with max(x, 0).
void descent_relu(float *values, long count);

/// delta[i] = outputs[i] > 0 ? delta[i] : 0: ReLU's derivative, taken from its outputs.
void descent_relu_backward(float *delta, const float *outputs, long count);

/// One Adam step over `count` parameters w with gradient g and moments m, v:
/// g' = g + decay·w; m = β1·m + (1−β1)·g'; v = β2·v + (1−β2)·g'²; w −= rate·m / (√v / root2 + ε).
void descent_adam(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2, float epsilon,
                  float rate, float root2, float decay);

/// Asks the CPU to fetch `bytes` from `address` into cache ahead of use (one hint per 64-byte line).
void descent_prefetch(const void *address, long bytes);

/// Runs `iterations` rounds of independent fused multiply-adds on registers; returns the number of
/// floating-point operations done (its result goes to *sink so the work is not optimised away).
long descent_fma_peak(long iterations, double *sink);

/// The first layer over sparse inputs: for each of `rows` examples, z[i][:] = bias + Σ v · W[p][:]
/// over its `counts[i]` non-zero inputs (indices[i*stride+q], values[i*stride+q]).
/// `weights` is the layer's weight matrix transposed: row p holds input p's `out` weights, rows
/// `wstride` floats apart, wstride a multiple of 16 at least `out`, the padding zero.
void descent_sparse_forward(long rows, long out, const long *counts, const unsigned short *indices, const float *values,
                            long stride, const float *weights, long wstride, const float *bias, float *z, long ldz);

/// Writes the positions and scaled values (byte · scale) of the non-zero bytes among `count`, in
/// order, and returns how many there were.
long descent_sparse_gather(const unsigned char *bytes, long count, float scale, unsigned short *indices, float *values);

/// How many of `count` bytes are not zero.
long descent_count_nonzero(const unsigned char *bytes, long count);

/// Writes the positions and the values of the non-zero bytes among `count`, in order; returns how many.
long descent_sparse_encode(const unsigned char *bytes, long count, unsigned short *positions, unsigned char *values);

/// Copies one example's non-zero inputs, already found (by `descent_sparse_encode` once for a whole
/// data set), into a batch row: the `count` positions as they are, the byte values times `scale`.
void descent_sparse_load(const unsigned short *source_indices, const unsigned char *source_bytes, long count, float scale,
                         unsigned short *indices, float *values);

/// The matching update: W[p][:] += scale · v · delta[i][:] for every example i and each of its
/// non-zero inputs (p, v). With scale = −η/n this is SGD's step on the first layer's weights.
void descent_sparse_update(long rows, long out, const long *counts, const unsigned short *indices, const float *values,
                           long stride, const float *delta, long ldd, float scale, float *weights, long wstride);

/// Regroups a batch's non-zero inputs (as for descent_sparse_forward) by input: for each input p,
/// entries starts[p]..<starts[p+1] of entry_rows (the example) and entry_values, examples in order.
/// `starts` holds inputs + 1 values, `cursor` inputs; the entries need rows · stride room.
void descent_sparse_by_input(long rows, const long *counts, const unsigned short *indices, const float *values, long stride,
                             long inputs, long *starts, long *cursor, int *entry_rows, float *entry_values);

/// The first layer's weight gradient over sparse inputs, transposed (inputs x neurons): for every
/// input p, gradient[p][j] = scale · Σ over its entries e of entry_values[e] · delta[entry_rows[e]][j],
/// for j < width (a multiple of 16), delta's columns at and past `out` read as 0. Every row is
/// written, an input no example lights with zeros. Rows of `gradient` are `gstride` floats apart.
void descent_sparse_gradient(long out, long width, long inputs, const long *starts, const int *entry_rows,
                             const float *entry_values, const float *delta, long ldd, float scale, float *gradient,
                             long gstride);

/// A task of a parallel run: called once with each index of the run.
typedef void (*descent_task)(void *context, long index);

/// Calls task(context, i) for i in 0..<count, i = 0 on the calling thread and the others on a
/// pool of worker threads that spin briefly between runs, and returns when all have finished.
/// Returns how many threads took part: count, or fewer where the pool could not start enough
/// threads, the calling thread then running the indices left over. One run at a time: a second
/// caller waits for the first.
long descent_parallel_run(long count, descent_task task, void *context);

#endif
