#include "examdocs/images/encode_jpeg.h"

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <csetjmp>
#include <cstddef>
#include <cstdio>

#include <cstdlib>
#include <stdexcept>

namespace examdocs::images {

namespace {

struct JpegErrors {
    jpeg_error_mgr manager;
    std::jmp_buf jump;
};

[[noreturn]] void on_error(j_common_ptr info) {
    std::longjmp(reinterpret_cast<JpegErrors*>(info->err)->jump, 1);  // NOLINT(cert-err52-cpp)
}

// Owns the compressor and the buffer jpeg_mem_dest allocates with malloc.
struct JpegEncoder {
    jpeg_compress_struct info{};
    JpegErrors errors{};
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    bool created = false;
    ~JpegEncoder() {
        if (created) jpeg_destroy_compress(&info);
        std::free(buffer);
    }
};

bool compress(JpegEncoder& e, const PixelView& p, int quality) {
    if (setjmp(e.errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    jpeg_create_compress(&e.info);
    e.created = true;
    jpeg_mem_dest(&e.info, &e.buffer, &e.size);
    e.info.image_width = static_cast<JDIMENSION>(p.width);
    e.info.image_height = static_cast<JDIMENSION>(p.height);
    e.info.input_components = p.channels;
    e.info.in_color_space = p.channels == 1                ? JCS_GRAYSCALE
                            : p.order == ChannelOrder::bgr ? JCS_EXT_BGR
                                                           : JCS_EXT_RGB;
    jpeg_set_defaults(&e.info);
    jpeg_set_quality(&e.info, quality, TRUE);
    jpeg_start_compress(&e.info, TRUE);
    while (e.info.next_scanline < e.info.image_height) {
        // libjpeg's row type is not const, but compression only reads it.
        JSAMPROW row =
            const_cast<std::uint8_t*>(p.data) + std::size_t{e.info.next_scanline} * p.stride;
        jpeg_write_scanlines(&e.info, &row, 1);
    }
    jpeg_finish_compress(&e.info);
    return true;
}

}  // namespace

std::string encode_jpeg(const PixelView& pixels, int quality) {
    if (pixels.data == nullptr || pixels.width <= 0 || pixels.height <= 0 ||
        (pixels.channels != 1 && pixels.channels != 3) ||
        pixels.stride <
            static_cast<std::size_t>(pixels.width) * static_cast<std::size_t>(pixels.channels) ||
        quality < 1 || quality > 100) {
        throw std::invalid_argument("encode_jpeg: not an 8-bit grey or colour image");
    }
    JpegEncoder e;
    e.info.err = jpeg_std_error(&e.errors.manager);
    e.errors.manager.error_exit = on_error;
    if (!compress(e, pixels, quality)) throw std::runtime_error("encode_jpeg: libjpeg failed");
    return std::string(reinterpret_cast<const char*>(e.buffer), e.size);
}

}  // namespace examdocs::images
