// `examdocs check-layout FILE.json…`: the checks the service runs on a layout at start,
// without a server — every error and warning with its JSON pointer, for layout authors.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli_support.h"
#include "commands.h"
#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/layout_lint.h"
#include "examdocs/renderers/layout_schema.h"

namespace examdocs::cli {

const CommandSpec& check_layout_spec() {
    static const CommandSpec spec{
        "check-layout",
        "FILE.json…",
        "Check layout files: errors and warnings with JSON pointers.",
        "Runs what the service runs on layouts at start and POST /v1/layouts/validate\n"
        "answers: the schema (every key, type and value), boxes that leave the page,\n"
        "and the lint (overlapping text, text that cannot hold its field's maxLength,\n"
        "codes under 0.33 mm on 1, 2 or 4 pages per sheet, fields no element shows,\n"
        "elements showing no field, low contrast). --schema prints the reference of\n"
        "every key (layouts/README.md is made from it).",
        {{"schema", 0, "", "print the layout reference (Markdown) and exit"},
         {"strict", 0, "", "warnings fail too (exit 65)"}},
        "0 every file is valid, 65 a file has errors (or warnings with --strict), 66 a file "
        "cannot be read.",
        0,
        SIZE_MAX};
    return spec;
}

int check_layout_command(int argc, char** argv) {
    return run_command(check_layout_spec(), argc, argv, [](const ParsedArguments& args) {
        if (args.has("schema")) {
            std::cout << renderers::layout_reference_markdown();
            return 0;
        }
        if (args.operands().empty()) throw UsageError("name one or more layout files");
        int status = 0;
        for (const auto& path : args.operands()) {
            std::ifstream in(path);
            if (!in) {
                std::cerr << "examdocs check-layout: cannot read " << path << '\n';
                return kExitNoInput;
            }
            std::ostringstream text;
            text << in.rdbuf();
            const auto check = renderers::check_layout(text.str(), fonts::bundled_font_set());
            for (const auto& e : check.errors) {
                std::cout << path << ": error: " << renderers::describe(e) << " [" << e.code
                          << "]\n";
            }
            for (const auto& w : check.warnings) {
                std::cout << path << ": warning: " << renderers::describe(w) << " [" << w.code
                          << "]\n";
            }
            if (!check.errors.empty() || (args.has("strict") && !check.warnings.empty())) {
                status = kExitDataErr;
            }
        }
        return status;
    });
}

}  // namespace examdocs::cli
