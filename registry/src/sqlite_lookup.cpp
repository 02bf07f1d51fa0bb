#include "sqlite_lookup.h"

#include <sqlite3.h>

#include <utility>

namespace examdocs::registry {

namespace {

// More idle connections than this are closed rather than kept: enough for the worker
// threads that look up at once on two cores, few enough to hold little memory.
constexpr std::size_t kMaxIdle = 8;

std::string text_of(sqlite3_stmt* st, int column) {
    const auto* text = sqlite3_column_text(st, column);
    if (!text) return {};  // NULL reads as "", as Poco's into() does
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(st, column)));
}

std::string blob_of(sqlite3_stmt* st, int column) {
    const void* blob = sqlite3_column_blob(st, column);
    if (!blob) return {};
    return std::string(static_cast<const char*>(blob),
                       static_cast<std::size_t>(sqlite3_column_bytes(st, column)));
}

}  // namespace

struct SqliteLookup::Reader {
    sqlite3* db = nullptr;
    sqlite3_stmt* select = nullptr;
};

void SqliteLookup::ReaderGone::operator()(Reader* r) const {
    sqlite3_finalize(r->select);
    sqlite3_close_v2(r->db);
    delete r;
}

SqliteLookup::SqliteLookup(std::string path) : path_(std::move(path)) {}

SqliteLookup::~SqliteLookup() = default;

SqliteLookup::ReaderPtr SqliteLookup::take() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            ReaderPtr r = std::move(idle_.back());
            idle_.pop_back();
            return r;
        }
    }
    ReaderPtr r(new Reader);
    // No SQLITE_OPEN_CREATE: the Database made the file; one that vanished is an error.
    if (sqlite3_open_v2(path_.c_str(), &r->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                        nullptr) != SQLITE_OK) {
        return nullptr;
    }
    sqlite3_busy_timeout(r->db, 10'000);
    if (sqlite3_prepare_v3(r->db, kSelectCertificateByNumber, -1, SQLITE_PREPARE_PERSISTENT,
                           &r->select, nullptr) != SQLITE_OK) {
        return nullptr;
    }
    return r;
}

void SqliteLookup::give_back(ReaderPtr reader) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(reader));
}

SqliteLookup::Outcome SqliteLookup::find(const std::string& number, Certificate& out) {
    ReaderPtr r = take();
    if (!r) return Outcome::failed;
    sqlite3_stmt* st = r->select;
    // The statement is reset before its connection goes back to the free list: one left
    // stepping would hold its read transaction open and keep WAL checkpoints from
    // finishing. On a failure the connection is not given back but closed (finalized
    // with it).
    if (sqlite3_bind_text(st, 1, number.data(), static_cast<int>(number.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
        return Outcome::failed;
    }
    const int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        sqlite3_reset(st);
        give_back(std::move(r));
        return Outcome::absent;
    }
    if (step != SQLITE_ROW) return Outcome::failed;  // the connection is dropped, not reused
    int i = 0;
    Certificate c;
    c.number = text_of(st, i++);
    c.holder_name = text_of(st, i++);
    c.id_number = text_of(st, i++);
    c.occupation_code = text_of(st, i++);
    c.occupation_name = text_of(st, i++);
    c.job = text_of(st, i++);
    c.level = sqlite3_column_int(st, i++);
    c.level_scheme = text_of(st, i++);
    c.level_name = text_of(st, i++);
    c.committee = text_of(st, i++);
    c.approval_number = text_of(st, i++);
    c.approval_date = text_of(st, i++);
    c.serial = text_of(st, i++);
    c.occupation_name_en = text_of(st, i++);
    c.signed_form = sqlite3_column_type(st, i) == SQLITE_NULL ? 1 : sqlite3_column_int(st, i);
    ++i;
    c.issuer = text_of(st, i++);
    c.issue_date = text_of(st, i++);
    c.expiry_date = text_of(st, i++);
    c.photo_jpeg = blob_of(st, i++);
    c.status = text_of(st, i++);
    c.revoked_reason = text_of(st, i++);
    c.revoked_at = text_of(st, i++);
    c.verification_code = text_of(st, i++);
    c.key_id = text_of(st, i++);
    c.signature = text_of(st, i++);
    c.created_at = text_of(st, i++);
    out = std::move(c);
    sqlite3_reset(st);
    give_back(std::move(r));
    return Outcome::found;
}

}  // namespace examdocs::registry
