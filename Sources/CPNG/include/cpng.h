// C shim over libpng for the Dataset module.
//
// libpng reports errors with longjmp. A longjmp across Swift frames is undefined
// behaviour, so every libpng call happens inside these functions, under their own
// setjmp, and errors come back as a status code and a message.
#ifndef USREVIEW_CPNG_H
#define USREVIEW_CPNG_H

#include <stddef.h>
#include <stdint.h>

#define CPNG_MESSAGE_CAPACITY 256

typedef enum {
    CPNG_OK = 0,
    CPNG_OPEN_FAILED = 1,   // fopen failed; errno_value says why
    CPNG_NOT_PNG = 2,       // the 8-byte signature is missing or wrong
    CPNG_DECODE_FAILED = 3, // libpng raised an error (corrupt or truncated data)
    CPNG_OUT_OF_MEMORY = 4,
    CPNG_WRITE_FAILED = 5,  // libpng or the C library failed while writing
    CPNG_TOO_LARGE = 6,     // the header declares more pixels than allowed; info holds the size
} cpng_status;

typedef struct {
    cpng_status status;
    int errno_value;
    char message[CPNG_MESSAGE_CAPACITY];
} cpng_result;

/// Facts from the header, as stored in the file (before conversion to gray).
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;
    int color_type;  // PNG_COLOR_TYPE_* values
    int interlaced;  // 1 for Adam7
} cpng_info;

/// Decodes any PNG to 8-bit gray: 16-bit samples are scaled to 8 bits, palettes
/// expanded, alpha dropped, colour converted with ITU-R BT.601 luma
/// (0.299 R + 0.587 G + 0.114 B, rounded), interlacing undone.
/// On success *pixels is a malloc'd row-major buffer of width*height bytes that the
/// caller frees with cpng_free.
///
/// Reads from `descriptor` (left open: the caller closes it). The header is read first
/// and an image declaring more than `max_pixels` pixels is refused with CPNG_TOO_LARGE
/// before any pixel buffer is allocated.
cpng_result cpng_read_gray8(int descriptor, uint64_t max_pixels, uint8_t **pixels, cpng_info *info);

/// As cpng_read_gray8, from `count` bytes in memory (a PNG stored in a database).
cpng_result cpng_decode_gray8(const uint8_t *bytes, size_t count, uint64_t max_pixels, uint8_t **pixels,
                              cpng_info *info);

/// Writes an 8-bit gray, non-interlaced PNG. The caller handles atomic replacement.
cpng_result cpng_write_gray8(const char *path, const uint8_t *pixels,
                             uint32_t width, uint32_t height);

/// Encodes an 8-bit gray, non-interlaced PNG in memory (zlib `level` 0-9), for
/// terminals that take PNG (the kitty graphics protocol). On success *bytes is a
/// malloc'd buffer of *count bytes that the caller frees with cpng_free.
cpng_result cpng_encode_gray8(const uint8_t *pixels, uint32_t width, uint32_t height, int level,
                              uint8_t **bytes, size_t *count);

/// As cpng_encode_gray8 for 8-bit RGB pixels (three bytes a pixel, row-major): a gray
/// picture with a coloured overlay, for the kitty graphics protocol.
cpng_result cpng_encode_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height, int level,
                             uint8_t **bytes, size_t *count);

/// As cpng_decode_gray8, keeping colour: *pixels holds width·height·3 bytes (R, G, B;
/// gray PNGs are expanded), for tests that look at an overlay's colours.
cpng_result cpng_decode_rgb8(const uint8_t *bytes, size_t count, uint64_t max_pixels, uint8_t **pixels,
                             cpng_info *info);

void cpng_free(void *pointer);

#endif
