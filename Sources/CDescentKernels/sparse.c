// The first layer over each image's non-zero pixels only. An MNIST digit lights about 19% of its
// 784 pixels, so the first layer's product and its update, nearly all of a small network's work,
// shrink fivefold. The weights are held transposed, one input's weights to every neuron in one
// contiguous row, so each non-zero pixel touches one or two cache lines.
#include "CDescentKernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

// The 64-wide blocks keep their sums in a0..a7: FMA_64 adds v times the 64 floats at `source`
// to them, STORE_64 stores them at `target`.
#define FMA_64(v, source)                                                                                          \
    {                                                                                                              \
        const float *s_ = (source);                                                                                \
        a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_), a0); a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 8), a1);   \
        a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 16), a2); a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 24), a3); \
        a4 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 32), a4); a5 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 40), a5); \
        a6 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 48), a6); a7 = _mm256_fmadd_ps(v, _mm256_loadu_ps(s_ + 56), a7); \
    }
#define STORE_64(target)                                                                                           \
    {                                                                                                              \
        float *t_ = (target);                                                                                      \
        _mm256_storeu_ps(t_, a0); _mm256_storeu_ps(t_ + 8, a1); _mm256_storeu_ps(t_ + 16, a2);                      \
        _mm256_storeu_ps(t_ + 24, a3); _mm256_storeu_ps(t_ + 32, a4); _mm256_storeu_ps(t_ + 40, a5);                \
        _mm256_storeu_ps(t_ + 48, a6); _mm256_storeu_ps(t_ + 56, a7);                                              \
    }

AVX2 static inline __m256i tail_mask(long count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// `weights` rows are `wstride` floats apart, wstride a multiple of 16 at least `out`, the padding
// zero: every weight access is a whole 16-wide block with plain loads and stores (masked stores are
// microcoded on AMD Zen and slow); only the once-per-example bias, z and delta rows are masked.
//
// Columns outside, examples inside: a block of 64 columns of the weights (784 x 64 floats, 200 KB
// for MNIST) stays in L2 while every example of the batch reads it. Examples outside, a 256-wide
// layer's 800 KB of weights came from L3 again for each example.
AVX2 static void sparse_forward_avx2(long rows, long out, const long *counts, const unsigned short *indices,
                                     const float *values, long stride, const float *weights, long wstride,
                                     const float *bias, float *z, long ldz) {
    long j = 0;
    for (; j + 64 <= out; j += 64) {
        for (long i = 0; i < rows; i++) {
            const unsigned short *index = indices + i * stride;
            const float *value = values + i * stride;
            const float *b = bias + j;
            __m256 a0 = _mm256_loadu_ps(b), a1 = _mm256_loadu_ps(b + 8), a2 = _mm256_loadu_ps(b + 16);
            __m256 a3 = _mm256_loadu_ps(b + 24), a4 = _mm256_loadu_ps(b + 32), a5 = _mm256_loadu_ps(b + 40);
            __m256 a6 = _mm256_loadu_ps(b + 48), a7 = _mm256_loadu_ps(b + 56);
            for (long p = 0; p < counts[i]; p++) {
                const float *w = weights + (long)index[p] * wstride + j;
                __m256 v = _mm256_broadcast_ss(value + p);
                FMA_64(v, w);
            }
            STORE_64(z + i * ldz + j);
        }
    }
    for (; j < out; j += 16) {
        __m256i mask0 = tail_mask(out - j), mask1 = tail_mask(out - j - 8);
        for (long i = 0; i < rows; i++) {
            const unsigned short *index = indices + i * stride;
            const float *value = values + i * stride;
            __m256 lo = _mm256_maskload_ps(bias + j, mask0), hi = _mm256_maskload_ps(bias + j + 8, mask1);
            // Two pixels a step into two pairs of sums: a single chain of fused multiply-adds would
            // wait out each one's latency.
            __m256 lo2 = _mm256_setzero_ps(), hi2 = _mm256_setzero_ps();
            long p = 0;
            for (; p + 2 <= counts[i]; p += 2) {
                const float *w = weights + (long)index[p] * wstride + j, *w2 = weights + (long)index[p + 1] * wstride + j;
                __m256 v = _mm256_broadcast_ss(value + p), v2 = _mm256_broadcast_ss(value + p + 1);
                lo = _mm256_fmadd_ps(v, _mm256_loadu_ps(w), lo);
                hi = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 8), hi);
                lo2 = _mm256_fmadd_ps(v2, _mm256_loadu_ps(w2), lo2);
                hi2 = _mm256_fmadd_ps(v2, _mm256_loadu_ps(w2 + 8), hi2);
            }
            if (p < counts[i]) {
                const float *w = weights + (long)index[p] * wstride + j;
                __m256 v = _mm256_broadcast_ss(value + p);
                lo = _mm256_fmadd_ps(v, _mm256_loadu_ps(w), lo);
                hi = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 8), hi);
            }
            lo = _mm256_add_ps(lo, lo2);
            hi = _mm256_add_ps(hi, hi2);
            float *row = z + i * ldz;
            _mm256_maskstore_ps(row + j, mask0, lo);
            _mm256_maskstore_ps(row + j + 8, mask1, hi);
        }
    }
}

AVX2 static void sparse_update_avx2(long rows, long out, const long *counts, const unsigned short *indices,
                                    const float *values, long stride, const float *delta, long ldd, float scale,
                                    float *weights, long wstride) {
    for (long i = 0; i < rows; i++) {
        const unsigned short *index = indices + i * stride;
        const float *value = values + i * stride;
        const float *d = delta + i * ldd;
        for (long j = 0; j < out; j += 16) {
            // Lanes past `out` load as 0, so the padding is updated by 0 and stays 0.
            __m256 lo = _mm256_maskload_ps(d + j, tail_mask(out - j)), hi = _mm256_maskload_ps(d + j + 8, tail_mask(out - j - 8));
            for (long p = 0; p < counts[i]; p++) {
                float *w = weights + (long)index[p] * wstride + j;
                __m256 v = _mm256_set1_ps(scale * value[p]);
                _mm256_storeu_ps(w, _mm256_fmadd_ps(v, lo, _mm256_loadu_ps(w)));
                _mm256_storeu_ps(w + 8, _mm256_fmadd_ps(v, hi, _mm256_loadu_ps(w + 8)));
            }
        }
    }
}

AVX2 static void load_avx2(const unsigned short *source_indices, const unsigned char *source_bytes, long count, float scale,
                           unsigned short *indices, float *values) {
    // An inline copy: a call to memcpy for the ~150 positions of a digit cost more than the copy.
    long q = 0;
    for (; q + 16 <= count; q += 16)
        _mm256_storeu_si256((__m256i *)(indices + q), _mm256_loadu_si256((const __m256i *)(source_indices + q)));
    for (; q < count; q++) indices[q] = source_indices[q];
    const __m256 factor = _mm256_set1_ps(scale);
    long p = 0;
    for (; p + 8 <= count; p += 8) {
        __m256i bytes = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(source_bytes + p)));
        _mm256_storeu_ps(values + p, _mm256_mul_ps(_mm256_cvtepi32_ps(bytes), factor));
    }
    for (; p < count; p++) values[p] = (float)source_bytes[p] * scale;
}

// For each input p: gradient[p][0..width) = scale · Σ over p's entries e of value_e · delta[row_e][..],
// delta's columns past `out` read as zero. Blocks of 64 columns in 8 accumulators, then of 16, masked.
// Columns outside, as in the forward pass: a block of 64 columns of delta (a batch of 128 rows,
// 32 KB) stays in L1 while every input reads it.
AVX2 static void sparse_gradient_avx2(long out, long width, long inputs, const long *starts, const int *entry_rows,
                                      const float *entry_values, const float *delta, long ldd, float scale,
                                      float *gradient, long gstride) {
    long j = 0;
    for (; j + 64 <= out; j += 64) {
        for (long p = 0; p < inputs; p++) {
            float *g = gradient + p * gstride;
            long first = starts[p], last = starts[p + 1];
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (long e = first; e < last; e++) {
                const float *d = delta + (long)entry_rows[e] * ldd + j;
                __m256 v = _mm256_set1_ps(scale * entry_values[e]);
                FMA_64(v, d);
            }
            STORE_64(g + j);
        }
    }
    for (; j < width; j += 16) {
        __m256i mask0 = tail_mask(out - j), mask1 = tail_mask(out - j - 8);
        for (long p = 0; p < inputs; p++) {
            float *g = gradient + p * gstride;
            long first = starts[p], last = starts[p + 1];
            __m256 a0 = _mm256_setzero_ps(), a1 = a0;
            for (long e = first; e < last; e++) {
                const float *d = delta + (long)entry_rows[e] * ldd + j;
                __m256 v = _mm256_set1_ps(scale * entry_values[e]);
                a0 = _mm256_fmadd_ps(v, _mm256_maskload_ps(d, mask0), a0);
                a1 = _mm256_fmadd_ps(v, _mm256_maskload_ps(d + 8, mask1), a1);
            }
            _mm256_storeu_ps(g + j, a0);
            _mm256_storeu_ps(g + j + 8, a1);
        }
    }
}

AVX2 static long count_nonzero_avx2(const unsigned char *bytes, long count) {
    long found = 0, position = 0;
    const __m256i zero = _mm256_setzero_si256();
    for (; position + 32 <= count; position += 32) {
        __m256i chunk = _mm256_loadu_si256((const __m256i *)(bytes + position));
        found += __builtin_popcount(~(unsigned int)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chunk, zero)));
    }
    for (; position < count; position++) found += bytes[position] != 0;
    return found;
}

AVX2 static long encode_avx2(const unsigned char *bytes, long count, unsigned short *positions, unsigned char *values) {
    long found = 0, position = 0;
    const __m256i zero = _mm256_setzero_si256();
    for (; position + 32 <= count; position += 32) {
        __m256i chunk = _mm256_loadu_si256((const __m256i *)(bytes + position));
        unsigned int nonzero = ~(unsigned int)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chunk, zero));
        while (nonzero) {
            long bit = __builtin_ctz(nonzero);
            positions[found] = (unsigned short)(position + bit);
            values[found++] = bytes[position + bit];
            nonzero &= nonzero - 1;
        }
    }
    for (; position < count; position++) {
        if (bytes[position]) {
            positions[found] = (unsigned short)position;
            values[found++] = bytes[position];
        }
    }
    return found;
}
#define DESCENT_X86 1
#endif

static int has_avx2(void) {
#ifdef DESCENT_X86
    return descent_sgemm_kernel_name()[0] == 'a';
#else
    return 0;
#endif
}

void descent_sparse_forward(long rows, long out, const long *counts, const unsigned short *indices, const float *values,
                            long stride, const float *weights, long wstride, const float *bias, float *z, long ldz) {
#ifdef DESCENT_X86
    if (has_avx2()) {
        sparse_forward_avx2(rows, out, counts, indices, values, stride, weights, wstride, bias, z, ldz);
        return;
    }
#endif
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

void descent_sparse_update(long rows, long out, const long *counts, const unsigned short *indices, const float *values,
                           long stride, const float *delta, long ldd, float scale, float *weights, long wstride) {
#ifdef DESCENT_X86
    if (has_avx2()) {
        sparse_update_avx2(rows, out, counts, indices, values, stride, delta, ldd, scale, weights, wstride);
        return;
    }
#endif
    for (long i = 0; i < rows; i++) {
        const float *d = delta + i * ldd;
        for (long p = 0; p < counts[i]; p++) {
            float *w = weights + (long)indices[i * stride + p] * wstride;
            float v = scale * values[i * stride + p];
            for (long j = 0; j < out; j++) w[j] += v * d[j];
        }
    }
}

long descent_sparse_gather(const unsigned char *bytes, long count, float scale, unsigned short *indices, float *values) {
    // The bytes land in the first `found` bytes of `values`, then widen in place from the last:
    // float i covers bytes 4i..4i+3, and every byte j < i it could overwrite is read before it.
    unsigned char *narrow = (unsigned char *)values;
    long found = descent_sparse_encode(bytes, count, indices, narrow);
    for (long i = found - 1; i >= 0; i--) values[i] = (float)narrow[i] * scale;
    return found;
}

void descent_sparse_load(const unsigned short *source_indices, const unsigned char *source_bytes, long count, float scale,
                         unsigned short *indices, float *values) {
#ifdef DESCENT_X86
    if (has_avx2()) {
        load_avx2(source_indices, source_bytes, count, scale, indices, values);
        return;
    }
#endif
    for (long p = 0; p < count; p++) {
        indices[p] = source_indices[p];
        values[p] = (float)source_bytes[p] * scale;
    }
}

void descent_sparse_by_input(long rows, const long *counts, const unsigned short *indices, const float *values, long stride,
                             long inputs, long *starts, long *cursor, int *entry_rows, float *entry_values) {
    for (long p = 0; p <= inputs; p++) starts[p] = 0;
    for (long i = 0; i < rows; i++)
        for (long q = 0; q < counts[i]; q++) starts[indices[i * stride + q] + 1]++;
    for (long p = 0; p < inputs; p++) {
        starts[p + 1] += starts[p];
        cursor[p] = starts[p];
    }
    for (long i = 0; i < rows; i++) {
        for (long q = 0; q < counts[i]; q++) {
            long e = cursor[indices[i * stride + q]]++;
            entry_rows[e] = (int)i;
            entry_values[e] = values[i * stride + q];
        }
    }
}

void descent_sparse_gradient(long out, long width, long inputs, const long *starts, const int *entry_rows,
                             const float *entry_values, const float *delta, long ldd, float scale, float *gradient,
                             long gstride) {
#ifdef DESCENT_X86
    if (has_avx2()) {
        sparse_gradient_avx2(out, width, inputs, starts, entry_rows, entry_values, delta, ldd, scale, gradient, gstride);
        return;
    }
#endif
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

long descent_count_nonzero(const unsigned char *bytes, long count) {
#ifdef DESCENT_X86
    if (has_avx2()) return count_nonzero_avx2(bytes, count);
#endif
    long found = 0;
    for (long position = 0; position < count; position++) found += bytes[position] != 0;
    return found;
}

long descent_sparse_encode(const unsigned char *bytes, long count, unsigned short *positions, unsigned char *values) {
#ifdef DESCENT_X86
    if (has_avx2()) return encode_avx2(bytes, count, positions, values);
#endif
    long found = 0;
    for (long position = 0; position < count; position++) {
        if (bytes[position]) {
            positions[found] = (unsigned short)position;
            values[found++] = bytes[position];
        }
    }
    return found;
}
