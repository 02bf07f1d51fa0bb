#include "pdf_writer.h"

#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>

namespace examdocs::renderers {

namespace {

std::string hex(HPDF_STATUS s) {
    std::ostringstream out;
    out << "0x" << std::hex << s;
    return out.str();
}

// libharu 2.3.0 loads fonts only from files. The subset lives in memory-backed /dev/shm
// when there is one, and is unlinked as soon as libharu has it open: it keeps the file
// descriptor for the save.
std::string temp_dir() {
    if (access("/dev/shm", W_OK) == 0) return "/dev/shm";
    const char* tmp = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): read-only use
    return tmp ? tmp : "/tmp";
}

// A ToUnicode CMap for text drawn through libharu's UTF-8 encoder, whose codes are the
// UTF-16 values of the characters themselves. libharu 2.3.0 writes a "cidrange" CMap
// there, which is not a ToUnicode CMap at all (poppler warns and guesses); this one maps
// each code the document uses to its character.
std::string to_unicode_cmap(const std::u32string& codepoints) {
    std::ostringstream out;
    out << "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
           "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
           "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    out << std::hex << std::uppercase;
    for (std::size_t i = 0; i < codepoints.size(); i += 100) {
        const std::size_t n = std::min<std::size_t>(100, codepoints.size() - i);
        out << std::dec << n << std::hex << " beginbfchar\n";
        for (std::size_t k = i; k < i + n; ++k) {
            char entry[32];
            std::snprintf(entry, sizeof entry, "<%04X> <%04X>\n",
                          static_cast<unsigned>(codepoints[k]),
                          static_cast<unsigned>(codepoints[k]));
            out << entry;
        }
        out << "endbfchar\n";
    }
    out << "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    return out.str();
}

}  // namespace

void PdfWriter::on_error(HPDF_STATUS error, HPDF_STATUS detail, void* self) {
    auto* writer = static_cast<PdfWriter*>(self);
    if (writer->error_ == HPDF_OK) {
        writer->error_ = error;
        writer->detail_ = detail;
    }
}

PdfWriter::PdfWriter() {
    doc_ = HPDF_New(&PdfWriter::on_error, this);
    if (!doc_) throw PdfError("libharu could not create a document");
    HPDF_SetCompressionMode(doc_, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(doc_);
    HPDF_SetCurrentEncoder(doc_, "UTF-8");
    check("setting up the document");
}

PdfWriter::~PdfWriter() {
    if (doc_) HPDF_Free(doc_);
}

void PdfWriter::check(std::string_view what) {
    if (error_ == HPDF_OK) return;
    const std::string message = "libharu failed " + std::string(what) + " (error " + hex(error_) +
                                ", detail " + std::to_string(detail_) + ")";
    error_ = HPDF_OK;
    HPDF_ResetError(doc_);
    throw PdfError(message);
}

HPDF_Font PdfWriter::load_font(const std::string& ttf_bytes, const std::u32string& codepoints) {
    std::string path = temp_dir() + "/examdocs-font-XXXXXX";
    const int fd = mkstemp(path.data());
    if (fd < 0) throw PdfError("cannot create a temporary font file");
    const auto written = ::write(fd, ttf_bytes.data(), ttf_bytes.size());
    ::close(fd);
    if (written != static_cast<ssize_t>(ttf_bytes.size())) {
        ::unlink(path.c_str());
        throw PdfError("cannot write a temporary font file");
    }
    const char* name = HPDF_LoadTTFontFromFile(doc_, path.c_str(), HPDF_TRUE);
    ::unlink(path.c_str());
    check("loading a font subset");
    HPDF_Font font = HPDF_GetFont(doc_, name, "UTF-8");
    check("selecting a font");
    auto* cmap = static_cast<HPDF_Dict>(HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT));
    if (cmap && cmap->stream) {
        HPDF_MemStream_FreeData(cmap->stream);
        HPDF_Stream_WriteStr(cmap->stream, to_unicode_cmap(codepoints).c_str());
        check("writing the ToUnicode map");
    }
    return font;
}

HPDF_Image PdfWriter::load_jpeg(const std::string& jpeg) {
    HPDF_Image image = HPDF_LoadJpegImageFromMem(
        doc_, reinterpret_cast<const HPDF_BYTE*>(jpeg.data()), static_cast<HPDF_UINT>(jpeg.size()));
    check("loading a JPEG");
    return image;
}

void PdfWriter::set_info(std::string_view title, std::string_view author, std::string_view subject,
                         std::chrono::system_clock::time_point created) {
    HPDF_SetInfoAttr(doc_, HPDF_INFO_TITLE, std::string(title).c_str());
    if (!author.empty()) HPDF_SetInfoAttr(doc_, HPDF_INFO_AUTHOR, std::string(author).c_str());
    if (!subject.empty()) HPDF_SetInfoAttr(doc_, HPDF_INFO_SUBJECT, std::string(subject).c_str());
    HPDF_SetInfoAttr(doc_, HPDF_INFO_CREATOR, "examdocs");
    HPDF_SetInfoAttr(doc_, HPDF_INFO_PRODUCER, "examdocs (libharu 2.3.0)");
    const std::time_t t = std::chrono::system_clock::to_time_t(created);
    std::tm utc{};
    gmtime_r(&t, &utc);
    HPDF_Date date{};
    date.year = utc.tm_year + 1900;
    date.month = utc.tm_mon + 1;
    date.day = utc.tm_mday;
    date.hour = utc.tm_hour;
    date.minutes = utc.tm_min;
    date.seconds = utc.tm_sec;
    date.ind = 'Z';
    HPDF_SetInfoDateAttr(doc_, HPDF_INFO_CREATION_DATE, date);
    HPDF_SetInfoDateAttr(doc_, HPDF_INFO_MOD_DATE, date);
    check("setting the document information");
}

std::string PdfWriter::save(std::string_view document_id) {
    HPDF_SaveToStream(doc_);
    check("writing the document");
    const HPDF_UINT32 size = HPDF_GetStreamSize(doc_);
    std::string pdf(size, '\0');
    HPDF_UINT32 read = size;
    HPDF_ReadFromStream(doc_, reinterpret_cast<HPDF_BYTE*>(pdf.data()), &read);
    // libharu reports HPDF_STREAM_EOF after the last byte; that is not a failure.
    if (error_ == HPDF_STREAM_EOF) {
        error_ = HPDF_OK;
        HPDF_ResetError(doc_);
    }
    check("reading the document back");
    pdf.resize(read);
    // libharu writes no /ID unless it encrypts; PDF 1.4+ readers want one. The trailer
    // follows the cross-reference table, so inserting here moves no offset that matters.
    const auto trailer = pdf.rfind("trailer\n<<\n");
    if (trailer == std::string::npos) throw PdfError("libharu wrote no trailer");
    const std::string id(document_id);
    pdf.insert(trailer + 11, "/ID [<" + id + "> <" + id + ">]\n");
    return pdf;
}

}  // namespace examdocs::renderers
