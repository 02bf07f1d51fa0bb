#pragma once
// Runs bulk printing jobs: a bounded pool of workers takes queued jobs from the registry
// database, prints each with the bulk engine into the job's directory, and records
// progress and refused records as it goes. A job that was queued or running when the
// process stopped is run again from the start after a restart: its output is written
// under a temporary name and renamed only when complete, and a run is deterministic
// (the job's creation time and id are its PDF's date and /ID), so the result is the one
// an uninterrupted run would have made — no record lost, none printed twice.
//
// When a job ends and it has a callback URL, the job's state is POSTed there, signed
// with HMAC-SHA256 (jobs.callback-secret), and retried with back-off; the callback waits
// in the database, so a restart (or another instance) delivers it.
//
// Shared jobs (jobs.chunk-records > 0, for instances on one PostgreSQL): the instance that
// accepted the job reads its input and splits it into chunks in the database; the workers
// of every instance claim chunks, print each as a part of the output and store it back;
// the one that completes the last chunk assembles the result into its data directory, and
// any other instance asked for the result assembles it from the same parts. An instance
// that dies holding a chunk gets it back at its restart, or loses it to another instance
// when its lease runs out; a finished job whose assembler died is assembled by whichever
// instance notices first.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <Poco/JSON/Object.h>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/chunks.h"
#include "examdocs/bulk/records.h"
#include "examdocs/registry/job_store.h"

namespace examdocs::service {

class Service;

class JobRunner {
  public:
    // `chunk_records`: records per chunk of a shared job; 0 keeps jobs whole.
    JobRunner(Service& service, std::shared_ptr<registry::JobStore> store, std::string jobs_dir,
              int chunk_records);
    ~JobRunner();
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    // Queues the jobs a restart must pick up, then starts the workers.
    void start();
    // Interrupts running jobs (they stay "running" in the database, to be run again at
    // the next start) and joins the workers. Idempotent.
    void stop();

    void enqueue(const std::string& id);
    // Stops a running job at its next batch. The caller has marked it cancelled.
    void interrupt(const std::string& id);

    registry::JobStore& store() { return *store_; }
    std::string dir_of(const std::string& id) const { return jobs_dir_ + "/" + id; }
    int chunk_records() const { return chunk_records_; }
    // Who this instance is among those sharing jobs (kept in the data directory).
    const std::string& instance() const { return instance_; }
    // The result of a job that is done, assembled here first when another instance
    // assembled it. Throws std::runtime_error when it cannot be had.
    std::string result_file(const registry::JobRow& job);

  private:
    // A job (or a chunk of one) running on this instance, which interrupt() can stop.
    class Running {
      public:
        Running(JobRunner& runner, const std::string& id);
        ~Running();
        Running(const Running&) = delete;
        Running& operator=(const Running&) = delete;
        std::shared_ptr<std::atomic<bool>> flag() const { return cancel_; }

      private:
        JobRunner& runner_;
        std::shared_ptr<std::atomic<bool>> cancel_;
        std::multimap<std::string, std::shared_ptr<std::atomic<bool>>>::iterator entry_;
    };
    struct Assembled {
        std::string path;
        std::uint64_t bytes = 0;
        std::int64_t pages = 0;
    };

    void work();
    void run(const std::string& id);
    void split(const registry::JobRow& job, bulk::ChunkSplitter& splitter,
               const std::atomic<bool>& cancel);
    // Claims and prints one chunk of any instance's shared job; false when none is waiting.
    bool run_next_chunk();
    void split_jobs();
    bool shared(const std::string& id);
    // Whether the workers look for chunks: jobs are shared here, or one was split here.
    bool polls_chunks() const { return chunk_records_ > 0 || shared_jobs_here_; }
    void finish_shared(const std::string& id);
    Assembled assemble(const registry::JobRow& job);
    bulk::PrintOptions print_options(const registry::JobRow& job, const Poco::JSON::Object& options,
                                     const std::atomic<bool>* cancel);
    std::int64_t epoch_now();
    void deliver_callbacks();
    void send_callback(const std::string& id);
    // Jobs that ended more than jobs.retention-hours ago: rows, files and chunks.
    void remove_expired();
    void queue_callback(const Poco::JSON::Object& options, const std::string& id);

    Service& service_;
    std::shared_ptr<registry::JobStore> store_;
    std::string jobs_dir_;
    int chunk_records_ = 0;
    std::atomic<bool> shared_jobs_here_{false};
    int lease_seconds_ = 60;
    std::string instance_;
    std::mutex assembly_mutex_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> queue_;
    std::multimap<std::string, std::shared_ptr<std::atomic<bool>>> running_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;

    std::condition_variable callback_wake_;
    std::thread callback_thread_;

    // Shared jobs waiting to be split.
    std::condition_variable split_wake_;
    std::deque<std::string> split_queue_;
    std::thread split_thread_;
};

// What GET /v1/jobs/{id} answers and a callback carries.
Poco::JSON::Object job_view(registry::JobStore& store, const registry::JobRow& job,
                            const std::string& base_url, bool with_failures);

}  // namespace examdocs::service
