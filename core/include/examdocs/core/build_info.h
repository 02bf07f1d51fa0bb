#pragma once
// What this build is: the project version and the git commit it was built from.
#include <string_view>

namespace examdocs {

std::string_view project_version();  // e.g. "0.1.0"
std::string_view git_commit();       // short hash, or "unknown" outside a git checkout

}  // namespace examdocs
