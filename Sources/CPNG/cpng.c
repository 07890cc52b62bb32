#include "cpng.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// libpng calls this on a fatal error; we keep the text and jump back to our setjmp.
static void record_error(png_structp png, png_const_charp text) {
    cpng_result *result = (cpng_result *)png_get_error_ptr(png);
    if (result != NULL) {
        snprintf(result->message, sizeof result->message, "%s", text);
    }
    png_longjmp(png, 1);
}

// Warnings (bad CRC in an ancillary chunk, unknown sRGB profile…) do not stop decoding.
static void ignore_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static cpng_result make_result(cpng_status status, int errno_value, const char *text) {
    cpng_result result;
    result.status = status;
    result.errno_value = errno_value;
    snprintf(result.message, sizeof result.message, "%s", text ? text : "");
    return result;
}

static uint8_t luma601(uint8_t r, uint8_t g, uint8_t b) {
    // Integer form of round(0.299 R + 0.587 G + 0.114 B).
    return (uint8_t)((299u * r + 587u * g + 114u * b + 500u) / 1000u);
}

static cpng_result read_gray8_stream(FILE *file, uint64_t max_pixels, uint8_t **pixels, cpng_info *info, int rgb);

cpng_result cpng_read_gray8(int descriptor, uint64_t max_pixels, uint8_t **pixels, cpng_info *info) {
    *pixels = NULL;
    memset(info, 0, sizeof *info);
    // A duplicate, so fclose leaves the caller's descriptor open.
    int own = dup(descriptor);
    FILE *file = own >= 0 ? fdopen(own, "rb") : NULL;
    if (file == NULL) {
        int saved = errno;
        if (own >= 0) close(own);
        return make_result(CPNG_OPEN_FAILED, saved, strerror(saved));
    }
    return read_gray8_stream(file, max_pixels, pixels, info, 0);
}

/* PNG bytes in memory, read as 8-bit gray or (rgb) 8-bit RGB. */
static cpng_result decode_memory(const uint8_t *bytes, size_t count, uint64_t max_pixels, uint8_t **pixels,
                                 cpng_info *info, int rgb) {
    *pixels = NULL;
    memset(info, 0, sizeof *info);
    if (count == 0) return make_result(CPNG_NOT_PNG, 0, "the PNG is empty");
    FILE *file = fmemopen((void *)bytes, count, "rb");
    if (file == NULL) {
        int saved = errno;
        return make_result(CPNG_OPEN_FAILED, saved, strerror(saved));
    }
    return read_gray8_stream(file, max_pixels, pixels, info, rgb);
}

cpng_result cpng_decode_gray8(const uint8_t *bytes, size_t count, uint64_t max_pixels, uint8_t **pixels,
                              cpng_info *info) {
    return decode_memory(bytes, count, max_pixels, pixels, info, 0);
}

cpng_result cpng_decode_rgb8(const uint8_t *bytes, size_t count, uint64_t max_pixels, uint8_t **pixels,
                             cpng_info *info) {
    return decode_memory(bytes, count, max_pixels, pixels, info, 1);
}

/// Reads a PNG from `file` and closes it: 8-bit gray, or 8-bit RGB when `rgb`.
static cpng_result read_gray8_stream(FILE *file, uint64_t max_pixels, uint8_t **pixels, cpng_info *info, int rgb) {
    unsigned char signature[8];
    size_t got = fread(signature, 1, sizeof signature, file);
    if (got != sizeof signature || png_sig_cmp(signature, 0, sizeof signature) != 0) {
        fclose(file);
        return make_result(CPNG_NOT_PNG, 0,
                           got == 0 ? "the file is empty" : "the PNG signature is missing");
    }

    cpng_result result = make_result(CPNG_OK, 0, "");
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &result,
                                             record_error, ignore_warning);
    png_infop header = png ? png_create_info_struct(png) : NULL;
    if (header == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        fclose(file);
        return make_result(CPNG_OUT_OF_MEMORY, 0, "libpng could not allocate its state");
    }
    // Written after setjmp and read after a longjmp: must be volatile.
    uint8_t *volatile decoded = NULL;
    png_bytep *volatile rows = NULL;
    uint8_t *volatile gray = NULL;

    if (setjmp(png_jmpbuf(png))) {
        free(decoded);
        free(rows);
        free(gray);
        png_destroy_read_struct(&png, &header, NULL);
        fclose(file);
        result.status = CPNG_DECODE_FAILED;
        return result;
    }

    png_init_io(png, file);
    png_set_sig_bytes(png, sizeof signature);
    png_read_info(png, header);
    info->width = png_get_image_width(png, header);
    info->height = png_get_image_height(png, header);
    info->bit_depth = png_get_bit_depth(png, header);
    info->color_type = png_get_color_type(png, header);
    info->interlaced = png_get_interlace_type(png, header) != PNG_INTERLACE_NONE;
    // Only the chunks before the image data are read: refuse an oversized image before
    // anything is allocated for its pixels.
    if ((uint64_t)info->width * (uint64_t)info->height > max_pixels) {
        png_destroy_read_struct(&png, &header, NULL);
        fclose(file);
        return make_result(CPNG_TOO_LARGE, 0, "the declared size is over the pixel limit");
    }

    png_set_palette_to_rgb(png);
    png_set_expand_gray_1_2_4_to_8(png);
    png_set_scale_16(png);
    png_set_strip_alpha(png);
    if (rgb) png_set_gray_to_rgb(png);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, header);

    size_t width = info->width, height = info->height;
    size_t channels = png_get_channels(png, header);
    size_t row_bytes = png_get_rowbytes(png, header);
    if (channels != 1 && channels != 3) {
        snprintf(result.message, sizeof result.message,
                 "unexpected %zu channels after conversion", channels);
        png_longjmp(png, 1);
    }
    decoded = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (decoded == NULL || rows == NULL) {
        snprintf(result.message, sizeof result.message, "out of memory for %zux%zu pixels",
                 width, height);
        png_longjmp(png, 1);
    }
    for (size_t y = 0; y < height; y++) {
        rows[y] = decoded + y * row_bytes;
    }
    png_read_image(png, rows);
    png_read_end(png, NULL);

    if (channels == 3 && !rgb) {
        gray = malloc(width * height);
        if (gray == NULL) {
            snprintf(result.message, sizeof result.message, "out of memory");
            png_longjmp(png, 1);
        }
        for (size_t y = 0; y < height; y++) {
            const uint8_t *triple = rows[y];
            uint8_t *out = gray + y * width;
            for (size_t x = 0; x < width; x++) {
                out[x] = luma601(triple[3 * x], triple[3 * x + 1], triple[3 * x + 2]);
            }
        }
        free(decoded);
        decoded = gray;
        gray = NULL;
    }
    free(rows);
    rows = NULL;
    png_destroy_read_struct(&png, &header, NULL);
    fclose(file);
    *pixels = decoded;
    return result;
}

/// The header and rows of an 8-bit gray (1 channel) or RGB (3) image, for either sink (a file or memory); errors
/// longjmp to the caller's setjmp.
static void write_rows(png_structp png, png_infop header, const uint8_t *pixels, uint32_t width, uint32_t height,
                        int channels) {
    png_set_IHDR(png, header, width, height, 8, channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, header);
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * width * channels));
    }
    png_write_end(png, NULL);
}

cpng_result cpng_write_gray8(const char *path, const uint8_t *pixels,
                             uint32_t width, uint32_t height) {
    FILE *file = fopen(path, "wb");
    if (file == NULL) {
        return make_result(CPNG_OPEN_FAILED, errno, strerror(errno));
    }
    cpng_result result = make_result(CPNG_OK, 0, "");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &result,
                                              record_error, ignore_warning);
    png_infop header = png ? png_create_info_struct(png) : NULL;
    if (header == NULL) {
        png_destroy_write_struct(&png, NULL);
        fclose(file);
        return make_result(CPNG_OUT_OF_MEMORY, 0, "libpng could not allocate its state");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &header);
        fclose(file);
        result.status = CPNG_WRITE_FAILED;
        return result;
    }
    png_init_io(png, file);
    write_rows(png, header, pixels, width, height, 1);
    png_destroy_write_struct(&png, &header);
    // fflush + fclose report a full disk that fwrite buffered away.
    // fsync so that a rename after us never publishes a file the disk does not hold.
    int flush_failed = fflush(file) != 0 || fsync(fileno(file)) != 0;
    int saved_errno = errno;
    int close_failed = fclose(file) != 0;
    if (flush_failed || close_failed) {
        return make_result(CPNG_WRITE_FAILED, flush_failed ? saved_errno : errno,
                           strerror(flush_failed ? saved_errno : errno));
    }
    return result;
}

// Growing buffer for cpng_encode_gray8: libpng hands the encoded bytes here.
typedef struct {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
} memory_sink;

static void append_to_sink(png_structp png, png_bytep data, png_size_t length) {
    memory_sink *sink = (memory_sink *)png_get_io_ptr(png);
    if (sink->count + length > sink->capacity) {
        size_t capacity = sink->capacity ? sink->capacity : 4096;
        while (capacity < sink->count + length) capacity *= 2;
        uint8_t *grown = realloc(sink->bytes, capacity);
        if (grown == NULL) png_error(png, "out of memory while encoding a PNG in memory");
        sink->bytes = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->bytes + sink->count, data, length);
    sink->count += length;
}

static void flush_nothing(png_structp png) { (void)png; }

static cpng_result encode_image(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, int level,
                                uint8_t **bytes, size_t *count);

cpng_result cpng_encode_gray8(const uint8_t *pixels, uint32_t width, uint32_t height, int level,
                              uint8_t **bytes, size_t *count) {
    return encode_image(pixels, width, height, 1, level, bytes, count);
}

cpng_result cpng_encode_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height, int level,
                             uint8_t **bytes, size_t *count) {
    return encode_image(pixels, width, height, 3, level, bytes, count);
}

static cpng_result encode_image(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, int level,
                                uint8_t **bytes, size_t *count) {
    *bytes = NULL;
    *count = 0;
    // Filled by libpng's callbacks through a pointer, so it lives in memory and
    // holds the right buffer after a longjmp.
    memory_sink storage = {NULL, 0, 0};
    memory_sink *sink = &storage;
    cpng_result result = make_result(CPNG_OK, 0, "");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &result, record_error, ignore_warning);
    png_infop header = png ? png_create_info_struct(png) : NULL;
    if (header == NULL) {
        png_destroy_write_struct(&png, NULL);
        return make_result(CPNG_OUT_OF_MEMORY, 0, "libpng could not allocate its state");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &header);
        free(sink->bytes);
        result.status = CPNG_WRITE_FAILED;
        return result;
    }
    png_set_write_fn(png, sink, append_to_sink, flush_nothing);
    png_set_compression_level(png, level);
    write_rows(png, header, pixels, width, height, channels);
    png_destroy_write_struct(&png, &header);
    *bytes = sink->bytes;
    *count = sink->count;
    return result;
}

void cpng_free(void *pointer) { free(pointer); }
