#pragma once
// Bulk printing jobs in the registry's database: what was asked (layout, options), where it
// stands (state, counts), and the records it refused. The input and the result are files
// in the data directory; the rows say what happened to them, so that a job survives a
// restart. Thread-safe.
//
// A job can also be split into chunks, rows that say which bytes of its stored input hold
// which records; any instance sharing the database claims one (SELECT … FOR UPDATE SKIP
// LOCKED on PostgreSQL), prints it into the payload store and marks it done; a claim not
// renewed within its lease can be taken over by another instance. The bytes themselves
// never pass through the database.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/jobs/job_options.h"
#include "examdocs/registry/database.h"
#include "examdocs/registry/notifications.h"

namespace examdocs::jobs {

struct JobFailureRow {
    std::int64_t record = 0;
    std::int64_t line = 0;
    std::string errors;  // JSON array of {pointer, code, message}
};

struct JobRow {
    std::string id;
    std::string layout;
    JobState state = JobState::queued;
    JobOptions options;
    std::int64_t total = -1;  // records in the input; -1 while unknown
    std::int64_t done = 0, printed = 0, refused = 0, pages = 0, bytes = 0;
    std::string error;
    int attempts = 0;  // runs started: more than one means it resumed after a restart
    std::string created_at, started_at, finished_at;
    std::int64_t chunks = -1;  // chunks once the job is split; -1 while not (or never)
    // The callback's state and the POSTs tried.
    CallbackState callback = CallbackState::none;
    int callback_attempts = 0;
};

// Where a chunk's records are: a byte range of the job's input in the payload store
// (jobs/payload_store.h), read after the input's CSV header when it has one.
struct ChunkRange {
    std::int64_t chunk = 0;
    std::int64_t first_record = 1;
    std::int64_t records = 0;
    std::string kind;  // bulk::ChunkKind's name: csv, ndjson or records
    std::int64_t input_offset = 0, input_bytes = 0, header_bytes = 0, line_offset = 0;
};

// A chunk as claimed.
struct ChunkClaim {
    std::string job_id;
    ChunkRange range;
    int attempts = 0;  // claims so far, this one included
};

// What printing a chunk made (its part of the output is in the payload store already).
struct ChunkResult {
    std::int64_t printed = 0, refused = 0, pages = 0;
    std::vector<JobFailureRow> failures;
};

// A chunk printed and completed: its part can be assembled.
struct DoneChunk {
    std::int64_t chunk = 0;
    std::int64_t pages = 0;
};

class JobStore {
  public:
    // Brings the job tables up to this version's schema (their own sequence of
    // migrations, after the registry's: see job_store.cpp).
    explicit JobStore(std::shared_ptr<registry::Database> database);
    int schema_version();

    void create(const JobRow& job);
    std::optional<JobRow> find(const std::string& id);
    // queued → running, attempts + 1, and the failures of an earlier run forgotten (the run
    // starts over). False when the job is not queued or running any more.
    bool start(const std::string& id);
    void progress(const std::string& id, std::int64_t done, std::int64_t printed,
                  std::int64_t refused, const std::vector<JobFailureRow>& new_failures);
    void finish(const std::string& id, JobState state, const JobRow& counts,
                const std::string& error = "");
    // queued or running → cancelled. False when it had already ended (or is unknown).
    bool cancel(const std::string& id);
    std::vector<JobFailureRow> failures(const std::string& id, int limit);
    // Jobs newest first (by creation, then id), at most `limit`, only those in `state` and
    // of `layout` when given, and only those after `after` (the created_at and id of the
    // last job of the page before; empty: from the newest).
    struct ListQuery {
        std::optional<JobState> state;
        std::string layout;
        std::string after_created_at, after_id;
        int limit = 20;
    };
    std::vector<JobRow> list(const ListQuery& query);
    // Jobs a restart must pick up again: queued or running, oldest first.
    std::vector<std::string> unfinished();
    int active_count();  // queued or running
    // How many jobs are in each state (for /metrics).
    std::map<std::string, long long> count_by_state();

    // The database server's time in epoch seconds: the one clock instances share.
    std::int64_t clock();

    // Chunks. A job is split by the instance holding its input: start_split() moves it to
    // running keeping what earlier runs completed, add_chunks() stores the rows of a batch
    // of chunks in one statement (again after a restart: chunks stored before are kept as
    // they are; no database-wide lock, so claims go on meanwhile), and split_done()
    // records how many there are.
    bool start_split(const std::string& id);
    void add_chunks(const std::string& id, const std::vector<ChunkRange>& chunks);
    void split_done(const std::string& id, std::int64_t chunks);
    // The oldest claimable chunk of a running job — queued, or claimed by an instance whose
    // lease (claims renewed before `now - lease_seconds`) ran out — claimed for
    // `instance`. Nullopt when there is none.
    std::optional<ChunkClaim> claim_chunk(const std::string& instance, std::int64_t now,
                                          std::int64_t lease_seconds);
    // Renews the claim; false when the chunk is no longer this instance's.
    bool renew_chunk(const std::string& id, std::int64_t chunk, const std::string& instance,
                     std::int64_t now);
    // Marks the chunk done, adds its counts to the job and records its failures, in one
    // transaction that locks only the chunk's and the job's rows. False (and nothing
    // changed) when the claim was lost.
    bool complete_chunk(const std::string& id, std::int64_t chunk, const std::string& instance,
                        const ChunkResult& result, std::int64_t now);
    // Claims of `instance` back to the queue (it stopped, or restarts).
    void release_chunks(const std::string& instance);
    // Running jobs, split, with every chunk done: the ones to assemble, oldest first. With
    // `quiet_seconds`, only those whose last chunk finished before `now - quiet_seconds`
    // (an assembler that died leaves them).
    std::vector<std::string> assemblable(std::int64_t now, std::int64_t quiet_seconds);
    // The job's done chunks numbered `from` or more, in order (for an assembler that
    // appends parts as they come).
    std::vector<DoneChunk> done_chunks(const std::string& id, std::int64_t from);
    // running → done with the final counts; false when the job is not running (cancelled,
    // or another instance finished it first).
    bool complete(const std::string& id, const JobRow& counts);

    // Callbacks. The oldest ended job whose callback is waiting and due, claimed for
    // `lease_seconds` (no other instance sends it meanwhile): its id and the attempt this
    // is. Then callback_sent() with the outcome: delivered, or to try again at `retry_at`
    // (epoch seconds), or 0 to give up.
    std::optional<std::pair<std::string, int>> claim_callback(std::int64_t now,
                                                              std::int64_t lease_seconds);
    void callback_sent(const std::string& id, bool delivered, std::int64_t retry_at);

    // Retention: jobs that ended (done, failed, cancelled) before `cutoff` (ISO 8601, as
    // finished_at is written), oldest first; and removing one with all its rows.
    std::vector<std::string> ended_before(const std::string& cutoff);
    void remove(const std::string& id);

    // Wake-ups between instances (PostgreSQL's NOTIFY on one channel): kChunksQueued when
    // chunks become claimable (a job was split, an instance handed its claims back),
    // kPartDone when a chunk is done (for the job's assembler). Chunks whose lease ran out
    // and callbacks come due send nothing: those are found by polling. `handler` gets the
    // payload, or "" after (re)connecting; nullptr on SQLite (one instance, nothing to hear).
    static constexpr std::string_view kChannel = "examdocs_jobs";
    static constexpr std::string_view kChunksQueued = "chunks";
    static constexpr std::string_view kPartDone = "part";
    std::unique_ptr<registry::NotificationListener> listen(
        registry::NotificationListener::Handler handler);

  private:
    void notify(Poco::Data::Session& s, std::string_view what);
    void delete_chunks(Poco::Data::Session& s, const std::string& id);
    void add_failures(Poco::Data::Session& s, const std::string& id,
                      const std::vector<JobFailureRow>& failures);

    std::shared_ptr<registry::Database> database_;
};

}  // namespace examdocs::jobs
