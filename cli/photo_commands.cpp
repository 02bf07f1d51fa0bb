// `examdocs check-photo --profile NAME [--json] FILE...`: one line per file (or one JSON
// report per line); exit 0 only when every file passes, 1 when any fails, 65 when a file
// is not an image, 66 when one cannot be read.
// `examdocs normalize-photo --profile NAME IN -o OUT`: writes a JPEG that passes, or says
// why it cannot (exit 65).
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.h"
#include "commands.h"
#include "examdocs/photos/photo_check.h"

namespace examdocs::cli {

namespace {

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const photos::PhotoProfile& find_profile(const std::string& name) {
    const auto& profiles = photos::builtin_photo_profiles();
    auto it = profiles.find(name);
    if (it != profiles.end()) return it->second;
    std::string known;
    for (const auto& [n, p] : profiles) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("no photo profile '" + name + "'; the profiles are " + known);
}

}  // namespace

const CommandSpec& check_photo_spec() {
    static const CommandSpec spec{
        "check-photo",
        "FILE...",
        "Check ID photos against a profile, naming the failed checks.",
        "The checks are those of POST /v1/photos/check: format, file size, dimensions,\n"
        "aspect ratio, colour, background, face count, size and position, sharpness,\n"
        "exposure.",
        {{"profile", 'p', "NAME", "ruankao, skill-cert, ga461 or attachment (required)"},
         {"json", 0, "", "print each report as one JSON object per line"}},
        "0 every photo passes, 1 one fails, 64 usage, 65 a file is not an image, 66 a file "
        "cannot be read.",
        1,
        SIZE_MAX};
    return spec;
}

int check_photo_command(int argc, char** argv) {
    return run_command(check_photo_spec(), argc, argv, [](const ParsedArguments& args) {
        if (!args.has("profile")) throw UsageError("missing --profile NAME");
        const auto& profile = find_profile(args.value("profile"));
        const bool json = args.has("json");
        int status = 0;
        for (const auto& file : args.operands()) {
            const auto bytes = read_file(file);
            if (!bytes) {
                std::cerr << file << ": cannot read\n";
                status = kExitNoInput;
                continue;
            }
            auto report = photos::check_photo(
                std::as_bytes(std::span(bytes->data(), bytes->size())), profile);
            if (report.rejection != photos::Rejection::none) {
                std::cout << file << ": refused: " << report.rejection_detail << '\n';
                if (status == 0 || status == 1) status = kExitDataErr;
                continue;
            }
            if (json) {
                std::cout << photos::report_to_json(report) << '\n';
            } else {
                std::cout << file << ": " << (report.passed ? "pass" : "FAIL");
                for (const auto& c : report.checks) {
                    if (!c.passed) {
                        std::cout << "  " << c.code << " " << c.measured << " (" << c.limit << ") "
                                  << c.message_cn;
                    }
                }
                std::cout << '\n';
            }
            if (!report.passed && status == 0) status = 1;
        }
        return status;
    });
}

const CommandSpec& normalize_photo_spec() {
    static const CommandSpec spec{
        "normalize-photo",
        "IN",
        "Fix an ID photo: crop, scale, whiten the background, re-encode.",
        "Writes a JPEG that passes the profile, or says why the photo cannot be fixed\n"
        "(no face, several faces, still failing).",
        {{"profile", 'p', "NAME", "ruankao, skill-cert, ga461 or attachment (required)"},
         {"out", 'o', "FILE", "where to write the JPEG (required)"}},
        "0 written, 64 usage, 65 the photo cannot be fixed, 66 IN cannot be read, 74 the "
        "output cannot be written.",
        1,
        1};
    return spec;
}

int normalize_photo_command(int argc, char** argv) {
    return run_command(normalize_photo_spec(), argc, argv, [](const ParsedArguments& args) {
        if (!args.has("profile")) throw UsageError("missing --profile NAME");
        const std::string out_path = args.value("out");
        if (out_path.empty()) throw UsageError("missing --out FILE (where the JPEG goes)");
        const auto& profile = find_profile(args.value("profile"));
        const std::string& in_path = args.operands()[0];
        const auto bytes = read_file(in_path);
        if (!bytes) {
            std::cerr << in_path << ": cannot read\n";
            return kExitNoInput;
        }
        auto result = photos::normalize_photo(
            std::as_bytes(std::span(bytes->data(), bytes->size())), profile);
        if (result.jpeg.empty()) {
            std::cerr << in_path << ": " << result.problem_detail << " [" << result.problem_code
                      << "]\n";
            return kExitDataErr;
        }
        std::ofstream out(out_path, std::ios::binary);
        out << result.jpeg;
        if (!out) {
            std::cerr << out_path << ": cannot write\n";
            return kExitIoErr;
        }
        std::cout << out_path << ": " << result.report.width << "×" << result.report.height << ", "
                  << result.jpeg.size() << " bytes, passes " << profile.name << '\n';
        return 0;
    });
}

}  // namespace examdocs::cli
