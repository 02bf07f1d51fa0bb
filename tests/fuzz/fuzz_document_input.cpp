// Untrusted: the JSON body of POST /v1/documents/{layout}, parsed, checked and rendered
// as the service does (admission ticket layout). Field problems are fine; a crash, a hang
// or an exception other than the parser's is not. The syntax scan that finds the line and
// column of a JSON error runs over every input too.
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "examdocs/core/json_syntax.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto catalog = examdocs::renderers::LayoutCatalog::bundled();
    static const auto layout = catalog.find("admission-ticket");
    Poco::Dynamic::Var input;
    try {
        Poco::JSON::Parser parser;
        input = parser.parse(std::string(reinterpret_cast<const char*>(data), size));
    } catch (const Poco::Exception&) {
        // The service answers 400 with the position from our own scan, which must find
        // an error wherever Poco did (or say nothing, and the 400 has no position).
        const auto where = examdocs::find_json_syntax_error(
            std::string_view(reinterpret_cast<const char*>(data), size));
        if (where && (where->line == 0 || where->column == 0)) __builtin_trap();
        return 0;
    }
    // Whatever Poco parsed, the scan must not call broken (beyond the depth it stops at).
    const auto scanned = examdocs::find_json_syntax_error(
        std::string_view(reinterpret_cast<const char*>(data), size));
    if (scanned && scanned->what != "nested too deeply") __builtin_trap();
    examdocs::renderers::RenderContext context;
    context.document_id = "00000000000000000000000000000000";
    auto outcome = examdocs::renderers::render_document(*layout, input, context);
    if (!outcome.document && outcome.errors.empty()) __builtin_trap();
    return 0;
}
