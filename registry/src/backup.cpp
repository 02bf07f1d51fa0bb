#include "examdocs/registry/backup.h"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace examdocs::registry {

namespace {

struct SqliteClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqlitePtr = std::unique_ptr<sqlite3, SqliteClose>;

SqlitePtr open_database(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    SqlitePtr db(raw);  // closed even when opening failed, as SQLite asks
    if (rc != SQLITE_OK) {
        throw std::runtime_error("cannot open " + path + ": " +
                                 (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    // The service may hold the write lock for a moment: wait rather than fail.
    sqlite3_busy_timeout(db.get(), 10000);
    return db;
}

}  // namespace

int backup_sqlite(const std::string& from, const std::string& to) {
    // Read-write rather than read-only so that SQLite can read the WAL of a database the
    // service has open (a read-only connection needs the -shm file to exist and be
    // writable); nothing is written to it.
    auto source = open_database(from, SQLITE_OPEN_READWRITE);
    auto target = open_database(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
    if (!backup) {
        throw std::runtime_error("cannot back up " + from + ": " + sqlite3_errmsg(target.get()));
    }
    // All pages in one step: the copy is one snapshot, and a registry is small enough.
    int rc = SQLITE_OK;
    do {
        rc = sqlite3_backup_step(backup, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        throw std::runtime_error("cannot back up " + from + ": " + sqlite3_errstr(rc));
    }
    // A copy that needs no -wal file next to it: one self-contained file.
    char* error = nullptr;
    if (sqlite3_exec(target.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, &error) !=
        SQLITE_OK) {
        const std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("cannot finish the backup " + to + ": " + message);
    }
    int version = 0;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(target.get(), "SELECT version FROM schema_version", -1, &raw, nullptr) ==
        SQLITE_OK) {
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
        if (sqlite3_step(statement.get()) == SQLITE_ROW) {
            version = sqlite3_column_int(statement.get(), 0);
        }
    }
    return version;
}

bool sqlite_file_is_sound(const std::string& path, std::string& problem) {
    try {
        auto db = open_database(path, SQLITE_OPEN_READONLY);
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check", -1, &raw, nullptr) !=
            SQLITE_OK) {
            problem = sqlite3_errmsg(db.get());
            return false;
        }
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
        if (sqlite3_step(statement.get()) != SQLITE_ROW) {
            problem = sqlite3_errmsg(db.get());
            return false;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
        problem = text ? text : "";
        return problem == "ok";
    } catch (const std::exception& e) {
        problem = e.what();
        return false;
    }
}

}  // namespace examdocs::registry
