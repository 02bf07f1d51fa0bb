// What instances sharing a job read back from the database: a chunk of records (CSV,
// NDJSON or encoded records after the chunk's mark line), and
// the parts of the output (a PDF part or a ZIP part with its manifest) that the assembler
// joins. Written by examdocs, but a damaged row must fail the job with a message, never
// crash the instance that reads it. The first byte picks what the rest is; a part is its
// manifest, a NUL byte, then its bytes.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/chunks.h"
#include "examdocs/renderers/layout_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    const int kind = data[0] % 3;
    try {
        if (kind == 0) {
            static const auto catalog = examdocs::renderers::LayoutCatalog::bundled();
            std::istringstream in(rest);
            examdocs::bulk::ReadOptions options;
            options.max_record_bytes = 64 * 1024;
            auto reader =
                examdocs::bulk::open_chunk(in, *catalog.find("admission-ticket"), options);
            while (reader->next()) {
            }
            return 0;
        }
        const auto nul = rest.find('\0');
        const std::string manifest = rest.substr(0, nul);
        const std::string bytes = nul == std::string::npos ? "" : rest.substr(nul + 1);
        std::ostringstream out;
        examdocs::bulk::PartAssembler assembler(
            out,
            kind == 1 ? examdocs::bulk::OutputKind::merged_pdf : examdocs::bulk::OutputKind::zip,
            {"title", "subject", {}, "00000000000000000000000000000000"});
        assembler.add(bytes, manifest);
        assembler.finish();
    } catch (const std::runtime_error&) {
        // InputError, PdfError, a part that does not match its manifest
    }
    return 0;
}
