// The AMX-BF16 family (Intel Sapphire Rapids and later Xeons): eight tile registers of up to 16
// rows x 64 bytes, and tdpbf16ps, which adds a 16x32 tile of bfloat16 (A) times a 32x16 one (B,
// stored as 16 rows of 16 pairs) into a 16x16 tile of float32 sums: 8192 multiply-adds an
// instruction. Compiled with __attribute__((target)) and no build flags; chosen at run time only
// where CPUID has AMX-TILE and AMX-BF16, the operating system manages the tile state (XCR0) and
// Linux granted this process the tiles (arch_prctl, dispatch.c).
//
// Not run where this was written (AMD Zen 4 has no AMX): it is kept small and reuses what is
// tested, the AVX512_BF16 packing (every AMX CPU has AVX512_BF16) and the shared driver. Its
// layouts are those packing's: op(A) in rows of bfloat16 (a tile A is 16 such rows, 32 k wide),
// op(B) in pair-major panels 32 wide (a tile B is 16 pairs of k x 16 columns: half a panel's
// width, 128 bytes a row). k is padded to 32 and A's rows to 32 with zeros.
#include "kernels.h"

#ifdef DESCENT_X86
#include <immintrin.h>
#define AMX __attribute__((target("amx-tile,amx-bf16,avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma")))
enum { KC = 512, MR = 32, NR = 32, K_STEP = 32 };

// LDTILECFG's 64 bytes: palette 1, and each tile's rows and bytes per row.
typedef struct __attribute__((aligned(64))) tile_config {
    unsigned char palette, start_row, reserved[14];
    unsigned short row_bytes[16];
    unsigned char rows[16];
} tile_config;

// Tiles 0-3: C's four 16x16 quarters; 4-5: A's two 16-row halves; 6-7: B's two 16-column halves.
AMX static void configure_tiles(void) {
    tile_config config = {.palette = 1};
    for (int t = 0; t < 8; t++) {
        config.row_bytes[t] = 64;
        config.rows[t] = 16;
    }
    _tile_loadconfig(&config);
}

// C[0..rows) x [0..cols) = alpha · A rows x panel + beta · C; rows <= 32, cols <= 32, pairs a
// multiple of 16; A's 32 rows (zero past m) are a_stride bfloat16 apart.
AMX static void kernel_amx_32x32(long rows, long cols, long pairs, const unsigned short *a, long a_stride,
                                 const unsigned int *panel, float alpha, float beta, float *c, long ldc) {
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    for (long q = 0; q < pairs; q += 16) {
        _tile_loadd(4, a + 2 * q, a_stride * 2);
        _tile_loadd(5, a + 16 * a_stride + 2 * q, a_stride * 2);
        _tile_loadd(6, panel + q * NR, NR * 4);
        _tile_loadd(7, panel + q * NR + 16, NR * 4);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    float sums[MR][NR] __attribute__((aligned(64)));
    _tile_stored(0, &sums[0][0], NR * 4);
    _tile_stored(1, &sums[0][16], NR * 4);
    _tile_stored(2, &sums[16][0], NR * 4);
    _tile_stored(3, &sums[16][16], NR * 4);
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < cols; j++) {
            float *out = &c[i * ldc + j];
            *out = alpha * sums[i][j] + (beta == 0 ? 0 : beta * *out);
        }
}

static const descent_bf16_tiles tiles = {
    .kernel = kernel_amx_32x32, .mr = MR, .nr = NR, .kc = KC, .k_step = K_STEP,
    .pack_a = descent_bf16_pack_a_avx512, .pack_b = descent_bf16_pack_b_avx512,
};

// The tile configuration is per thread: loaded for each product, released after it.
AMX static void sgemm_bf16_amx(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a,
                               long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    configure_tiles();
    bool done = descent_sgemm_bf16_packed(&tiles, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    _tile_release();
    if (!done) descent_sgemm_bf16_reference(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// Four independent tile sums, each tdpbf16ps 16 x 16 x 32 multiply-adds (of zeros: the speed is
// the same).
AMX static long bf16_peak_amx(long iterations, double *sink) {
    configure_tiles();
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    _tile_zero(4);
    _tile_zero(5);
    _tile_zero(6);
    _tile_zero(7);
    for (long i = 0; i < iterations; i++) {
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    float sums[16][16] __attribute__((aligned(64)));
    _tile_stored(0, &sums[0][0], 64);
    _tile_release();
    *sink = sums[0][0];
    return iterations * 4 * 16 * 16 * 32 * 2;
}

const descent_bf16_table descent_bf16_amx = {
    .name = "amx-bf16",
    .sgemm = sgemm_bf16_amx,
    .convert = descent_bf16_convert_avx512,
    .flushes_subnormals = true,
    .peak = bf16_peak_amx,
};
#else
const descent_bf16_table descent_bf16_amx = {.name = 0};
#endif
