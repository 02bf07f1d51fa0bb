#pragma once
// Audit lines of lookups, written by a thread of their own in batches: a public lookup
// must neither wait for a durable commit of its own (one fsync per verification held
// verification at ~500 a second) nor fail because the disk is full. Lines wait in memory
// and are committed together at most every `interval` or `batch` lines; when the
// database refuses a batch (full disk, PostgreSQL away) they stay queued, are retried
// with back-off, and each failure is reported through `on_failure`. flush() writes
// whatever waits; the destructor flushes once more.
//
// What a crash can lose: the lines of the last interval (and those queued while the
// database refused them). Issuance and revocation do not come through here; they are
// written in their own transaction with the row they describe.
//
// Thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "examdocs/registry/database.h"

namespace examdocs::registry {

// One line of the audit log: who did what to which certificate, when.
struct AuditEntry {
    std::string at;      // ISO 8601, UTC
    std::string actor;   // an API key's name, or "client <address>" for a public lookup
    std::string action;  // issue, revoke, lookup
    std::string number;
    std::string detail;  // the revocation reason; how a lookup was made
};

struct AuditWriterOptions {
    std::chrono::milliseconds interval{100};
    std::size_t batch = 500;
    // Past this many waiting lines the oldest are dropped (and counted): memory stays
    // bounded while the database is away for long.
    std::size_t max_waiting = 200'000;
};

class AuditWriter {
  public:
    // `on_failure(what, waiting)` is called from the writer's thread when a batch could
    // not be written; it must not throw.
    using FailureReport = std::function<void(const std::string& what, std::size_t waiting)>;

    AuditWriter(std::shared_ptr<Database> database, AuditWriterOptions options = {},
                FailureReport on_failure = {});
    ~AuditWriter();
    AuditWriter(const AuditWriter&) = delete;
    AuditWriter& operator=(const AuditWriter&) = delete;

    // Queues a line; never touches the database, never throws for the database's sake.
    void add(AuditEntry entry);
    // Writes every line queued so far, now. False when the database refused them (they
    // stay queued).
    bool flush();
    // Lines queued and not yet written; and how many were dropped for room.
    std::size_t waiting() const;
    std::size_t dropped() const;
    // The queued lines about `number`, oldest first (for a trail read before they land).
    std::vector<AuditEntry> waiting_for(const std::string& number) const;
    void set_failure_report(FailureReport on_failure);

  private:
    void run();
    bool write_waiting(std::unique_lock<std::mutex>& lock);

    std::shared_ptr<Database> database_;
    AuditWriterOptions options_;
    FailureReport on_failure_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<AuditEntry> waiting_;
    std::size_t dropped_ = 0;
    bool writing_ = false;  // a batch is out of `waiting_` and being committed
    std::condition_variable written_;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point retry_at_{};
    std::chrono::milliseconds back_off_{0};
    std::thread thread_;
};

// Appends `entries` to the audit log through `s`, inside the caller's transaction.
void write_audit_lines(Database& db, Poco::Data::Session& s,
                       const std::vector<AuditEntry>& entries);

}  // namespace examdocs::registry
