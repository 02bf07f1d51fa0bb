// The only place examdocs decodes an image from outside: JPEG with libjpeg-turbo, PNG
// with libpng, both straight from memory. See decode_image.h for what is guaranteed.
//
// Both libraries report errors by calling a function that must not return; ours
// longjmp back to a setjmp in a small function that owns no C++ object, and the C++
// side then turns what was recorded into an ImageError. Every buffer the decoders write
// into is allocated before the setjmp region that fills it (STYLE.md rule 4).
#include "examdocs/images/decode_image.h"

// jpeglib.h needs size_t and FILE declared first.
#include <jerror.h>
#include <jpeglib.h>
#include <png.h>
#include <csetjmp>
#include <cstddef>
#include <cstdio>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exif_orientation.h"
#include "jpeg_scans.h"

namespace examdocs::images {

namespace {

ImageError refusal(ImageErrorCode code, std::string zh, std::string en) {
    return ImageError{code, std::move(zh), std::move(en)};
}

ImageError truncated() {
    return refusal(ImageErrorCode::truncated, "图片文件不完整或已损坏",
                   "The image is truncated or its data is corrupt.");
}

ImageError too_many_pixels(std::uint64_t width, std::uint64_t height, std::uint64_t cap) {
    const std::string size = std::to_string(width) + "×" + std::to_string(height);
    return refusal(ImageErrorCode::too_large,
                   "图片像素过多（" + size + "），最多" + std::to_string(cap / 10'000) + "万像素",
                   "The image has " + size + " pixels; at most " + std::to_string(cap / 1'000'000) +
                       " megapixels are accepted.");
}

ImageError too_much_memory() {
    return refusal(ImageErrorCode::too_large, "渐进式JPEG图片过大，无法处理",
                   "The progressive JPEG is too large to decode; save it as a baseline JPEG or "
                   "with fewer pixels.");
}

DecodeResult refused(DecodeResult r, ImageError e) {
    r.error = std::move(e);
    return r;
}

// The largest reduction factor (2, 3, 4… or 2, 4, 8 up to `max_factor`) that keeps both
// sides at least the minimum the caller needs; 1 when the caller needs full size.
int reduction(int width, int height, int min_width, int min_height, int max_factor,
              bool powers_of_two) {
    if (min_width <= 0 && min_height <= 0) return 1;
    int best = 1;
    for (int f = 2; f <= max_factor; f = powers_of_two ? f * 2 : f + 1) {
        const int w = (width + f - 1) / f, h = (height + f - 1) / f;
        if (w < std::max(min_width, 1) || h < std::max(min_height, 1)) break;
        best = f;
    }
    return best;
}

// BT.601 luma in 16-bit fixed point, as libjpeg computes grey.
inline std::uint8_t luma(unsigned r, unsigned g, unsigned b) {
    return static_cast<std::uint8_t>((r * 19595u + g * 38470u + b * 7471u + 32768u) >> 16);
}

// One RGBA row (8 bits) to the caller's channels and order, transparent parts on white.
// Opaque and fully transparent pixels (nearly all of them in practice) take no division:
// this loop runs over every pixel of a 40 MP PNG.
void flatten_row(const std::uint8_t* rgba, int width, int channels, ChannelOrder order,
                 std::uint8_t* out) {
    const bool bgr = order == ChannelOrder::bgr;
    for (int x = 0; x < width; ++x, rgba += 4) {
        const unsigned a = rgba[3];
        unsigned r = 255, g = 255, b = 255;
        if (a == 255) {
            r = rgba[0];
            g = rgba[1];
            b = rgba[2];
        } else if (a != 0) {
            const unsigned white = 255 * (255 - a) + 127;
            r = (rgba[0] * a + white) / 255;
            g = (rgba[1] * a + white) / 255;
            b = (rgba[2] * a + white) / 255;
        }
        if (channels == 1) {
            *out++ = luma(r, g, b);
        } else {
            *out++ = static_cast<std::uint8_t>(bgr ? b : r);
            *out++ = static_cast<std::uint8_t>(g);
            *out++ = static_cast<std::uint8_t>(bgr ? r : b);
        }
    }
}

// Averages factor × factor blocks of incoming rows into `out` as the rows arrive: only
// one row of sums is ever held, whatever the input's height. Blocks at the right and
// bottom edges may be partial and are averaged over what they hold.
class BlockAverage {
  public:
    BlockAverage(int in_width, int in_height, int factor, Pixels& out)
        : in_width_(in_width), in_height_(in_height), factor_(factor), out_(out) {
        out_.width = (in_width + factor - 1) / factor;
        out_.height = (in_height + factor - 1) / factor;
        out_.bytes.assign(out_.stride() * static_cast<std::size_t>(out_.height), 0);
        sums_.assign(out_.stride(), 0);
    }

    // A row of in_width × channels samples.
    void add(const std::uint8_t* row) {
        const auto c = static_cast<std::size_t>(out_.channels);
        if (factor_ == 1) {
            std::memcpy(out_.bytes.data() + static_cast<std::size_t>(row_) * out_.stride(), row,
                        out_.stride());
            ++row_;
            return;
        }
        // Column blocks summed in registers, then added to the row of sums: no division
        // or modulo per sample.
        const std::uint8_t* p = row;
        std::uint32_t* sum = sums_.data();
        for (int ox = 0; ox < out_.width; ++ox) {
            const int cols = std::min(factor_, in_width_ - ox * factor_);
            if (c == 3) {
                std::uint32_t s0 = 0, s1 = 0, s2 = 0;
                for (int i = 0; i < cols; ++i, p += 3) {
                    s0 += p[0];
                    s1 += p[1];
                    s2 += p[2];
                }
                sum[0] += s0;
                sum[1] += s1;
                sum[2] += s2;
                sum += 3;
            } else {
                std::uint32_t s0 = 0;
                for (int i = 0; i < cols; ++i) s0 += *p++;
                *sum++ += s0;
            }
        }
        ++row_;
        const int rows_in_block = (row_ - 1) % factor_ + 1;
        if (rows_in_block == factor_ || row_ == in_height_) emit(rows_in_block);
    }

  private:
    void emit(int rows_in_block) {
        const auto c = static_cast<std::size_t>(out_.channels);
        const int out_y = (row_ - 1) / factor_;
        std::uint8_t* dst = out_.bytes.data() + static_cast<std::size_t>(out_y) * out_.stride();
        for (int ox = 0; ox < out_.width; ++ox) {
            const int cols = std::min(factor_, in_width_ - ox * factor_);
            const auto n = static_cast<std::uint32_t>(cols * rows_in_block);
            for (std::size_t k = 0; k < c; ++k) {
                const std::size_t i = static_cast<std::size_t>(ox) * c + k;
                dst[i] = static_cast<std::uint8_t>((sums_[i] + n / 2) / n);
            }
        }
        std::fill(sums_.begin(), sums_.end(), 0u);
    }

    int in_width_, in_height_, factor_;
    Pixels& out_;
    std::vector<std::uint32_t> sums_;
    int row_ = 0;
};

// ---- JPEG ---------------------------------------------------------------------------

struct JpegErrors {
    jpeg_error_mgr manager;
    std::jmp_buf jump;
    int code;  // the J_MESSAGE_CODE that stopped the decoder
};

[[noreturn]] void on_jpeg_error(j_common_ptr info) {
    auto* errors = reinterpret_cast<JpegErrors*>(info->err);
    errors->code = info->err->msg_code;
    std::longjmp(errors->jump, 1);  // NOLINT(cert-err52-cpp)
}

// Warnings (level -1) are libjpeg recovering from corrupt data: a truncated file is
// padded with grey, a scan cut short by an appended end marker is filled with zeros.
// Either makes a picture that must not pass for the photo, so the decoder stops there.
// The warnings about odd but harmless metadata are let through.
void on_jpeg_message(j_common_ptr info, int level) {
    if (level >= 0) return;
    const int code = info->err->msg_code;
    if (code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC) return;
    on_jpeg_error(info);
}

// Owns the decompressor; jpeg_destroy_decompress is safe on a created one in any state.
struct JpegDecoder {
    jpeg_decompress_struct info{};
    JpegErrors errors{};
    bool created = false;
    ~JpegDecoder() {
        if (created) jpeg_destroy_decompress(&info);
    }
};

bool jpeg_read_head(JpegDecoder& d, std::span<const std::byte> bytes, std::size_t memory) {
    if (setjmp(d.errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    jpeg_create_decompress(&d.info);
    d.created = true;
    d.info.mem->max_memory_to_use = static_cast<long>(memory);
    jpeg_mem_src(&d.info, reinterpret_cast<const unsigned char*>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    jpeg_save_markers(&d.info, JPEG_APP0 + 1, 0xFFFF);
    if (jpeg_read_header(&d.info, TRUE) != JPEG_HEADER_OK) {
        d.errors.code = JERR_NO_IMAGE;
        return false;
    }
    return true;
}

bool jpeg_prepare(JpegDecoder& d) {
    if (setjmp(d.errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    jpeg_calc_output_dimensions(&d.info);
    return true;
}

// `cmyk_row` is a buffer of output_width × 4 when the file is CMYK (Adobe's inverted
// samples, as libjpeg hands them over), else null and rows go straight into `out`.
bool jpeg_read_pixels(JpegDecoder& d, Pixels& out, std::uint8_t* cmyk_row) {
    if (setjmp(d.errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    jpeg_start_decompress(&d.info);
    while (d.info.output_scanline < d.info.output_height) {
        std::uint8_t* row = out.bytes.data() + std::size_t{d.info.output_scanline} * out.stride();
        JSAMPROW target = cmyk_row != nullptr ? cmyk_row : row;
        if (jpeg_read_scanlines(&d.info, &target, 1) != 1) return false;
        if (cmyk_row == nullptr) continue;
        const std::uint8_t* s = cmyk_row;
        for (int x = 0; x < out.width; ++x, s += 4) {
            // Inverted CMYK: each stored sample is 255 − ink, so colour = sample × K.
            const unsigned k = s[3];
            const auto r = static_cast<std::uint8_t>((s[0] * k + 127) / 255);
            const auto g = static_cast<std::uint8_t>((s[1] * k + 127) / 255);
            const auto b = static_cast<std::uint8_t>((s[2] * k + 127) / 255);
            if (out.channels == 1) {
                *row++ = luma(r, g, b);
            } else if (out.order == ChannelOrder::bgr) {
                *row++ = b;
                *row++ = g;
                *row++ = r;
            } else {
                *row++ = r;
                *row++ = g;
                *row++ = b;
            }
        }
    }
    // Reads on to the end marker: a file cut after its last scan line still warns here.
    jpeg_finish_decompress(&d.info);
    return true;
}

ImageError jpeg_failure(int code) {
    if (code == JERR_NO_BACKING_STORE || code == JERR_OUT_OF_MEMORY) return too_much_memory();
    if (code == JERR_IMAGE_TOO_BIG || code == JERR_WIDTH_OVERFLOW) {
        return refusal(ImageErrorCode::too_large, "图片像素过多", "The image has too many pixels.");
    }
    return truncated();
}

DecodeResult decode_jpeg(std::span<const std::byte> bytes, const DecodeOptions& o, DecodeResult r) {
    const int scans = jpeg_scan_count(bytes);
    if (scans > o.limits.max_jpeg_scans) {
        return refused(std::move(r),
                       refusal(ImageErrorCode::scans,
                               "JPEG文件结构异常（" + std::to_string(scans) +
                                   "个扫描段），请重新保存为普通JPEG",
                               "The JPEG has " + std::to_string(scans) + " scans; at most " +
                                   std::to_string(o.limits.max_jpeg_scans) +
                                   " are accepted. Save it again as a plain JPEG."));
    }
    JpegDecoder d;
    d.info.err = jpeg_std_error(&d.errors.manager);
    d.errors.manager.error_exit = on_jpeg_error;
    d.errors.manager.emit_message = on_jpeg_message;
    if (!jpeg_read_head(d, bytes, o.limits.max_decoder_memory))
        return refused(std::move(r), jpeg_failure(d.errors.code));
    const std::uint64_t w = d.info.image_width, h = d.info.image_height;
    if (w * h > o.limits.max_pixels)
        return refused(std::move(r), too_many_pixels(w, h, o.limits.max_pixels));
    for (jpeg_saved_marker_ptr m = d.info.marker_list; m != nullptr; m = m->next) {
        if (m->marker != JPEG_APP0 + 1) continue;
        r.orientation = exif_orientation(
            std::as_bytes(std::span(m->data, static_cast<std::size_t>(m->data_length))));
        if (r.orientation != 1) break;
    }
    const bool turned = swaps_sides(r.orientation);
    r.source_width = static_cast<int>(turned ? h : w);
    r.source_height = static_cast<int>(turned ? w : h);
    // libjpeg-turbo scales inside the inverse DCT by 1/2, 1/4 and 1/8 with SIMD; other
    // fractions measured slower than no scaling at all.
    const int factor =
        reduction(static_cast<int>(w), static_cast<int>(h), turned ? o.min_height : o.min_width,
                  turned ? o.min_width : o.min_height, 8, true);
    d.info.scale_num = 1;
    d.info.scale_denom = static_cast<unsigned>(factor);
    const bool cmyk = d.info.jpeg_color_space == JCS_CMYK || d.info.jpeg_color_space == JCS_YCCK;
    if (cmyk) {
        d.info.out_color_space = JCS_CMYK;
    } else if (o.channels == 1) {
        d.info.out_color_space = JCS_GRAYSCALE;
    } else {
        d.info.out_color_space = o.order == ChannelOrder::bgr ? JCS_EXT_BGR : JCS_EXT_RGB;
    }
    if (!jpeg_prepare(d)) return refused(std::move(r), jpeg_failure(d.errors.code));
    Pixels out;
    out.width = static_cast<int>(d.info.output_width);
    out.height = static_cast<int>(d.info.output_height);
    out.channels = o.channels;
    out.order = o.order;
    out.bytes.resize(out.stride() * static_cast<std::size_t>(out.height));
    std::vector<std::uint8_t> cmyk_row(cmyk ? std::size_t{d.info.output_width} * 4 : 0);
    if (!jpeg_read_pixels(d, out, cmyk ? cmyk_row.data() : nullptr))
        return refused(std::move(r), jpeg_failure(d.errors.code));
    r.pixels = apply_orientation(std::move(out), r.orientation);
    return r;
}

// ---- PNG ----------------------------------------------------------------------------

// Interlaced (Adam7) PNGs fill the image in seven passes, so they cannot be reduced
// row by row: they are read whole, and only up to this many pixels (4 bytes each).
constexpr std::uint64_t kMaxInterlacedPixels = 12'000'000;

struct PngSource {
    std::span<const std::byte> bytes;
    std::size_t at = 0;
};

void on_png_read(png_structp png, png_bytep out, std::size_t length) {
    auto* source = static_cast<PngSource*>(png_get_io_ptr(png));
    if (length > source->bytes.size() - source->at) png_error(png, "truncated");
    std::memcpy(out, source->bytes.data() + source->at, length);
    source->at += length;
}

[[noreturn]] void on_png_error(png_structp png, png_const_charp) { png_longjmp(png, 1); }

void on_png_warning(png_structp, png_const_charp) {}

// Owns the read and info structs.
struct PngDecoder {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~PngDecoder() {
        if (png != nullptr)
            png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
    }
};

// After this the decoder hands over 8-bit RGBA rows, whatever the file holds.
bool png_read_head(PngDecoder& d, int& passes) {
    if (setjmp(png_jmpbuf(d.png))) return false;  // NOLINT(cert-err52-cpp)
    png_read_info(d.png, d.info);
    const int colour = png_get_color_type(d.png, d.info);
    const int depth = png_get_bit_depth(d.png, d.info);
    if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(d.png);
    if (colour == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(d.png);
    if (png_get_valid(d.png, d.info, PNG_INFO_tRNS) != 0) png_set_tRNS_to_alpha(d.png);
    if (depth == 16) png_set_scale_16(d.png);
    if (colour == PNG_COLOR_TYPE_GRAY || colour == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(d.png);
    if ((colour & PNG_COLOR_MASK_ALPHA) == 0 && png_get_valid(d.png, d.info, PNG_INFO_tRNS) == 0)
        png_set_add_alpha(d.png, 0xFF, PNG_FILLER_AFTER);
    passes = png_set_interlace_handling(d.png);
    png_read_update_info(d.png, d.info);
    return png_get_rowbytes(d.png, d.info) == std::size_t{png_get_image_width(d.png, d.info)} * 4;
}

// Row by row into `average`, through `rgba` (one row) and `converted` (one output row).
bool png_read_rows(PngDecoder& d, BlockAverage& average, std::uint8_t* rgba,
                   std::uint8_t* converted, int width, int height, const DecodeOptions& o) {
    if (setjmp(png_jmpbuf(d.png))) return false;  // NOLINT(cert-err52-cpp)
    for (int y = 0; y < height; ++y) {
        png_read_row(d.png, rgba, nullptr);
        flatten_row(rgba, width, o.channels, o.order, converted);
        average.add(converted);
    }
    // On to IEND: a file cut after its image data is still a cut file.
    png_read_end(d.png, nullptr);
    return true;
}

bool png_read_whole(PngDecoder& d, png_bytepp rows) {
    if (setjmp(png_jmpbuf(d.png))) return false;  // NOLINT(cert-err52-cpp)
    png_read_image(d.png, rows);
    png_read_end(d.png, nullptr);
    return true;
}

DecodeResult decode_png(std::span<const std::byte> bytes, const DecodeOptions& o, DecodeResult r) {
    PngDecoder d;
    d.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, on_png_error, on_png_warning);
    if (d.png == nullptr) throw std::bad_alloc();
    d.info = png_create_info_struct(d.png);
    if (d.info == nullptr) throw std::bad_alloc();
    PngSource source{bytes};
    png_set_read_fn(d.png, &source, on_png_read);
    // Compressed text and ICC profiles expand in memory too: bound them, and the number
    // of ancillary chunks kept.
    png_set_chunk_malloc_max(d.png, 8u << 20);
    png_set_chunk_cache_max(d.png, 128);
    int passes = 1;
    if (!png_read_head(d, passes)) return refused(std::move(r), truncated());
    const std::uint32_t w = png_get_image_width(d.png, d.info);
    const std::uint32_t h = png_get_image_height(d.png, d.info);
    r.source_width = static_cast<int>(w);
    r.source_height = static_cast<int>(h);
    if (std::uint64_t{w} * h > o.limits.max_pixels)
        return refused(std::move(r), too_many_pixels(w, h, o.limits.max_pixels));
    const int width = static_cast<int>(w), height = static_cast<int>(h);
    const std::size_t rgba_stride = std::size_t{w} * 4;
    std::vector<std::uint8_t> converted(std::size_t{w} * static_cast<std::size_t>(o.channels));
    Pixels out;
    out.channels = o.channels;
    out.order = o.order;
    BlockAverage average(width, height,
                         reduction(width, height, o.min_width, o.min_height, 64, false), out);
    if (passes == 1) {
        std::vector<std::uint8_t> rgba(rgba_stride);
        if (!png_read_rows(d, average, rgba.data(), converted.data(), width, height, o))
            return refused(std::move(r), truncated());
    } else {
        if (std::uint64_t{w} * h > kMaxInterlacedPixels) {
            return refused(
                std::move(r),
                refusal(ImageErrorCode::too_large, "隔行扫描PNG图片过大，无法处理",
                        "The interlaced PNG has " + std::to_string(w) + "×" + std::to_string(h) +
                            " pixels; at most 12 megapixels are accepted for "
                            "interlaced PNGs. Save it again without interlacing."));
        }
        std::vector<std::uint8_t> whole(rgba_stride * h);
        std::vector<png_bytep> rows(h);
        for (std::uint32_t y = 0; y < h; ++y) rows[y] = whole.data() + y * rgba_stride;
        if (!png_read_whole(d, rows.data())) return refused(std::move(r), truncated());
        for (std::uint32_t y = 0; y < h; ++y) {
            flatten_row(rows[y], width, o.channels, o.order, converted.data());
            average.add(converted.data());
        }
    }
    r.pixels = std::move(out);
    return r;
}

}  // namespace

DecodeResult decode_image(std::span<const std::byte> bytes, const DecodeOptions& options) {
    if (options.channels != 1 && options.channels != 3)
        throw std::invalid_argument("decode_image: channels must be 1 or 3");
    DecodeResult r;
    const ImageHeader header = read_image_header(bytes);
    r.format = header.format;
    if (header.format == ImageFormat::unknown) {
        return refused(std::move(r),
                       refusal(ImageErrorCode::not_an_image, "不是图片文件",
                               "The file is not an image (no JPEG or PNG signature)."));
    }
    if (header.format != ImageFormat::jpeg && header.format != ImageFormat::png) {
        const std::string name(to_string(header.format));
        return refused(std::move(r),
                       refusal(ImageErrorCode::format, "不支持" + name + "格式，请使用JPG或PNG",
                               name + " is not accepted; use a JPEG or PNG."));
    }
    if (header.width == 0 || header.height == 0) return refused(std::move(r), truncated());
    // Before any decoder exists: a bomb is refused by what its header claims.
    if (std::uint64_t{header.width} * header.height > options.limits.max_pixels) {
        r.source_width = static_cast<int>(header.width);
        r.source_height = static_cast<int>(header.height);
        return refused(std::move(r),
                       too_many_pixels(header.width, header.height, options.limits.max_pixels));
    }
    return header.format == ImageFormat::jpeg ? decode_jpeg(bytes, options, std::move(r))
                                              : decode_png(bytes, options, std::move(r));
}

int jpeg_scan_count(std::span<const std::byte> b) {
    int scans = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(b.data());
    const auto* end = p + b.size();
    // In entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so FF DA
    // can only be a start-of-scan marker (or one inside an embedded thumbnail).
    while (p + 1 < end) {
        p = static_cast<const unsigned char*>(
            std::memchr(p, 0xFF, static_cast<std::size_t>(end - p - 1)));
        if (p == nullptr) break;
        if (p[1] == 0xDA) ++scans;
        ++p;
    }
    return scans;
}

}  // namespace examdocs::images
