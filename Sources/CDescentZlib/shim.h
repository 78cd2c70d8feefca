#ifndef DESCENT_CZLIB_SHIM_H
#define DESCENT_CZLIB_SHIM_H
#include <zlib.h>

/// Swift does not import the `inflateInit2` macro; this wraps it.
/// windowBits 15 + 32 accepts both zlib and gzip headers (zlib.h, inflateInit2).
static inline int descent_inflateInit_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}
/// The same for `deflateInit2`: windowBits 15 + 16 writes a gzip header.
static inline int descent_deflateInit_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
