// examdocs-all: every command of examdocs, which the examdocs launcher runs (launcher.cpp)
// for all but the document commands. `examdocs serve` runs the HTTP service; the other
// subcommands work on files, or on the data of a server, without a server.
#include <iostream>
#include <string_view>

#include "commands.h"

namespace examdocs::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> all = {
        {&serve_spec, &serve_command},
        {&render_spec, &render_command},
        {&bulk_spec, &bulk_command},
        {&check_layout_spec, &check_layout_command},
        {&verify_spec, &verify_command},
        {&check_photo_spec, &check_photo_command},
        {&normalize_photo_spec, &normalize_photo_command},
        {&config_spec, &config_command},
        {&api_key_spec, &api_key_command},
        {&backup_spec, &backup_command},
        {&restore_spec, &restore_command},
        {&signing_key_spec, &signing_key_command},
        {&doctor_spec, &doctor_command},
        {&completion_spec, &completion_command},
    };
    return all;
}

}  // namespace examdocs::cli

namespace {

void print_usage(std::ostream& out) {
    using examdocs::cli::commands;
    out << "Usage: examdocs COMMAND [options]\n\n"
           "Documents of exam and certification registration systems: ID photo checks,\n"
           "admission tickets and certificates as PDF, the certificate registry.\n\n"
           "Commands:\n";
    for (const auto& c : commands()) {
        const auto& spec = c.spec();
        out << "  " << spec.name << std::string(18 - spec.name.size(), ' ') << spec.summary << '\n';
    }
    out << "\n'examdocs COMMAND --help' describes a command; 'examdocs config' lists the\n"
           "configuration keys of 'examdocs serve'. --version prints the version.\n";
}

}  // namespace

int main(int argc, char** argv) {
    using namespace examdocs::cli;
    if (argc < 2) {
        print_usage(std::cerr);
        return kExitUsage;
    }
    const std::string_view name = argv[1];
    if (name == "--help" || name == "-h") {
        print_usage(std::cout);
        return 0;
    }
    if (name == "--version" || name == "version") {
        std::cout << version_line() << '\n';
        return 0;
    }
    if (name == "help") {
        // `examdocs help COMMAND` is `examdocs COMMAND --help`.
        if (argc < 3) {
            print_usage(std::cout);
            return 0;
        }
        for (const auto& c : commands()) {
            if (c.spec().name == argv[2]) {
                std::cout << command_help(c.spec());
                return 0;
            }
        }
        std::cerr << "examdocs help: no command '" << argv[2] << "' (see 'examdocs --help')\n";
        return kExitUsage;
    }
    for (const auto& c : commands()) {
        if (c.spec().name == name) return c.run(argc - 1, argv + 1);
    }
    std::cerr << "examdocs: unknown command '" << name
              << "' (see 'examdocs --help' for the commands)\n";
    return kExitUsage;
}
