#include "pdf_writer.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

#include "examdocs/core/image_header.h"
#include "pdf_archival.h"
#include "pdf_font.h"

namespace examdocs::renderers {

namespace {

// zlib level 6 everywhere. Level 1 was faster for the certificate's 85 KB guilloche
// pattern (0.46 ms against 3.5 ms), but that pattern is now deflated once per process (see
// PatternCache); for a ticket's 14 KB of content level 6 saves 0.6 KB a page (4 % of a
// merged ticket) and did not slow bulk printing, whose writer thread waits on composing.
constexpr int kDeflateLevel = 6;

// One deflate stream per thread and level, reset between uses: compress2() allocated and
// cleared ~270 KB of zlib state for every stream, and freeing it let glibc trim and the
// kernel fault the pages in again — 14 % of the server's time for POST
// /v1/documents/admission-ticket (perf, call graphs). The output is the same bytes.
class DeflateStream {
  public:
    explicit DeflateStream(int level) {
        if (deflateInit(&stream_, level) != Z_OK) throw PdfError("zlib could not start");
    }
    DeflateStream(const DeflateStream&) = delete;
    DeflateStream& operator=(const DeflateStream&) = delete;
    ~DeflateStream() { deflateEnd(&stream_); }

    std::string compress(std::string_view data) {
        if (deflateReset(&stream_) != Z_OK) throw PdfError("zlib could not restart");
        std::string out(deflateBound(&stream_, static_cast<uLong>(data.size())), '\0');
        // zlib's interface is not const-correct; it only reads next_in.
        stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        stream_.avail_in = static_cast<uInt>(data.size());
        stream_.next_out = reinterpret_cast<Bytef*>(out.data());
        stream_.avail_out = static_cast<uInt>(out.size());
        if (::deflate(&stream_, Z_FINISH) != Z_STREAM_END) {
            throw PdfError("zlib could not compress a stream");
        }
        out.resize(stream_.total_out);
        return out;
    }

  private:
    z_stream stream_{};
};

std::string deflate(std::string_view data, int level) {
    if (level < Z_NO_COMPRESSION || level > Z_BEST_COMPRESSION ||
        data.size() > std::numeric_limits<uInt>::max() / 2) {
        throw PdfError("zlib could not compress a stream");
    }
    thread_local std::array<std::unique_ptr<DeflateStream>, Z_BEST_COMPRESSION + 1> streams;
    auto& stream = streams[static_cast<std::size_t>(level)];
    if (!stream) stream = std::make_unique<DeflateStream>(level);
    return stream->compress(data);
}

std::string pdf_date(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "D:%Y%m%d%H%M%SZ", &utc);
    return buffer;
}

// A certificate's background pattern is the same on every certificate of a layout, and
// formatting and deflating its ~85 KB of curves was a quarter of a certificate's render
// time. Deflated once per process here, it is written once per PDF as a form XObject.
class PatternCache {
  public:
    std::shared_ptr<const std::string> get(const CurveOp& cv, float H, std::uint64_t key) {
        {
            std::lock_guard lock(mutex_);
            auto it = entries_.find(key);
            if (it != entries_.end()) return it->second;
        }
        auto deflated =
            std::make_shared<const std::string>(deflate(pattern_content(cv, H), kDeflateLevel));
        std::lock_guard lock(mutex_);
        if (entries_.size() >= 64) entries_.clear();  // layouts have one or two patterns
        entries_.emplace(key, deflated);
        return deflated;
    }

  private:
    std::mutex mutex_;
    std::map<std::uint64_t, std::shared_ptr<const std::string>> entries_;
};

PatternCache& pattern_cache() {
    static PatternCache cache;
    return cache;
}

pdf::Array rectangle(double x0, double y0, double x1, double y1) {
    pdf::Array a;
    a.add(pdf::Real{x0}).add(pdf::Real{y0}).add(pdf::Real{x1}).add(pdf::Real{y1});
    return a;
}

}  // namespace

PdfWriter::PdfWriter(std::ostream& out, const fonts::FontSet& fonts, PdfOutput output,
                     CharacterIds ids)
    : out_(out),
      fonts_(fonts),
      output_(output),
      ids_(output == PdfOutput::part ? CharacterIds::glyph_ids : ids) {
    if (output_ == PdfOutput::part) return;  // objects only
    // The second line's high bytes tell transfer tools the file is binary.
    write("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    pages_root_ = reserve();
}

int PdfWriter::reserve() {
    offsets_.push_back(0);
    return static_cast<int>(offsets_.size());
}

void PdfWriter::write(std::string_view bytes) {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    position_ += bytes.size();
}

void PdfWriter::begin_object(int number) {
    offsets_.at(static_cast<std::size_t>(number - 1)) = position_;
    std::string head;
    pdf::append_integer(head, number);
    head += " 0 obj\n";
    write(head);
}

void PdfWriter::end_object() { write("\nendobj\n"); }

void PdfWriter::write_object(int number, const pdf::Dictionary& dict) {
    begin_object(number);
    write(dict.str());
    end_object();
}

void PdfWriter::write_stream(int number, pdf::Dictionary dict, std::string_view data, int level) {
    const bool compress = level > 0;
    std::string packed;
    if (compress) packed = deflate(data, level);
    const std::string_view body = compress ? std::string_view(packed) : data;
    if (compress) dict.set("Filter", pdf::Name{"FlateDecode"});
    dict.set("Length", static_cast<std::uint64_t>(body.size()));
    begin_object(number);
    std::string head = dict.str();
    head += "\nstream\n";
    write(head);
    write(body);
    write("\nendstream");
    end_object();
}

std::uint16_t PdfWriter::character(int face, char32_t cp) {
    FontUse& use = fonts_used_[face];
    if (ids_ == CharacterIds::glyph_ids) {
        // The glyph id, the same in every part; a part's fonts are written at assembly.
        auto [it, inserted] = use.cids.try_emplace(cp, 0);
        if (inserted) {
            it->second = fonts_.glyph(static_cast<std::size_t>(face), cp);
            use.glyphs.try_emplace(it->second, cp);
        }
        return it->second;
    }
    if (use.type0 == 0) use.type0 = reserve();  // numbered on first use, as it always was
    auto [it, inserted] = use.cids.try_emplace(cp, 0);
    if (inserted) {
        if (use.codepoints.size() >= 0xFFFE) throw PdfError("too many characters for one font");
        use.codepoints += cp;
        it->second = static_cast<std::uint16_t>(use.codepoints.size());
    }
    return it->second;
}

int PdfWriter::pattern(const CurveOp& cv, float H) {
    const std::uint64_t key = pattern_key(cv, H);
    auto it = forms_.find(key);
    if (it != forms_.end()) return it->second;
    const auto deflated = pattern_cache().get(cv, H, key);
    const int number = reserve();
    pdf::Dictionary dict("XObject");
    dict.set("Subtype", pdf::Name{"Form"})
        .set("BBox",
             rectangle(cv.clip.x, H - cv.clip.y - cv.clip.h, cv.clip.x + cv.clip.w, H - cv.clip.y))
        .set("Filter", pdf::Name{"FlateDecode"});
    write_stream(number, std::move(dict), *deflated, 0);
    forms_.emplace(key, number);
    return number;
}

int PdfWriter::image(const std::string& jpeg) {
    const ImageHeader header = read_image_header(std::as_bytes(std::span(jpeg)));
    if (header.format != ImageFormat::jpeg || header.width == 0 || header.height == 0) {
        throw PdfError("an image to embed is not a readable JPEG");
    }
    const char* space = header.components == 1   ? "DeviceGray"
                        : header.components == 4 ? "DeviceCMYK"
                                                 : "DeviceRGB";
    const int number = reserve();
    pdf::Dictionary dict("XObject");
    dict.set("Subtype", pdf::Name{"Image"})
        .set("Width", static_cast<long long>(header.width))
        .set("Height", static_cast<long long>(header.height))
        .set("ColorSpace", pdf::Name{space})
        .set("BitsPerComponent", 8)
        .set("Filter", pdf::Name{"DCTDecode"});
    // Adobe's CMYK JPEGs store inverted values.
    if (header.components == 4) {
        pdf::Array decode;
        for (int i = 0; i < 4; ++i) decode.add(1).add(0);
        dict.set("Decode", decode);
    }
    write_stream(number, std::move(dict), jpeg, 0);
    return number;
}

int PdfWriter::font_object(int face) {
    FontUse& use = fonts_used_[face];
    if (use.type0 == 0) use.type0 = reserve();
    return use.type0;
}

void PdfWriter::add_sheet(float width, float height, const std::vector<Placement>& placements,
                          const PageOps& extra) {
    SheetContent sheet = build_sheet_content(placements, extra, height, *this);
    const int contents = reserve();
    write_stream(contents, {}, sheet.operators, kDeflateLevel);
    if (output_ == PdfOutput::part) {
        part_pages_.push_back(
            {width, height, contents, std::move(sheet.faces), std::move(sheet.xobjects)});
    } else {
        std::vector<std::pair<int, int>> xobjects;
        for (int x : sheet.xobjects) xobjects.emplace_back(x, x);
        for (int face : sheet.faces) font_object(face);
        const int page = reserve();
        write_page(page, width, height, contents, std::move(sheet.faces), xobjects);
    }
    if (!out_) throw PdfError("writing the PDF failed");
}

void PdfWriter::write_page(int page, float width, float height, int contents,
                           std::vector<int> faces,
                           const std::vector<std::pair<int, int>>& xobjects) {
    pdf::Dictionary resources;
    if (!faces.empty()) {
        std::sort(faces.begin(), faces.end());
        pdf::Dictionary fonts;
        for (int face : faces) {
            fonts.set("F" + std::to_string(face), pdf::Ref{fonts_used_.at(face).type0});
        }
        resources.set("Font", fonts);
    }
    if (!xobjects.empty()) {
        pdf::Dictionary named;
        for (const auto& [name, number] : xobjects) {
            named.set("X" + std::to_string(name), pdf::Ref{number});
        }
        resources.set("XObject", named);
    }
    pdf::Dictionary dict("Page");
    dict.set("Parent", pdf::Ref{pages_root_})
        .set("MediaBox", rectangle(0, 0, width, height))
        .set("Resources", resources)
        .set("Contents", pdf::Ref{contents});
    if (signature_widget_ != 0 && pages_.empty()) {
        pdf::Array annotations;
        annotations.add(pdf::Ref{signature_widget_});
        dict.set("Annots", annotations);
    }
    write_object(page, dict);
    pages_.push_back(page);
}

void PdfWriter::write_font(int face, FontUse& use) {
    FontCharacters chars;
    if (ids_ == CharacterIds::first_use) {
        chars.codepoints = use.codepoints;
        for (std::size_t i = 0; i < chars.codepoints.size(); ++i) {
            chars.ids.push_back(static_cast<std::uint16_t>(i + 1));
        }
    } else {
        for (const auto& [glyph, cp] : use.glyphs) {
            chars.ids.push_back(glyph);
            chars.codepoints += cp;
        }
    }
    const auto index = static_cast<std::size_t>(face);
    const fonts::FontSubset subset = fonts_.subset(index, chars.codepoints);
    const fonts::FaceMetrics metrics = fonts_.metrics(index);
    const std::string name = subset_tag(face, chars.codepoints) + "+" + metrics.postscript_name;

    const int file = reserve();
    pdf::Dictionary file_dict;
    file_dict.set("Length1", static_cast<std::uint64_t>(subset.ttf.size()));
    write_stream(file, std::move(file_dict), subset.ttf, kDeflateLevel);

    const int cid_to_gid = reserve();
    write_stream(cid_to_gid, {}, cid_to_gid_map(chars, subset.glyphs), kDeflateLevel);

    const int to_unicode = reserve();
    write_stream(to_unicode, {}, to_unicode_cmap(chars), kDeflateLevel);

    const int descriptor = reserve();
    write_object(descriptor, font_descriptor(name, metrics, pdf::Ref{file}));

    std::vector<float> advances;
    advances.reserve(chars.codepoints.size());
    for (char32_t cp : chars.codepoints) advances.push_back(fonts_.advance(index, cp));
    const int cid = reserve();
    write_object(
        cid, cid_font(name, pdf::Ref{descriptor}, widths(chars, advances), pdf::Ref{cid_to_gid}));

    write_object(use.type0, type0_font(name, pdf::Ref{cid}, pdf::Ref{to_unicode}));
}

PartManifest PdfWriter::finish_part() {
    if (output_ != PdfOutput::part) throw PdfError("finish_part() on a writer of a document");
    PartManifest m;
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
        m.objects.push_back({static_cast<int>(i + 1), offsets_[i]});
    }
    std::sort(m.objects.begin(), m.objects.end(),
              [](const auto& a, const auto& b) { return a.offset < b.offset; });
    m.pages = part_pages_;
    for (const auto& [face, use] : fonts_used_) {
        for (const auto& [glyph, cp] : use.glyphs) m.glyphs.push_back({face, glyph, cp});
    }
    m.length = position_;
    out_.flush();
    if (!out_) throw PdfError("writing the PDF part failed");
    return m;
}

void PdfWriter::add_part(std::string_view objects, const PartManifest& manifest) {
    if (output_ != PdfOutput::document || ids_ != CharacterIds::glyph_ids) {
        throw PdfError("add_part() on a writer that does not assemble parts");
    }
    auto bad = [](const std::string& what) {
        return PdfError("a PDF part does not match its manifest: " + what);
    };
    if (manifest.length != objects.size()) throw bad("its length");
    auto known_face = [this](int face) {
        return face >= 0 && static_cast<std::size_t>(face) < fonts_.size();
    };
    for (const auto& g : manifest.glyphs) {
        if (!known_face(g.face)) throw bad("a glyph of a face this font set lacks");
        fonts_used_[g.face].glyphs.try_emplace(g.glyph, g.codepoint);
    }

    // Each object's bytes, renumbered: "n 0 obj\n" is replaced, the rest copied as it is.
    // Pages are the only objects that refer to others, and they are written here.
    std::map<int, int> renumbered;
    const auto& listed = manifest.objects;
    for (std::size_t i = 0; i < listed.size(); ++i) {
        const auto [number, offset] = listed[i];
        const std::uint64_t next = i + 1 < listed.size() ? listed[i + 1].offset : manifest.length;
        if (next < offset || next > objects.size()) throw bad("object offsets");
        const std::string_view bytes = objects.substr(offset, next - offset);
        const std::string head = std::to_string(number) + " 0 obj\n";
        if (bytes.substr(0, head.size()) != head) throw bad("object " + std::to_string(number));
        const int renumber = reserve();
        renumbered[number] = renumber;
        begin_object(renumber);
        write(bytes.substr(head.size()));
    }
    auto object = [&](int number) {
        auto it = renumbered.find(number);
        if (it == renumbered.end()) throw bad("a page refers to a missing object");
        return it->second;
    };
    for (const auto& p : manifest.pages) {
        std::vector<std::pair<int, int>> xobjects;
        for (int x : p.xobjects) xobjects.emplace_back(x, object(x));
        for (int face : p.faces) {
            if (!known_face(face)) throw bad("a page of a face this font set lacks");
            font_object(face);
        }
        const int page = reserve();
        write_page(page, p.width, p.height, object(p.contents), p.faces, xobjects);
    }
    if (!out_) throw PdfError("writing the PDF failed");
}

void PdfWriter::add_signature_field(std::size_t contents_bytes) {
    if (output_ == PdfOutput::part || !pages_.empty() || signature_widget_ != 0) {
        throw PdfError("a signature field goes into a document before its first page");
    }
    signature_widget_ = reserve();
    signature_bytes_ = contents_bytes;
}

pdf::Dictionary PdfWriter::write_signature_field(const DocumentInfo& info) {
    // The signature dictionary (ISO 32000-2 12.8.1, ETSI EN 319 142-1 for the PAdES
    // baseline): /ByteRange and /Contents are placeholders of a fixed width, overwritten in
    // place when the file is complete (pdf_signature.cpp). /M is the claimed signing time;
    // PAdES puts it here rather than in a signing-time attribute of the CMS.
    const int signature = reserve();
    pdf::Array range;
    range.add(0);
    for (int i = 0; i < 3; ++i) range.add(pdf::FixedWidthInteger{0, 10});
    const std::string zeros(signature_bytes_ * 2, '0');
    pdf::Dictionary sig("Sig");
    sig.set("Filter", pdf::Name{"Adobe.PPKLite"})
        .set("SubFilter", pdf::Name{"ETSI.CAdES.detached"})
        .set("ByteRange", range)
        .set("Contents", pdf::HexString{zeros})
        .set("M", pdf::LiteralString{pdf_date(info.created)});
    std::string body = sig.str();
    const std::uint64_t start = position_ + std::to_string(signature).size() + 7;  // "n 0 obj\n"
    signature_slot_.byte_range_at = start + body.find("/ByteRange [") + 11;
    signature_slot_.contents_at = start + body.find("/Contents <") + 10;
    signature_slot_.contents_length = zeros.size() + 2;
    begin_object(signature);
    if (position_ != start) throw PdfError("the signature dictionary moved");
    write(body);
    end_object();

    // One dictionary for the field and its widget (12.7.4.5, 12.5.6.19): invisible (an
    // empty /Rect needs no appearance under PDF/A, 6.3.3), printed and locked (/F 132,
    // 6.3.2 wants Print set).
    pdf::Array empty;
    empty.add(0).add(0).add(0).add(0);
    pdf::Dictionary widget("Annot");
    widget.set("Subtype", pdf::Name{"Widget"})
        .set("FT", pdf::Name{"Sig"})
        .set("T", pdf::LiteralString{"Signature1"})
        .set("V", pdf::Ref{signature})
        .set("F", 132)
        .set("Rect", empty)
        .set("P", pdf::Ref{pages_.front()});
    write_object(signature_widget_, widget);

    pdf::Array fields;
    fields.add(pdf::Ref{signature_widget_});
    pdf::Dictionary form;
    // SignaturesExist | AppendOnly: a reader saves changes as an increment, which keeps
    // the signed bytes as they are.
    form.set("Fields", fields).set("SigFlags", 3);
    return form;
}

void PdfWriter::finish(const DocumentInfo& info) {
    if (output_ == PdfOutput::part) throw PdfError("finish() on a writer of a part");
    if (signature_widget_ != 0 && pages_.empty()) throw PdfError("a signed document has no page");
    for (auto& [face, use] : fonts_used_) {
        // An assembly can hold glyphs of a face that no page of it uses.
        font_object(face);
        write_font(face, use);
    }

    pdf::Array kids;
    for (int page : pages_) kids.add(pdf::Ref{page});
    pdf::Dictionary tree("Pages");
    tree.set("Count", static_cast<long long>(pages_.size())).set("Kids", kids);
    write_object(pages_root_, tree);

    // PDF/A-2b: the metadata stream (uncompressed, so that a file search finds it), and
    // the output intent with its ICC profile. See pdf_archival.h.
    constexpr const char* kTool = "examdocs";
    const int metadata = reserve();
    pdf::Dictionary metadata_dict("Metadata");
    metadata_dict.set("Subtype", pdf::Name{"XML"});
    write_stream(metadata, std::move(metadata_dict),
                 xmp_packet({info.title, info.author, info.subject, kTool, info.created}), 0);
    const int profile = reserve();
    pdf::Dictionary profile_dict;
    profile_dict.set("N", 3).set("Filter", pdf::Name{"FlateDecode"});
    write_stream(profile, std::move(profile_dict), deflated_output_profile(), 0);
    const std::string& condition = fonts::bundled_output_intent().description;
    pdf::Dictionary intent("OutputIntent");
    intent.set("S", pdf::Name{"GTS_PDFA1"})
        .set("OutputConditionIdentifier", pdf::LiteralString{condition})
        .set("Info", pdf::LiteralString{condition})
        .set("DestOutputProfile", pdf::Ref{profile});
    pdf::Array intents;
    intents.add(intent);

    std::optional<pdf::Dictionary> form;
    if (signature_widget_ != 0) form = write_signature_field(info);

    const int catalog = reserve();
    pdf::Dictionary root("Catalog");
    root.set("Pages", pdf::Ref{pages_root_})
        .set("Lang", pdf::LiteralString{"zh-CN"})
        .set("Metadata", pdf::Ref{metadata})
        .set("OutputIntents", intents);
    if (form) root.set("AcroForm", *form);
    write_object(catalog, root);

    const int information = reserve();
    pdf::Dictionary about;
    about.set("Title", pdf::TextString{info.title});
    if (!info.author.empty()) about.set("Author", pdf::TextString{info.author});
    if (!info.subject.empty()) about.set("Subject", pdf::TextString{info.subject});
    const std::string date = pdf_date(info.created);
    about.set("Creator", pdf::LiteralString{kTool})
        .set("Producer", pdf::LiteralString{kTool})
        .set("CreationDate", pdf::LiteralString{date})
        .set("ModDate", pdf::LiteralString{date});
    write_object(information, about);

    const std::uint64_t xref = position_;
    std::string table = "xref\n0 " + std::to_string(offsets_.size() + 1) + "\n";
    table += "0000000000 65535 f \n";
    for (std::uint64_t offset : offsets_) {
        if (offset == 0) throw PdfError("an object was reserved and never written");
        char entry[32];
        std::snprintf(entry, sizeof entry, "%010llu 00000 n \n",
                      static_cast<unsigned long long>(offset));
        table += entry;
    }
    pdf::Array id;
    id.add(pdf::HexString{info.document_id}).add(pdf::HexString{info.document_id});
    pdf::Dictionary trailer;
    trailer.set("Size", static_cast<std::uint64_t>(offsets_.size() + 1))
        .set("Root", pdf::Ref{catalog})
        .set("Info", pdf::Ref{information})
        .set("ID", id);
    table += "trailer\n" + trailer.str() + "\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    write(table);
    out_.flush();
    if (!out_) throw PdfError("writing the PDF failed");
}

}  // namespace examdocs::renderers
