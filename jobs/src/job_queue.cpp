#include "examdocs/jobs/job_queue.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>

#include "examdocs/certificates/issuance.h"
#include "examdocs/jobs/payload_store.h"
#include "shared_job.h"
#include "whole_job.h"

namespace examdocs::jobs {

JobQueue::JobQueue(JobQueueSettings settings, std::shared_ptr<JobStore> store,
                   std::shared_ptr<PayloadStore> payloads, const renderers::LayoutCatalog& layouts,
                   JobListener& listener, CallbackSender send_callback, Issuer issuer)
    : settings_(std::move(settings)),
      store_(std::move(store)),
      payloads_(std::move(payloads)),
      layouts_(layouts),
      listener_(listener),
      send_callback_(std::move(send_callback)),
      issuer_(std::move(issuer)) {}

JobQueue::~JobQueue() { stop(); }

void JobQueue::start() {
    Poco::File(settings_.jobs_dir).createDirectories();
    // This instance's name among those sharing jobs: made once, kept across restarts so
    // that a restart takes back the chunks it held at once.
    const std::string id_file = settings_.jobs_dir + "/instance-id";
    std::ifstream(id_file) >> instance_;
    if (instance_.empty()) {
        instance_ = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        std::ofstream(id_file) << instance_ << '\n';
    }
    store_->release_chunks(instance_);
    // Other instances' news (chunks queued, parts done) wakes this one; without it (SQLite,
    // or the connection is down) the threads poll every jobs.poll-ms as before.
    notifications_ = store_->listen([this](std::string_view what) { on_notification(what); });
    // Only jobs accepted here (their directory is in this data directory): with several
    // instances on one PostgreSQL, a job is split and assembled by the instance that
    // accepted it, whose restart carries on with it (see the README).
    for (const auto& id : store_->unfinished()) {
        if (Poco::File(dir_of(id) + "/input").exists() ||
            (Poco::File(dir_of(id)).exists() && shared(id))) {
            enqueue(id);
        }
    }
    for (int i = 0; i < settings_.workers; ++i) {
        workers_.emplace_back([this] { work(); });
    }
    callback_thread_ = std::thread([this] { deliver_callbacks(); });
    split_thread_ = std::thread([this] { split_jobs(); });
    assembly_thread_ = std::thread([this] { assemble_results(); });
}

void JobQueue::chunks_queued() {
    {
        std::lock_guard lock(mutex_);
        ++chunk_signals_;
    }
    wake_.notify_all();
}

void JobQueue::part_done() {
    {
        std::lock_guard lock(mutex_);
        ++part_signals_;
    }
    assembly_wake_.notify_all();
}

void JobQueue::on_notification(std::string_view what) {
    // "" after (re)connecting: anything may have been missed meanwhile.
    if (what.empty() || what == JobStore::kChunksQueued) chunks_queued();
    if (what.empty() || what == JobStore::kPartDone) part_done();
    if (what.empty()) {
        {
            std::lock_guard lock(mutex_);
            ++callback_signals_;
        }
        callback_wake_.notify_all();
    }
}

std::chrono::milliseconds JobQueue::idle_wait(int empty_looks) const {
    const auto poll = settings_.poll;
    if (!hears_others()) return poll;
    const auto cap = std::max(poll, std::chrono::milliseconds(settings_.lease_seconds * 250LL));
    auto wait = poll;
    for (int i = 0; i < empty_looks && wait < cap; ++i) wait *= 2;
    return std::min(wait, cap);
}

void JobQueue::assemble_as_parts_come(const std::string& id) {
    {
        std::lock_guard lock(mutex_);
        assembly_queue_.push_back(id);
    }
    assembly_wake_.notify_all();
}

void JobQueue::assemble_results() {
    // One thread for every job being assembled here: appending a part is copying bytes,
    // and the jobs take turns. Chunks done here wake it, and so do other instances' through
    // the database's notifications; without those, it looks every quarter second.
    const auto look_every =
        std::min<std::chrono::milliseconds>(settings_.poll, std::chrono::milliseconds(250));
    std::vector<std::unique_ptr<StreamingAssembly>> active;
    std::uint64_t seen_parts = 0;
    while (true) {
        {
            std::unique_lock lock(mutex_);
            assembly_wake_.wait_for(
                lock, hears_others() ? idle_wait(std::numeric_limits<int>::max()) : look_every,
                [&] {
                    return stopping_ || !assembly_queue_.empty() || part_signals_ != seen_parts;
                });
            if (stopping_) return;
            seen_parts = part_signals_;
            while (!assembly_queue_.empty()) {
                const std::string id = assembly_queue_.front();
                assembly_queue_.pop_front();
                const bool known = std::any_of(active.begin(), active.end(),
                                               [&](const auto& a) { return a->id() == id; });
                if (!known) active.push_back(std::make_unique<StreamingAssembly>(*this, id));
            }
        }
        for (auto it = active.begin(); it != active.end();) {
            bool ended = false;
            try {
                ended = (*it)->advance();
            } catch (const std::exception& e) {
                ended = true;
                try {
                    // Unless it ended meanwhile (cancelled, or failed by a chunk): then the
                    // parts went, and that is why.
                    const auto job = store_->find((*it)->id());
                    if (job && job->state == JobState::running) {
                        fail(*job, *job, std::string("assembling the result failed: ") + e.what());
                    }
                } catch (const std::exception& again) {
                    listener_.log("error", "bulk job could not be assembled",
                                  {{"job", (*it)->id()}, {"what", again.what()}});
                }
            }
            it = ended ? active.erase(it) : it + 1;
        }
    }
}

void JobQueue::job_assembled(const JobRow& job, const JobRow& counts) {
    if (!store_->complete(job.id, counts)) return;  // cancelled, or finished elsewhere
    listener_.job_ended(JobState::done);
    listener_.log("info", "bulk job done",
                  {{"job", job.id},
                   {"printed", counts.printed},
                   {"refused", counts.refused},
                   {"chunks", job.chunks}});
    wake_callback(job);
    // The result is what is kept; the input and the parts were for making it.
    try {
        payloads_->remove_all(parts_prefix(job.id));
        payloads_->remove_all(input_key(job.id));
        payloads_->remove_all(records_key(job.id));
    } catch (const std::exception& e) {
        listener_.log("warn", "a job's parts could not be removed",
                      {{"job", job.id}, {"what", e.what()}});
    }
}

void JobQueue::split_jobs() {
    // Splitting is reading, not printing: on a thread of its own, so that this instance's
    // workers print the first chunks while the rest are being cut.
    while (true) {
        std::string id;
        {
            std::unique_lock lock(mutex_);
            split_wake_.wait(lock, [this] { return stopping_ || !split_queue_.empty(); });
            if (stopping_) return;
            id = split_queue_.front();
            split_queue_.pop_front();
        }
        try {
            run(id);
        } catch (const std::exception& e) {
            listener_.log("error", "bulk job could not be split",
                          {{"job", id}, {"what", e.what()}});
        }
    }
}

void JobQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && workers_.empty()) return;
        stopping_ = true;
        for (auto& entry : running_) entry.second->store(true);
    }
    wake_.notify_all();
    callback_wake_.notify_all();
    split_wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
    if (split_thread_.joinable()) split_thread_.join();
    assembly_wake_.notify_all();
    if (assembly_thread_.joinable()) assembly_thread_.join();
    // Chunks interrupted by a stop go back to the queue for the other instances now, not
    // when their lease runs out (that is for instances that die).
    if (!instance_.empty()) {
        try {
            store_->release_chunks(instance_);
        } catch (const std::exception& e) {
            listener_.log("warn", "chunks could not be released", {{"what", e.what()}});
        }
    }
    if (callback_thread_.joinable()) callback_thread_.join();
    // Last: the threads ask whether it is connected until they end.
    notifications_.reset();
}

void JobQueue::enqueue(const std::string& id) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(id);
    }
    wake_.notify_one();
}

void JobQueue::interrupt(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto [first, last] = running_.equal_range(id);
    for (auto it = first; it != last; ++it) it->second->store(true);
}

bool JobQueue::stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
}

void JobQueue::work() {
    SharedJob shared_jobs(*this);
    auto last_sweep = std::chrono::steady_clock::now();
    bool busy = false;  // a chunk was printed last time: look for the next at once
    int empty_looks = 0;
    std::uint64_t seen_chunks = 0;
    while (true) {
        std::string id;
        {
            std::unique_lock lock(mutex_);
            auto ready = [&] {
                return stopping_ || !queue_.empty() || chunk_signals_ != seen_chunks;
            };
            if (!polls_chunks()) {
                wake_.wait(lock, [&] { return ready() || polls_chunks(); });
            } else if (!busy) {
                // Woken when chunks are queued (here, or elsewhere through the database);
                // a chunk whose lease ran out is found by looking again, less often the
                // longer nothing turns up.
                wake_.wait_for(lock, idle_wait(empty_looks), ready);
            }
            if (stopping_) return;
            if (chunk_signals_ != seen_chunks) {
                seen_chunks = chunk_signals_;
                empty_looks = 0;
            }
            if (!queue_.empty()) {
                id = queue_.front();
                queue_.pop_front();
            }
        }
        try {
            busy = false;
            if (!id.empty() && shared(id)) {
                {
                    std::lock_guard lock(mutex_);
                    split_queue_.push_back(id);
                }
                split_wake_.notify_one();
            } else if (!id.empty()) {
                run(id);
            } else if (polls_chunks()) {
                busy = shared_jobs.print_next_chunk();
                empty_looks = busy ? 0 : empty_looks + 1;
                const auto now = std::chrono::steady_clock::now();
                if (!busy && now - last_sweep > std::chrono::seconds(settings_.lease_seconds)) {
                    last_sweep = now;
                    // Jobs whose chunks are all done but whose assembler went quiet.
                    for (const auto& job :
                         store_->assemblable(epoch_now(), settings_.lease_seconds)) {
                        shared_jobs.finish(job);
                    }
                }
            }
        } catch (const std::exception& e) {
            // The database itself failed: the job stays where it was and runs again at
            // the next start.
            listener_.log("error", "bulk job could not be run", {{"job", id}, {"what", e.what()}});
        }
    }
}

JobQueue::Running::Running(JobQueue& queue, const std::string& id)
    : queue_(queue), cancel_(std::make_shared<std::atomic<bool>>(false)) {
    std::lock_guard lock(queue_.mutex_);
    entry_ = queue_.running_.emplace(id, cancel_);
}

JobQueue::Running::~Running() {
    std::lock_guard lock(queue_.mutex_);
    queue_.running_.erase(entry_);
}

void JobQueue::run(const std::string& id) {
    // A job shared between instances is split into chunks here; otherwise printed here.
    const bool is_shared = shared(id);
    if (!(is_shared ? store_->start_split(id) : store_->start(id))) return;  // cancelled meanwhile
    if (is_shared) {
        // Split under another configuration (chunk-records changed since): printed anyway.
        {
            std::lock_guard lock(mutex_);
            shared_jobs_here_ = true;
        }
        wake_.notify_all();
    }
    Running running(*this, id);
    const auto cancel = running.flag();

    const JobRow job = *store_->find(id);
    if (is_shared) assemble_as_parts_come(id);
    if (is_shared && job.chunks >= 0) return;  // split before a restart; the chunks carry on
    listener_.log("info", is_shared ? "bulk job splitting" : "bulk job started",
                  {{"job", id}, {"layout", job.layout}, {"attempt", job.attempts}});
    if (is_shared) {
        SharedJob(*this).split(job, *cancel);
    } else {
        WholeJob(*this, job).run(*cancel);
    }
}

bool JobQueue::shared(const std::string& id) {
    const auto job = store_->find(id);
    return job && job->options.chunk_records > 0;
}

std::string JobQueue::result_file(const JobRow& job) {
    for (const char* name : {"/result.pdf", "/result.zip"}) {
        if (Poco::File(dir_of(job.id) + name).exists()) return dir_of(job.id) + name;
    }
    if (job.chunks >= 0) {
        const bool zip = job.options.output == bulk::OutputKind::zip;
        if (auto file = payloads_->local_file(result_key(job.id, zip))) return *file;
        throw std::runtime_error("the result of job " + job.id + " is not in the job store (" +
                                 payloads_->describe() + ")");
    }
    throw std::runtime_error("the result of job " + job.id + " is not in this data directory");
}

bulk::PrintOptions JobQueue::print_options(const JobRow& job,
                                           const std::atomic<bool>* cancel) const {
    const JobOptions& options = job.options;
    bulk::PrintOptions print;
    print.output = options.output;
    print.sheets.pages_per_sheet = options.pages_per_sheet;
    print.sheets.cut_marks = options.cut_marks;
    const int threads = settings_.threads;
    print.threads =
        threads > 0 ? threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    // The job's creation time and id make every run of it produce the same bytes.
    print.now = options.created_at;
    print.document_id = job.id;
    print.cancel = cancel;
    if (options.issue) {
        // Each record is a certificate request, issued through the registry first. The
        // idempotency key is the job and the record's number: a job that runs again after a
        // crash gets the certificates it issued before, never second ones.
        print.prepare = certificates::issue_before_printing(
            {issuer_.registry, issuer_.photo_profile, issuer_.public_base_url,
             options.submitted_by + " (job " + job.id + ")",
             certificates::key_by_job_record(job.id), job.layout});
        print.signer = issuer_.pdf_signer;
    }
    return print;
}

void JobQueue::fail(const JobRow& job, const JobRow& counts, const std::string& message) {
    store_->finish(job.id, JobState::failed, counts, message);
    // A failed job keeps no bytes in the store (a whole job has none there).
    try {
        payloads_->remove_all(job.id);
    } catch (const std::exception& e) {
        listener_.log("warn", "a failed job's payloads could not be removed",
                      {{"job", job.id}, {"what", e.what()}});
    }
    listener_.job_ended(JobState::failed);
    listener_.log("warn", "bulk job failed", {{"job", job.id}, {"what", message}});
    wake_callback(job);
}

void JobQueue::wake_callback(const JobRow& job) {
    // The job's row says its callback is waiting (from its creation); this only wakes the
    // delivery thread instead of letting it find the job at its next look.
    if (job.options.callback_url.empty()) return;
    {
        std::lock_guard lock(mutex_);
        ++callback_signals_;
    }
    callback_wake_.notify_one();
}

void JobQueue::deliver_callbacks() {
    // Callbacks are delivered from the registry database: jobs that ended with a callback
    // waiting, claimed (SKIP LOCKED) by one instance at a time. So a callback survives a
    // restart, and any instance sharing the database delivers it. At least once: an
    // instance that dies between sending and recording sends it again later; receivers
    // tell repeats by the job's id.
    constexpr int kAttempts = 6;  // then undeliverable; back-off 1 s, 2 s, 4 s, 8 s, 16 s
    // Old jobs are removed from here too, every half retention period (10 minutes at most).
    const auto retention = settings_.retention;
    const auto sweep_every = std::clamp<std::chrono::steady_clock::duration>(
        retention / 2, std::chrono::seconds(1), std::chrono::minutes(10));
    auto last_sweep = std::chrono::steady_clock::now() - sweep_every;
    std::uint64_t seen = 0;
    int empty_looks = 0;
    // While a callback sent from here waits for its retry, look every jobs.poll-ms.
    auto retrying_until = std::chrono::steady_clock::time_point();
    while (true) {
        if (retention.count() > 0 && std::chrono::steady_clock::now() - last_sweep >= sweep_every) {
            last_sweep = std::chrono::steady_clock::now();
            try {
                remove_expired();
            } catch (const std::exception& e) {
                listener_.log("warn", "old jobs could not be removed", {{"what", e.what()}});
            }
        }
        {
            const auto now = std::chrono::steady_clock::now();
            auto wait = now < retrying_until ? settings_.poll : idle_wait(empty_looks);
            if (retention.count() > 0) {
                wait =
                    std::min(wait, std::max(std::chrono::milliseconds(1),
                                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                                last_sweep + sweep_every - now)));
            }
            std::unique_lock lock(mutex_);
            callback_wake_.wait_for(lock, wait,
                                    [&] { return stopping_ || callback_signals_ != seen; });
            if (stopping_) return;
            if (callback_signals_ != seen) empty_looks = 0;
            seen = callback_signals_;
        }
        try {
            ++empty_looks;
            while (const auto due = store_->claim_callback(epoch_now(), 60)) {
                empty_looks = 0;
                bool delivered = false;
                try {
                    const auto job = store_->find(due->first);
                    if (job) send_callback_(*job, job->options.callback_url);
                    delivered = true;
                } catch (const std::exception& e) {
                    listener_.log(
                        "warn", "job callback failed",
                        {{"job", due->first}, {"attempt", due->second}, {"what", e.what()}});
                }
                const std::int64_t retry_at = delivered || due->second >= kAttempts
                                                  ? 0
                                                  : epoch_now() + (1LL << (due->second - 1));
                store_->callback_sent(due->first, delivered, retry_at);
                if (retry_at > 0) {
                    retrying_until = std::max(retrying_until,
                                              std::chrono::steady_clock::now() +
                                                  std::chrono::seconds(retry_at - epoch_now() + 2));
                }
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
        } catch (const std::exception& e) {
            listener_.log("error", "job callbacks could not be read", {{"what", e.what()}});
        }
    }
}

std::vector<std::string> remove_orphan_payloads(JobStore& jobs, PayloadStore& payloads,
                                                std::chrono::seconds grace) {
    const std::int64_t now = Poco::Timestamp().epochTime();
    std::vector<std::string> removed;
    for (const auto& group : payloads.groups()) {
        if (now - group.last_written < grace.count()) continue;
        // Asked after the age: a row made meanwhile is seen (its payloads were written
        // before it, so they would be young if it were new).
        if (jobs.find(group.name)) continue;
        payloads.remove_all(group.name);
        removed.push_back(group.name);
    }
    return removed;
}

void JobQueue::remove_expired() {
    const auto retention = settings_.retention;
    const Poco::Timestamp cutoff =
        Poco::Timestamp() - Poco::Timespan(static_cast<long>(retention.count()), 0);
    for (const auto& id : store_->ended_before(
             Poco::DateTimeFormatter::format(cutoff, Poco::DateTimeFormat::ISO8601_FORMAT))) {
        // Files first: a crash in between leaves a row whose files are gone (removed again
        // at the next sweep), never files no row leads to.
        const Poco::File dir(dir_of(id));
        if (dir.exists()) Poco::File(dir).remove(true);
        payloads_->remove_all(id);
        store_->remove(id);
        listener_.log("info", "bulk job removed", {{"job", id}});
    }
    // Directories whose job another instance removed (or whose upload died before the job
    // was stored), once older than any upload in progress could be; and the same in the
    // job store.
    const Poco::Timespan quiet = std::max<Poco::Timespan>(
        Poco::Timespan(static_cast<long>(retention.count()), 0), Poco::Timespan(3600, 0));
    for (const auto& id :
         remove_orphan_payloads(*store_, *payloads_, std::chrono::seconds(quiet.totalSeconds()))) {
        listener_.log("info", "a job's payloads without a job removed",
                      {{"job", id}, {"store", payloads_->describe()}});
    }
    for (Poco::DirectoryIterator it(settings_.jobs_dir), end; it != end; ++it) {
        if (!it->isDirectory() ||
            Poco::Timestamp() - it->getLastModified() < quiet.totalMicroseconds()) {
            continue;
        }
        if (!store_->find(it.name())) Poco::File(it->path()).remove(true);
    }
}

}  // namespace examdocs::jobs
