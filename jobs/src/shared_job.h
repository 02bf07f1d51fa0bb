#pragma once
// Private to jobs/: the steps of a job shared between instances on one database. The
// instance holding the input splits it into chunks; any instance claims a chunk, prints
// it as a part of the output and stores it back; the one that completes the last chunk
// assembles the result, and any other asked for the result assembles the same bytes from
// the same parts.
#include <atomic>
#include <cstdint>
#include <string>

#include "examdocs/bulk/chunks.h"
#include "examdocs/jobs/job_store.h"

namespace examdocs::jobs {

class JobQueue;

class SharedJob {
  public:
    struct Assembled {
        std::string path;
        std::uint64_t bytes = 0;
        std::int64_t pages = 0;
    };

    explicit SharedJob(JobQueue& queue) : queue_(queue) {}

    // Splits the job's input into chunks in the store. Chunk boundaries depend only on the
    // input and the job's chunk size, so a split that runs again after a restart makes the
    // same chunks (and keeps those stored before).
    void split(const JobRow& job, const std::atomic<bool>& cancel);
    // Claims and prints one chunk of any instance's shared job; false when none is waiting.
    bool print_next_chunk();
    // Assembles a job whose chunks are all done and marks it done (or failed).
    void finish(const std::string& id);
    // The result file from the job's parts, in its directory. One assembly at a time.
    Assembled assemble(const JobRow& job);

  private:
    JobQueue& queue_;
};

}  // namespace examdocs::jobs
