// `examdocs check-photo --profile NAME [--json] FILE...`: one line per file (or one JSON
// report per line); exit 0 only when every file passes, 1 when any fails, 65 when a file
// is not an image, 66 when one cannot be read.
// `examdocs normalize-photo --profile NAME IN -o OUT`: writes a JPEG that passes, or says
// why it cannot (exit 65).
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "examdocs/validators/photo_check.h"

namespace examdocs::cli {

namespace {

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const validators::PhotoProfile* find_profile(const std::string& name) {
    const auto& profiles = validators::builtin_photo_profiles();
    auto it = profiles.find(name);
    if (it != profiles.end()) return &it->second;
    std::cerr << "examdocs: no photo profile '" << name << "'; known:";
    for (const auto& [n, p] : profiles) std::cerr << ' ' << n;
    std::cerr << '\n';
    return nullptr;
}

}  // namespace

int check_photo_command(int argc, char** argv) {
    std::string profile_name;
    bool json = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--profile" && i + 1 < argc) {
            profile_name = argv[++i];
        } else if (arg == "--json") {
            json = true;
        } else {
            files.push_back(arg);
        }
    }
    if (profile_name.empty() || files.empty()) {
        std::cerr << "usage: examdocs check-photo --profile NAME [--json] FILE...\n";
        return 64;
    }
    const auto* profile = find_profile(profile_name);
    if (!profile) return 64;
    int status = 0;
    for (const auto& file : files) {
        const auto bytes = read_file(file);
        if (!bytes) {
            std::cerr << file << ": cannot read\n";
            status = 66;
            continue;
        }
        auto report = validators::check_photo(
            std::as_bytes(std::span(bytes->data(), bytes->size())), *profile);
        if (report.rejection != validators::Rejection::none) {
            std::cout << file << ": refused: " << report.rejection_detail << '\n';
            if (status == 0 || status == 1) status = 65;
            continue;
        }
        if (json) {
            std::cout << validators::report_to_json(report) << '\n';
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
}

int normalize_photo_command(int argc, char** argv) {
    std::string profile_name, in_path, out_path;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--profile" && i + 1 < argc) {
            profile_name = argv[++i];
        } else if ((arg == "-o" || arg == "--out") && i + 1 < argc) {
            out_path = argv[++i];
        } else {
            in_path = arg;
        }
    }
    if (profile_name.empty() || in_path.empty() || out_path.empty()) {
        std::cerr << "usage: examdocs normalize-photo --profile NAME IN -o OUT.jpg\n";
        return 64;
    }
    const auto* profile = find_profile(profile_name);
    if (!profile) return 64;
    const auto bytes = read_file(in_path);
    if (!bytes) {
        std::cerr << in_path << ": cannot read\n";
        return 66;
    }
    auto result = validators::normalize_photo(
        std::as_bytes(std::span(bytes->data(), bytes->size())), *profile);
    if (result.jpeg.empty()) {
        std::cerr << in_path << ": " << result.problem_code << ": " << result.problem_detail
                  << '\n';
        return 65;
    }
    std::ofstream out(out_path, std::ios::binary);
    out << result.jpeg;
    if (!out) {
        std::cerr << out_path << ": cannot write\n";
        return 74;
    }
    std::cout << out_path << ": " << result.report.width << "×" << result.report.height << ", "
              << result.jpeg.size() << " bytes, passes " << profile->name << '\n';
    return 0;
}

}  // namespace examdocs::cli
