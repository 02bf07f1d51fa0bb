#pragma once
// Bulk printing jobs in the registry database: what was asked (layout, options), where it
// stands (state, counts), and the records it refused. The input and the result are files
// in the data directory; the rows say what happened to them, so that a job survives a
// restart. Thread-safe.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "examdocs/registry/database.h"

namespace examdocs::registry {

struct JobRow {
    std::string id;
    std::string layout;
    std::string state;        // queued, running, done, failed, cancelled
    std::string options;      // JSON, as the service stores it
    std::int64_t total = -1;  // records in the input; -1 while unknown
    std::int64_t done = 0, printed = 0, refused = 0, pages = 0, bytes = 0;
    std::string error;
    int attempts = 0;  // runs started: more than one means it resumed after a restart
    std::string created_at, started_at, finished_at;
};

struct JobFailureRow {
    std::int64_t record = 0;
    std::int64_t line = 0;
    std::string errors;  // JSON array of {pointer, code, message}
};

class JobStore {
  public:
    explicit JobStore(std::shared_ptr<Database> database) : database_(std::move(database)) {}

    void create(const JobRow& job);
    std::optional<JobRow> find(const std::string& id);
    // queued → running, attempts + 1, and the failures of an earlier run forgotten (the run
    // starts over). False when the job is not queued or running any more.
    bool start(const std::string& id);
    void progress(const std::string& id, std::int64_t done, std::int64_t printed,
                  std::int64_t refused, const std::vector<JobFailureRow>& new_failures);
    void finish(const std::string& id, const std::string& state, const JobRow& counts,
                const std::string& error = "");
    // queued or running → cancelled. False when it had already ended (or is unknown).
    bool cancel(const std::string& id);
    std::vector<JobFailureRow> failures(const std::string& id, int limit);
    // Jobs a restart must pick up again: queued or running, oldest first.
    std::vector<std::string> unfinished();
    int active_count();  // queued or running

  private:
    std::shared_ptr<Database> database_;
};

}  // namespace examdocs::registry
