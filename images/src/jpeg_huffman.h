#pragma once
// Private to images/: optimal Huffman tables for the lossless rewrite, made here rather than
// by libjpeg's optimize_coding. libjpeg-turbo 2.1 gathers the symbols in a first pass over
// the coefficients and then builds each table by scanning all 257 symbols for every merge
// (jpeg_gen_optimal_table): for a 195×273 photo that was 300 of the rewrite's 460 µs of
// CPU, the largest single cost of a bulk ticket. Counting the symbols straight from the
// coefficient arrays and merging only the symbols that occur gives the same tables — the
// same bytes, which the tests check against libjpeg's own — at a fraction of that.
//
// jpeglib.h needs size_t and FILE declared first.
#include <cstddef>
#include <cstdio>

#include <jpeglib.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace examdocs::images {

// How often each symbol occurs, for one table: 256 symbols of ISO/IEC 10918-1 F.1.2.
using SymbolCounts = std::array<long, 256>;

struct ScanCounts {
    std::array<SymbolCounts, NUM_HUFF_TBLS> dc{}, ac{};
};

// Counts the symbols of the one interleaved scan libjpeg's jpeg_write_coefficients() will
// write for `out` (after jpeg_copy_critical_parameters) from `in`'s coefficient arrays, in
// its order of blocks and with the padding blocks it adds at the right and bottom edges.
// Returns false for a shape it does not handle (more than 4 components, sampling factors
// that make more than 10 blocks an MCU, restart intervals): libjpeg then optimises.
// Calls libjpeg (access_virt_barray), so it must run under the caller's setjmp; it keeps no
// C++ object that a longjmp could skip.
bool count_scan_symbols(j_decompress_ptr in, jvirt_barray_ptr* coefficients,
                        const jpeg_compress_struct& out, ScanCounts& counts);

// A table as a JPEG DHT segment gives it: how many codes of each length 1..16, and the
// symbols in order of code length.
struct HuffmanTable {
    std::array<std::uint8_t, 17> bits{};  // bits[0] unused
    std::vector<std::uint8_t> symbols;
};

// The optimal length-limited code for `counts` (ISO/IEC 10918-1 Annex K.2 and K.3, with
// one code point kept back so that no code is all ones). nullopt when no symbol occurs or
// a code would be longer than 32 bits before limiting (not reachable by a photo's counts).
std::optional<HuffmanTable> optimal_huffman_table(const SymbolCounts& counts);

}  // namespace examdocs::images
