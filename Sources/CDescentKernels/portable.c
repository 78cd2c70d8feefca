// The portable family: plain loops in the order that keeps the innermost loop contiguous, for the
// compiler to vectorise for the baseline instruction set. It runs where no faster family does, and
// `descent_sgemm_reference` beside it is the judge every fast product is tested against.
#include "kernels.h"
#include <math.h>
#include <string.h>

static inline float op_a(const float *a, long lda, bool transpose, long i, long p) {
    return transpose ? a[p * lda + i] : a[i * lda + p];
}

static inline float rounded_to_bf16(float value) {
    unsigned int bits;
    memcpy(&bits, &value, 4);
    return descent_bf16_to_float(descent_bf16_round_bits(bits));
}

// The straightforward loop, its operands read as they are or rounded to bfloat16.
static inline void reference_product(bool bf16, bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                                     const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float sum = 0;
            for (long p = 0; p < k; p++) {
                float av = op_a(a, lda, transpose_a, i, p), bv = transpose_b ? b[j * ldb + p] : b[p * ldb + j];
                if (bf16) av = rounded_to_bf16(av), bv = rounded_to_bf16(bv);
                sum += av * bv;
            }
            float *out = &c[i * ldc + j];
            *out = alpha * sum + (beta == 0 ? 0 : beta * *out);
        }
    }
}

void descent_sgemm_reference(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    reference_product(false, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void descent_sgemm_bf16_reference(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    reference_product(true, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void descent_sgemm_portable(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
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

static void sigmoid_portable(float *values, long count) {
    for (long i = 0; i < count; i++) values[i] = 1.0f / (1.0f + expf(-values[i]));
}

// ReLU and its backward step as a select, not a branch (half the signs are random and a branch
// mispredicts on them); every element is written and the buffers are restrict, or it stays scalar.
static void relu_portable(float *restrict values, long count) {
    for (long i = 0; i < count; i++) {
        float x = values[i];
        values[i] = x > 0 ? x : 0.0f;
    }
}

static void relu_backward_portable(float *restrict delta, const float *restrict outputs, long count) {
    for (long i = 0; i < count; i++) {
        float d = delta[i];
        delta[i] = outputs[i] > 0 ? d : 0.0f;
    }
}

static void adam_portable(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2,
                          float epsilon, float rate, float root2, float decay) {
    for (long i = 0; i < count; i++) {
        float gradient = g[i] + decay * w[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gradient;
        v[i] = beta2 * v[i] + (1 - beta2) * gradient * gradient;
        w[i] -= rate * m[i] / (sqrtf(v[i]) / root2 + epsilon);
    }
}

static void sparse_forward_portable(long rows, long out, const long *counts, const unsigned short *indices,
                                    const float *values, long stride, const float *weights, long wstride,
                                    const float *bias, float *z, long ldz) {
    for (long i = 0; i < rows; i++) {
        float *row = z + i * ldz;
        for (long j = 0; j < out; j++) row[j] = bias[j];
        for (long p = 0; p < counts[i]; p++) {
            const float *w = weights + (long)indices[i * stride + p] * wstride;
            float v = values[i * stride + p];
            for (long j = 0; j < out; j++) row[j] += v * w[j];
        }
    }
}

static void sparse_update_portable(long rows, long out, const long *counts, const unsigned short *indices,
                                   const float *values, long stride, const float *delta, long ldd, float scale,
                                   float *weights, long wstride) {
    for (long i = 0; i < rows; i++) {
        const float *d = delta + i * ldd;
        for (long p = 0; p < counts[i]; p++) {
            float *w = weights + (long)indices[i * stride + p] * wstride;
            float v = scale * values[i * stride + p];
            for (long j = 0; j < out; j++) w[j] += v * d[j];
        }
    }
}

static void sparse_gradient_portable(long out, long width, long inputs, const long *starts, const int *entry_rows,
                                     const float *entry_values, const float *delta, long ldd, float scale,
                                     float *gradient, long gstride) {
    for (long p = 0; p < inputs; p++) {
        float *g = gradient + p * gstride;
        for (long j = 0; j < width; j++) g[j] = 0;
        for (long e = starts[p]; e < starts[p + 1]; e++) {
            const float *d = delta + (long)entry_rows[e] * ldd;
            float v = scale * entry_values[e];
            for (long j = 0; j < out; j++) g[j] += v * d[j];
        }
    }
}

static void sparse_load_portable(const unsigned short *source_indices, const unsigned char *source_bytes, long count,
                                 float scale, unsigned short *indices, float *values) {
    for (long p = 0; p < count; p++) {
        indices[p] = source_indices[p];
        values[p] = (float)source_bytes[p] * scale;
    }
}

static long count_nonzero_portable(const unsigned char *bytes, long count) {
    long found = 0;
    for (long position = 0; position < count; position++) found += bytes[position] != 0;
    return found;
}

static long sparse_encode_portable(const unsigned char *bytes, long count, unsigned short *positions,
                                   unsigned char *values) {
    long found = 0;
    for (long position = 0; position < count; position++) {
        if (bytes[position]) {
            positions[found] = (unsigned short)position;
            values[found++] = bytes[position];
        }
    }
    return found;
}

// Eight chains, each from its own starting value (alike, the compiler may fold them into one).
static long fma_peak_portable(long iterations, double *sink) {
    float a[8];
    for (int j = 0; j < 8; j++) a[j] = 1.0f + (float)j * 0x1p-10f;
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < 8; j++) a[j] = a[j] * 0.999999f + 1e-7f;
    *sink = a[0] + a[7];
    return iterations * 8 * 2;
}

// out[i] = Σk (taps[k] · scale) · source[i + k · step], summed from 0 in k order, unfused: a whole
// line per tap, so that the compiler vectorises across i (as the Swift loops were).
DESCENT_UNFUSED
void descent_filter_line_portable(const float *source, long step, const float *taps, long count, float scale,
                                  float *restrict out, long n) {
    DESCENT_NO_CONTRACTION
    for (long i = 0; i < n; i++) out[i] = 0;
    for (long k = 0; k < count; k++) {
        const float weight = taps[k] * scale, *restrict line = source + k * step;
        for (long i = 0; i < n; i++) {
            float product = weight * line[i];
            out[i] = out[i] + product;
        }
    }
}

static inline float pixel(const unsigned char *image, long rows, long columns, long row, long column) {
    return row >= 0 && row < rows && column >= 0 && column < columns ? (float)image[row * columns + column] : 0;
}

/// The input at a real position by bilinear interpolation, 0 outside the image, rounded to a byte,
/// as Augmenter.swift's sample had it, expression for expression.
DESCENT_UNFUSED
static inline unsigned char sample_portable(const unsigned char *image, long rows, long columns, float x, float y) {
    DESCENT_NO_CONTRACTION
    if (!(x > -1 && y > -1 && x < (float)columns && y < (float)rows)) return 0;
    // x + 1 > 0, so truncation is the floor.
    long column = (long)(x + 1) - 1, row = (long)(y + 1) - 1;
    float fx = x - (float)column, fy = y - (float)row;
    float value;
    if (column >= 0 && row >= 0 && column + 1 < columns && row + 1 < rows) {
        const unsigned char *at = image + row * columns + column;
        float upper = (float)at[0] + fx * ((float)at[1] - (float)at[0]);
        float lower = (float)at[columns] + fx * ((float)at[columns + 1] - (float)at[columns]);
        value = upper + fy * (lower - upper);
    } else {
        // On the border: the neighbours outside are 0, and the weights are written as the Swift had them.
        float p00 = pixel(image, rows, columns, row, column), p01 = pixel(image, rows, columns, row, column + 1);
        float p10 = pixel(image, rows, columns, row + 1, column), p11 = pixel(image, rows, columns, row + 1, column + 1);
        float upper = p00 * (1 - fx) + p01 * fx;
        float lower = p10 * (1 - fx) + p11 * fx;
        value = upper * (1 - fy) + lower * fy;
    }
    // Swift's min(255, max(0, value + 0.5)), then truncation; a convex combination of bytes never needs the clamp.
    float rounded = value + 0.5f;
    rounded = rounded >= 0 ? rounded : 0;
    rounded = 255 < rounded ? 255 : rounded;
    return (unsigned char)rounded;
}

// The distortion's resampling, scalar: the Swift loop it replaced ran about 24 ns a pixel.
DESCENT_UNFUSED
void descent_distortion_sample_portable(const unsigned char *image, long rows, long columns, float cosine, float sine,
                               long shift_x, long shift_y, const float *field_x, const float *field_y,
                               unsigned char *output) {
    DESCENT_NO_CONTRACTION
    float centre_x = (float)(columns - 1) / 2, centre_y = (float)(rows - 1) / 2;
    for (long y = 0; y < rows; y++) {
        float dy = (float)y - centre_y;
        for (long x = 0; x < columns; x++) {
            float dx = (float)x - centre_x;
            float source_x = centre_x + cosine * dx + sine * dy - (float)shift_x;
            float source_y = centre_y - sine * dx + cosine * dy - (float)shift_y;
            if (field_x) {
                source_x += field_x[y * columns + x];
                source_y += field_y[y * columns + x];
            }
            output[y * columns + x] = sample_portable(image, rows, columns, source_x, source_y);
        }
    }
}

const descent_kernel_table descent_kernels_portable = {
    .name = "portable",
    .sgemm = descent_sgemm_portable,
    .sigmoid = sigmoid_portable,
    .relu = relu_portable,
    .relu_backward = relu_backward_portable,
    .adam = adam_portable,
    .sparse_forward = sparse_forward_portable,
    .sparse_update = sparse_update_portable,
    .sparse_gradient = sparse_gradient_portable,
    .sparse_load = sparse_load_portable,
    .count_nonzero = count_nonzero_portable,
    .sparse_encode = sparse_encode_portable,
    .fma_peak = fma_peak_portable,
    .filter_line = descent_filter_line_portable,
    .sample = descent_distortion_sample_portable,
};

// MARK: - bfloat16 products by float32 arithmetic
// The reference semantics: round copies of A and B (the thread's packing buffer), then the
// portable float32 product; the straightforward loop where no memory could be had.

static void round_copy(const float *source, long rows, long columns, long ld, float *copy) {
    for (long r = 0; r < rows; r++)
        for (long q = 0; q < columns; q++) copy[r * columns + q] = rounded_to_bf16(source[r * ld + q]);
}

static void sgemm_bf16_portable(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                                const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    long a_rows = transpose_a ? k : m, a_columns = transpose_a ? m : k;
    long b_rows = transpose_b ? n : k, b_columns = transpose_b ? k : n;
    float *copies = descent_packing_buffer(a_rows * a_columns + b_rows * b_columns);
    if (!copies) {
        descent_sgemm_bf16_reference(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    float *a_copy = copies, *b_copy = copies + a_rows * a_columns;
    round_copy(a, a_rows, a_columns, lda, a_copy);
    round_copy(b, b_rows, b_columns, ldb, b_copy);
    descent_sgemm_portable(transpose_a, transpose_b, m, n, k, alpha, a_copy, a_columns, b_copy, b_columns, beta, c, ldc);
}

void descent_bf16_convert_portable(const float *values, long count, unsigned short *bits) {
    for (long i = 0; i < count; i++) {
        unsigned int word;
        memcpy(&word, &values[i], 4);
        bits[i] = descent_bf16_round_bits(word);
    }
}

const descent_bf16_table descent_bf16_portable = {
    .name = "portable-bf16",
    .sgemm = sgemm_bf16_portable,
    .convert = descent_bf16_convert_portable,
    .flushes_subnormals = false,
    .peak = fma_peak_portable,
};
