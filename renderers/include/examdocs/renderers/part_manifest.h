#pragma once
// The manifest of a PDF part: what a DocumentStream in part output wrote (its objects by
// offset, its pages, the characters it drew), so that a PartAssembler can join the part
// with others into one PDF. Parts are made on one instance and assembled on another, kept
// in the registry database in between, so the manifest is text and its parser treats it
// as untrusted: parse() never throws and refuses anything inconsistent.
//
// The text is a few lines, readable when a job has to be looked into:
//   examdocs-pdf-part 1
//   object <number> <offset>          each object, offsets ascending
//   page <w> <h> <contents> <n> <face>… <m> <xobject>…
//   glyph <face> <glyph id> <code point>
//   end <bytes>
// A value type; thread-compatible.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::renderers {

struct PartManifest {
    struct Object {
        int number = 0;
        std::uint64_t offset = 0;
        bool operator==(const Object&) const = default;
    };
    // A page of the part: its dictionary is written only at assembly, from this.
    struct Page {
        float width = 0, height = 0;
        int contents = 0;           // the content stream's object
        std::vector<int> faces;     // fonts it draws with, each once
        std::vector<int> xobjects;  // objects it draws (/X<number>), each once
        bool operator==(const Page&) const = default;
    };
    struct Glyph {
        int face = 0;
        std::uint16_t glyph = 0;  // the face's glyph id: the part's character id
        char32_t codepoint = 0;
        bool operator==(const Glyph&) const = default;
    };

    std::vector<Object> objects;  // offsets ascending
    std::vector<Page> pages;
    std::vector<Glyph> glyphs;
    std::uint64_t length = 0;  // bytes of the part's objects

    bool operator==(const PartManifest&) const = default;

    std::string to_text() const;

    // Limits a manifest is held to: more than this is a damaged or hostile manifest.
    static constexpr std::size_t kMaxFacesPerPage = 64;
    static constexpr std::size_t kMaxXObjectsPerPage = 4096;

    // The manifest in `text`, or nullopt with `error` saying which line is wrong. Checks
    // that object numbers are positive and unique, offsets ascend below `length`, pages
    // refer to listed objects, and code points are Unicode scalar values.
    static std::optional<PartManifest> parse(std::string_view text, std::string& error);
};

}  // namespace examdocs::renderers
