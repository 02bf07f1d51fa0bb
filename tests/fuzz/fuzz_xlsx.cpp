// Untrusted: an .xlsx workbook an exam office uploads. The first byte picks what the rest
// is: 0 the whole archive; 1-4 one XML part (sheet, shared strings, styles, workbook)
// placed in an otherwise sound package, so that mutations reach the XML readers rather
// than stopping at the ZIP's checksums. Every record must come back as data or errors, a
// broken workbook as InputError: never a crash, a hang or unbounded memory.
#include <Poco/DateTime.h>
#include <Poco/Zip/Compress.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "examdocs/bulk/records.h"
#include "examdocs/renderers/layout_catalog.h"

namespace {

constexpr const char* kRelationships =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string package(int fuzzed_part, const std::string& text) {
    const std::string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    std::array<std::pair<std::string, std::string>, 6> parts{{
        {"_rels/.rels", std::string("<Relationships><Relationship Id=\"r\" Type=\"") +
                            kRelationships +
                            "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
        {"xl/_rels/workbook.xml.rels",
         std::string("<Relationships><Relationship Id=\"s1\" Type=\"") + kRelationships +
             "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"ss\" Type=\"" +
             kRelationships + "/sharedStrings\" Target=\"sharedStrings.xml\"/>" +
             "<Relationship Id=\"st\" Type=\"" + kRelationships +
             "/styles\" Target=\"styles.xml\"/></Relationships>"},
        {"xl/worksheets/sheet1.xml",
         "<worksheet xmlns=\"" + main +
             "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\">"
             "<c r=\"A1\" s=\"1\"><v>46368</v></c></row></sheetData></worksheet>"},
        {"xl/sharedStrings.xml", "<sst xmlns=\"" + main + "\"><si><t>ticketNumber</t></si></sst>"},
        {"xl/styles.xml", "<styleSheet xmlns=\"" + main +
                              "\"><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>"
                              "</styleSheet>"},
        {"xl/workbook.xml", "<workbook xmlns=\"" + main + "\" xmlns:r=\"" + kRelationships +
                                "\"><sheets><sheet name=\"S\" r:id=\"s1\"/></sheets></workbook>"},
    }};
    // 1 → the sheet, 2 → shared strings, 3 → styles, 4 → the workbook
    parts[static_cast<std::size_t>(fuzzed_part + 1)].second = text;
    std::ostringstream out;
    Poco::Zip::Compress compress(out, true);
    for (const auto& [name, content] : parts) {
        std::istringstream in(content);
        compress.addFile(in, Poco::DateTime(2026, 1, 1), name, Poco::Zip::ZipCommon::CM_STORE);
    }
    compress.close();
    return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const auto catalog = examdocs::renderers::LayoutCatalog::bundled();
    const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    const int mode = data[0] % 5;
    std::istringstream in(mode == 0 ? rest : package(mode, rest));
    examdocs::bulk::ReadOptions options;
    options.max_record_bytes = 64 * 1024;
    try {
        auto reader = examdocs::bulk::open_records(in, examdocs::bulk::InputFormat::xlsx,
                                                   *catalog.find("admission-ticket"), options);
        while (reader->next()) {
        }
    } catch (const examdocs::bulk::InputError&) {
    }
    return 0;
}
