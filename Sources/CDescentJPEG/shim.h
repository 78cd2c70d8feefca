#ifndef DESCENT_CJPEG_SHIM_H
#define DESCENT_CJPEG_SHIM_H
// JPEG through libjpeg (libjpeg-turbo's libjpeg API, jpeglib.h; "libjpeg.txt" in its documentation).
//
// Why this is C and not Swift: libjpeg reports an error by calling the error manager's error_exit,
// which by default prints and calls exit(). The manager below records the message and longjmps back
// to the function that began the work instead, which cleans up and returns 0. setjmp and longjmp must
// never cross a Swift frame, so every libjpeg call that can fail is made inside these functions, and
// Swift sees only their return values and messages.
//
// Warnings are errors here: libjpeg warns about corrupt data and about a file that ends early (and
// then pads the image with gray); these functions refuse such a file instead of returning half an image.
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

/// The room a caller gives for a message: libjpeg's JMSG_LENGTH_MAX (a macro Swift does not import).
static const int descent_jpeg_message_length = JMSG_LENGTH_MAX;

/// libjpeg's error manager, with where to jump back to and the message that made it jump.
typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;  // descent_jpeg_message_length bytes, the caller's
} descent_jpeg_error;

static inline void descent_jpeg_error_exit(j_common_ptr cinfo) {
    descent_jpeg_error *error = (descent_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

/// Level -1 is a warning (corrupt data, premature end): an error here. Trace messages are dropped.
static inline void descent_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) descent_jpeg_error_exit(cinfo);
}

/// Nothing is ever printed.
static inline void descent_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static inline void descent_jpeg_install(descent_jpeg_error *error, char *message) {
    jpeg_std_error(&error->manager);
    error->manager.error_exit = descent_jpeg_error_exit;
    error->manager.emit_message = descent_jpeg_emit_message;
    error->manager.output_message = descent_jpeg_output_message;
    error->message = message;
    message[0] = 0;
}

/// Reads the header of the JPEG in `bytes`: its size and the number of colour components
/// (1 gray, 3 YCbCr or RGB, 4 CMYK or YCCK). Returns 1, or 0 with libjpeg's message in `message`.
static inline int descent_jpeg_read_header(const unsigned char *bytes, unsigned long count,
                                           int *width, int *height, int *components, char *message) {
    struct jpeg_decompress_struct cinfo;
    descent_jpeg_error error;
    descent_jpeg_install(&error, message);
    memset(&cinfo, 0, sizeof cinfo);  // so that destroying after a failed create finds no memory manager
    cinfo.err = &error.manager;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes, count);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    *components = cinfo.num_components;
    jpeg_destroy_decompress(&cinfo);
    return 1;
}

/// Decodes the JPEG in `bytes` into `pixels`, `width * height * channels` bytes, row-major: 8-bit
/// gray when `channels` is 1, RGB when 3 (libjpeg converts the colour space). `width` and `height`
/// are the header's, read before by `descent_jpeg_read_header`. Returns 1, or 0 with libjpeg's message
/// (or this function's) in `message`; the pixels are then undefined.
static inline int descent_jpeg_decode(const unsigned char *bytes, unsigned long count, int channels,
                                      unsigned char *pixels, int width, int height, char *message) {
    struct jpeg_decompress_struct cinfo;
    descent_jpeg_error error;
    descent_jpeg_install(&error, message);
    memset(&cinfo, 0, sizeof cinfo);  // so that destroying after a failed create finds no memory manager
    cinfo.err = &error.manager;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes, count);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if ((int)cinfo.output_width != width || (int)cinfo.output_height != height || cinfo.output_components != channels) {
        snprintf(message, JMSG_LENGTH_MAX, "the decoder gives %ux%ux%d samples, not the header's %dx%dx%d",
                 cinfo.output_width, cinfo.output_height, cinfo.output_components, width, height, channels);
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 1;
}

/// Encodes `width * height * channels` bytes (gray when `channels` is 1, RGB when 3) as a baseline
/// JPEG of `quality` (1...100) with libjpeg's standard tables. On success returns 1 with the file in
/// `*output` (`*outputSize` bytes, to be released with `descent_jpeg_free`); else 0 with the message.
static inline int descent_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                                      unsigned char **output, unsigned long *outputSize, char *message) {
    struct jpeg_compress_struct cinfo;
    descent_jpeg_error error;
    descent_jpeg_install(&error, message);
    memset(&cinfo, 0, sizeof cinfo);  // so that destroying after a failed create finds no memory manager
    cinfo.err = &error.manager;
    *output = NULL;
    *outputSize = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(*output);  // jpeg_mem_dest's buffer, if it had made one
        *output = NULL;
        return 0;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, output, outputSize);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 1;
}

/// Releases what `descent_jpeg_encode` returned.
static inline void descent_jpeg_free(unsigned char *bytes) { free(bytes); }
#endif
