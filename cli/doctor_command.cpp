// `examdocs doctor`: whether this installation can do its work — every font and the
// colour profile read in full and checked against the manifest (refreshing the hash cache
// the one-shot commands trust), and the photo checks' module and face model loadable.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "examdocs/fonts/font_manifest.h"
#include "examdocs/photos/photo_check.h"

namespace examdocs::cli {

const CommandSpec& doctor_spec() {
    static const CommandSpec spec{
        "doctor",
        "",
        "Check the fonts, colour profile and photo checks of this installation.",
        "Reads every font and the colour profile in full and compares their sha256 with\n"
        "the manifest built into examdocs (the one-shot commands trust the hashes this\n"
        "records, for the very same files), and loads the photo checks and the face\n"
        "model. One line per check.",
        {},
        "0 all fine, 69 something is missing or altered (the line says which package).",
        0,
        0};
    return spec;
}

int doctor_command(int argc, char** argv) {
    return run_command(doctor_spec(), argc, argv, [](const ParsedArguments&) {
        bool fine = true;
        auto checks = fonts::verify_fonts(fonts::bundled_fonts(), fonts::HashCheck::full);
        checks.push_back(
            fonts::verify_output_intent(fonts::bundled_output_intent(), fonts::HashCheck::full));
        for (const auto& c : checks) {
            std::cout << (c.ok ? "ok    " : "FAIL  ") << c.id << ": " << c.detail << '\n';
            fine = fine && c.ok;
        }
        const std::string photos = photos::photo_analysis_problem();
        std::cout << (photos.empty() ? "ok    " : "FAIL  ")
                  << "photo checks: " << (photos.empty() ? "module and face model load" : photos)
                  << '\n';
        fine = fine && photos.empty();
        return fine ? 0 : kExitUnavailable;
    });
}

}  // namespace examdocs::cli
