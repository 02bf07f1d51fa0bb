#pragma once
// Runs bulk printing jobs: a bounded pool of workers takes queued jobs from the job store,
// prints each with the bulk engine into the job's directory, and records progress and
// refused records as it goes. A job that was queued or running when the process stopped
// is run again from the start after a restart: its output is written under a temporary
// name and renamed only when complete, and a run is deterministic (the job's creation
// time and id are its PDF's date and /ID), so the result is the one an uninterrupted run
// would have made — no record lost, none printed twice. (WholeJob, whole_job.h.)
//
// Shared jobs (chunk_records > 0, for instances on one PostgreSQL and one payload store):
// the instance that accepted the job puts its input into the payload store and writes
// chunk rows (byte ranges of it) into the database; the workers of every instance claim
// chunks, print each as a part into the payload store and mark it done; the accepting
// instance appends the parts to the result as they come, and the result, in the store, is
// served by any instance. An instance that dies holding a chunk gets it back at its
// restart, or loses it to another instance when its lease runs out; a finished job whose
// assembler died is assembled by whichever instance notices first. (SharedJob,
// shared_job.h.)
//
// When a job ends and it has a callback URL, the CallbackSender is called with it, and
// retried with back-off; the callback waits in the database, so a restart (or another
// instance) delivers it. Jobs that ended longer ago than the retention are removed with
// their files.
//
// The queue knows nothing of HTTP: the service passes in the store, the layouts, the
// callback sender, what jobs that issue certificates need, and a listener for its log
// and metrics. Methods are thread-safe; the listener and the sender are called from the
// queue's threads.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "examdocs/jobs/job_options.h"
#include "examdocs/jobs/job_store.h"
#include "examdocs/jobs/payload_store.h"
#include "examdocs/photos/photo_profile.h"
#include "examdocs/registry/certificate_registry.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/pdf_signature.h"

namespace examdocs::jobs {

using JobLogValue = std::variant<std::string, long long, double>;
using JobLogFields = std::vector<std::pair<std::string, JobLogValue>>;

// What the queue tells the process that runs it, as Poco's TaskManager posts
// notifications: lines for its log and counts for its metrics.
class JobListener {
  public:
    virtual ~JobListener() = default;
    // level: "info", "warn" or "error".
    virtual void log(std::string_view level, std::string_view message,
                     const JobLogFields& fields) = 0;
    // A job (or, for a shared job, the chunk that ended it) ended here.
    virtual void job_ended(JobState state) = 0;
    virtual void records_printed(std::int64_t printed, std::int64_t refused) = 0;
};

// Delivers a job's callback: POSTs what the job came to to `url`. Throws to have it
// retried.
using CallbackSender = std::function<void(const JobRow& job, const std::string& url)>;

struct JobQueueSettings {
    std::string jobs_dir;  // a directory per job, and this instance's name
    int workers = 1;
    int threads = 0;        // per job; 0: one per core
    int chunk_records = 0;  // records per chunk of a shared job; 0 keeps jobs whole
    int lease_seconds = 60;
    std::chrono::milliseconds poll{1000};  // how often other instances' chunks are looked for
    std::chrono::seconds retention{std::chrono::hours(168)};  // 0: kept forever
};

// What jobs that issue certificates need (options.issue).
struct Issuer {
    registry::CertificateRegistry* registry = nullptr;
    const photos::PhotoProfile* photo_profile = nullptr;
    std::string public_base_url;
    // Signs each certificate PDF of an issuing job's ZIP (PAdES); a merged print file is
    // for printing and is not signed. Null: unsigned.
    const renderers::PdfSigner* pdf_signer = nullptr;
};

// Removes the store's payloads that no job row leads to (retention removed the job where
// the store could not be emptied, or a job died before its rows were written), once
// nothing has been written to them for `grace` (a job is being created while its input is
// stored before its row). Returns the groups removed. Throws when the store or the
// database fails.
std::vector<std::string> remove_orphan_payloads(JobStore& jobs, PayloadStore& payloads,
                                                std::chrono::seconds grace);

class WholeJob;
class SharedJob;
class StreamingAssembly;

class JobQueue {
  public:
    // `layouts`, `listener` and the issuer's registry and profile must outlive the queue.
    // `payloads` holds the bytes of shared jobs (input, parts, result): every instance
    // sharing jobs must reach the same store.
    JobQueue(JobQueueSettings settings, std::shared_ptr<JobStore> store,
             std::shared_ptr<PayloadStore> payloads, const renderers::LayoutCatalog& layouts,
             JobListener& listener, CallbackSender send_callback, Issuer issuer);
    ~JobQueue();
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;

    // Queues the jobs a restart must pick up, then starts the workers.
    void start();
    // Interrupts running jobs (they stay running in the database, to be run again at
    // the next start) and joins the workers. Idempotent.
    void stop();

    void enqueue(const std::string& id);
    // Stops a running job at its next batch. The caller has marked it cancelled.
    void interrupt(const std::string& id);

    JobStore& store() { return *store_; }
    PayloadStore& payloads() { return *payloads_; }
    std::string dir_of(const std::string& id) const { return settings_.jobs_dir + "/" + id; }
    int chunk_records() const { return settings_.chunk_records; }
    // Who this instance is among those sharing jobs (kept in the jobs directory).
    const std::string& instance() const { return instance_; }
    // The file of a job's result that is done: in the data directory for a job printed
    // whole, in the payload store (a file of it) for a shared job. Throws std::runtime_error
    // when it cannot be had here.
    std::string result_file(const JobRow& job);

  private:
    friend class WholeJob;
    friend class SharedJob;
    friend class StreamingAssembly;

    // A job (or a chunk of one) running on this instance, which interrupt() can stop.
    class Running {
      public:
        Running(JobQueue& queue, const std::string& id);
        ~Running();
        Running(const Running&) = delete;
        Running& operator=(const Running&) = delete;
        std::shared_ptr<std::atomic<bool>> flag() const { return cancel_; }

      private:
        JobQueue& queue_;
        std::shared_ptr<std::atomic<bool>> cancel_;
        std::multimap<std::string, std::shared_ptr<std::atomic<bool>>>::iterator entry_;
    };

    void work();
    void run(const std::string& id);
    void split_jobs();
    // Shared jobs split here have their results assembled here as their chunks come in.
    void assemble_results();
    void assemble_as_parts_come(const std::string& id);
    // A shared job's result is in the store: the job is done (unless it ended otherwise
    // meanwhile), and its input and parts are no longer needed.
    void job_assembled(const JobRow& job, const JobRow& counts);
    bool shared(const std::string& id);
    // Whether the workers look for chunks: jobs are shared here, or one was split here.
    bool polls_chunks() const { return settings_.chunk_records > 0 || shared_jobs_here_; }
    bool stopping();
    // The database's clock, not this machine's: leases are compared between instances,
    // and one whose clock ran ahead would take chunks still being printed.
    std::int64_t epoch_now() { return store_->clock(); }
    // How a job's records are printed: its options, this instance's threads, and for a
    // job that issues, the issuance before each record.
    bulk::PrintOptions print_options(const JobRow& job, const std::atomic<bool>* cancel) const;
    // Wakes the callback thread when the job that ended has a callback.
    void wake_callback(const JobRow& job);
    // The job failed: stored so, logged, and its callback woken.
    void fail(const JobRow& job, const JobRow& counts, const std::string& message);
    void deliver_callbacks();
    // Wake-ups, from this instance or (through the database's notifications) another:
    // chunks to claim, a part to append, a callback to send. Each bumps a counter the
    // waiting threads compare with the one they saw, so that none sleeps through one.
    void chunks_queued();
    void part_done();
    void on_notification(std::string_view what);
    // Whether another instance's news reaches us without polling (PostgreSQL, listening).
    bool hears_others() const { return notifications_ && notifications_->connected(); }
    // How long an idle thread waits before looking again, after `empty_looks` looks that
    // found nothing: jobs.poll-ms, doubling while nothing turns up, up to a quarter of the
    // lease when notifications wake it (what they do not announce — a lease that ran out,
    // a callback come due — is found that late at most); jobs.poll-ms without them.
    std::chrono::milliseconds idle_wait(int empty_looks) const;
    // Jobs that ended more than the retention ago: rows, files and chunks.
    void remove_expired();

    JobQueueSettings settings_;
    std::shared_ptr<JobStore> store_;
    std::shared_ptr<PayloadStore> payloads_;
    const renderers::LayoutCatalog& layouts_;
    JobListener& listener_;
    CallbackSender send_callback_;
    Issuer issuer_;
    std::atomic<bool> shared_jobs_here_{false};
    std::string instance_;
    std::mutex assembly_mutex_;

    std::unique_ptr<registry::NotificationListener> notifications_;
    std::uint64_t chunk_signals_ = 0;     // under mutex_
    std::uint64_t part_signals_ = 0;      // under mutex_
    std::uint64_t callback_signals_ = 0;  // under mutex_

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

    // Shared jobs whose results are assembled here, and the wake-up when a chunk is done
    // here (other instances' chunks are found by polling).
    std::condition_variable assembly_wake_;
    std::deque<std::string> assembly_queue_;
    std::thread assembly_thread_;
};

}  // namespace examdocs::jobs
