// examdocs-documents: the commands that make documents from files (render, check-layout,
// check-photo, normalize-photo), linked without the server's libraries so that they start
// in a fraction of examdocs-all's time. The examdocs launcher runs it (launcher.cpp);
// `examdocs --help` and everything else is examdocs-all's (main.cpp).
#include <iostream>
#include <string_view>

#include "commands.h"

int main(int argc, char** argv) {
    using namespace examdocs::cli;
    static const Command documents[] = {
        {&render_spec, &render_command},
        {&check_layout_spec, &check_layout_command},
        {&check_photo_spec, &check_photo_command},
        {&normalize_photo_spec, &normalize_photo_command},
    };
    if (argc >= 2) {
        const std::string_view name = argv[1];
        for (const auto& c : documents) {
            if (c.spec().name == name) return c.run(argc - 1, argv + 1);
        }
    }
    std::cerr << "examdocs-documents runs render, check-layout, check-photo and normalize-photo "
                 "for the examdocs command; run 'examdocs --help'\n";
    return kExitUsage;
}
