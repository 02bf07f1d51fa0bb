#pragma once
// What `examdocs serve` warns about at start: settings that work but are very likely
// wrong in production (QR codes pointing at localhost, no API keys, listening on every
// interface, the SQLite registry on a network file system). Each is one "warn" line in
// the log; none stops the start.
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/service/config.h"
#include "examdocs/service/log.h"

namespace examdocs::service {

struct StartupWarning {
    std::string message;
    LogFields fields;
};

// Reads the file system of the data directory (statfs); otherwise a function of `settings`.
std::vector<StartupWarning> startup_warnings(const Settings& settings);

// The name of a network file system for a statfs f_type ("nfs", "cifs", …), or empty for a
// local one.
std::string_view network_file_system_name(long long statfs_type);

}  // namespace examdocs::service
