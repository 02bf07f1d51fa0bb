#include "pdf_archival.h"

#include <zlib.h>

#include <ctime>
#include <stdexcept>

#include "examdocs/core/markup_text.h"
#include "examdocs/fonts/font_manifest.h"

namespace examdocs::renderers {

std::string xmp_date(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

std::string xmp_packet(const XmpFields& f) {
    const std::string date = xmp_date(f.created);
    std::string x;
    // The begin attribute holds the byte-order mark U+FEFF in UTF-8, as XMP asks.
    x += "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";
    x += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n";
    x += "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n";
    x += "<rdf:Description rdf:about=\"\"\n";
    x += " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n";
    x += " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n";
    x += " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n";
    x += " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n";
    x += "<dc:format>application/pdf</dc:format>\n";
    x += "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + escape_markup(f.title) +
         "</rdf:li></rdf:Alt></dc:title>\n";
    if (!f.author.empty()) {
        x += "<dc:creator><rdf:Seq><rdf:li>" + escape_markup(f.author) +
             "</rdf:li></rdf:Seq></dc:creator>\n";
    }
    if (!f.subject.empty()) {
        x += "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + escape_markup(f.subject) +
             "</rdf:li></rdf:Alt></dc:description>\n";
    }
    x += "<xmp:CreatorTool>" + escape_markup(f.tool) + "</xmp:CreatorTool>\n";
    x += "<xmp:CreateDate>" + date + "</xmp:CreateDate>\n";
    x += "<xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n";
    x += "<xmp:MetadataDate>" + date + "</xmp:MetadataDate>\n";
    x += "<pdf:Producer>" + escape_markup(f.tool) + "</pdf:Producer>\n";
    x += "<pdfaid:part>2</pdfaid:part>\n";
    x += "<pdfaid:conformance>B</pdfaid:conformance>\n";
    x += "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n";
    x += "<?xpacket end=\"r\"?>";
    return x;
}

const std::string& deflated_output_profile() {
    static const std::string deflated = [] {
        const std::string& profile = fonts::output_intent_profile();
        uLongf size = compressBound(static_cast<uLong>(profile.size()));
        std::string out(size, '\0');
        if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                      reinterpret_cast<const Bytef*>(profile.data()),
                      static_cast<uLong>(profile.size()), 9) != Z_OK) {
            throw std::runtime_error("zlib could not compress the colour profile");
        }
        out.resize(size);
        return out;
    }();
    return deflated;
}

}  // namespace examdocs::renderers
