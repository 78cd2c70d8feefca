// Every kernel family this build and CPU can run, against the reference loops, in C alone: the
// Swift tests do the same on the host, and this file also runs where Swift does not, as an aarch64
// binary under qemu-aarch64 (run.sh). Prints which families it tested and "N passed, N failed".
#include "../../Sources/CDescentKernels/include/CDescentKernels.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(int ok, const char *family, const char *what) {
    if (ok) passed++;
    else {
        failed++;
        printf("FAIL %s: %s\n", family, what);
    }
}

static uint64_t state = 99;
static float uniform(void) {  // SplitMix64, in [-1, 1)
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (float)((double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0 * 2 - 1);
}
static float *randoms(long count) {
    float *values = malloc((size_t)(count > 0 ? count : 1) * sizeof(float));
    for (long i = 0; i < count; i++) values[i] = uniform();
    return values;
}

typedef void (*product)(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
                        const float *b, long ldb, float beta, float *c, long ldc);

static double rounded(float value, bool bf16) { return bf16 ? descent_bf16_to_float(descent_bf16_from_float(value)) : value; }

// The worst error relative to the scale rounding errors live on, |alpha|·Σ|op(A)·op(B)| + |beta·C|:
// float32 products against the reference loop; bfloat16 ones (`bf16`) against sums in double of
// the rounded inputs, in units of (k + 2)·2^-24, the bound on float32 sums of k products (Higham,
// "Accuracy and Stability of Numerical Algorithms", 3.1) with alpha's and beta's roundings.
static double gemm_error(product multiply, bool bf16) {
    static const long shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {4, 16, 8}, {5, 17, 9}, {10, 16, 784}, {10, 10, 16},
                                     {10, 16, 16}, {16, 784, 10}, {7, 33, 15}, {128, 256, 31}, {13, 3, 100},
                                     {32, 16, 32}, {37, 45, 300}, {64, 100, 513}, {128, 10, 128}, {45, 784, 64},
                                     {9, 47, 33}, {33, 31, 257}};
    double worst = 0;
    for (unsigned s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        long m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        for (int t = 0; t < 4; t++) {
            bool ta = t & 1, tb = t & 2;
            static const float alphas[] = {1, -0.3f, 2}, betas[] = {0, 1, 0.5f};
            for (int ab = 0; ab < 3; ab++) {
                float alpha = alphas[ab], beta = betas[ab];
                // Every third shape inside wider matrices (a thread's block of columns is one).
                long pad = s % 3 == 2 ? 5 : 0, lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
                float *a = randoms((ta ? k : m) * lda), *b = randoms((tb ? n : k) * ldb), *start = randoms(m * ldc);
                if (beta == 0) for (long i = 0; i < m * ldc; i++) start[i] = NAN;  // must not leak through
                float *fast = malloc((size_t)(m * ldc) * sizeof(float)), *reference = malloc((size_t)(m * ldc) * sizeof(float));
                memcpy(fast, start, (size_t)(m * ldc) * sizeof(float));
                memcpy(reference, start, (size_t)(m * ldc) * sizeof(float));
                multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, fast, ldc);
                if (!bf16) descent_sgemm_reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, reference, ldc);
                for (long i = 0; i < m; i++)
                    for (long j = 0; j < n; j++) {
                        double magnitude = 0, sum = 0;
                        for (long p = 0; p < k; p++) {
                            double term = rounded(ta ? a[p * lda + i] : a[i * lda + p], bf16) *
                                          rounded(tb ? b[j * ldb + p] : b[p * ldb + j], bf16);
                            sum += term;
                            magnitude += fabs(term);
                        }
                        double before = beta == 0 ? 0 : (double)beta * start[i * ldc + j];
                        double expected = bf16 ? alpha * sum + before : reference[i * ldc + j];
                        double scale = fabs(alpha) * magnitude + fabs(before);
                        double error = fabs((double)fast[i * ldc + j] - expected) / (scale > 1e-30 ? scale : 1e-30);
                        if (bf16) error /= (double)(k + 2) * 0x1p-24;
                        if (!(error <= worst)) worst = error;  // NaN counts as the worst
                    }
                for (long i = 0; i < m && pad; i++)  // the columns past n are not written
                    if (memcmp(fast + i * ldc + n, start + i * ldc + n, (size_t)pad * sizeof(float))) worst = INFINITY;
                free(a); free(b); free(start); free(fast); free(reference);
            }
        }
    }
    return worst;
}

// Round to nearest even on values picked to catch each way of getting it wrong.
static void test_bf16_rounding(const char *family) {
    static const struct { unsigned int in; unsigned short out; } cases[] = {
        {0x3F800000u, 0x3F80}, {0x3F808000u, 0x3F80},  // 1 exactly; 1 + 2^-8, a tie, stays even
        {0x3F818000u, 0x3F82}, {0x3F807FFFu, 0x3F80},  // a tie above an odd one goes up; just below half, down
        {0x3F808001u, 0x3F81}, {0xBF818000u, 0xBF82},  // just above half, up; ties the same when negative
        {0x3FFF8000u, 0x4000},                         // a carry out of the fraction raises the exponent
        {0x7F7FFFFFu, 0x7F80}, {0x7F7F7FFFu, 0x7F7F},  // the largest float32 rounds to infinity; below half, stays finite
        {0x7F800000u, 0x7F80}, {0xFF800000u, 0xFF80},  // infinities
        {0x7FC00000u, 0x7FC0}, {0xFFC12345u, 0xFFC1},  // quiet NaNs keep their upper bits
        {0x7F800001u, 0x7FC0}, {0x7FBFFFFFu, 0x7FFF},  // signalling NaNs: quiet, never infinity
        {0x00000000u, 0x0000}, {0x80000000u, 0x8000},  // zeros keep their sign
        {0x00018000u, 0x0002}, {0x00008000u, 0x0000},  // subnormal ties: up to even, down to even (zero)
        {0x00017FFFu, 0x0001}, {0x807FFFFFu, 0x8080},  // a subnormal just below half; the largest, to the smallest normal
    };
    enum { COUNT = sizeof cases / sizeof cases[0] };
    float in[COUNT];
    unsigned short out[COUNT];
    for (int i = 0; i < COUNT; i++) memcpy(&in[i], &cases[i].in, 4);
    descent_bf16_convert(in, COUNT, out);
    bool flushes = descent_bf16_flushes_subnormals();
    int exact = 1, family_ok = 1;
    for (int i = 0; i < COUNT; i++) {
        unsigned short want = cases[i].out;
        bool nan = (cases[i].in & 0x7FFFFFFFu) > 0x7F800000u, subnormal = (cases[i].in & 0x7F800000u) == 0;
        if (descent_bf16_from_float(in[i]) != want) exact = 0;
        if (nan) family_ok &= (out[i] & 0x7F80) == 0x7F80 && (out[i] & 0x7F) != 0 && (out[i] & 0x8000) == (want & 0x8000);
        else if (subnormal && flushes) family_ok &= out[i] == (want & 0x8000);
        else family_ok &= out[i] == want;
    }
    check(exact, "bf16", "descent_bf16_from_float rounds to nearest even: ties, carries, infinities, NaNs, subnormals");
    check(family_ok, family, "its packing rounds to nearest even (NaN stays NaN; subnormals kept, or zero where it says it flushes)");
    int back = descent_bf16_to_float(0x3F81) == 1.0078125f && descent_bf16_to_float(0xC000) == -2.0f;
    check(back, "bf16", "descent_bf16_to_float widens exactly");
}

static void test_bf16(const char *family) {
    check(strcmp(descent_bf16_name(descent_bf16_current()), family) == 0, family, "the bfloat16 family in use is the one chosen");
    test_bf16_rounding(family);
    double error = gemm_error(descent_sgemm_bf16, true);
    check(error <= 1, family, "every product shape within (k + 2)·2^-24 of the exact sums of the rounded inputs");
    double dot = 0;
    double flops = (double)descent_bf16_peak(1000, &dot);
    check(flops > 0 && isfinite(dot), family, "its peak loop runs and counts");
}

static void test_elementwise(const char *family) {
    long count = 2011;
    float *x = malloc((size_t)count * sizeof(float));
    for (long i = 0; i < count; i++) x[i] = (float)(i - 1000) / 10;
    x[0] = -1e30f; x[1] = 1e30f; x[2] = 0; x[3] = 88.5f; x[4] = -88.5f;
    float *y = malloc((size_t)count * sizeof(float));
    memcpy(y, x, (size_t)count * sizeof(float));
    descent_sigmoid(y, count);
    double worst = 0;
    for (long i = 0; i < count; i++) {
        double exact = 1 / (1 + exp(-(double)x[i]));
        double error = fabs(y[i] - exact);
        if (error > 1e-38 && error > 1e-6 * (exact > 1e-30 ? exact : 1e-30) && error > worst) worst = error;
        if (!isfinite(y[i])) worst = INFINITY;
    }
    check(worst == 0, family, "sigmoid within 1e-6 relative of 1/(1+e^-x)");

    float r[37], d[37], o[37];
    for (int i = 0; i < 37; i++) { r[i] = uniform(); d[i] = uniform(); o[i] = uniform(); }
    r[3] = -0.0f; r[5] = NAN; o[7] = 0; o[8] = NAN;
    float rr[37], dd[37];
    memcpy(rr, r, sizeof r); memcpy(dd, d, sizeof d);
    descent_relu(rr, 37);
    descent_relu_backward(dd, o, 37);
    int ok = 1;
    for (int i = 0; i < 37; i++) {
        float want = r[i] > 0 ? r[i] : 0.0f, wantd = o[i] > 0 ? d[i] : 0.0f;
        if (memcmp(&rr[i], &want, 4) != 0 || memcmp(&dd[i], &wantd, 4) != 0) ok = 0;
    }
    check(ok, family, "relu and its backward step equal x > 0 ? x : 0 bit for bit, NaN and -0 included");

    long n = 1037;
    float *w = randoms(n), *g = randoms(n), *m = randoms(n), *v = randoms(n);
    for (long i = 0; i < n; i++) v[i] = fabsf(v[i]);
    float *w2 = malloc((size_t)n * 4), *m2 = malloc((size_t)n * 4), *v2 = malloc((size_t)n * 4);
    memcpy(w2, w, (size_t)n * 4); memcpy(m2, m, (size_t)n * 4); memcpy(v2, v, (size_t)n * 4);
    descent_adam(n, w, g, m, v, 0.9f, 0.999f, 1e-8f, 1e-3f, 0.7f, 1e-4f);
    worst = 0;
    for (long i = 0; i < n; i++) {  // the definition in double
        double gradient = (double)g[i] + 1e-4 * w2[i];
        double first = 0.9 * m2[i] + 0.1 * gradient, second = 0.999 * v2[i] + 0.001 * gradient * gradient;
        double weight = w2[i] - 1e-3 * first / (sqrt(second) / 0.7 + 1e-8);
        double e = fabs(w[i] - weight) + fabs(m[i] - first) + fabs(v[i] - second);
        if (e > worst) worst = e;
    }
    check(worst < 1e-6, family, "Adam's step within 1e-6 of its definition");
    free(x); free(y); free(w); free(g); free(m); free(v); free(w2); free(m2); free(v2);
}

static void test_sparse(const char *family) {
    static const long outs[] = {10, 16, 30, 64, 100, 256};
    long rows = 13, inputs = 784, stride = 800;
    unsigned char *pixels = calloc((size_t)(rows * inputs), 1);
    for (long i = 0; i < rows * inputs; i++) if (uniform() > 0.6f) pixels[i] = (unsigned char)(1 + (i * 37) % 255);
    for (long i = 0; i < inputs; i++) pixels[5 * inputs + i] = 0;  // a blank example
    long counts[13];
    unsigned short *indices = malloc((size_t)(rows * stride) * 2);
    float *values = malloc((size_t)(rows * stride) * 4);
    int ok = 1;
    for (long i = 0; i < rows; i++) {
        counts[i] = descent_sparse_gather(pixels + i * inputs, inputs, 1.0f / 255, indices + i * stride, values + i * stride);
        long expect = 0;
        for (long p = 0; p < inputs; p++) expect += pixels[i * inputs + p] != 0;
        if (counts[i] != expect || descent_count_nonzero(pixels + i * inputs, inputs) != expect) ok = 0;
        for (long q = 0; q < counts[i]; q++) {
            unsigned short at = indices[i * stride + q];
            if (pixels[i * inputs + at] == 0 || values[i * stride + q] != (float)pixels[i * inputs + at] * (1.0f / 255)) ok = 0;
            if (q > 0 && at <= indices[i * stride + q - 1]) ok = 0;
        }
        unsigned short copied[800]; float scaled[800];
        unsigned short positions[800]; unsigned char bytes[800];
        long found = descent_sparse_encode(pixels + i * inputs, inputs, positions, bytes);
        descent_sparse_load(positions, bytes, found, 0.5f, copied, scaled);
        for (long q = 0; q < found; q++)
            if (copied[q] != positions[q] || scaled[q] != bytes[q] * 0.5f) ok = 0;
    }
    check(ok, family, "gather, count, encode and load find every lit pixel, in order");

    for (unsigned o = 0; o < sizeof outs / sizeof outs[0]; o++) {
        long out = outs[o], wstride = (out + 15) / 16 * 16;
        float *weights = calloc((size_t)(inputs * wstride), 4), *bias = randoms(out);
        for (long p = 0; p < inputs; p++) for (long j = 0; j < out; j++) weights[p * wstride + j] = uniform();
        float *z = malloc((size_t)(rows * out) * 4), *delta = randoms(rows * out);
        descent_sparse_forward(rows, out, counts, indices, values, stride, weights, wstride, bias, z, out);
        double worst = 0;
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < out; j++) {
                double sum = bias[j], magnitude = fabs(bias[j]);
                for (long q = 0; q < counts[i]; q++) {
                    double term = (double)values[i * stride + q] * weights[indices[i * stride + q] * wstride + j];
                    sum += term; magnitude += fabs(term);
                }
                double e = fabs(z[i * out + j] - sum) / magnitude;
                if (!(e <= worst)) worst = e;
            }
        char what[128];
        snprintf(what, sizeof what, "sparse forward, %ld neurons, within 1e-5", out);
        check(worst <= 1e-5, family, what);

        // The gradient, transposed, against sums in double; then the update against the same sums.
        long *starts = malloc((size_t)(inputs + 1) * sizeof(long)), *cursor = malloc((size_t)inputs * sizeof(long));
        int *entry_rows = malloc((size_t)(rows * stride) * sizeof(int));
        float *entry_values = malloc((size_t)(rows * stride) * 4);
        descent_sparse_by_input(rows, counts, indices, values, stride, inputs, starts, cursor, entry_rows, entry_values);
        float *gradient = malloc((size_t)(inputs * wstride) * 4);
        for (long i = 0; i < inputs * wstride; i++) gradient[i] = NAN;
        descent_sparse_gradient(out, wstride, inputs, starts, entry_rows, entry_values, delta, out, -0.25f, gradient, wstride);
        float *updated = malloc((size_t)(inputs * wstride) * 4);
        memcpy(updated, weights, (size_t)(inputs * wstride) * 4);
        descent_sparse_update(rows, out, counts, indices, values, stride, delta, out, -0.25f, updated, wstride);
        double worst_gradient = 0, worst_update = 0;
        for (long p = 0; p < inputs; p++)
            for (long j = 0; j < wstride; j++) {
                double sum = 0, magnitude = 1e-30;
                if (j < out)
                    for (long i = 0; i < rows; i++)
                        for (long q = 0; q < counts[i]; q++)
                            if (indices[i * stride + q] == p) {
                                double term = -0.25 * values[i * stride + q] * delta[i * out + j];
                                sum += term; magnitude += fabs(term);
                            }
                double eg = fabs(gradient[p * wstride + j] - sum) / magnitude;
                double eu = fabs((double)updated[p * wstride + j] - weights[p * wstride + j] - sum) / (magnitude + fabs(weights[p * wstride + j]));
                if (!(eg <= worst_gradient)) worst_gradient = eg;
                if (!(eu <= worst_update)) worst_update = eu;
            }
        snprintf(what, sizeof what, "sparse gradient, %ld neurons, within 1e-5, padding zero", out);
        check(worst_gradient <= 1e-5, family, what);
        snprintf(what, sizeof what, "sparse update, %ld neurons, within 1e-5, padding zero", out);
        check(worst_update <= 1e-5, family, what);
        free(weights); free(bias); free(z); free(delta); free(starts); free(cursor); free(entry_rows);
        free(entry_values); free(gradient); free(updated);
    }
    free(pixels); free(indices); free(values);
}

// MARK: - The floating-point mode in the pool's workers
// descent_gaussian_smooth against the loops Augmenter.swift had, bit for bit: each sum from 0 in tap
// order, each product rounded first (the volatile keeps any compiler from fusing it into the add).
static void smooth_reference(const float *noise, float *across, float *field, const float *taps, long count, long rows,
                             long columns, float scale) {
    long radius = count / 2, width = columns + 2 * radius;
    for (long y = radius; y < radius + rows; y++)
        for (long x = 0; x < columns; x++) {
            float sum = 0;
            for (long k = 0; k < count; k++) {
                volatile float product = taps[k] * noise[y * width + x + k];
                sum = sum + product;
            }
            across[y * columns + x] = sum;
        }
    for (long y = 0; y < rows; y++)
        for (long x = 0; x < columns; x++) {
            float sum = 0;
            for (long k = 0; k < count; k++) {
                float weight = taps[k] * scale;
                volatile float product = weight * across[(y + k) * columns + x];
                sum = sum + product;
            }
            field[y * columns + x] = sum;
        }
}

static void test_smooth(const char *family) {
    static const long shapes[][3] = {{28, 28, 25}, {28, 28, 7}, {1, 1, 1}, {5, 3, 3}, {7, 17, 5}, {13, 33, 25}, {30, 16, 11}, {2, 40, 9}};
    int same = 1;
    for (unsigned s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        long rows = shapes[s][0], columns = shapes[s][1], count = shapes[s][2], radius = count / 2;
        long width = columns + 2 * radius, height = rows + 2 * radius;
        float *noise = calloc((size_t)(height * width), sizeof(float)), *taps = randoms(count);
        for (long y = radius; y < radius + rows; y++)
            for (long x = radius; x < radius + columns; x++) noise[y * width + x] = uniform();
        float *across[2] = {calloc((size_t)(height * columns), sizeof(float)), calloc((size_t)(height * columns), sizeof(float))};
        float *field[2] = {malloc((size_t)(rows * columns) * sizeof(float)), malloc((size_t)(rows * columns) * sizeof(float))};
        smooth_reference(noise, across[0], field[0], taps, count, rows, columns, 20.0f);
        descent_gaussian_smooth(noise, across[1], field[1], taps, count, rows, columns, 20.0f);
        same &= memcmp(across[0], across[1], (size_t)(height * columns) * sizeof(float)) == 0;
        same &= memcmp(field[0], field[1], (size_t)(rows * columns) * sizeof(float)) == 0;
        free(noise); free(taps); free(across[0]); free(across[1]); free(field[0]); free(field[1]);
    }
    check(same, family, "the elastic field's smoothing equals the plain loops bit for bit");
}

// descent_distortion_sample against the portable loop (the one Augmenter.swift's tests hold to the
// Swift reference), bit for bit: rotations, scalings, shifts and rough fields that push positions
// across every border, and sizes with tails.
void descent_distortion_sample_portable(const unsigned char *image, long rows, long columns, float cosine, float sine,
                                        long shift_x, long shift_y, const float *field_x, const float *field_y,
                                        unsigned char *output);

static void test_sample(const char *family) {
    static const long shapes[][2] = {{28, 28}, {1, 1}, {3, 17}, {20, 33}, {16, 16}, {9, 40}};
    int same = 1;
    for (unsigned s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        long rows = shapes[s][0], columns = shapes[s][1], size = rows * columns;
        unsigned char *image = malloc((size_t)size), *expected = malloc((size_t)size), *found = malloc((size_t)size);
        float *field_x = malloc((size_t)size * sizeof(float)), *field_y = malloc((size_t)size * sizeof(float));
        for (int trial = 0; trial < 40; trial++) {
            for (long i = 0; i < size; i++) image[i] = (unsigned char)((uniform() + 1) * 128);
            float angle = uniform() * 0.6f, scale = 1 + uniform() * 0.3f, rough = trial % 4 == 0 ? 0 : (float)(trial % 7);
            for (long i = 0; i < size; i++) {
                field_x[i] = uniform() * rough;
                field_y[i] = uniform() * rough;
            }
            // Exactly on and just inside the far borders, where x + 1 can round up to columns + 1.
            if (trial % 5 == 1) {
                field_x[size - 1] = nextafterf((float)columns, 0) - (float)(columns - 1);
                field_y[size - 1] = (float)rows - (float)(rows - 1) - 1;
            }
            const float *fx = trial % 3 == 2 ? 0 : field_x, *fy = trial % 3 == 2 ? 0 : field_y;
            long tx = trial % 5 - 2, ty = trial % 3 - 1;
            float cosine = cosf(angle) / scale, sine = sinf(angle) / scale;
            descent_distortion_sample_portable(image, rows, columns, cosine, sine, tx, ty, fx, fy, expected);
            descent_distortion_sample(image, rows, columns, cosine, sine, tx, ty, fx, fy, found);
            same &= memcmp(expected, found, (size_t)size) == 0;
        }
        free(image); free(expected); free(found); free(field_x); free(field_y);
    }
    check(same, family, "the distortion's resampling equals the portable loop bit for bit");
}

// Dropout's masks against SplitMix64 drawn one after another (the high half of each draw first), and
// its ReLU backward step against the plain loop: both bit for bit, odd lengths included.
static void test_dropout(void) {
    static const long counts[] = {1, 2, 7, 128, 1001};
    const float kept = 1.0f / 0.9f;
    const uint64_t threshold = (uint64_t)(0.9 * 4294967296.0);
    int masks_same = 1, backward_same = 1;
    for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        long count = counts[c];
        float *mask = malloc((size_t)count * sizeof(float)), *expected = malloc((size_t)count * sizeof(float));
        unsigned long long fast = 12345 + (unsigned long long)c;
        uint64_t slow = fast;
        descent_dropout_masks(&fast, count, threshold, kept, mask);
        for (long i = 0; i < count; i += 2) {
            uint64_t z = (slow += 0x9E3779B97F4A7C15ull);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            z ^= z >> 31;
            expected[i] = (z >> 32) < threshold ? kept : 0;
            if (i + 1 < count) expected[i + 1] = (z & 0xFFFFFFFFull) < threshold ? kept : 0;
        }
        masks_same &= fast == slow && memcmp(mask, expected, (size_t)count * sizeof(float)) == 0;
        float *delta = randoms(count), *outputs = randoms(count), *reference = malloc((size_t)count * sizeof(float));
        for (long i = 0; i < count; i++) {
            outputs[i] = i % 5 == 0 ? 0 : outputs[i] * mask[i];  // a ReLU's outputs: 0, or kept and scaled
            if (outputs[i] < 0) outputs[i] = 0;
            float m = mask[i];
            reference[i] = m == 0 ? 0 : delta[i] * m * (outputs[i] / m > 0 ? 1.0f : 0.0f);
        }
        descent_dropout_relu_backward(delta, outputs, mask, count);
        backward_same &= memcmp(delta, reference, (size_t)count * sizeof(float)) == 0;
        free(mask); free(expected); free(delta); free(outputs); free(reference);
    }
    check(masks_same, "dropout", "the masks are SplitMix64's draws one after another, and the state ends past them");
    check(backward_same, "dropout", "ReLU's backward step under dropout equals the plain loop bit for bit");
}

static void record_mode(void *context, long index) {
    int *flushes = context;
    volatile float tiny = 1e-39f, one = 1.0f;
    flushes[index] = descent_fp_mode_flushes(descent_fp_mode()) * 2 + (tiny * one == 0.0f);
}

static void test_modes(void) {
    if (!descent_fp_can_flush()) {
        printf("skipped: this architecture has no flush-to-zero mode to test\n");
        return;
    }
    unsigned long saved = descent_fp_mode();
    int flushes[4] = {0};
    descent_fp_set_mode(descent_fp_mode_flushing(saved));
    long threads = descent_parallel_run(4, record_mode, flushes);
    int ok = threads >= 1 && threads <= descent_available_cpus();
    for (long i = 0; i < 4; i++) ok &= flushes[i] == 3;
    check(ok, "pool", "every worker runs with the caller's flush-to-zero mode, and a subnormal product is 0");
    descent_fp_set_mode(saved);
    descent_parallel_run(4, record_mode, flushes);
    ok = descent_fp_mode() == saved;
    for (long i = 0; i < 4; i++) ok &= flushes[i] == 0;
    check(ok, "pool", "after the caller restores its mode, workers keep subnormals again");
}

static void record_family(void *context, long index) { ((int *)context)[index] = (int)descent_kernels_current(); }
static void record_bf16_family(void *context, long index) { ((int *)context)[index] = (int)descent_bf16_current(); }

// A family chosen for one thread only (the portable one, 0) reaches the pool's workers with its
// tasks, and no one else; `best` is the process's choice, which they go back to.
static void test_thread_choice(bool (*use_on_thread)(int), descent_task record, int best, const char *what) {
    char message[128];
    use_on_thread(0);
    int seen[3] = {-2, -2, -2};
    descent_parallel_run(3, record, seen);
    snprintf(message, sizeof message, "workers use the caller's own %s while they run its tasks", what);
    check(seen[0] == 0 && seen[1] == 0 && seen[2] == 0, "pool", message);
    use_on_thread(-1);
    descent_parallel_run(3, record, seen);
    snprintf(message, sizeof message, "and go back to the process's %s after", what);
    check(seen[1] == best && seen[2] == best, "pool", message);
}

static void nested(void *context, long index) {
    int modes[2];
    ((long *)context)[index] = descent_parallel_run(2, record_mode, modes);
}

int main(void) {
    static const descent_kernel_family families[] = {DESCENT_KERNELS_PORTABLE, DESCENT_KERNELS_NEON,
                                                     DESCENT_KERNELS_AVX2, DESCENT_KERNELS_AVX512};
    char tested[256] = "", skipped[256] = "";
    for (unsigned f = 0; f < sizeof families / sizeof families[0]; f++) {
        const char *name = descent_kernels_name(families[f]);
        if (!descent_kernels_use(families[f])) {
            strcat(skipped, " "); strcat(skipped, name);
            continue;
        }
        strcat(tested, " "); strcat(tested, name);
        check(strcmp(descent_sgemm_kernel_name(), name) == 0, name, "the family in use is the one chosen");
        double error = gemm_error(descent_sgemm, false);
        check(error <= 1e-5, name, "every product shape within 1e-5 of the reference");
        test_elementwise(name);
        test_sparse(name);
        test_smooth(name);
        test_sample(name);
    }
    descent_kernels_use(descent_kernels_best());
    static const descent_bf16_family bf16_families[] = {DESCENT_BF16_PORTABLE, DESCENT_BF16_NEON, DESCENT_BF16_AVX512,
                                                        DESCENT_BF16_AMX};
    for (unsigned f = 0; f < sizeof bf16_families / sizeof bf16_families[0]; f++) {
        const char *name = descent_bf16_name(bf16_families[f]);
        if (!descent_bf16_use(bf16_families[f])) {
            strcat(skipped, " "); strcat(skipped, name);
            continue;
        }
        strcat(tested, " "); strcat(tested, name);
        test_bf16(name);
    }
    descent_bf16_use(descent_bf16_best());
    if (descent_bf16_best() != DESCENT_BF16_PORTABLE)
        test_thread_choice(descent_bf16_use_on_thread, record_bf16_family, (int)descent_bf16_best(), "bfloat16 family");
#ifdef DESCENT_AMX_EMULATED
    // amx.c with its tile instructions done in C (amx_emulated.c), where the CPU has no AMX: needs AVX512_BF16.
    if (descent_bf16_supported(DESCENT_BF16_AVX512) && !descent_bf16_supported(DESCENT_BF16_AMX)) {
        void descent_amx_emulated_sgemm(bool, bool, long, long, long, float, const float *, long, const float *, long,
                                        float, float *, long);
        strcat(tested, " amx-bf16-emulated");
        check(gemm_error(descent_amx_emulated_sgemm, true) <= 1, "amx-bf16-emulated",
              "every product shape within (k + 2)·2^-24 of the exact sums of the rounded inputs");
    }
#endif
    // The bfloat16 test can fail: a float32 product, whose inputs are not rounded, is far outside it.
    check(gemm_error(descent_sgemm, true) > 100, "bf16", "a float32 product fails the bfloat16 products' test");
    if (descent_kernels_supported(DESCENT_KERNELS_PORTABLE) && descent_kernels_best() != DESCENT_KERNELS_PORTABLE)
        test_thread_choice(descent_kernels_use_on_thread, record_family, (int)descent_kernels_best(), "family");
    test_modes();
    test_dropout();
    long inner[2] = {0, 0};
    descent_parallel_run(2, nested, inner);
    check(inner[0] == -1 && inner[1] == -1, "pool", "a run started from inside a task is refused, not a deadlock");
    check(descent_available_cpus() >= 1, "pool", "at least one CPU is available");
    printf("kernels tested:%s; not on this CPU or architecture:%s; best: %s and %s; CPUs available: %ld\n", tested,
           skipped[0] ? skipped : " none", descent_kernels_name(descent_kernels_best()),
           descent_bf16_name(descent_bf16_best()), descent_available_cpus());
    printf("families run:%s\n", tested);  // run.sh requires the ones it expects in this line
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
