// The NEON family (AArch64's Advanced SIMD, on every arm64 core: Apple Silicon, Graviton, Ampere):
// 4-wide vectors, 32 registers. Built only for arm64; its C test runs under qemu-aarch64 in CI
// (tests/kernels), which checks results, not speed.
//   packed products: op(B) packed into 16-wide panels and a 6x16 micro-kernel, 24 accumulators;
//   the sparse first layer 16 columns (four registers) at a time; the sigmoid and Adam as in avx2.c.
// The byte scans (count, encode, load) are the portable loops, which the compiler vectorises.
#include "kernels.h"
#include <math.h>
#include <string.h>

#ifdef DESCENT_ARM64
#include <arm_neon.h>
enum { KC = 256, MR = 6, NR = 16 };

// C[i][j] = alpha · sums + beta · C for the tile's rows < rows, columns < cols (beta 0: C not read).
static inline void store_rows(float32x4_t acc[MR][4], long rows, long cols, float alpha, float beta, float *c, long ldc) {
    for (long i = 0; i < rows; i++) {
        float sums[NR];
        for (long q = 0; q < 4; q++) vst1q_f32(sums + 4 * q, acc[i][q]);
        float *out = c + i * ldc;
        for (long j = 0; j < cols; j++) out[j] = alpha * sums[j] + (beta == 0 ? 0 : beta * out[j]);
    }
}

// C[0..rows) x [0..cols) = alpha * op(A) rows x panel + beta * C; rows <= 6, cols <= 16.
static void kernel_6x16(long rows, long cols, long kc, const float *a, long row_step, long p_step,
                        const float *panel, float alpha, float beta, float *c, long ldc) {
    const float *r[MR];
    for (long i = 0; i < MR; i++) r[i] = a + (i < rows ? i : rows - 1) * row_step;
    float32x4_t acc[MR][4];
    for (long i = 0; i < MR; i++)
        for (long q = 0; q < 4; q++) acc[i][q] = vdupq_n_f32(0);
    for (long p = 0; p < kc; p++) {
        const float *x = panel + p * NR;
        float32x4_t x0 = vld1q_f32(x), x1 = vld1q_f32(x + 4), x2 = vld1q_f32(x + 8), x3 = vld1q_f32(x + 12);
        long offset = p * p_step;
        for (long i = 0; i < MR; i++) {
            float32x4_t s = vdupq_n_f32(r[i][offset]);
            acc[i][0] = vfmaq_f32(acc[i][0], s, x0);
            acc[i][1] = vfmaq_f32(acc[i][1], s, x1);
            acc[i][2] = vfmaq_f32(acc[i][2], s, x2);
            acc[i][3] = vfmaq_f32(acc[i][3], s, x3);
        }
    }
    store_rows(acc, rows, cols, alpha, beta, c, ldc);
}

static const descent_gemm_tiles tiles = {.packed = kernel_6x16, .mr = MR, .nr = NR, .kc = KC};

static void sgemm_neon(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a,
                       long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    descent_sgemm_tiled(&tiles, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// Sixteen independent chains of fused multiply-adds (cores have two to four FMA pipes of latency
// 4), each from its own starting value so that the compiler cannot fold them into one.
static long fma_peak_neon(long iterations, double *sink) {
    float32x4_t a[16];
    for (int j = 0; j < 16; j++) a[j] = vdupq_n_f32(1.0f + (float)j * 0x1p-10f);
    const float32x4_t x = vdupq_n_f32(0.999999f), y = vdupq_n_f32(1e-7f);
    for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16
        for (int j = 0; j < 16; j++) a[j] = vfmaq_f32(y, a[j], x);
    }
    for (int j = 1; j < 16; j++) a[0] = vaddq_f32(a[0], a[j]);
    *sink = vaddvq_f32(a[0]);
    return iterations * 16 * 4 * 2;
}

// MARK: - Products in bfloat16 (Armv8.6 BF16: Graviton 3, Apple M2, Neoverse V1 and later)
// BFDOT adds to each float32 lane the products of a pair of bfloat16, as vdpbf16ps does, so the
// packing is the AVX512_BF16 one (kernels.h), done element by element in C: op(B) in panels 16
// wide of pairs along k, op(A) in rows of bfloat16. A 6x16 micro-kernel: 24 accumulators, four
// panel loads and six broadcast pairs of A for each pair of k. BFDOT reads subnormal bfloat16 as
// zero and may round its intermediate sum differently from fused multiply-adds (FEAT_EBF16).
#define NEON_BF16 __attribute__((target("arch=armv8.2-a+bf16")))

static inline unsigned int pair_at(const unsigned short *row, long q) {
    unsigned int word;
    memcpy(&word, row + 2 * q, 4);
    return word;
}

NEON_BF16 static void kernel_bf16_6x16(long rows, long cols, long pairs, const unsigned short *a, long a_stride,
                                       const unsigned int *panel, float alpha, float beta, float *c, long ldc) {
    float32x4_t acc[MR][4];
    for (long i = 0; i < MR; i++)
        for (long t = 0; t < 4; t++) acc[i][t] = vdupq_n_f32(0);
    for (long q = 0; q < pairs; q++) {
        const unsigned int *x = panel + q * NR;
        bfloat16x8_t x0 = vreinterpretq_bf16_u32(vld1q_u32(x)), x1 = vreinterpretq_bf16_u32(vld1q_u32(x + 4));
        bfloat16x8_t x2 = vreinterpretq_bf16_u32(vld1q_u32(x + 8)), x3 = vreinterpretq_bf16_u32(vld1q_u32(x + 12));
        for (long i = 0; i < MR; i++) {
            bfloat16x8_t s = vreinterpretq_bf16_u32(vdupq_n_u32(pair_at(a + i * a_stride, q)));
            acc[i][0] = vbfdotq_f32(acc[i][0], s, x0);
            acc[i][1] = vbfdotq_f32(acc[i][1], s, x1);
            acc[i][2] = vbfdotq_f32(acc[i][2], s, x2);
            acc[i][3] = vbfdotq_f32(acc[i][3], s, x3);
        }
    }
    store_rows(acc, rows, cols, alpha, beta, c, ldc);
}

static const descent_bf16_tiles bf16_tiles = {
    .kernel = kernel_bf16_6x16, .mr = MR, .nr = NR, .kc = KC, .k_step = 2,
    .pack_a = descent_bf16_pack_a_portable, .pack_b = descent_bf16_pack_b_portable,
};

static void sgemm_bf16_neon(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a,
                            long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (!descent_sgemm_bf16_packed(&bf16_tiles, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
        descent_sgemm_bf16_reference(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// Sixteen independent chains of BFDOT, each from its own value: 16 FLOP an instruction.
NEON_BF16 static long bf16_peak_neon(long iterations, double *sink) {
    float32x4_t a[16];
    for (int j = 0; j < 16; j++) a[j] = vdupq_n_f32(1.0f + (float)j * 0x1p-10f);
    // (1, 1) and (2^-23, 2^-23), made as integers out of the compiler's sight: gcc 12 otherwise
    // writes the bfloat16 1.0 as `fmov v.8h, 1.0`, a half-precision 1.0 (0x3C00).
    uint32x4_t x_bits = vdupq_n_u32(0x3F803F80u), y_bits = vdupq_n_u32(0x34003400u);
    __asm__("" : "+w"(x_bits), "+w"(y_bits));
    const bfloat16x8_t x = vreinterpretq_bf16_u32(x_bits), y = vreinterpretq_bf16_u32(y_bits);
    for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16
        for (int j = 0; j < 16; j++) a[j] = vbfdotq_f32(a[j], x, y);
    }
    for (int j = 1; j < 16; j++) a[0] = vaddq_f32(a[0], a[j]);
    *sink = vaddvq_f32(a[0]);
    return iterations * 16 * 4 * 4;
}

const descent_bf16_table descent_bf16_neon = {
    .name = "neon-bf16",
    .sgemm = sgemm_bf16_neon,
    .convert = descent_bf16_convert_portable,
    .flushes_subnormals = false,
    .peak = bf16_peak_neon,
};

// The logistic function, as in avx2.c: e^-x = 2^n * e^r with a degree-6 polynomial for e^r.
static void sigmoid_neon(float *values, long count) {
    const float32x4_t one = vdupq_n_f32(1.0f), log2e = vdupq_n_f32(DESCENT_LOG2E);
    const float32x4_t ln2_hi = vdupq_n_f32(DESCENT_LN2_HI), ln2_lo = vdupq_n_f32(DESCENT_LN2_LO);
    const float32x4_t high = vdupq_n_f32(88.0f), low = vdupq_n_f32(-88.0f);
    long i = 0;
    for (; i + 4 <= count; i += 4) {
        float32x4_t x = vnegq_f32(vld1q_f32(values + i));  // e^-x
        x = vmaxq_f32(vminq_f32(x, high), low);
        float32x4_t n = vrndnq_f32(vmulq_f32(x, log2e));
        float32x4_t r = vfmsq_f32(x, n, ln2_hi);
        r = vfmsq_f32(r, n, ln2_lo);
        float32x4_t y = vfmaq_f32(vdupq_n_f32(DESCENT_EXP_P1), vdupq_n_f32(DESCENT_EXP_P0), r);
        y = vfmaq_f32(vdupq_n_f32(DESCENT_EXP_P2), y, r);
        y = vfmaq_f32(vdupq_n_f32(DESCENT_EXP_P3), y, r);
        y = vfmaq_f32(vdupq_n_f32(DESCENT_EXP_P4), y, r);
        y = vfmaq_f32(vdupq_n_f32(DESCENT_EXP_P5), y, r);
        y = vfmaq_f32(vaddq_f32(r, one), y, vmulq_f32(r, r));
        int32x4_t exponent = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23);
        float32x4_t e = vmulq_f32(y, vreinterpretq_f32_s32(exponent));
        vst1q_f32(values + i, vdivq_f32(one, vaddq_f32(one, e)));
    }
    descent_kernels_portable.sigmoid(values + i, count - i);  // the tail, with the C library's expf
}

static void adam_neon(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2,
                      float epsilon, float rate, float root2, float decay) {
    const float32x4_t b1 = vdupq_n_f32(beta1), c1 = vdupq_n_f32(1 - beta1), b2 = vdupq_n_f32(beta2);
    const float32x4_t c2 = vdupq_n_f32(1 - beta2), eps = vdupq_n_f32(epsilon), r = vdupq_n_f32(rate);
    const float32x4_t inverse_root2 = vdupq_n_f32(1 / root2), d = vdupq_n_f32(decay);
    long i = 0;
    for (; i + 4 <= count; i += 4) {
        float32x4_t weight = vld1q_f32(w + i);
        float32x4_t gradient = vfmaq_f32(vld1q_f32(g + i), d, weight);
        float32x4_t first = vfmaq_f32(vmulq_f32(c1, gradient), b1, vld1q_f32(m + i));
        float32x4_t second = vfmaq_f32(vmulq_f32(c2, vmulq_f32(gradient, gradient)), b2, vld1q_f32(v + i));
        float32x4_t denominator = vfmaq_f32(eps, vsqrtq_f32(second), inverse_root2);
        vst1q_f32(m + i, first);
        vst1q_f32(v + i, second);
        vst1q_f32(w + i, vsubq_f32(weight, vdivq_f32(vmulq_f32(r, first), denominator)));
    }
    // The tail, as the portable loop does it.
    descent_kernels_portable.adam(count - i, w + i, g + i, m + i, v + i, beta1, beta2, epsilon, rate, root2, decay);
}

static void relu_neon(float *values, long count) {
    const float32x4_t zero = vdupq_n_f32(0);
    long i = 0;
    for (; i + 4 <= count; i += 4) {
        float32x4_t x = vld1q_f32(values + i);
        vst1q_f32(values + i, vbslq_f32(vcgtq_f32(x, zero), x, zero));  // NaN and -0 give +0
    }
    descent_kernels_portable.relu(values + i, count - i);
}

static void relu_backward_neon(float *delta, const float *outputs, long count) {
    const float32x4_t zero = vdupq_n_f32(0);
    long i = 0;
    for (; i + 4 <= count; i += 4)
        vst1q_f32(delta + i, vbslq_f32(vcgtq_f32(vld1q_f32(outputs + i), zero), vld1q_f32(delta + i), zero));
    descent_kernels_portable.relu_backward(delta + i, outputs + i, count - i);
}

// The sparse first layer, 16 columns at a time. Weight rows are padded to a multiple of 16 with
// zeros, so weight loads are whole; a row of bias, z or delta that ends inside a block goes through
// a 16-float copy.
static void sparse_forward_neon(long rows, long out, const long *counts, const unsigned short *indices,
                                const float *values, long stride, const float *weights, long wstride,
                                const float *bias, float *z, long ldz) {
    for (long j = 0; j < out; j += 16) {
        long width = out - j < 16 ? out - j : 16;
        float start[16] = {0};
        memcpy(start, bias + j, (size_t)width * sizeof(float));
        for (long i = 0; i < rows; i++) {
            const unsigned short *index = indices + i * stride;
            const float *value = values + i * stride;
            float32x4_t a0 = vld1q_f32(start), a1 = vld1q_f32(start + 4), a2 = vld1q_f32(start + 8), a3 = vld1q_f32(start + 12);
            for (long p = 0; p < counts[i]; p++) {
                const float *w = weights + (long)index[p] * wstride + j;
                float32x4_t v = vdupq_n_f32(value[p]);
                a0 = vfmaq_f32(a0, v, vld1q_f32(w)); a1 = vfmaq_f32(a1, v, vld1q_f32(w + 4));
                a2 = vfmaq_f32(a2, v, vld1q_f32(w + 8)); a3 = vfmaq_f32(a3, v, vld1q_f32(w + 12));
            }
            float sums[16];
            vst1q_f32(sums, a0); vst1q_f32(sums + 4, a1); vst1q_f32(sums + 8, a2); vst1q_f32(sums + 12, a3);
            memcpy(z + i * ldz + j, sums, (size_t)width * sizeof(float));
        }
    }
}

static void sparse_update_neon(long rows, long out, const long *counts, const unsigned short *indices,
                               const float *values, long stride, const float *delta, long ldd, float scale,
                               float *weights, long wstride) {
    for (long i = 0; i < rows; i++) {
        const unsigned short *index = indices + i * stride;
        const float *value = values + i * stride;
        for (long j = 0; j < out; j += 16) {
            float d[16] = {0};  // past `out`, zeros: the padding is updated by 0 and stays 0
            memcpy(d, delta + i * ldd + j, (size_t)(out - j < 16 ? out - j : 16) * sizeof(float));
            float32x4_t d0 = vld1q_f32(d), d1 = vld1q_f32(d + 4), d2 = vld1q_f32(d + 8), d3 = vld1q_f32(d + 12);
            for (long p = 0; p < counts[i]; p++) {
                float *w = weights + (long)index[p] * wstride + j;
                float32x4_t v = vdupq_n_f32(scale * value[p]);
                vst1q_f32(w, vfmaq_f32(vld1q_f32(w), v, d0));
                vst1q_f32(w + 4, vfmaq_f32(vld1q_f32(w + 4), v, d1));
                vst1q_f32(w + 8, vfmaq_f32(vld1q_f32(w + 8), v, d2));
                vst1q_f32(w + 12, vfmaq_f32(vld1q_f32(w + 12), v, d3));
            }
        }
    }
}

static void sparse_gradient_neon(long out, long width, long inputs, const long *starts, const int *entry_rows,
                                 const float *entry_values, const float *delta, long ldd, float scale,
                                 float *gradient, long gstride) {
    for (long j = 0; j < width; j += 16) {
        long live = out - j < 0 ? 0 : out - j < 16 ? out - j : 16;
        for (long p = 0; p < inputs; p++) {
            float32x4_t a0 = vdupq_n_f32(0), a1 = a0, a2 = a0, a3 = a0;
            for (long e = starts[p]; e < starts[p + 1]; e++) {
                float d[16] = {0};
                memcpy(d, delta + (long)entry_rows[e] * ldd + j, (size_t)live * sizeof(float));
                float32x4_t v = vdupq_n_f32(scale * entry_values[e]);
                a0 = vfmaq_f32(a0, v, vld1q_f32(d)); a1 = vfmaq_f32(a1, v, vld1q_f32(d + 4));
                a2 = vfmaq_f32(a2, v, vld1q_f32(d + 8)); a3 = vfmaq_f32(a3, v, vld1q_f32(d + 12));
            }
            float *g = gradient + p * gstride + j;
            vst1q_f32(g, a0); vst1q_f32(g + 4, a1); vst1q_f32(g + 8, a2); vst1q_f32(g + 12, a3);
        }
    }
}

static void sparse_load_neon(const unsigned short *source_indices, const unsigned char *source_bytes, long count,
                             float scale, unsigned short *indices, float *values) {
    descent_kernels_portable.sparse_load(source_indices, source_bytes, count, scale, indices, values);
}

static long count_nonzero_neon(const unsigned char *bytes, long count) {
    return descent_kernels_portable.count_nonzero(bytes, count);
}

static long sparse_encode_neon(const unsigned char *bytes, long count, unsigned short *positions, unsigned char *values) {
    return descent_kernels_portable.sparse_encode(bytes, count, positions, values);
}

// The portable filter line, 4 outputs at a time, then the portable loop for the tail: vmulq then
// vaddq, never vfmaq (DESCENT_UNFUSED keeps GCC from fusing them).
DESCENT_UNFUSED
static void filter_line_neon(const float *source, long step, const float *taps, long count, float scale, float *out,
                             long n) {
    DESCENT_NO_CONTRACTION
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        float32x4_t sum = vdupq_n_f32(0);
        for (long k = 0; k < count; k++)
            sum = vaddq_f32(sum, vmulq_f32(vdupq_n_f32(taps[k] * scale), vld1q_f32(source + i + k * step)));
        vst1q_f32(out + i, sum);
    }
    if (i < n) descent_filter_line_portable(source + i, step, taps, count, scale, out + i, n - i);
}

const descent_kernel_table descent_kernels_neon = {
    .name = "neon",
    .sgemm = sgemm_neon,
    .sigmoid = sigmoid_neon,
    .relu = relu_neon,
    .relu_backward = relu_backward_neon,
    .adam = adam_neon,
    .sparse_forward = sparse_forward_neon,
    .sparse_update = sparse_update_neon,
    .sparse_gradient = sparse_gradient_neon,
    .sparse_load = sparse_load_neon,
    .count_nonzero = count_nonzero_neon,
    .sparse_encode = sparse_encode_neon,
    .fma_peak = fma_peak_neon,
    .filter_line = filter_line_neon,
    .sample = descent_distortion_sample_portable,
};
#else
const descent_kernel_table descent_kernels_neon = {.name = 0};
const descent_bf16_table descent_bf16_neon = {.name = 0};
#endif
