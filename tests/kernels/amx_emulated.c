// amx.c with its tile instructions done in C, for CPUs without AMX (run.sh builds the kernel test
// with this file in amx.c's place): the AMX family's packing, padding, tile layouts and epilogue are
// then tested as every other family is, though the tiles are not. The instructions as the Intel
// SDM (vol. 2, TDPBF16PS, TILELOADD, LDTILECFG) defines them; bfloat16 subnormals read as zero.
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local struct {
    int configured, rows[8], row_bytes[8];
    unsigned char data[8][16][64];
} registers;

static void emulated_loadconfig(const void *config) {
    const unsigned char *bytes = config;
    if (bytes[0] != 1) {  // palette 1 is the only one with tiles
        fprintf(stderr, "amx emulation: palette %d\n", bytes[0]);
        abort();
    }
    for (int t = 0; t < 8; t++) {
        registers.row_bytes[t] = bytes[16 + 2 * t] | bytes[17 + 2 * t] << 8;
        registers.rows[t] = bytes[48 + t];
        if (registers.row_bytes[t] > 64 || registers.rows[t] > 16) abort();
    }
    registers.configured = 1;
}

static void emulated_release(void) { memset(&registers, 0, sizeof registers); }

static void emulated_load(int t, const void *base, long stride) {
    if (!registers.configured) abort();
    for (int r = 0; r < registers.rows[t]; r++) memcpy(registers.data[t][r], (const char *)base + r * stride, (size_t)registers.row_bytes[t]);
}

static void emulated_store(int t, void *base, long stride) {
    if (!registers.configured) abort();
    for (int r = 0; r < registers.rows[t]; r++) memcpy((char *)base + r * stride, registers.data[t][r], (size_t)registers.row_bytes[t]);
}

static void emulated_zero(int t) { memset(registers.data[t], 0, sizeof registers.data[t]); }

static float widened(const unsigned char *bytes) {
    unsigned int word = (unsigned int)(bytes[0] | bytes[1] << 8) << 16;
    if ((word & 0x7F800000u) == 0) word &= 0x80000000u;  // subnormals read as zero
    float value;
    memcpy(&value, &word, 4);
    return value;
}

// C[m][n] += Σk A.bf16[m][2k] · B.bf16[k][2n] + A.bf16[m][2k+1] · B.bf16[k][2n+1].
static void emulated_dpbf16ps(int c, int a, int b) {
    if (!registers.configured || registers.rows[b] != registers.row_bytes[a] / 4 || registers.rows[c] != registers.rows[a] ||
        registers.row_bytes[c] != registers.row_bytes[b])
        abort();  // the shapes TDPBF16PS faults on
    for (int m = 0; m < registers.rows[c]; m++)
        for (int n = 0; n < registers.row_bytes[c] / 4; n++) {
            float sum;
            memcpy(&sum, &registers.data[c][m][4 * n], 4);
            for (int k = 0; k < registers.row_bytes[a] / 4; k++) {
                sum += widened(&registers.data[a][m][4 * k + 2]) * widened(&registers.data[b][k][4 * n + 2]);
                sum += widened(&registers.data[a][m][4 * k]) * widened(&registers.data[b][k][4 * n]);
            }
            memcpy(&registers.data[c][m][4 * n], &sum, 4);
        }
}

#undef _tile_loadd
#undef _tile_stored
#undef _tile_zero
#undef _tile_dpbf16ps
#define _tile_loadconfig(config) emulated_loadconfig(config)
#define _tile_release() emulated_release()
#define _tile_loadd(t, base, stride) emulated_load(t, base, stride)
#define _tile_stored(t, base, stride) emulated_store(t, base, stride)
#define _tile_zero(t) emulated_zero(t)
#define _tile_dpbf16ps(c, a, b) emulated_dpbf16ps(c, a, b)

#include "../../Sources/CDescentKernels/amx.c"

// The emulated family's product, for kernels_test.c (built with DESCENT_AMX_EMULATED).
void descent_amx_emulated_sgemm(bool transpose_a, bool transpose_b, long m, long n, long k, float alpha, const float *a,
                                long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    descent_bf16_amx.sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
