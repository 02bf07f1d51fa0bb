// Lossless JPEG rewriting; see transcode_jpeg.h. Error handling as in decode_image.cpp:
// libjpeg's error and warning handlers longjmp to a setjmp in a small function that owns
// no C++ object.
#include "examdocs/images/transcode_jpeg.h"

// jpeglib.h needs size_t and FILE declared first.
#include <jerror.h>
#include <jpeglib.h>
#include <csetjmp>
#include <cstddef>
#include <cstdio>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "exif_orientation.h"
#include "jpeg_huffman.h"
#include "jpeg_scans.h"

namespace examdocs::images {

namespace {

struct JpegErrors {
    jpeg_error_mgr manager;
    std::jmp_buf jump;
};

[[noreturn]] void on_error(j_common_ptr info) {
    std::longjmp(reinterpret_cast<JpegErrors*>(info->err)->jump, 1);  // NOLINT(cert-err52-cpp)
}

// Any warning is corrupt or truncated data (see decode_image.cpp), which the gate
// refuses: here it only means "not this way".
void on_message(j_common_ptr info, int level) {
    if (level >= 0) return;
    const int code = info->err->msg_code;
    if (code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC) return;
    on_error(info);
}

// Owns both halves and the buffer jpeg_mem_dest allocates with malloc.
struct Transcoder {
    jpeg_decompress_struct in{};
    jpeg_compress_struct out{};
    JpegErrors in_errors{}, out_errors{};
    bool in_created = false, out_created = false;
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    ~Transcoder() {
        if (out_created) jpeg_destroy_compress(&out);
        if (in_created) jpeg_destroy_decompress(&in);
        std::free(buffer);
    }
};

bool read_head(Transcoder& t, std::span<const std::byte> bytes, std::size_t memory) {
    if (setjmp(t.in_errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    jpeg_create_decompress(&t.in);
    t.in_created = true;
    t.in.mem->max_memory_to_use = static_cast<long>(memory);
    jpeg_mem_src(&t.in, reinterpret_cast<const unsigned char*>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    jpeg_save_markers(&t.in, JPEG_APP0 + 1, 0xFFFF);
    return jpeg_read_header(&t.in, TRUE) == JPEG_HEADER_OK;
}

// The sum of the quantisation steps libjpeg uses at `quality` for luma and chroma; -1
// if libjpeg failed (it cannot, short of memory).
long reference_steps(int quality) {
    struct Reference {
        jpeg_compress_struct c{};
        JpegErrors errors{};
        bool created = false;
        ~Reference() {
            if (created) jpeg_destroy_compress(&c);
        }
    } r;
    r.c.err = jpeg_std_error(&r.errors.manager);
    r.errors.manager.error_exit = on_error;
    return [](Reference& ref, int q) -> long {
        if (setjmp(ref.errors.jump)) return -1;  // NOLINT(cert-err52-cpp)
        jpeg_create_compress(&ref.c);
        ref.created = true;
        ref.c.in_color_space = JCS_RGB;
        ref.c.input_components = 3;
        jpeg_set_defaults(&ref.c);
        jpeg_set_quality(&ref.c, q, TRUE);
        long sum = 0;
        for (int t = 0; t < 2; ++t) {
            for (int i = 0; i < DCTSIZE2; ++i) sum += ref.c.quant_tbl_ptrs[t]->quantval[i];
        }
        return sum;
    }(r, quality);
}

long file_steps(const jpeg_decompress_struct& in) {
    long sum = 0;
    // Luma's table and the first chroma component's.
    for (int ci = 0; ci < 2; ++ci) {
        const int tbl = in.comp_info[ci].quant_tbl_no;
        if (tbl < 0 || tbl >= NUM_QUANT_TBLS || in.quant_tbl_ptrs[tbl] == nullptr) return -1;
        for (int i = 0; i < DCTSIZE2; ++i) sum += in.quant_tbl_ptrs[tbl]->quantval[i];
    }
    return sum;
}

// Puts our optimal tables for `counts` in `out`, where jpeg_set_defaults() left the standard
// ones. False if a table cannot be made (libjpeg then makes them itself).
bool use_tables(const ScanCounts& counts, jpeg_compress_struct& out) {
    for (int ci = 0; ci < out.num_components; ++ci) {
        for (const bool dc : {true, false}) {
            const int number = dc ? out.comp_info[ci].dc_tbl_no : out.comp_info[ci].ac_tbl_no;
            JHUFF_TBL*& slot = dc ? out.dc_huff_tbl_ptrs[number] : out.ac_huff_tbl_ptrs[number];
            const auto table = optimal_huffman_table(
                (dc ? counts.dc : counts.ac)[static_cast<std::size_t>(number)]);
            if (!table || slot == nullptr) return false;
            std::copy(table->bits.begin(), table->bits.end(), slot->bits);
            std::fill(std::begin(slot->huffval), std::end(slot->huffval), 0);
            std::copy(table->symbols.begin(), table->symbols.end(), slot->huffval);
            slot->sent_table = FALSE;
        }
    }
    return true;
}

// The coefficients read; `out` set up with the file's quantisation tables and sampling.
bool read_and_set_up(Transcoder& t, jvirt_barray_ptr*& coefficients, ScanCounts& counts,
                     bool& counted) {
    if (setjmp(t.in_errors.jump)) return false;   // NOLINT(cert-err52-cpp)
    if (setjmp(t.out_errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    coefficients = jpeg_read_coefficients(&t.in);
    jpeg_create_compress(&t.out);
    t.out_created = true;
    jpeg_mem_dest(&t.out, &t.buffer, &t.size);
    // Quantisation tables, sampling and colour space as they were; no marker is copied.
    jpeg_copy_critical_parameters(&t.in, &t.out);
    counted = count_scan_symbols(&t.in, coefficients, t.out, counts);
    return true;
}

bool write(Transcoder& t, jvirt_barray_ptr* coefficients) {
    if (setjmp(t.in_errors.jump)) return false;   // NOLINT(cert-err52-cpp)
    if (setjmp(t.out_errors.jump)) return false;  // NOLINT(cert-err52-cpp)
    jpeg_write_coefficients(&t.out, coefficients);
    jpeg_finish_compress(&t.out);
    // On to the end marker: a file cut short warns here, and is not passed on.
    jpeg_finish_decompress(&t.in);
    return true;
}

bool rewrite(Transcoder& t, bool libjpeg_tables) {
    jvirt_barray_ptr* coefficients = nullptr;
    ScanCounts counts;
    bool counted = false;
    if (!read_and_set_up(t, coefficients, counts, counted)) return false;
    // Tables made for this photo: ~10 % smaller than the standard ones. Ours when we can
    // (see jpeg_huffman.h), else libjpeg's two passes.
    if (libjpeg_tables || !counted || !use_tables(counts, t.out)) t.out.optimize_coding = TRUE;
    return write(t, coefficients);
}

}  // namespace

std::optional<TranscodedJpeg> transcode_jpeg(std::span<const std::byte> bytes,
                                             const TranscodeRules& rules) {
    if (bytes.size() < 4 || bytes[0] != std::byte{0xFF} || bytes[1] != std::byte{0xD8})
        return std::nullopt;
    if (jpeg_scan_count(bytes) != 1) return std::nullopt;  // progressive, or not a plain file
    Transcoder t;
    t.in.err = jpeg_std_error(&t.in_errors.manager);
    t.in_errors.manager.error_exit = on_error;
    t.in_errors.manager.emit_message = on_message;
    t.out.err = jpeg_std_error(&t.out_errors.manager);
    t.out_errors.manager.error_exit = on_error;
    if (!read_head(t, bytes, rules.limits.max_decoder_memory)) return std::nullopt;
    const jpeg_decompress_struct& in = t.in;
    const std::uint64_t w = in.image_width, h = in.image_height;
    if (w == 0 || h == 0 || w * h > rules.limits.max_pixels) return std::nullopt;
    if (static_cast<int>(w) > rules.max_width || static_cast<int>(h) > rules.max_height)
        return std::nullopt;
    if (in.progressive_mode || in.arith_code || in.data_precision != 8 ||
        in.jpeg_color_space != JCS_YCbCr || in.num_components != 3)
        return std::nullopt;
    for (jpeg_saved_marker_ptr m = in.marker_list; m != nullptr; m = m->next) {
        if (m->marker != JPEG_APP0 + 1) continue;
        const int orientation = exif_orientation(
            std::as_bytes(std::span(m->data, static_cast<std::size_t>(m->data_length))));
        if (orientation != 1) return std::nullopt;
    }
    static const long finest_default = reference_steps(80);
    const long finest =
        rules.finest_quality == 80 ? finest_default : reference_steps(rules.finest_quality);
    const long steps = file_steps(in);
    if (steps < 0 || finest < 0 || steps < finest) return std::nullopt;
    if (!rewrite(t, rules.libjpeg_tables)) return std::nullopt;
    return TranscodedJpeg{std::string(reinterpret_cast<const char*>(t.buffer), t.size),
                          static_cast<int>(w), static_cast<int>(h)};
}

}  // namespace examdocs::images
