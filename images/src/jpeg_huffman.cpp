#include "jpeg_huffman.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <queue>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace examdocs::images {

namespace {

// Zig-zag position → position in the block as libjpeg stores it (row by row): ISO/IEC
// 10918-1 figure 5.
constexpr std::array<int, 64> kZigZag = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

// Position in the block → zig-zag position: the inverse of kZigZag.
constexpr std::array<int, 64> kZigZagOf = [] {
    std::array<int, 64> inverse{};
    for (std::size_t k = 0; k < kZigZag.size(); ++k) {
        inverse[static_cast<std::size_t>(kZigZag[k])] = static_cast<int>(k);
    }
    return inverse;
}();

// Baseline JPEG codes a DC difference in at most 11 bits and an AC value in at most 10.
constexpr int kMaxDcBits = 11;
constexpr int kMaxAcBits = 10;

int bit_length(int value) {
    return static_cast<int>(std::bit_width(static_cast<unsigned>(std::abs(value))));
}

// Bit i set where the block's value i (in storage order) is not zero.
std::uint64_t nonzero_values(const JCOEF* block) {
    std::uint64_t mask = 0;
#if defined(__SSE2__)
    static_assert(sizeof(JCOEF) == 2);
    const __m128i zero = _mm_setzero_si128();
    for (int i = 0; i < 64; i += 16) {
        const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + i));
        const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + i + 8));
        const __m128i zeros =
            _mm_packs_epi16(_mm_cmpeq_epi16(low, zero), _mm_cmpeq_epi16(high, zero));
        const auto bits = static_cast<unsigned>(_mm_movemask_epi8(zeros));
        mask |= static_cast<std::uint64_t>(~bits & 0xFFFFU) << static_cast<unsigned>(i);
    }
#else
    for (unsigned i = 0; i < 64; ++i) mask |= static_cast<std::uint64_t>(block[i] != 0) << i;
#endif
    return mask;
}

// The symbols one block adds (F.1.2.1, F.1.2.2): its DC difference's size, then a
// (zero run, size) symbol for every non-zero AC value, 0xF0 for each run of 16 zeros
// before one, and end-of-block when the block ends in zeros. Only the non-zero values are
// visited, through masks: most of a photo's values are zero, and a loop over all 63 was
// nine tenths of the time this took.
bool count_block(const JCOEF* block, int& last_dc, SymbolCounts& dc, SymbolCounts& ac) {
    const int dc_bits = bit_length(block[0] - last_dc);
    if (dc_bits > kMaxDcBits) return false;
    last_dc = block[0];
    ++dc[static_cast<std::size_t>(dc_bits)];
    std::uint64_t stored = nonzero_values(block) & ~std::uint64_t{1};
    std::uint64_t nonzero = 0;  // the same, in zig-zag order
    while (stored != 0) {
        const auto at = static_cast<std::size_t>(std::countr_zero(stored));
        stored &= stored - 1;
        nonzero |= std::uint64_t{1} << static_cast<unsigned>(kZigZagOf[at]);
    }
    int previous = 0;  // zig-zag position of the last non-zero value (0: the DC)
    while (nonzero != 0) {
        const int k = std::countr_zero(nonzero);
        nonzero &= nonzero - 1;
        int run = k - previous - 1;
        previous = k;
        for (; run > 15; run -= 16) ++ac[0xF0];
        const int bits = bit_length(block[kZigZag[static_cast<std::size_t>(k)]]);
        if (bits > kMaxAcBits) return false;
        ++ac[(static_cast<std::size_t>(run) << 4) + static_cast<std::size_t>(bits)];
    }
    if (previous < 63) ++ac[0x00];
    return true;
}

int ceil_div(long long a, long long b) { return static_cast<int>((a + b - 1) / b); }

}  // namespace

bool count_scan_symbols(j_decompress_ptr in, jvirt_barray_ptr* coefficients,
                        const jpeg_compress_struct& out, ScanCounts& counts) {
    const int components = out.num_components;
    if (components < 1 || components > MAX_COMPS_IN_SCAN || components != in->num_components ||
        out.restart_interval != 0 || out.restart_in_rows != 0 || out.scan_info != nullptr) {
        return false;
    }
    // The geometry jpeg_write_coefficients() derives for one interleaved scan (A.2.3).
    struct Component {
        int h, v, width_in_blocks, height_in_blocks, last_col_width, last_row_height, dc, ac;
        int last_dc;
    };
    std::array<Component, MAX_COMPS_IN_SCAN> comp{};
    int max_h = 1, max_v = 1, blocks_in_mcu = 0;
    for (int ci = 0; ci < components; ++ci) {
        const jpeg_component_info& info = out.comp_info[ci];
        if (info.h_samp_factor < 1 || info.h_samp_factor > MAX_SAMP_FACTOR ||
            info.v_samp_factor < 1 || info.v_samp_factor > MAX_SAMP_FACTOR || info.dc_tbl_no < 0 ||
            info.dc_tbl_no >= NUM_HUFF_TBLS || info.ac_tbl_no < 0 ||
            info.ac_tbl_no >= NUM_HUFF_TBLS) {
            return false;
        }
        max_h = std::max(max_h, info.h_samp_factor);
        max_v = std::max(max_v, info.v_samp_factor);
        blocks_in_mcu += info.h_samp_factor * info.v_samp_factor;
    }
    if (blocks_in_mcu > C_MAX_BLOCKS_IN_MCU || out.image_width == 0 || out.image_height == 0) {
        return false;
    }
    const long long width = out.image_width, height = out.image_height;
    const int mcus_per_row = ceil_div(width, 8LL * max_h);
    const int imcu_rows = ceil_div(height, 8LL * max_v);
    for (int ci = 0; ci < components; ++ci) {
        const jpeg_component_info& info = out.comp_info[ci];
        Component& c = comp[static_cast<std::size_t>(ci)];
        c.h = info.h_samp_factor;
        c.v = info.v_samp_factor;
        c.width_in_blocks = ceil_div(width * c.h, 8LL * max_h);
        c.height_in_blocks = ceil_div(height * c.v, 8LL * max_v);
        // The arrays the decoder filled must be the ones this scan reads, down to the last
        // row of blocks it asks for.
        const jpeg_component_info& read = in->comp_info[ci];
        if (read.h_samp_factor != c.h || read.v_samp_factor != c.v ||
            static_cast<int>(read.width_in_blocks) != c.width_in_blocks ||
            static_cast<int>(read.height_in_blocks) != c.height_in_blocks ||
            imcu_rows * c.v > ceil_div(c.height_in_blocks, c.v) * c.v ||
            mcus_per_row * c.h > ceil_div(c.width_in_blocks, c.h) * c.h) {
            return false;
        }
        c.last_col_width = c.width_in_blocks % c.h == 0 ? c.h : c.width_in_blocks % c.h;
        c.last_row_height = c.height_in_blocks % c.v == 0 ? c.v : c.height_in_blocks % c.v;
        c.dc = info.dc_tbl_no;
        c.ac = info.ac_tbl_no;
        c.last_dc = 0;
    }

    for (int row = 0; row < imcu_rows; ++row) {
        std::array<JBLOCKARRAY, MAX_COMPS_IN_SCAN> blocks{};
        for (int ci = 0; ci < components; ++ci) {
            const Component& c = comp[static_cast<std::size_t>(ci)];
            blocks[static_cast<std::size_t>(ci)] = in->mem->access_virt_barray(
                reinterpret_cast<j_common_ptr>(in), coefficients[ci],
                static_cast<JDIMENSION>(row * c.v), static_cast<JDIMENSION>(c.v), FALSE);
        }
        const bool last_row = row == imcu_rows - 1;
        for (int column = 0; column < mcus_per_row; ++column) {
            const bool last_column = column == mcus_per_row - 1;
            for (int ci = 0; ci < components; ++ci) {
                Component& c = comp[static_cast<std::size_t>(ci)];
                SymbolCounts& dc = counts.dc[static_cast<std::size_t>(c.dc)];
                SymbolCounts& ac = counts.ac[static_cast<std::size_t>(c.ac)];
                const int real_columns = last_column ? c.last_col_width : c.h;
                for (int y = 0; y < c.v; ++y) {
                    int x = 0;
                    if (!last_row || y < c.last_row_height) {
                        const JBLOCKROW blocks_row =
                            blocks[static_cast<std::size_t>(ci)][y] + column * c.h;
                        for (; x < real_columns; ++x) {
                            if (!count_block(blocks_row[x], c.last_dc, dc, ac)) return false;
                        }
                    }
                    // The padding blocks libjpeg adds to complete an MCU at the right and
                    // bottom edges: the previous block's DC (a difference of 0) and no AC.
                    for (; x < c.h; ++x) {
                        ++dc[0];
                        ++ac[0x00];
                    }
                }
            }
        }
    }
    return true;
}

std::optional<HuffmanTable> optimal_huffman_table(const SymbolCounts& counts) {
    // Symbol 256 is the code point kept back (K.2: no code of all ones); it takes part in
    // the merging with the least weight and is removed from the longest length after.
    constexpr int kSymbols = 257;
    // The tree: leaves 0..256, then a node for each merge. A subtree is known in the queue
    // by the symbol that led its first merge, as libjpeg knows it: among equal weights the
    // higher symbol is merged first, which makes the tables (and the bytes) libjpeg's own.
    struct Subtree {
        long weight;
        int symbol, node;
    };
    auto heavier = [](const Subtree& a, const Subtree& b) {
        return a.weight != b.weight ? a.weight > b.weight : a.symbol < b.symbol;
    };
    std::vector<Subtree> queue;
    queue.reserve(kSymbols);
    for (int symbol = 0; symbol < kSymbols - 1; ++symbol) {
        const long weight = counts[static_cast<std::size_t>(symbol)];
        if (weight > 0) queue.push_back({weight, symbol, symbol});
    }
    if (queue.empty()) return std::nullopt;
    queue.push_back({1, kSymbols - 1, kSymbols - 1});
    std::make_heap(queue.begin(), queue.end(), heavier);
    std::array<int, 2 * kSymbols> parent{};
    int nodes = kSymbols;
    auto take = [&] {
        std::pop_heap(queue.begin(), queue.end(), heavier);
        const Subtree lightest = queue.back();
        queue.pop_back();
        return lightest;
    };
    while (queue.size() > 1) {
        const Subtree first = take();
        const Subtree second = take();
        const int node = nodes++;
        parent[static_cast<std::size_t>(first.node)] = node;
        parent[static_cast<std::size_t>(second.node)] = node;
        queue.push_back({first.weight + second.weight, first.symbol, node});
        std::push_heap(queue.begin(), queue.end(), heavier);
    }
    // Depths from the root down: a node is made after its children.
    const int root = nodes - 1;
    std::array<int, 2 * kSymbols> depth{};
    for (int node = root - 1; node >= 0; --node) {
        const auto at = static_cast<std::size_t>(node);
        const bool in_tree = node >= kSymbols - 1 || counts[at] > 0;  // unused symbols are not
        if (in_tree) depth[at] = depth[static_cast<std::size_t>(parent[at])] + 1;
    }
    std::array<int, kSymbols> code_size{};
    std::copy(depth.begin(), depth.begin() + kSymbols, code_size.begin());

    constexpr int kLongest = 32;
    std::array<int, kLongest + 1> bits{};
    for (int size : code_size) {
        if (size > kLongest) return std::nullopt;
        if (size > 0) ++bits[static_cast<std::size_t>(size)];
    }
    // K.3: no code longer than 16 bits. A pair of the longest codes becomes one code a bit
    // shorter and, with a code taken from a shorter length, two codes one bit longer.
    for (int i = kLongest; i > 16; --i) {
        while (bits[static_cast<std::size_t>(i)] > 0) {
            int j = i - 2;
            while (bits[static_cast<std::size_t>(j)] == 0) --j;
            bits[static_cast<std::size_t>(i)] -= 2;
            bits[static_cast<std::size_t>(i - 1)] += 1;
            bits[static_cast<std::size_t>(j) + 1] += 2;
            bits[static_cast<std::size_t>(j)] -= 1;
        }
    }
    int longest = 16;
    while (bits[static_cast<std::size_t>(longest)] == 0) --longest;
    bits[static_cast<std::size_t>(longest)] -= 1;  // the kept-back code point

    HuffmanTable table;
    for (std::size_t i = 1; i <= 16; ++i) table.bits[i] = static_cast<std::uint8_t>(bits[i]);
    // Symbols by their code size before limiting, then by value (K.2, Sort_input).
    for (std::size_t s = 0; s + 1 < kSymbols; ++s) {
        if (code_size[s] > 0) table.symbols.push_back(static_cast<std::uint8_t>(s));
    }
    std::stable_sort(
        table.symbols.begin(), table.symbols.end(),
        [&code_size](std::uint8_t a, std::uint8_t b) { return code_size[a] < code_size[b]; });
    return table;
}

}  // namespace examdocs::images
