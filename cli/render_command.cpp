// `examdocs render LAYOUT DATA.json -o OUT.pdf`: one document without a server, for
// designing layouts and for scripts.
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"

namespace examdocs::cli {

const CommandSpec& render_spec() {
    static const CommandSpec spec{
        "render",
        "LAYOUT DATA.json",
        "Render one document from a JSON file to a PDF.",
        "LAYOUT is a document kind (admission-ticket, certificate, application-form,\n"
        "score-notice, or one from --layouts-dir); DATA.json is what POST\n"
        "/v1/documents/LAYOUT takes. A refusal lists every field at fault.",
        {{"out", 'o', "FILE", "where to write the PDF (required)"},
         {"layouts-dir", 0, "DIR", "layouts beyond the built-in ones"},
         {"fixed-time", 0, "TIME",
          "creation time, e.g. 2026-01-01T00:00:00Z (reproducible output)"},
         {"document-id", 0, "HEX", "the PDF /ID, 32 hex digits (reproducible output)"},
         {"json", 0, "", "print a refusal as application/problem+json instead of sentences"}},
        "0 rendered, 64 usage, 65 the data was refused, 66 DATA.json is missing, 69 a font is "
        "missing or altered, 74 the PDF cannot be written.",
        2,
        2};
    return spec;
}

int render_command(int argc, char** argv) {
    return run_command(render_spec(), argc, argv, [](const ParsedArguments& args) {
        const std::string& layout_name = args.operands()[0];
        const std::string& data_path = args.operands()[1];
        const std::string out_path = args.value("out");
        if (out_path.empty()) throw UsageError("missing --out FILE (where the PDF goes)");
        std::optional<std::chrono::system_clock::time_point> fixed_time;
        if (args.has("fixed-time")) {
            fixed_time = parse_fixed_time(args.value("fixed-time"));
            if (!fixed_time) {
                throw UsageError("--fixed-time takes a UTC time like 2026-01-01T00:00:00Z, not '" +
                                 args.value("fixed-time") + "'");
            }
        }
        if (!fonts_ready("render")) return kExitUnavailable;
        auto catalog = renderers::LayoutCatalog::bundled(layout_name);
        const renderers::Layout& layout =
            find_layout(catalog, layout_name, args.value("layouts-dir"));
        std::ifstream in(data_path);
        if (!in) {
            std::cerr << "examdocs render: cannot read " << data_path << '\n';
            return kExitNoInput;
        }
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var data;
        try {
            data = parser.parse(in);
        } catch (const Poco::Exception& e) {
            std::cerr << "examdocs render: " << data_path << " is not JSON: " << e.message()
                      << '\n';
            return kExitDataErr;
        }
        renderers::RenderContext context;
        if (fixed_time) context.now = *fixed_time;
        context.document_id = args.value("document-id");
        // The writer refuses anything else as a fault; a person gets a usage error first.
        if (!context.document_id.empty() && (context.document_id.size() != 32 ||
                                             context.document_id.find_first_not_of(
                                                 "0123456789abcdefABCDEF") != std::string::npos)) {
            throw UsageError("--document-id takes 32 hex digits, not '" + context.document_id +
                             "'");
        }
        auto outcome = renderers::render_document(layout, data, context);
        if (!outcome.document) {
            const Problem problem =
                unprocessable("The data in " + data_path + " was refused (" +
                                  std::to_string(outcome.errors.size()) + " field(s)).",
                              outcome.errors);
            if (args.has("json")) {
                std::cerr << problem_to_json(problem, data_path, "cli") << '\n';
            } else {
                std::cerr << "examdocs render: " << problem_text(problem) << '\n';
            }
            return kExitDataErr;
        }
        std::ofstream out(out_path, std::ios::binary);
        out << outcome.document->pdf;
        if (!out) {
            std::cerr << "examdocs render: cannot write " << out_path << '\n';
            return kExitIoErr;
        }
        std::cout << out_path << ": " << outcome.document->page_count << " page(s), "
                  << outcome.document->pdf.size() << " bytes\n";
        return 0;
    });
}

}  // namespace examdocs::cli
