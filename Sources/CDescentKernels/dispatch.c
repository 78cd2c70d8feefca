// The run-time choice of kernel family, made in one place, and the public entry points, which call
// through the chosen family's table (kernels.h). By default the best family this CPU runs:
// AVX-512 (F, BW, VL, DQ) where the CPU and the operating system have it, else AVX2 with FMA, else
// NEON on arm64, else the portable loops. `descent_kernels_use` picks a lower one (the benchmark's
// `--kernel`, and the tests that compare each family with the reference).
#include "kernels.h"
#include <stdatomic.h>
#include <string.h>

#ifdef DESCENT_X86
#include <cpuid.h>
#include <immintrin.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#endif
#if defined(DESCENT_ARM64) && defined(__linux__)
#include <sys/auxv.h>
#endif

static bool cpu_runs(descent_kernel_family family) {
    switch (family) {
    case DESCENT_KERNELS_PORTABLE: return true;
#ifdef DESCENT_X86
    // __builtin_cpu_supports also checks that the operating system saves the wide registers (XCR0).
    case DESCENT_KERNELS_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case DESCENT_KERNELS_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
#endif
#ifdef DESCENT_ARM64
    case DESCENT_KERNELS_NEON: return true;  // Advanced SIMD is part of every AArch64 core.
#endif
    default: return false;
    }
}

static const descent_kernel_table *table_of(descent_kernel_family family) {
    switch (family) {
    case DESCENT_KERNELS_AVX512: return &descent_kernels_avx512;
    case DESCENT_KERNELS_AVX2: return &descent_kernels_avx2;
    case DESCENT_KERNELS_NEON: return &descent_kernels_neon;
    default: return &descent_kernels_portable;
    }
}

bool descent_kernels_supported(descent_kernel_family family) {
    return family >= DESCENT_KERNELS_PORTABLE && family <= DESCENT_KERNELS_AVX512 && table_of(family)->name != 0 &&
           cpu_runs(family);
}

descent_kernel_family descent_kernels_best(void) {
    static const descent_kernel_family order[] = {DESCENT_KERNELS_AVX512, DESCENT_KERNELS_AVX2, DESCENT_KERNELS_NEON};
    for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++)
        if (descent_kernels_supported(order[i])) return order[i];
    return DESCENT_KERNELS_PORTABLE;
}

static _Atomic(const descent_kernel_table *) active = 0;
static _Atomic int active_family = -1;
// A family chosen for one thread only (and the pool's workers while they run its tasks).
static _Thread_local const descent_kernel_table *local = 0;
static _Thread_local int local_family = -1;

static inline const descent_kernel_table *kernels(void) {
    if (local) return local;
    const descent_kernel_table *table = atomic_load_explicit(&active, memory_order_acquire);
    if (table) return table;
    descent_kernels_use(descent_kernels_best());
    return atomic_load_explicit(&active, memory_order_acquire);
}

bool descent_kernels_use(descent_kernel_family family) {
    if (!descent_kernels_supported(family)) return false;
    atomic_store(&active_family, (int)family);
    atomic_store_explicit(&active, table_of(family), memory_order_release);
    return true;
}

descent_kernel_family descent_kernels_current(void) {
    (void)kernels();
    return local ? (descent_kernel_family)local_family : (descent_kernel_family)atomic_load(&active_family);
}

bool descent_kernels_use_on_thread(int family) {
    if (family < 0) {
        local = 0;
        local_family = -1;
        return true;
    }
    if (!descent_kernels_supported((descent_kernel_family)family)) return false;
    local = table_of((descent_kernel_family)family);
    local_family = family;
    return true;
}

int descent_kernels_thread_choice(void) { return local_family; }

const char *descent_kernels_name(descent_kernel_family family) {
    switch (family) {
    case DESCENT_KERNELS_PORTABLE: return "portable";
    case DESCENT_KERNELS_NEON: return "neon";
    case DESCENT_KERNELS_AVX2: return "avx2-fma";
    case DESCENT_KERNELS_AVX512: return "avx512";
    default: return "unknown";
    }
}

const char *descent_sgemm_kernel_name(void) { return kernels()->name; }

// Products in bfloat16 for this thread (mixed-precision training), set by descent_products_use_bf16_on_thread.
static _Thread_local bool products_bf16 = false;

void descent_products_use_bf16_on_thread(bool on) { products_bf16 = on; }
bool descent_products_bf16_on_thread(void) { return products_bf16; }

void descent_sgemm(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                   const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (products_bf16) {
        descent_sgemm_bf16(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    kernels()->sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void descent_sigmoid(float *values, long count) { kernels()->sigmoid(values, count); }
void descent_relu(float *values, long count) { kernels()->relu(values, count); }
void descent_relu_backward(float *delta, const float *outputs, long count) {
    kernels()->relu_backward(delta, outputs, count);
}

void descent_adam(long count, float *w, const float *g, float *m, float *v, float beta1, float beta2, float epsilon,
                  float rate, float root2, float decay) {
    kernels()->adam(count, w, g, m, v, beta1, beta2, epsilon, rate, root2, decay);
}

void descent_gaussian_smooth(const float *noise, float *across, float *field, const float *taps, long tap_count,
                             long rows, long columns, float scale) {
    const descent_kernel_table *table = kernels();
    long radius = tap_count / 2, width = columns + 2 * radius;
    // Along rows: a line of `columns` sums over shifted copies of the row (taps · 1 is taps exactly).
    for (long y = radius; y < radius + rows; y++)
        table->filter_line(noise + y * width, 1, taps, tap_count, 1.0f, across + y * columns, columns);
    // Along columns: across's rows lie end to end, so the whole field is one line, each tap a row down.
    table->filter_line(across, columns, taps, tap_count, scale, field, rows * columns);
}

void descent_distortion_sample(const unsigned char *image, long rows, long columns, float cosine, float sine,
                               long shift_x, long shift_y, const float *field_x, const float *field_y,
                               unsigned char *output) {
    kernels()->sample(image, rows, columns, cosine, sine, shift_x, shift_y, field_x, field_y, output);
}

long descent_fma_peak(long iterations, double *sink) { return kernels()->fma_peak(iterations, sink); }

void descent_sparse_forward(long rows, long out, const long *counts, const unsigned short *indices, const float *values,
                            long stride, const float *weights, long wstride, const float *bias, float *z, long ldz) {
    kernels()->sparse_forward(rows, out, counts, indices, values, stride, weights, wstride, bias, z, ldz);
}

void descent_sparse_update(long rows, long out, const long *counts, const unsigned short *indices, const float *values,
                           long stride, const float *delta, long ldd, float scale, float *weights, long wstride) {
    kernels()->sparse_update(rows, out, counts, indices, values, stride, delta, ldd, scale, weights, wstride);
}

void descent_sparse_gradient(long out, long width, long inputs, const long *starts, const int *entry_rows,
                             const float *entry_values, const float *delta, long ldd, float scale, float *gradient,
                             long gstride) {
    kernels()->sparse_gradient(out, width, inputs, starts, entry_rows, entry_values, delta, ldd, scale, gradient, gstride);
}

void descent_sparse_load(const unsigned short *source_indices, const unsigned char *source_bytes, long count, float scale,
                         unsigned short *indices, float *values) {
    kernels()->sparse_load(source_indices, source_bytes, count, scale, indices, values);
}

long descent_count_nonzero(const unsigned char *bytes, long count) { return kernels()->count_nonzero(bytes, count); }

long descent_sparse_encode(const unsigned char *bytes, long count, unsigned short *positions, unsigned char *values) {
    return kernels()->sparse_encode(bytes, count, positions, values);
}

long descent_sparse_gather(const unsigned char *bytes, long count, float scale, unsigned short *indices, float *values) {
    // The bytes land in the first `found` bytes of `values`, then widen in place from the last:
    // float i covers bytes 4i..4i+3, and every byte j < i it could overwrite is read before it.
    unsigned char *narrow = (unsigned char *)values;
    long found = descent_sparse_encode(bytes, count, indices, narrow);
    for (long i = found - 1; i >= 0; i--) values[i] = (float)narrow[i] * scale;
    return found;
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

void descent_prefetch(const void *address, long bytes) {
    const char *start = (const char *)address;
    for (long offset = 0; offset < bytes; offset += 64) __builtin_prefetch(start + offset, 0, 3);
}

// MARK: - bfloat16 products
// Their own choice, apart from the float32 family's: AVX512_BF16 is a later extension than the
// AVX-512 the float32 kernels need (Skylake-SP has AVX-512 and no BF16), and AMX is later still.

#ifdef DESCENT_X86
// AMX's tile data is an extended state that Linux (5.16 and later) hands a process only on request:
// arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), once; a tile instruction without it faults.
static bool amx_permitted(void) {
#if defined(__linux__)
    return syscall(SYS_arch_prctl, 0x1023 /* ARCH_REQ_XCOMP_PERM */, 18 /* XFEATURE_XTILEDATA */) == 0;
#else
    return false;
#endif
}

// CPUID.(EAX=7, ECX=0):EDX bit 22 AMX-BF16, bit 24 AMX-TILE; XCR0 bits 17 and 18 (XTILECFG,
// XTILEDATA) say that the operating system manages the tiles.
static bool cpu_has_amx(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    if (!(edx & (1u << 22)) || !(edx & (1u << 24))) return false;
    __get_cpuid(1, &eax, &ebx, &ecx, &edx);
    if (!(ecx & (1u << 27))) return false;  // OSXSAVE: xgetbv may be used
    unsigned int xcr0_low, xcr0_high;
    __asm__ __volatile__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return (xcr0_low & (3u << 17)) == (3u << 17);
}
#endif

static bool cpu_runs_bf16(descent_bf16_family family) {
    switch (family) {
    case DESCENT_BF16_PORTABLE: return true;
#ifdef DESCENT_X86
    case DESCENT_BF16_AVX512:
        __builtin_cpu_init();
        return cpu_runs(DESCENT_KERNELS_AVX512) && __builtin_cpu_supports("avx512bf16");
    case DESCENT_BF16_AMX: {
        static _Atomic int known = -1;  // the permission is asked for once
        int answer = atomic_load(&known);
        if (answer < 0) {
            answer = cpu_runs_bf16(DESCENT_BF16_AVX512) && cpu_has_amx() && amx_permitted();
            atomic_store(&known, answer);
        }
        return answer;
    }
#endif
#if defined(DESCENT_ARM64) && defined(__linux__)
    case DESCENT_BF16_NEON: return (getauxval(AT_HWCAP2) & (1UL << 14)) != 0;  // HWCAP2_BF16
#elif defined(DESCENT_ARM64) && defined(__APPLE__)
    case DESCENT_BF16_NEON: return false;  // sysctl hw.optional.arm.FEAT_BF16: not wired yet
#endif
    default: return false;
    }
}

static const descent_bf16_table *bf16_table_of(descent_bf16_family family) {
    switch (family) {
    case DESCENT_BF16_AMX: return &descent_bf16_amx;
    case DESCENT_BF16_AVX512: return &descent_bf16_avx512;
    case DESCENT_BF16_NEON: return &descent_bf16_neon;
    default: return &descent_bf16_portable;
    }
}

bool descent_bf16_supported(descent_bf16_family family) {
    return (family == DESCENT_BF16_PORTABLE || family == DESCENT_BF16_NEON || family == DESCENT_BF16_AVX512 ||
            family == DESCENT_BF16_AMX) &&
           bf16_table_of(family)->name != 0 && cpu_runs_bf16(family);
}

descent_bf16_family descent_bf16_best(void) {
    static const descent_bf16_family order[] = {DESCENT_BF16_AMX, DESCENT_BF16_AVX512, DESCENT_BF16_NEON};
    for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++)
        if (descent_bf16_supported(order[i])) return order[i];
    return DESCENT_BF16_PORTABLE;
}

static _Atomic(const descent_bf16_table *) bf16_active = 0;
static _Atomic int bf16_active_family = -1;
static _Thread_local const descent_bf16_table *bf16_local = 0;
static _Thread_local int bf16_local_family = -1;

static inline const descent_bf16_table *bf16_kernels(void) {
    if (bf16_local) return bf16_local;
    const descent_bf16_table *table = atomic_load_explicit(&bf16_active, memory_order_acquire);
    if (table) return table;
    descent_bf16_use(descent_bf16_best());
    return atomic_load_explicit(&bf16_active, memory_order_acquire);
}

bool descent_bf16_use(descent_bf16_family family) {
    if (!descent_bf16_supported(family)) return false;
    atomic_store(&bf16_active_family, (int)family);
    atomic_store_explicit(&bf16_active, bf16_table_of(family), memory_order_release);
    return true;
}

descent_bf16_family descent_bf16_current(void) {
    (void)bf16_kernels();
    return bf16_local ? (descent_bf16_family)bf16_local_family : (descent_bf16_family)atomic_load(&bf16_active_family);
}

bool descent_bf16_use_on_thread(int family) {
    if (family >= 0 && !descent_bf16_supported((descent_bf16_family)family)) return false;
    bf16_local = family < 0 ? 0 : bf16_table_of((descent_bf16_family)family);
    bf16_local_family = family < 0 ? -1 : family;
    return true;
}

int descent_bf16_thread_choice(void) { return bf16_local_family; }

const char *descent_bf16_name(descent_bf16_family family) {
    switch (family) {
    case DESCENT_BF16_PORTABLE: return "portable-bf16";
    case DESCENT_BF16_NEON: return "neon-bf16";
    case DESCENT_BF16_AVX512: return "avx512-bf16";
    case DESCENT_BF16_AMX: return "amx-bf16";
    default: return "unknown";
    }
}

void descent_sgemm_bf16(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha,
                        const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {  // C = beta · C: nothing to round
        descent_sgemm_portable(transpose_a, transpose_b, m, n, 0, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    bf16_kernels()->sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void descent_bf16_convert(const float *values, long count, unsigned short *bits) {
    bf16_kernels()->convert(values, count, bits);
}

bool descent_bf16_flushes_subnormals(void) { return bf16_kernels()->flushes_subnormals; }

long descent_bf16_peak(long iterations, double *sink) { return bf16_kernels()->peak(iterations, sink); }

unsigned short descent_bf16_from_float(float value) {
    unsigned int bits;
    memcpy(&bits, &value, 4);
    return descent_bf16_round_bits(bits);
}

float descent_bf16_to_float(unsigned short bits) {
    unsigned int word = (unsigned int)bits << 16;
    float value;
    memcpy(&value, &word, 4);
    return value;
}

// MARK: - The floating-point mode
// x86-64: MXCSR's FTZ (bit 15: results below the normal range become zero) and DAZ (bit 6:
// subnormal inputs read as zero). AArch64: FPCR's FZ (bit 24), which does both for single and
// double precision. Elsewhere there is nothing to set and the mode reads as 0.
#define X86_FTZ_DAZ 0x8040UL
#define ARM64_FZ (1UL << 24)

unsigned long descent_fp_mode(void) {
#if defined(DESCENT_X86)
    return _mm_getcsr();
#elif defined(DESCENT_ARM64)
    unsigned long fpcr;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr;
#else
    return 0;
#endif
}

void descent_fp_set_mode(unsigned long mode) {
#if defined(DESCENT_X86)
    _mm_setcsr((unsigned int)mode);
#elif defined(DESCENT_ARM64)
    __asm__ __volatile__("msr fpcr, %0" : : "r"(mode));
#else
    (void)mode;
#endif
}

unsigned long descent_fp_mode_flushing(unsigned long mode) {
#if defined(DESCENT_X86)
    return mode | X86_FTZ_DAZ;
#elif defined(DESCENT_ARM64)
    return mode | ARM64_FZ;
#else
    return mode;
#endif
}

bool descent_fp_mode_flushes(unsigned long mode) {
#if defined(DESCENT_X86)
    return (mode & X86_FTZ_DAZ) == X86_FTZ_DAZ;
#elif defined(DESCENT_ARM64)
    return (mode & ARM64_FZ) != 0;
#else
    (void)mode;
    return false;
#endif
}

bool descent_fp_can_flush(void) {
#if defined(DESCENT_X86) || defined(DESCENT_ARM64)
    return true;
#else
    return false;
#endif
}
