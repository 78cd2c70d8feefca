#ifndef DESCENT_CPNG_SHIM_H
#define DESCENT_CPNG_SHIM_H
#include <png.h>

/// libpng's PNG_FORMAT_* and PNG_IMAGE_VERSION are macros Swift does not import.
static const png_uint_32 descent_png_image_version = PNG_IMAGE_VERSION;
static const png_uint_32 descent_png_format_gray = PNG_FORMAT_GRAY;
static const png_uint_32 descent_png_format_ga = PNG_FORMAT_GA;
static const png_uint_32 descent_png_format_rgb = PNG_FORMAT_RGB;
static const png_uint_32 descent_png_format_rgba = PNG_FORMAT_RGBA;
static const png_uint_32 descent_png_format_flag_alpha = PNG_FORMAT_FLAG_ALPHA;

/// PNG_IMAGE_FAILED is a macro too.
static inline int descent_png_image_failed(png_imagep image) {
    return PNG_IMAGE_FAILED(*image);
}
#endif
