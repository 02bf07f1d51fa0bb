// The manifest of a PDF part, read back from the registry database by the instance that
// assembles a shared job (see part_manifest.h). A damaged row must be refused with a
// message, never crash; and what parses must survive writing and parsing again: the text
// of a parsed manifest parses to the same manifest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "examdocs/renderers/part_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using examdocs::renderers::PartManifest;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto manifest = PartManifest::parse(text, error);
    if (!manifest) {
        if (error.empty()) std::abort();  // a refusal always says why
        return 0;
    }
    // Sizes are written with three decimals, so the first rewrite may round them; from
    // there on the text is a fixed point.
    const std::string once = manifest->to_text();
    const auto again = PartManifest::parse(once, error);
    if (!again || again->to_text() != once) std::abort();
    if (again->objects != manifest->objects || again->glyphs != manifest->glyphs ||
        again->length != manifest->length || again->pages.size() != manifest->pages.size()) {
        std::abort();
    }
    return 0;
}
