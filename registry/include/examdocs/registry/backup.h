#pragma once
// A consistent copy of a SQLite registry taken while the service writes to it, with
// SQLite's online backup API: the copy is the database as of one transaction, and the
// service's writers are not blocked (WAL readers never block writers). PostgreSQL
// registries are backed up with pg_dump instead.
#include <string>

namespace examdocs::registry {

// Copies the SQLite database `from` into a new file `to` (replaced if it exists) and
// returns the copy's schema version (0 when it has none). Throws std::runtime_error naming
// the file and SQLite's message.
int backup_sqlite(const std::string& from, const std::string& to);

// Whether the file at `path` is a SQLite database whose integrity check passes.
bool sqlite_file_is_sound(const std::string& path, std::string& problem);

}  // namespace examdocs::registry
