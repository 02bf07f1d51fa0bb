// Untrusted: the JSON body of POST /v1/documents/{layout}, parsed, checked and rendered
// as the service does (admission ticket layout). Field problems are fine; a crash, a hang
// or an exception other than the parser's is not.
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto catalog = examdocs::renderers::LayoutCatalog::bundled();
    static const auto* layout = catalog.find("admission-ticket");
    Poco::Dynamic::Var input;
    try {
        Poco::JSON::Parser parser;
        input = parser.parse(std::string(reinterpret_cast<const char*>(data), size));
    } catch (const Poco::Exception&) {
        return 0;  // the service answers 400
    }
    examdocs::renderers::RenderContext context;
    context.document_id = "00000000000000000000000000000000";
    auto outcome = examdocs::renderers::render_document(*layout, input, context);
    if (!outcome.document && outcome.errors.empty()) __builtin_trap();
    return 0;
}
