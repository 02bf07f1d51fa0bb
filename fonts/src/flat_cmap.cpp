#include "flat_cmap.h"

#include <algorithm>
#include <stdexcept>

namespace examdocs::fonts {

namespace {

std::uint32_t read32(const std::string& s, std::size_t at) {
    if (at + 4 > s.size()) throw std::runtime_error("truncated font");
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

std::uint16_t read16(const std::string& s, std::size_t at) {
    if (at + 2 > s.size()) throw std::runtime_error("truncated font");
    return static_cast<std::uint16_t>((static_cast<unsigned char>(s[at]) << 8) |
                                      static_cast<unsigned char>(s[at + 1]));
}

void put16(std::string& s, std::uint32_t v) {
    s += static_cast<char>((v >> 8) & 0xFF);
    s += static_cast<char>(v & 0xFF);
}

void put32(std::string& s, std::uint32_t v) {
    put16(s, v >> 16);
    put16(s, v & 0xFFFF);
}

std::uint32_t checksum(const std::string& data) {
    std::string padded = data;
    padded.append((4 - padded.size() % 4) % 4, '\0');
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < padded.size(); i += 4) sum += read32(padded, i);
    return sum;
}

struct Segment {
    std::uint32_t start, end;   // inclusive
    std::uint32_t array_start;  // index into the glyph id array
};

// Few dense segments: code points closer than `gap` share one, with zeros in between.
std::vector<Segment> segments_for(const std::vector<std::pair<char32_t, std::uint16_t>>& sorted,
                                  std::uint32_t gap, std::uint32_t& array_size) {
    std::vector<Segment> segs;
    array_size = 0;
    for (const auto& [cp, gid] : sorted) {
        const auto c = static_cast<std::uint32_t>(cp);
        if (!segs.empty() && c - segs.back().end <= gap) {
            segs.back().end = c;
        } else {
            if (!segs.empty()) array_size += segs.back().end - segs.back().start + 1;
            segs.push_back({c, c, 0});
            segs.back().array_start = array_size;
        }
    }
    if (!segs.empty()) array_size += segs.back().end - segs.back().start + 1;
    return segs;
}

std::string flat_cmap(std::vector<std::pair<char32_t, std::uint16_t>> mapping) {
    std::sort(mapping.begin(), mapping.end());
    mapping.erase(std::remove_if(mapping.begin(), mapping.end(),
                                 [](const auto& m) { return m.first >= 0xFFFF; }),
                  mapping.end());
    // The subtable's length is 16 bits: at most (65535 - 16) / 2 array entries and
    // segment fields together. Merge generously, and less so if that does not fit.
    std::vector<Segment> segs;
    std::uint32_t array_size = 0;
    for (std::uint32_t gap : {4096U, 1024U, 256U, 64U, 16U, 1U}) {
        segs = segments_for(mapping, gap, array_size);
        const std::uint32_t seg_count = static_cast<std::uint32_t>(segs.size()) + 1;
        if (16 + seg_count * 8 + array_size * 2 <= 0xFFFF) break;
    }
    std::vector<std::uint16_t> glyphs(array_size, 0);
    std::size_t k = 0;
    for (const auto& s : segs) {
        for (; k < mapping.size() && mapping[k].first <= s.end; ++k) {
            glyphs[s.array_start + (mapping[k].first - s.start)] = mapping[k].second;
        }
    }
    const auto seg_count = static_cast<std::uint32_t>(segs.size()) + 1;  // + the U+FFFF one
    std::uint32_t pow2 = 1, log2 = 0;
    while (pow2 * 2 <= seg_count) {
        pow2 *= 2;
        ++log2;
    }
    std::string sub;
    put16(sub, 4);  // format
    put16(sub, 16 + seg_count * 8 + array_size * 2);
    put16(sub, 0);  // language
    put16(sub, seg_count * 2);
    put16(sub, pow2 * 2);                  // searchRange
    put16(sub, log2);                      // entrySelector
    put16(sub, seg_count * 2 - pow2 * 2);  // rangeShift
    for (const auto& s : segs) put16(sub, s.end);
    put16(sub, 0xFFFF);
    put16(sub, 0);  // reservedPad
    for (const auto& s : segs) put16(sub, s.start);
    put16(sub, 0xFFFF);
    for (std::size_t i = 0; i < segs.size(); ++i) put16(sub, 0);  // idDelta
    put16(sub, 1);                                                // U+FFFF -> glyph 0
    for (std::size_t i = 0; i < segs.size(); ++i) {
        // Bytes from this idRangeOffset entry to the segment's first glyph id.
        put16(sub, static_cast<std::uint32_t>(2 * (seg_count - i) + 2 * segs[i].array_start));
    }
    put16(sub, 0);
    for (auto g : glyphs) put16(sub, g);
    std::string cmap;
    put16(cmap, 0);   // version
    put16(cmap, 1);   // one subtable
    put16(cmap, 3);   // platform: Windows
    put16(cmap, 1);   // encoding: Unicode BMP
    put32(cmap, 12);  // offset of the subtable
    return cmap + sub;
}

}  // namespace

std::string with_flat_cmap(const std::string& ttf,
                           const std::vector<std::pair<char32_t, std::uint16_t>>& mapping) {
    const std::uint16_t tables = read16(ttf, 4);
    struct Table {
        std::uint32_t tag;
        std::string data;
    };
    std::vector<Table> list;
    bool found = false;
    for (std::uint16_t i = 0; i < tables; ++i) {
        const std::size_t record = 12 + static_cast<std::size_t>(i) * 16;
        const std::uint32_t tag = read32(ttf, record);
        const std::uint32_t offset = read32(ttf, record + 8);
        const std::uint32_t length = read32(ttf, record + 12);
        if (static_cast<std::size_t>(offset) + length > ttf.size()) {
            throw std::runtime_error("font table out of bounds");
        }
        if (tag == 0x636D6170) {  // 'cmap'
            list.push_back({tag, flat_cmap(mapping)});
            found = true;
        } else {
            list.push_back({tag, ttf.substr(offset, length)});
        }
    }
    if (!found) throw std::runtime_error("font has no cmap");
    std::string out = ttf.substr(0, 12);
    std::uint32_t offset = 12 + static_cast<std::uint32_t>(list.size()) * 16;
    std::string body;
    for (const auto& t : list) {
        put32(out, t.tag);
        put32(out, checksum(t.data));
        put32(out, offset);
        put32(out, static_cast<std::uint32_t>(t.data.size()));
        std::string padded = t.data;
        padded.append((4 - padded.size() % 4) % 4, '\0');
        body += padded;
        offset += static_cast<std::uint32_t>(padded.size());
    }
    // head.checkSumAdjustment is left as hb-subset wrote it: neither libharu nor PDF
    // viewers check it for an embedded font.
    return out + body;
}

}  // namespace examdocs::fonts
