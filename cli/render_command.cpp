// `examdocs render LAYOUT DATA.json -o OUT.pdf`: one document without a server, for
// designing layouts and for scripts. Exit status: 0 rendered, 64 usage, 65 the data was
// refused (the field errors are printed as JSON on stderr), 66 a file is missing.
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli_support.h"
#include "commands.h"
#include "examdocs/core/problem.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"

namespace examdocs::cli {

namespace {

int usage() {
    std::cerr << "usage: examdocs render LAYOUT DATA.json -o OUT.pdf [--layouts-dir DIR]\n"
                 "       [--fixed-time 2026-01-01T00:00:00Z --document-id 32HEX]\n";
    return 64;
}

}  // namespace

int render_command(int argc, char** argv) {
    std::string layout_name, data_path, out_path, layouts_dir, document_id;
    std::optional<std::chrono::system_clock::time_point> fixed_time;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (arg == "-o" || arg == "--out") {
            out_path = next();
        } else if (arg == "--layouts-dir") {
            layouts_dir = next();
        } else if (arg == "--document-id") {
            document_id = next();
        } else if (arg == "--fixed-time") {
            fixed_time = parse_fixed_time(next());
            if (!fixed_time) return usage();
        } else if (layout_name.empty()) {
            layout_name = arg;
        } else if (data_path.empty()) {
            data_path = arg;
        } else {
            return usage();
        }
    }
    if (layout_name.empty() || data_path.empty() || out_path.empty()) return usage();

    auto catalog = renderers::LayoutCatalog::bundled();
    const renderers::Layout* layout = find_layout(catalog, layout_name, layouts_dir, "render");
    if (!layout) return 64;
    std::ifstream in(data_path);
    if (!in) {
        std::cerr << "examdocs render: cannot read " << data_path << '\n';
        return 66;
    }
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var data;
    try {
        data = parser.parse(in);
    } catch (const Poco::Exception& e) {
        std::cerr << "examdocs render: " << data_path << " is not JSON: " << e.message() << '\n';
        return 65;
    }
    renderers::RenderContext context;
    if (fixed_time) context.now = *fixed_time;
    context.document_id = document_id;
    auto outcome = renderers::render_document(*layout, data, context);
    if (!outcome.document) {
        std::cerr << problem_to_json(unprocessable("The data was refused.", outcome.errors),
                                     data_path, "cli")
                  << '\n';
        return 65;
    }
    std::ofstream out(out_path, std::ios::binary);
    out << outcome.document->pdf;
    if (!out) {
        std::cerr << "examdocs render: cannot write " << out_path << '\n';
        return 74;
    }
    std::cout << out_path << ": " << outcome.document->page_count << " page(s), "
              << outcome.document->pdf.size() << " bytes\n";
    return 0;
}

}  // namespace examdocs::cli
