// examdocs: the command-line entry point. `examdocs serve` runs the HTTP service; the
// other subcommands work on files without a server.
#include <cstring>
#include <iostream>
#include <string_view>

#include "commands.h"
#include "examdocs/core/build_info.h"
#include "examdocs/service/config.h"

namespace {

void print_usage(std::ostream& out) {
    out << "examdocs " << examdocs::project_version()
        << ": documents of exam and certification registration systems\n\n"
           "Usage:\n"
           "  examdocs serve [--config-file FILE] [-Dkey=value ...]   run the HTTP service\n"
           "  examdocs render LAYOUT DATA.json -o OUT.pdf            render one document\n"
           "  examdocs bulk --layout NAME --input FILE --out FILE   print many (see --help)\n"
           "  examdocs verify [--server URL] FILE|TEXT...            check certificates\n"
           "  examdocs check-photo --profile NAME [--json] FILE...     check ID photos\n"
           "  examdocs normalize-photo --profile NAME IN -o OUT.jpg   fix an ID photo\n"
           "  examdocs --version                                     print the version\n"
           "  examdocs --help                                        this text\n\n"
        << examdocs::service::config_help();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        print_usage(std::cerr);
        return 64;  // EX_USAGE
    }
    const std::string_view command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        print_usage(std::cout);
        return 0;
    }
    if (command == "--version" || command == "version") {
        std::cout << "examdocs " << examdocs::project_version() << " (" << examdocs::git_commit()
                  << ")\n";
        return 0;
    }
    if (command == "serve") return examdocs::cli::serve_command(argc - 1, argv + 1);
    if (command == "render") return examdocs::cli::render_command(argc - 1, argv + 1);
    if (command == "bulk") return examdocs::cli::bulk_command(argc - 1, argv + 1);
    if (command == "verify") return examdocs::cli::verify_command(argc - 1, argv + 1);
    if (command == "check-photo") return examdocs::cli::check_photo_command(argc - 1, argv + 1);
    if (command == "normalize-photo") {
        return examdocs::cli::normalize_photo_command(argc - 1, argv + 1);
    }
    std::cerr << "examdocs: unknown command '" << command << "'\n\n";
    print_usage(std::cerr);
    return 64;
}
