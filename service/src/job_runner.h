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
// with HMAC-SHA256 (jobs.callback-secret), and retried with back-off.
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

#include "examdocs/registry/job_store.h"

namespace examdocs::service {

class Service;

class JobRunner {
  public:
    JobRunner(Service& service, std::shared_ptr<registry::JobStore> store, std::string jobs_dir);
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

  private:
    void work();
    void run(const std::string& id);
    void deliver_callbacks();
    void send_callback(const std::string& id);
    void queue_callback(const Poco::JSON::Object& options, const std::string& id);

    Service& service_;
    std::shared_ptr<registry::JobStore> store_;
    std::string jobs_dir_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> queue_;
    std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;

    // Callbacks waiting for delivery: job id and when to try next.
    std::condition_variable callback_wake_;
    std::deque<std::pair<std::string, int>> callbacks_;  // id, attempts so far
    std::thread callback_thread_;
};

// What GET /v1/jobs/{id} answers and a callback carries.
Poco::JSON::Object job_view(registry::JobStore& store, const registry::JobRow& job,
                            const std::string& base_url, bool with_failures);

}  // namespace examdocs::service
