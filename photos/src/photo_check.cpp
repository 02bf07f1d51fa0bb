// check_photo and normalize_photo, through the photo-analysis module (photo_analysis.h):
// the module is opened on first use, once per process, so that commands that never look
// at a photo never load OpenCV.
#include "examdocs/photos/photo_check.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "photo_analysis.h"

namespace examdocs::photos {

namespace {

constexpr const char* kModuleName = "photo-analysis.so";

// Where the module may be, first match wins: EXAMDOCS_MODULE_DIR (for unusual layouts);
// the running program's own directory (the commands' programs, which the examdocs launcher
// runs from lib/examdocs); lib/examdocs beside the running program's bin/ (tests and other
// programs of the build tree, whose modules go to <build>/lib/examdocs); the build tree's
// own module directory, for programs built elsewhere in it (fuzz targets).
std::vector<std::filesystem::path> module_candidates() {
    std::vector<std::filesystem::path> out;
    if (const char* dir = std::getenv("EXAMDOCS_MODULE_DIR"); dir != nullptr && *dir != '\0') {
        out.emplace_back(std::filesystem::path(dir) / kModuleName);
    }
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        out.push_back(self.parent_path() / kModuleName);
        out.push_back(self.parent_path() / ".." / "lib" / "examdocs" / kModuleName);
    }
#ifdef EXAMDOCS_BUILD_MODULE_DIR
    out.emplace_back(std::filesystem::path(EXAMDOCS_BUILD_MODULE_DIR) / kModuleName);
#endif
    return out;
}

const PhotoAnalysis& analysis() {
    static std::once_flag once;
    static const PhotoAnalysis* entry = nullptr;
    static std::string failure;
    std::call_once(once, [] {
        std::string tried;
        for (const auto& path : module_candidates()) {
            std::error_code ec;
            if (!std::filesystem::exists(path, ec)) continue;
            // RTLD_LOCAL: the module's copies of our own code and OpenCV's symbols stay
            // its own. Never closed: the process keeps using it.
            void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (handle == nullptr) {
                const char* why = ::dlerror();
                tried = why != nullptr ? why : "dlopen failed";
                continue;
            }
            auto* get = reinterpret_cast<decltype(&examdocs_photo_analysis_v1)>(
                ::dlsym(handle, "examdocs_photo_analysis_v1"));
            const PhotoAnalysis* found = get != nullptr ? get() : nullptr;
            if (found == nullptr || found->version != kPhotoAnalysisVersion) {
                tried = "the module is from another build of examdocs";
                continue;
            }
            entry = found;
            return;
        }
        failure = "the photo checks are not installed (lib/examdocs/" + std::string(kModuleName) +
                  " beside the examdocs binary" + (tried.empty() ? "" : ": " + tried) +
                  "); reinstall the examdocs package";
    });
    if (entry == nullptr) throw std::runtime_error(failure);
    return *entry;
}

}  // namespace

PhotoReport check_photo(std::span<const std::byte> bytes, const PhotoProfile& profile) {
    return analysis().check(bytes, profile);
}

NormalizedPhoto normalize_photo(std::span<const std::byte> bytes, const PhotoProfile& profile) {
    return analysis().normalize(bytes, profile);
}

std::string photo_analysis_problem() {
    try {
        return analysis().face_model_problem();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
}

}  // namespace examdocs::photos
