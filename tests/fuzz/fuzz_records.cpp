// Untrusted: bulk job input (CSV, NDJSON, a JSON array) as a registration backend or an
// operator sends it. The first byte picks the format. Every record must come back as
// data or as errors, and a broken whole input as InputError: never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "examdocs/bulk/records.h"
#include "examdocs/renderers/layout_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const auto catalog = examdocs::renderers::LayoutCatalog::bundled();
    const auto format = static_cast<examdocs::bulk::InputFormat>(data[0] % 3);
    std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
    examdocs::bulk::ReadOptions options;
    options.max_record_bytes = 64 * 1024;
    try {
        auto reader =
            examdocs::bulk::open_records(in, format, *catalog.find("admission-ticket"), options);
        while (reader->next()) {
        }
    } catch (const examdocs::bulk::InputError&) {
    }
    return 0;
}
