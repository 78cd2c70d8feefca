// CDescentKernels: the float32 kernels behind LinearAlgebra's gemm seam and the sparse first layer,
// and products in bfloat16 where the CPU has it (see "Products in bfloat16" below).
//
// Why C: Swift's default x86-64 target has no AVX, and the flags that would enable it are unsafe
// flags, which a package used as a versioned dependency may not carry. A C function marked
// __attribute__((target("avx512f,..."))) or target("avx2,fma") is compiled for that instruction set
// with no build flags, and is chosen at run time only where the CPU has it (dispatch.c). One file per
// family: avx512.c, avx2.c, neon.c (arm64) and portable.c, whose loops the compiler vectorises for
// the baseline instruction set. Each family is tested against the reference loops.
//
// Same inputs, same family, same result, bit for bit. Two families sum in different orders, so
// their results may differ in the last bits.
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

/// A family of kernels, one per instruction set.
typedef enum descent_kernel_family {
    DESCENT_KERNELS_PORTABLE = 0,
    DESCENT_KERNELS_NEON = 1,
    DESCENT_KERNELS_AVX2 = 2,
    DESCENT_KERNELS_AVX512 = 3,
} descent_kernel_family;

/// Whether this build and this CPU can run `family`.
bool descent_kernels_supported(descent_kernel_family family);

/// The fastest family this CPU runs: the one used unless `descent_kernels_use` says otherwise.
descent_kernel_family descent_kernels_best(void);

/// Uses `family` for every kernel from now on, in every thread; false (and no change) where
/// `family` is not supported. Call it between runs, not while a product is being computed.
bool descent_kernels_use(descent_kernel_family family);

/// The family in use on this thread.
descent_kernel_family descent_kernels_current(void);

/// Uses `family` on this thread only, and in the pool's workers while they run this thread's tasks
/// (a test that compares families while others compute); a negative `family` goes back to the
/// process's choice. False, and no change, where `family` is not supported.
bool descent_kernels_use_on_thread(int family);

/// The family this thread chose for itself with descent_kernels_use_on_thread, or -1.
int descent_kernels_thread_choice(void);

/// A family's name: "portable", "neon", "avx2-fma" or "avx512".
const char *descent_kernels_name(descent_kernel_family family);

/// The name of the family in use (descent_kernels_name of descent_kernels_current).
const char *descent_sgemm_kernel_name(void);

/// This thread's floating-point control register: MXCSR on x86-64, FPCR on arm64, 0 elsewhere.
unsigned long descent_fp_mode(void);

/// Sets this thread's floating-point control register to `mode` (from descent_fp_mode).
void descent_fp_set_mode(unsigned long mode);

/// `mode` with subnormals flushed to zero: FTZ and DAZ on x86-64, FZ on arm64.
unsigned long descent_fp_mode_flushing(unsigned long mode);

/// Whether `mode` flushes subnormals (both FTZ and DAZ on x86-64; FZ on arm64).
bool descent_fp_mode_flushes(unsigned long mode);

/// Whether this architecture has a flush-to-zero mode that descent_fp_mode_flushing sets.
bool descent_fp_can_flush(void);

/// Replaces each of `count` values x with 1 / (1 + e^-x), vectorised in every family but the
/// portable one (relative error about 2e-7 against the C library's expf).
void descent_sigmoid(float *values, long count);

/// The elastic distortion's smoothing (DescentDatasets' Augmenter): field = scale · (G ∗ noise) for
/// a Gaussian G of tap_count = 2·radius + 1 taps, separably. noise is (rows + 2·radius) x
/// (columns + 2·radius) with a border of zeros standing for outside; across is (rows + 2·radius) x
/// columns with its first and last radius rows zero; field is rows x columns:
///   across[y][x] = Σk taps[k] · noise[y][x + k]                 for y in radius ..< radius + rows
///   field[y][x]  = Σk (taps[k] · scale) · across[y + k][x]
/// Each sum starts from 0 and adds its terms in k order, every product rounded before it is added
/// (no fused multiply-add), so every family gives bit for bit what the plain loops give.
/// - Complexity: O(rows · columns · tap_count), vectorised across x.
void descent_gaussian_smooth(const float *noise, float *across, float *field, const float *taps, long tap_count,
                             long rows, long columns, float scale);

/// The distortion's resampling (DescentDatasets' Augmenter): output pixel (x, y) of a rows x columns
/// byte image is the input sampled bilinearly at c + M·(p − c) − t + field(p), M = [cosine sine;
/// −sine cosine], c the centre, t the shift, 0 outside, rounded to a byte. field_x and field_y
/// (rows x columns) are NULL for no elastic field. Each pixel's arithmetic in the order the Swift loop
/// had, unfused, in every family: scalar, or 16 pixels at a time with gathers (AVX-512).
void descent_distortion_sample(const unsigned char *image, long rows, long columns, float cosine, float sine,
                               long shift_x, long shift_y, const float *field_x, const float *field_y,
                               unsigned char *output);

/// Replaces each of `count` values x with max(x, 0).
void descent_relu(float *values, long count);

/// Dropout masks from SplitMix64 (DescentNetwork's Workspace.drawDropoutMasks): the k-th 64-bit draw
/// after `*state` (k from 1) serves units 2k − 2 and 2k − 1, its high half first; a unit is kept,
/// mask = `kept`, when its 32 bits are below `threshold`, else mask = 0. `*state` ends advanced by
/// one draw per two units, as that many calls of SplitMix64.next() would leave it.
void descent_dropout_masks(unsigned long long *state, long count, unsigned long long threshold, float kept, float *mask);

/// The backward step of a ReLU layer under dropout: delta[i] = 0 where mask[i] is 0, else
/// delta[i] · mask[i] · (outputs[i] / mask[i] > 0 ? 1 : 0), each product rounded in that order.
void descent_dropout_relu_backward(float *delta, const float *outputs, const float *mask, long count);

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

// MARK: - Products in bfloat16
// bfloat16 is a float32's upper 16 bits: its sign, its 8 exponent bits and 7 of its 23 fraction bits.
// A product "in bfloat16" takes float32 matrices, rounds each element of A and B to bfloat16 (to
// nearest, ties to even; NaN stays NaN, made quiet), multiplies those exactly and sums the
// products in float32 (reassociated, with fused or paired multiply-adds: the order differs by
// family), and writes float32. Where the CPU has bfloat16 arithmetic (AVX512_BF16, AMX-BF16, Arm's
// BF16) this runs up to twice as fast as float32; elsewhere the portable family computes the same
// thing with float32 arithmetic. AVX512_BF16 and AMX read subnormal bfloat16 inputs as zero, so
// inputs below 1.2e-38 in magnitude may count as zero.

/// The float32 `value` rounded to bfloat16 (ties to even; NaN stays NaN, made quiet; values past
/// the largest bfloat16 go to infinity), as its 16 bits.
unsigned short descent_bf16_from_float(float value);

/// The float32 whose upper 16 bits are `bits` and whose lower 16 are zero: exactly the bfloat16.
float descent_bf16_to_float(unsigned short bits);

/// A family of bfloat16 products, one per instruction set.
typedef enum descent_bf16_family {
    DESCENT_BF16_PORTABLE = 0,  // float32 arithmetic on rounded copies: the reference semantics
    DESCENT_BF16_NEON = 1,      // Armv8.6 BF16: BFDOT
    DESCENT_BF16_AVX512 = 3,    // AVX512_BF16: vdpbf16ps (Intel Cooper Lake, Sapphire Rapids; AMD Zen 4)
    DESCENT_BF16_AMX = 4,       // AMX-BF16 tiles (Intel Sapphire Rapids and later)
} descent_bf16_family;

/// Whether this build and this CPU (and operating system) can run `family`.
bool descent_bf16_supported(descent_bf16_family family);

/// The fastest bfloat16 family this CPU runs: AMX, then AVX512_BF16, then NEON's BF16, else portable.
descent_bf16_family descent_bf16_best(void);

/// Uses `family` for every bfloat16 product from now on, in every thread; false, and no change,
/// where it is not supported. Call it between runs, not while a product is being computed.
bool descent_bf16_use(descent_bf16_family family);

/// The bfloat16 family in use on this thread.
descent_bf16_family descent_bf16_current(void);

/// Uses `family` for bfloat16 products on this thread only, and in the pool's workers while they
/// run this thread's tasks (as descent_kernels_use_on_thread); a negative `family` goes back to the
/// process's choice. False, and no change, where `family` is not supported.
bool descent_bf16_use_on_thread(int family);

/// The bfloat16 family this thread chose for itself with descent_bf16_use_on_thread, or -1.
int descent_bf16_thread_choice(void);

/// Makes descent_sgemm on this thread (and in the pool's workers while they run this thread's
/// tasks) compute in bfloat16, as descent_sgemm_bf16 does, when `on`; back to float32 when not.
/// Mixed-precision training turns it on around its steps; evaluation stays float32.
void descent_products_use_bf16_on_thread(bool on);

/// Whether descent_sgemm computes in bfloat16 on this thread.
bool descent_products_bf16_on_thread(void);

/// A family's name: "portable-bf16", "neon-bf16", "avx512-bf16" or "amx-bf16".
const char *descent_bf16_name(descent_bf16_family family);

/// C = alpha * op(A) * op(B) + beta * C with A's and B's elements rounded to bfloat16 (see above),
/// shapes and layout as descent_sgemm: all row-major, op(A) m x k, op(B) k x n; with beta == 0, C
/// is not read. alpha, beta and C stay float32.
void descent_sgemm_bf16(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                        const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// The same by straightforward loops over rounded elements, summed in float32: the judge.
void descent_sgemm_bf16_reference(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// Rounds `count` floats to bfloat16 as the family in use does when it packs its operands: as
/// descent_bf16_from_float, except that a family whose instruction reads subnormals as zero may
/// give a zero of the same sign for a subnormal float32 (see descent_bf16_flushes_subnormals).
void descent_bf16_convert(const float *values, long count, unsigned short *bits);

/// Whether the family in use turns subnormal float32 inputs into zeros when it rounds them.
bool descent_bf16_flushes_subnormals(void);

/// Runs `iterations` rounds of independent bfloat16 dot-product instructions on registers (the
/// bfloat16 family in use: vdpbf16ps, BFDOT, AMX tiles; the float32 loop of the portable family)
/// and returns the floating-point operations done, two per multiply-add (result in *sink).
long descent_bf16_peak(long iterations, double *sink);

/// Whether the kernels were compiled with optimisation (`__OPTIMIZE__`: -O1 and above, -Os).
bool descent_kernels_optimized(void);

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
/// pool of worker threads, and returns when all have finished. Each worker runs its task in the
/// caller's floating-point mode (descent_fp_mode). A run takes no more threads than the process
/// has CPUs (descent_available_cpus): the calling thread runs the indices left over, and on one CPU
/// all of them. Workers spin briefly between runs and the caller spins while it waits for them, but
/// never where the pool holds more threads than there are CPUs. Returns how many threads took part:
/// count, or fewer where the CPUs or the pool's threads were fewer.
/// One run at a time: a second caller waits for the first; a call of two or more from inside a task
/// (which would wait for itself) returns -1 and runs nothing.
long descent_parallel_run(long count, descent_task task, void *context);

/// The CPUs this process may use: those in its affinity mask, and no more than its cgroup's CPU
/// quota allows (cgroup v2 cpu.max, or v1 cpu.cfs_quota_us / cpu.cfs_period_us), rounded up;
/// at least 1.
long descent_available_cpus(void);

/// For tests: makes the pool assume `cpus` CPUs from its next run on (0: read them again), so that a
/// test can grow it past the CPUs it then has.
void descent_parallel_assume_cpus(long cpus);

/// For tests: the pauses the pool's threads have spent spinning since the start, counted 256 at a time.
long descent_parallel_spins(void);

/// For tests: the worker threads the pool has started.
long descent_parallel_workers(void);

#endif
