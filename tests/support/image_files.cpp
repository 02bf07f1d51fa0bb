#include "support/image_files.h"

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <png.h>
#include <cstddef>
#include <cstdio>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "examdocs/images/decode_image.h"
#include "examdocs/images/encode_jpeg.h"

namespace examdocs::test {

namespace {

// Test fixtures are made from our own good inputs: a libpng or libjpeg error here is a
// bug in the test, reported by libpng's/libjpeg's default handlers (abort with message).
void append(png_structp png, png_bytep data, std::size_t length) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), length);
}
void flush(png_structp) {}

struct PngWriter {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    ~PngWriter() { png_destroy_write_struct(&png, &info); }
};

struct JpegWriter {
    jpeg_compress_struct info{};
    jpeg_error_mgr errors{};
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    JpegWriter() {
        info.err = jpeg_std_error(&errors);
        jpeg_create_compress(&info);
        jpeg_mem_dest(&info, &buffer, &size);
    }
    ~JpegWriter() {
        jpeg_destroy_compress(&info);
        std::free(buffer);
    }
    std::string bytes() const { return std::string(reinterpret_cast<char*>(buffer), size); }
};

std::string rgb_jpeg(const cv::Mat& bgr, const std::function<void(jpeg_compress_struct&)>& set_up) {
    JpegWriter w;
    w.info.image_width = static_cast<JDIMENSION>(bgr.cols);
    w.info.image_height = static_cast<JDIMENSION>(bgr.rows);
    w.info.input_components = 3;
    w.info.in_color_space = JCS_EXT_BGR;
    jpeg_set_defaults(&w.info);
    jpeg_set_quality(&w.info, 90, TRUE);
    set_up(w.info);
    jpeg_start_compress(&w.info, TRUE);
    while (w.info.next_scanline < w.info.image_height) {
        JSAMPROW row = const_cast<std::uint8_t*>(
            bgr.ptr<std::uint8_t>(static_cast<int>(w.info.next_scanline)));
        jpeg_write_scanlines(&w.info, &row, 1);
    }
    jpeg_finish_compress(&w.info);
    return w.bytes();
}

}  // namespace

std::string png_from_rows(int width, int height, int colour_type, int bit_depth,
                          const std::function<void(int, std::uint8_t*)>& fill, bool interlaced) {
    std::string out;
    PngWriter w;
    png_set_write_fn(w.png, &out, append, flush);
    png_set_IHDR(w.png, w.info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
                 bit_depth, colour_type, interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    std::vector<png_color> palette(216);
    if (colour_type == PNG_COLOR_TYPE_PALETTE) {
        for (int i = 0; i < 216; ++i) {
            palette[static_cast<std::size_t>(i)] = {static_cast<png_byte>((i / 36) * 51),
                                                    static_cast<png_byte>(((i / 6) % 6) * 51),
                                                    static_cast<png_byte>((i % 6) * 51)};
        }
        png_set_PLTE(w.png, w.info, palette.data(), 216);
    }
    // Large flat areas: the "up" filter and fast deflate keep a 40 MP fixture quick to
    // make and a few hundred KB small.
    png_set_filter(w.png, 0, PNG_FILTER_UP);
    png_set_compression_level(w.png, 1);
    png_write_info(w.png, w.info);
    const int channels = png_get_channels(w.png, w.info);
    const std::size_t row_bytes =
        (static_cast<std::size_t>(width) * static_cast<std::size_t>(channels * bit_depth) + 7) / 8;
    if (interlaced) {
        std::vector<std::uint8_t> whole(row_bytes * static_cast<std::size_t>(height));
        std::vector<png_bytep> rows(static_cast<std::size_t>(height));
        for (int y = 0; y < height; ++y) {
            rows[static_cast<std::size_t>(y)] =
                whole.data() + row_bytes * static_cast<std::size_t>(y);
            fill(y, rows[static_cast<std::size_t>(y)]);
        }
        png_write_image(w.png, rows.data());
    } else {
        std::vector<std::uint8_t> row(row_bytes);
        for (int y = 0; y < height; ++y) {
            fill(y, row.data());
            png_write_row(w.png, row.data());
        }
    }
    png_write_end(w.png, nullptr);
    return out;
}

std::string png_from_mat(const cv::Mat& image) {
    const bool deep = image.depth() == CV_16U;
    const int channels = image.channels();
    const int colour_type = channels == 1   ? PNG_COLOR_TYPE_GRAY
                            : channels == 3 ? PNG_COLOR_TYPE_RGB
                                            : PNG_COLOR_TYPE_RGB_ALPHA;
    return png_from_rows(
        image.cols, image.rows, colour_type, deep ? 16 : 8, [&](int y, std::uint8_t* row) {
            for (int x = 0; x < image.cols; ++x) {
                for (int c = 0; c < channels; ++c) {
                    // OpenCV's BGR(A) to the file's RGB(A).
                    const int from = c < 3 && channels >= 3 ? 2 - c : c;
                    const std::size_t to =
                        static_cast<std::size_t>(x) * static_cast<std::size_t>(channels) +
                        static_cast<std::size_t>(c);
                    if (deep) {
                        const auto v = image.ptr<std::uint16_t>(y)[x * channels + from];
                        row[2 * to] = static_cast<std::uint8_t>(v >> 8);
                        row[2 * to + 1] = static_cast<std::uint8_t>(v & 0xFF);
                    } else {
                        row[to] = image.ptr<std::uint8_t>(y)[x * channels + from];
                    }
                }
            }
        });
}

std::string jpeg_from_mat(const cv::Mat& image, int quality) {
    return images::encode_jpeg(
        images::PixelView{image.data, image.cols, image.rows, image.channels(), image.step,
                          images::ChannelOrder::bgr},
        quality);
}

std::string cmyk_jpeg_from_mat(const cv::Mat& bgr) {
    JpegWriter w;
    w.info.image_width = static_cast<JDIMENSION>(bgr.cols);
    w.info.image_height = static_cast<JDIMENSION>(bgr.rows);
    w.info.input_components = 4;
    w.info.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&w.info);
    jpeg_set_quality(&w.info, 95, TRUE);
    jpeg_start_compress(&w.info, TRUE);
    std::vector<unsigned char> row(static_cast<std::size_t>(bgr.cols) * 4);
    while (w.info.next_scanline < w.info.image_height) {
        const auto* src = bgr.ptr<cv::Vec3b>(static_cast<int>(w.info.next_scanline));
        for (int x = 0; x < bgr.cols; ++x) {
            // Adobe-style inverted CMYK: K' = max(R, G, B), each colour sample = colour / K'.
            const int k = std::max({src[x][0], src[x][1], src[x][2]});
            const auto i = static_cast<std::size_t>(x) * 4;
            auto share = [k](int v) {
                return static_cast<unsigned char>(k == 0 ? 255 : (v * 255 + k / 2) / k);
            };
            row[i] = share(src[x][2]);
            row[i + 1] = share(src[x][1]);
            row[i + 2] = share(src[x][0]);
            row[i + 3] = static_cast<unsigned char>(k);
        }
        JSAMPROW rows[1] = {row.data()};
        jpeg_write_scanlines(&w.info, rows, 1);
    }
    jpeg_finish_compress(&w.info);
    return w.bytes();
}

std::string sampled_jpeg_from_mat(const cv::Mat& bgr, int h, int v, int quality, int restart) {
    return rgb_jpeg(bgr, [=](jpeg_compress_struct& info) {
        jpeg_set_quality(&info, quality, TRUE);
        info.comp_info[0].h_samp_factor = h;
        info.comp_info[0].v_samp_factor = v;
        for (int ci = 1; ci < 3; ++ci) {
            info.comp_info[ci].h_samp_factor = 1;
            info.comp_info[ci].v_samp_factor = 1;
        }
        info.restart_interval = static_cast<unsigned>(restart);
    });
}

std::string progressive_jpeg_from_mat(const cv::Mat& bgr) {
    return rgb_jpeg(bgr, [](jpeg_compress_struct& info) { jpeg_simple_progression(&info); });
}

std::string many_scan_jpeg(int width, int height) {
    cv::Mat bgr(height, width, CV_8UC3);
    cv::randu(bgr, cv::Scalar::all(0), cv::Scalar::all(255));
    // libjpeg allows point transforms up to 10 for 8-bit samples: a first scan at Al = 10
    // and ten refinements down to 0, for the DC of all three components together and for
    // each of the 63 AC coefficients of each component alone.
    std::vector<jpeg_scan_info> script;
    auto scan = [&](int components, int first_component, int ss, int se, int ah, int al) {
        jpeg_scan_info s{};
        s.comps_in_scan = components;
        for (int i = 0; i < components; ++i) s.component_index[i] = first_component + i;
        s.Ss = ss;
        s.Se = se;
        s.Ah = ah;
        s.Al = al;
        script.push_back(s);
    };
    scan(3, 0, 0, 0, 0, 10);
    for (int al = 9; al >= 0; --al) scan(3, 0, 0, 0, al + 1, al);
    for (int c = 0; c < 3; ++c) {
        for (int k = 1; k < 64; ++k) {
            scan(1, c, k, k, 0, 10);
            for (int al = 9; al >= 0; --al) scan(1, c, k, k, al + 1, al);
        }
    }
    return rgb_jpeg(bgr, [&](jpeg_compress_struct& info) {
        jpeg_simple_progression(&info);  // progressive mode; the script is ours
        info.scan_info = script.data();
        info.num_scans = static_cast<int>(script.size());
    });
}

std::string big_rgba_png(int side) {
    return png_from_rows(side, side, PNG_COLOR_TYPE_RGB_ALPHA, 8, [side](int y, std::uint8_t* row) {
        for (int x = 0; x < side; ++x) {
            std::uint8_t* p = row + static_cast<std::size_t>(x) * 4;
            const bool square =
                x > side / 3 && x < 2 * side / 3 && y > side / 3 && y < 2 * side / 3;
            p[0] = p[1] = p[2] = square ? 90 : 250;
            p[3] = y < side / 10 ? 0 : 255;
        }
    });
}

std::string cut_with_end_marker(const std::string& jpeg, double share) {
    return jpeg.substr(0, static_cast<std::size_t>(static_cast<double>(jpeg.size()) * share)) +
           "\xFF\xD9";
}

std::string png_without_iend(const std::string& png) {
    const auto at = png.rfind("IEND");
    return at == std::string::npos || at < 4 ? png : png.substr(0, at - 4);
}

cv::Mat decode_to_mat(const std::string& bytes, int channels) {
    images::DecodeOptions options;
    options.channels = channels;
    options.order = images::ChannelOrder::bgr;
    auto result =
        images::decode_image(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
    if (!result) return {};
    auto& p = *result.pixels;
    return cv::Mat(p.height, p.width, CV_8UC(p.channels), p.bytes.data(), p.stride()).clone();
}

}  // namespace examdocs::test
