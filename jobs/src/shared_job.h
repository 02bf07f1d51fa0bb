#pragma once
// Private to jobs/: the steps of a job shared between instances on one database and one
// payload store. The instance that accepted the job puts its input into the store and
// writes chunk rows saying which bytes of it hold which records; any instance claims a
// chunk, reads those bytes from the store, prints them as a part into the store and marks
// the chunk done; the accepting instance appends each part to the result as soon as it and
// every part before it are done (StreamingAssembly), so that the last chunk's completion is
// followed only by the tail of the assembly. An instance that finds a finished job nobody
// assembled (its assembler died) assembles it whole from the parts.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/chunks.h"
#include "examdocs/jobs/job_store.h"
#include "examdocs/jobs/payload_store.h"

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

    // Puts the job's input into the payload store (the upload as it is for CSV and NDJSON;
    // for a workbook, a JSON array or records with photos, the records normalised once to
    // encoded lines) and writes its chunk rows, a batch at a time, so that printing starts
    // with the first. Chunk boundaries depend only on the input and the job's chunk size,
    // so a split that runs again after a restart makes the same chunks (and keeps those
    // stored before).
    void split(const JobRow& job, const std::atomic<bool>& cancel);
    // Claims and prints one chunk of any instance's shared job; false when none is waiting
    // (or its input cannot be read here: the store is not the one the job was split into).
    bool print_next_chunk();
    // Assembles a job whose chunks are all done and marks it done (or failed).
    void finish(const std::string& id);
    // The result from the job's parts, into the payload store. One assembly at a time here.
    Assembled assemble(const JobRow& job);

  private:
    JobQueue& queue_;
};

// A job's result assembled while its chunks are printed, on the instance that split it.
class StreamingAssembly {
  public:
    StreamingAssembly(JobQueue& queue, std::string id);
    ~StreamingAssembly();
    StreamingAssembly(const StreamingAssembly&) = delete;
    StreamingAssembly& operator=(const StreamingAssembly&) = delete;

    // Appends every part that is ready, in order; when the last is in, finishes the file,
    // puts it into the store and marks the job done. True when there is nothing more to do
    // (the job ended, here or elsewhere). Throws when the store or a part fails.
    bool advance();
    const std::string& id() const { return id_; }

  private:
    JobQueue& queue_;
    std::string id_;
    std::unique_ptr<PayloadWriter> writer_;
    std::unique_ptr<bulk::PartAssembler> assembler_;
    std::string part_;       // the part being appended; its memory serves the next one
    std::int64_t next_ = 0;  // the chunk to append next
    std::int64_t pages_ = 0;
};

}  // namespace examdocs::jobs
