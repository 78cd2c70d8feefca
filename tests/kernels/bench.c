// Peaks and the W shape's products, float32 against bfloat16, in C alone (bench_bf16.sh builds and
// runs it): the figures behind the bfloat16 kernels' claims. For 1 and 2 threads (the library's
// pool, descent_parallel_run): the float32 peak loop of the family in use, the bfloat16 one, and
// the three products of an 800x800 layer's training step at batch 128 in the shapes training calls
// them (z = x·Wᵀ, W += δᵀ·x, δ·W), each cut into column blocks per thread as Matrix.multiply cuts
// them. Products: the median of 21 rounds after 3 unmeasured, float32 and bfloat16 rounds taking
// turns so that a busy machine slows both alike.
#include "../../Sources/CDescentKernels/include/CDescentKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef void (*product)(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
                        const float *b, long ldb, float beta, float *c, long ldc);

typedef struct call {
    product multiply;
    bool transpose_a, transpose_b;
    long m, n, k, blocks;
    float alpha, beta;
    const float *a, *b;
    long lda, ldb;
    float *c;
    long ldc;
    long (*peak)(long, double *);
    long iterations, flops[64];
} call;

// One thread's column block of C, 16-aligned (Matrix.swift's Product.run).
static void block(void *context, long index) {
    call *work = context;
    long width = ((work->n + work->blocks - 1) / work->blocks + 15) / 16 * 16, first = index * width;
    if (first >= work->n) return;
    long columns = work->n - first < width ? work->n - first : width;
    const float *b = work->transpose_b ? work->b + first * work->ldb : work->b + first;
    work->multiply(work->transpose_a, work->transpose_b, work->m, columns, work->k, work->alpha, work->a, work->lda, b,
                   work->ldb, work->beta, work->c + first, work->ldc);
}

static void peak_task(void *context, long index) {
    call *work = context;
    double sink;
    work->flops[index] = work->peak(work->iterations, &sink);
}

static double peak_rate(long (*peak)(long, double *), long threads) {
    call work = {.peak = peak, .iterations = 20000000};
    double best = 0;
    for (int round = 0; round < 3; round++) {
        double start = now();
        descent_parallel_run(threads, peak_task, &work);
        double seconds = now() - start, flops = 0;
        for (long t = 0; t < threads; t++) flops += (double)work.flops[t];
        if (flops / seconds > best) best = flops / seconds;
    }
    return best / 1e9;
}

static int compare(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static float *randoms(long count, unsigned long long *state) {
    float *values = malloc((size_t)count * sizeof(float));
    for (long i = 0; i < count; i++) {
        *state = *state * 6364136223846793005ull + 1442695040888963407ull;
        values[i] = (float)((double)(*state >> 11) / 9007199254740992.0 - 0.5);
    }
    return values;
}

// `--float32 NAME` and `--bf16 NAME` pick a family by the name the test prints; false if none runs here.
static bool choose(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
        bool found = false;
        for (int f = 0; f <= 4 && !found; f++) {
            if (!strcmp(argv[i], "--float32") && !strcmp(argv[i + 1], descent_kernels_name((descent_kernel_family)f)))
                found = descent_kernels_use((descent_kernel_family)f);
            if (!strcmp(argv[i], "--bf16") && !strcmp(argv[i + 1], descent_bf16_name((descent_bf16_family)f)))
                found = descent_bf16_use((descent_bf16_family)f);
        }
        if (!found) {
            fprintf(stderr, "%s %s: no such family runs here\n", argv[i], argv[i + 1]);
            return false;
        }
    }
    return argc % 2 == 1;
}

int main(int argc, char **argv) {
    if (!choose(argc, argv)) return 2;
    long batch = 128, width = 800, rounds = 21, warm = 3;
    unsigned long long state = 1;
    float *x = randoms(batch * width, &state), *delta = randoms(batch * width, &state);
    float *weights = randoms(width * width, &state), *z = randoms(batch * width, &state), *back = randoms(batch * width, &state);
    printf("float32 family %s, bfloat16 family %s, CPUs available %ld\n", descent_sgemm_kernel_name(),
           descent_bf16_name(descent_bf16_current()), descent_available_cpus());
    const char *names[3] = {"forward x·Wᵀ", "gradient δᵀ·x", "deltas δ·W"};
    for (long threads = 1; threads <= 2; threads++) {
        printf("== %ld thread(s)\n", threads);
        printf("peak float32 (%s FMA loop): %.1f GFLOP/s\n", descent_sgemm_kernel_name(), peak_rate(descent_fma_peak, threads));
        printf("peak bfloat16 (%s loop): %.1f GFLOP/s\n", descent_bf16_name(descent_bf16_current()),
               peak_rate(descent_bf16_peak, threads));
        call products[3] = {
            {.transpose_b = true, .m = batch, .n = width, .k = width, .alpha = 1, .beta = 0, .a = x, .lda = width,
             .b = weights, .ldb = width, .c = z, .ldc = width},
            {.transpose_a = true, .m = width, .n = width, .k = batch, .alpha = -1e-6f, .beta = 1, .a = delta, .lda = width,
             .b = x, .ldb = width, .c = weights, .ldc = width},
            {.m = batch, .n = width, .k = width, .alpha = 1, .beta = 0, .a = delta, .lda = width, .b = weights,
             .ldb = width, .c = back, .ldc = width},
        };
        product kinds[2] = {descent_sgemm, descent_sgemm_bf16};
        double samples[2][4][64];
        for (long round = 0; round < warm + rounds; round++) {
            for (int kind = 0; kind < 2; kind++) {
                double step = 0;
                for (int p = 0; p < 3; p++) {
                    products[p].multiply = kinds[kind];
                    products[p].blocks = threads;
                    double start = now();
                    descent_parallel_run(threads, block, &products[p]);
                    double seconds = now() - start;
                    step += seconds;
                    if (round >= warm) samples[kind][p][round - warm] = seconds;
                }
                if (round >= warm) samples[kind][3][round - warm] = step;
            }
        }
        double flops = 2.0 * batch * width * width;
        for (int kind = 0; kind < 2; kind++) {
            printf("%s:", kind ? "bfloat16" : "float32 ");
            for (int p = 0; p < 4; p++) {
                qsort(samples[kind][p], (size_t)rounds, sizeof(double), compare);
                double median = samples[kind][p][rounds / 2];
                printf("  %s %.1f", p < 3 ? names[p] : "all three", (p < 3 ? flops : 3 * flops) / median / 1e9);
            }
            printf(" GFLOP/s\n");
        }
    }
    free(x); free(delta); free(weights); free(z); free(back);
    return 0;
}
