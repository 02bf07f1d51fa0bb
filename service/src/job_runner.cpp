#include "job_runner.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/MemoryStream.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/SHA2Engine.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/chunks.h"
#include "examdocs/bulk/records.h"
#include "examdocs/service/certificate_request.h"
#include "examdocs/service/service.h"
#include "json_text.h"

namespace examdocs::service {

namespace {

using Poco::JSON::Object;

// SHA-256 as a Poco HMAC engine: Poco's HMACEngine wants the block and digest sizes as
// members, which SHA2Engine256 has under other names.
class Sha256 : public Poco::SHA2Engine {
  public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256() : Poco::SHA2Engine(SHA_256) {}
};

Poco::Dynamic::Var parse_json(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text);
}

std::optional<bulk::InputFormat> format_named(const std::string& name) {
    if (name == "csv") return bulk::InputFormat::csv;
    if (name == "ndjson") return bulk::InputFormat::ndjson;
    if (name == "json") return bulk::InputFormat::json_array;
    return std::nullopt;
}

// A refused record as the job's failure row.
registry::JobFailureRow failure_row(const bulk::RecordFailure& f) {
    std::ostringstream text;
    field_errors_json(f.errors)->stringify(text);
    return {static_cast<std::int64_t>(f.number), static_cast<std::int64_t>(f.line), text.str()};
}

std::string unreadable_input(const bulk::InputError& e) {
    return std::string("the input cannot be read") +
           (e.line() ? " at line " + std::to_string(e.line()) : "") + ": " + e.what();
}

double seconds_since(const std::string& iso) {
    if (iso.empty()) return 0;
    int tz = 0;
    const Poco::DateTime then = Poco::DateTimeParser::parse(iso, tz);
    return static_cast<double>((Poco::Timestamp() - then.timestamp())) / 1e6;
}

}  // namespace

JobRunner::JobRunner(Service& service, std::shared_ptr<registry::JobStore> store,
                     std::string jobs_dir, int chunk_records)
    : service_(service),
      store_(std::move(store)),
      jobs_dir_(std::move(jobs_dir)),
      chunk_records_(chunk_records),
      lease_seconds_(service.settings().job_lease_seconds) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::start() {
    Poco::File(jobs_dir_).createDirectories();
    // This instance's name among those sharing jobs: made once, kept across restarts so
    // that a restart takes back the chunks it held at once.
    const std::string id_file = jobs_dir_ + "/instance-id";
    std::ifstream(id_file) >> instance_;
    if (instance_.empty()) {
        instance_ = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        std::ofstream(id_file) << instance_ << '\n';
    }
    store_->release_chunks(instance_);
    // Only jobs whose input is in this data directory: with several instances on one
    // PostgreSQL, a job belongs to the instance that accepted it (see the README).
    for (const auto& id : store_->unfinished()) {
        if (Poco::File(dir_of(id) + "/input").exists()) enqueue(id);
    }
    for (int i = 0; i < service_.settings().job_workers; ++i) {
        workers_.emplace_back([this] { work(); });
    }
    callback_thread_ = std::thread([this] { deliver_callbacks(); });
    split_thread_ = std::thread([this] { split_jobs(); });
}

void JobRunner::split_jobs() {
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
            service_.log().event("error", "bulk job could not be split",
                                 {{"job", id}, {"what", e.what()}});
        }
    }
}

void JobRunner::stop() {
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
    // Chunks interrupted by a stop go back to the queue for the other instances now, not
    // when their lease runs out (that is for instances that die).
    if (!instance_.empty()) {
        try {
            store_->release_chunks(instance_);
        } catch (const std::exception& e) {
            service_.log().event("warn", "chunks could not be released", {{"what", e.what()}});
        }
    }
    if (callback_thread_.joinable()) callback_thread_.join();
}

void JobRunner::enqueue(const std::string& id) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(id);
    }
    wake_.notify_one();
}

void JobRunner::interrupt(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto [first, last] = running_.equal_range(id);
    for (auto it = first; it != last; ++it) it->second->store(true);
}

void JobRunner::work() {
    auto last_sweep = std::chrono::steady_clock::now();
    bool busy = false;  // a chunk was printed last time: look for the next at once
    while (true) {
        std::string id;
        {
            std::unique_lock lock(mutex_);
            auto ready = [this] { return stopping_ || !queue_.empty(); };
            if (!polls_chunks()) {
                wake_.wait(lock, [&] { return ready() || polls_chunks(); });
            } else if (!busy) {
                // Other instances' chunks are found by polling the database.
                wake_.wait_for(lock, service_.settings().job_poll, ready);
            }
            if (stopping_) return;
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
                busy = run_next_chunk();
                const auto now = std::chrono::steady_clock::now();
                if (!busy && now - last_sweep > std::chrono::seconds(lease_seconds_)) {
                    last_sweep = now;
                    // Jobs whose chunks are all done but whose assembler went quiet.
                    for (const auto& job : store_->assemblable(epoch_now(), lease_seconds_)) {
                        finish_shared(job);
                    }
                }
            }
        } catch (const std::exception& e) {
            // The database itself failed: the job stays where it was and runs again at
            // the next start.
            service_.log().event("error", "bulk job could not be run",
                                 {{"job", id}, {"what", e.what()}});
        }
    }
}

JobRunner::Running::Running(JobRunner& runner, const std::string& id)
    : runner_(runner), cancel_(std::make_shared<std::atomic<bool>>(false)) {
    std::lock_guard lock(runner_.mutex_);
    entry_ = runner_.running_.emplace(id, cancel_);
}

JobRunner::Running::~Running() {
    std::lock_guard lock(runner_.mutex_);
    runner_.running_.erase(entry_);
}

void JobRunner::run(const std::string& id) {
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

    const registry::JobRow job = *store_->find(id);
    if (is_shared && job.chunks >= 0) return;  // split before a restart; the chunks carry on
    service_.log().event("info", is_shared ? "bulk job splitting" : "bulk job started",
                         {{"job", id}, {"layout", job.layout}, {"attempt", job.attempts}});
    const auto options = parse_json(job.options).extract<Object::Ptr>();
    const std::string dir = dir_of(id);
    const bool zip = options->optValue<std::string>("output", "pdf") == "zip";
    const std::string result = dir + (zip ? "/result.zip" : "/result.pdf");
    const std::string partial = result + ".partial";

    registry::JobRow counts = job;
    counts.done = counts.printed = counts.refused = 0;
    auto fail = [&](const std::string& message) {
        Poco::File(partial).remove();
        store_->finish(id, "failed", counts, message);
        service_.metrics().job_ended("failed");
        service_.log().event("warn", "bulk job failed", {{"job", id}, {"what", message}});
        queue_callback(*options, id);
    };
    const auto* layout = service_.layouts().find(job.layout);
    const auto format = format_named(options->optValue<std::string>("format", ""));
    if (!layout || !format) {
        fail("the job's layout or input format is no longer known");
        return;
    }

    std::ifstream input(dir + "/input", std::ios::binary);
    if (is_shared && input) {
        try {
            bulk::ChunkSplitter splitter(input, *format, *layout,
                                         options->getValue<std::size_t>("chunkRecords"));
            split(job, splitter, *cancel);
        } catch (const bulk::InputError& e) {
            fail(unreadable_input(e));
        }
        return;
    }
    // The defaults, for a whole job (a shared job's travel in its options to the instances
    // printing its chunks).
    bulk::ReadOptions read_options;
    if (options->optValue<bool>("hasDefaults", false)) {
        std::ifstream defaults(dir + "/defaults.json", std::ios::binary);
        std::ostringstream text;
        text << defaults.rdbuf();
        read_options.defaults = parse_json(text.str());
    }
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!input || !out) {
        fail("the job's files in the data directory cannot be opened");
        return;
    }

    bulk::PrintOptions print = print_options(job, *options, cancel.get());

    std::vector<registry::JobFailureRow> pending;
    auto last_saved = std::chrono::steady_clock::now();
    bulk::PrintCallbacks callbacks;
    callbacks.on_failure = [&](const bulk::RecordFailure& f) { pending.push_back(failure_row(f)); };
    callbacks.on_progress = [&](const bulk::PrintProgress& p) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_saved < std::chrono::milliseconds(500) && pending.size() < 100) return;
        last_saved = now;
        store_->progress(id, static_cast<std::int64_t>(p.done),
                         static_cast<std::int64_t>(p.printed), static_cast<std::int64_t>(p.refused),
                         pending);
        pending.clear();
    };

    bulk::PrintSummary summary;
    try {
        auto records = bulk::open_records(input, *format, *layout, read_options);
        summary = bulk::print_records(*records, *layout, out, print, callbacks);
        out.close();
        if (!out) throw std::ios_base::failure("closing the output failed");
    } catch (const bulk::InputError& e) {
        out.close();
        fail(unreadable_input(e));
        return;
    } catch (const std::exception& e) {
        out.close();
        fail(std::string("writing the result failed: ") + e.what());
        return;
    }
    counts.done = static_cast<std::int64_t>(summary.records);
    counts.printed = static_cast<std::int64_t>(summary.printed);
    counts.refused = static_cast<std::int64_t>(summary.refused);
    counts.pages = summary.pages;
    counts.bytes = static_cast<std::int64_t>(summary.bytes);
    if (summary.cancelled) {
        Poco::File(partial).remove();
        bool stopping = false;
        {
            std::lock_guard lock(mutex_);
            stopping = stopping_;
        }
        // Interrupted by shutdown: the job stays "running" and runs again after restart.
        if (stopping) return;
        store_->progress(id, counts.done, counts.printed, counts.refused, pending);
        store_->finish(id, "cancelled", counts);
        service_.metrics().job_ended("cancelled");
        service_.metrics().records_printed(counts.printed, counts.refused);
        service_.log().event("info", "bulk job cancelled", {{"job", id}});
    } else {
        store_->progress(id, counts.done, counts.printed, counts.refused, pending);
        if (std::rename(partial.c_str(), result.c_str()) != 0) {
            fail("the result could not be moved into place");
            return;
        }
        store_->finish(id, "done", counts);
        service_.metrics().job_ended("done");
        service_.metrics().records_printed(counts.printed, counts.refused);
        service_.log().event("info", "bulk job done",
                             {{"job", id},
                              {"printed", counts.printed},
                              {"refused", counts.refused},
                              {"seconds", summary.seconds}});
    }
    queue_callback(*options, id);
}

bool JobRunner::shared(const std::string& id) {
    const auto job = store_->find(id);
    return job &&
           parse_json(job->options).extract<Object::Ptr>()->optValue<int>("chunkRecords", 0) > 0;
}

// The database's clock, not this machine's: leases are compared between instances, and
// one whose clock ran ahead would take chunks still being printed.
std::int64_t JobRunner::epoch_now() { return store_->clock(); }

void JobRunner::split(const registry::JobRow& job, bulk::ChunkSplitter& splitter,
                      const std::atomic<bool>& cancel) {
    // Chunk boundaries depend only on the input and the job's chunk size, so a split that
    // runs again after a restart makes the same chunks (and keeps those stored before).
    std::int64_t chunk = 0;
    while (auto next = splitter.next()) {
        if (cancel.load()) return;  // cancelled, or this instance stops: split again later
        store_->add_chunk(job.id, chunk++, static_cast<std::int64_t>(next->first_record),
                          static_cast<std::int64_t>(next->records), next->text);
        wake_.notify_all();
    }
    store_->split_done(job.id, chunk);
    service_.log().event("info", "bulk job split", {{"job", job.id}, {"chunks", chunk}});
    if (chunk == 0) finish_shared(job.id);  // no records: nothing for anyone to claim
}

bool JobRunner::run_next_chunk() {
    const auto claim = store_->claim_chunk(instance_, epoch_now(), lease_seconds_);
    if (!claim) return false;
    const auto job = store_->find(claim->job_id);
    if (!job) return true;
    Running running(*this, job->id);
    const auto cancel = running.flag();
    const auto options = parse_json(job->options).extract<Object::Ptr>();
    const auto* layout = service_.layouts().find(job->layout);
    if (!layout) {
        // Instances sharing jobs must know the same layouts.
        store_->finish(job->id, "failed", *job,
                       "the layout " + job->layout + " is not known on every instance");
        service_.metrics().job_ended("failed");
        queue_callback(*options, job->id);
        return true;
    }
    bulk::PrintOptions print = print_options(*job, *options, cancel.get());
    print.part = true;

    registry::ChunkResult result;
    bulk::PrintCallbacks callbacks;
    callbacks.on_failure = [&](const bulk::RecordFailure& f) {
        result.failures.push_back(failure_row(f));
    };
    // The claim is renewed while the chunk prints; a claim lost (the lease ran out while
    // this instance stalled, and another took the chunk) stops it.
    auto renewed = std::chrono::steady_clock::now();
    callbacks.on_progress = [&](const bulk::PrintProgress&) {
        const auto now = std::chrono::steady_clock::now();
        if (now - renewed < std::chrono::seconds(std::max(1, lease_seconds_ / 4))) return;
        renewed = now;
        if (!store_->renew_chunk(job->id, claim->chunk, instance_, epoch_now()))
            cancel->store(true);
    };
    Poco::MemoryInputStream input(claim->input.data(),
                                  static_cast<std::streamsize>(claim->input.size()));
    std::ostringstream out;
    bulk::PrintSummary summary;
    try {
        bulk::ReadOptions read_options;
        if (options->has("defaults")) read_options.defaults = options->get("defaults");
        read_options.number_offset = static_cast<std::size_t>(claim->first_record - 1);
        auto records = bulk::open_chunk(input, *layout, read_options);
        summary = bulk::print_records(*records, *layout, out, print, callbacks);
    } catch (const std::exception& e) {
        store_->finish(
            job->id, "failed", *job,
            "chunk " + std::to_string(claim->chunk) + " could not be printed: " + e.what());
        service_.metrics().job_ended("failed");
        service_.log().event("warn", "bulk job failed", {{"job", job->id}, {"what", e.what()}});
        queue_callback(*options, job->id);
        return true;
    }
    // Stopped: by shutdown (the claim goes back at the next start, or to another instance
    // when its lease runs out), a cancelled job, or a lost claim.
    if (summary.cancelled) return true;
    result.printed = static_cast<std::int64_t>(summary.printed);
    result.refused = static_cast<std::int64_t>(summary.refused);
    result.pages = summary.pages;
    result.output = out.str();
    result.manifest = summary.part_manifest;
    if (!store_->complete_chunk(job->id, claim->chunk, instance_, result, epoch_now())) return true;
    service_.metrics().records_printed(result.printed, result.refused);
    service_.log().event("info", "bulk chunk done",
                         {{"job", job->id},
                          {"chunk", claim->chunk},
                          {"records", claim->records},
                          {"seconds", summary.seconds}});
    const auto ready = store_->assemblable(epoch_now(), 0);
    if (std::find(ready.begin(), ready.end(), job->id) != ready.end()) finish_shared(job->id);
    return true;
}

void JobRunner::finish_shared(const std::string& id) {
    const auto job = store_->find(id);
    if (!job || job->state != "running") return;
    const auto options = parse_json(job->options).extract<Object::Ptr>();
    registry::JobRow counts = *job;
    try {
        const auto assembled = assemble(*job);
        counts.pages = assembled.pages;
        counts.bytes = static_cast<std::int64_t>(assembled.bytes);
    } catch (const std::exception& e) {
        store_->finish(id, "failed", counts,
                       std::string("assembling the result failed: ") + e.what());
        service_.metrics().job_ended("failed");
        service_.log().event("warn", "bulk job failed", {{"job", id}, {"what", e.what()}});
        queue_callback(*options, id);
        return;
    }
    if (!store_->complete(id, counts)) return;  // cancelled, or finished by another instance
    service_.metrics().job_ended("done");
    service_.log().event("info", "bulk job done",
                         {{"job", id},
                          {"printed", counts.printed},
                          {"refused", counts.refused},
                          {"chunks", job->chunks}});
    queue_callback(*options, id);
}

JobRunner::Assembled JobRunner::assemble(const registry::JobRow& job) {
    // One assembly at a time here: two workers (or a worker and a download) asking for the
    // same result get one file.
    std::lock_guard lock(assembly_mutex_);
    const auto options = parse_json(job.options).extract<Object::Ptr>();
    const bool zip = options->optValue<std::string>("output", "pdf") == "zip";
    const auto* layout = service_.layouts().find(job.layout);
    if (!layout) throw std::runtime_error("the layout " + job.layout + " is not known here");
    Assembled assembled;
    assembled.path = dir_of(job.id) + (zip ? "/result.zip" : "/result.pdf");
    std::int64_t pages = 0;
    const std::string partial = assembled.path + ".partial";
    Poco::File(dir_of(job.id)).createDirectories();
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        bulk::PartAssembler assembler(
            out, zip ? bulk::OutputKind::zip : bulk::OutputKind::merged_pdf,
            {layout->title, layout->title,
             std::chrono::system_clock::time_point(
                 std::chrono::seconds(options->optValue<Poco::Int64>("createdAt", 0))),
             job.id});
        // One part in memory at a time.
        for (std::int64_t chunk = 0; chunk < job.chunks; ++chunk) {
            const auto part = store_->chunk_output(job.id, chunk);
            if (!part) throw std::runtime_error("chunk " + std::to_string(chunk) + " is missing");
            assembler.add(part->output, part->manifest);
            pages += part->pages;
        }
        assembled.bytes = assembler.finish();
        out.close();
        if (!out) throw std::ios_base::failure("writing the result failed");
    }
    if (std::rename(partial.c_str(), assembled.path.c_str()) != 0) {
        throw std::runtime_error("the result could not be moved into place");
    }
    assembled.pages = pages;
    return assembled;
}

std::string JobRunner::result_file(const registry::JobRow& job) {
    for (const char* name : {"/result.pdf", "/result.zip"}) {
        if (Poco::File(dir_of(job.id) + name).exists()) return dir_of(job.id) + name;
    }
    // Assembled on another instance: assembled again here from the parts in the database
    // (the same bytes, since assembly is deterministic).
    if (job.chunks >= 0) return assemble(job).path;
    throw std::runtime_error("the result of job " + job.id + " is not in this data directory");
}

bulk::PrintOptions JobRunner::print_options(const registry::JobRow& job, const Object& options,
                                            const std::atomic<bool>* cancel) {
    bulk::PrintOptions print;
    print.output = options.optValue<std::string>("output", "pdf") == "zip"
                       ? bulk::OutputKind::zip
                       : bulk::OutputKind::merged_pdf;
    print.sheets.pages_per_sheet = options.optValue<int>("nup", 1);
    print.sheets.cut_marks = options.optValue<bool>("cutMarks", true);
    const int threads = service_.settings().job_threads;
    print.threads =
        threads > 0 ? threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    // The job's creation time and id make every run of it produce the same bytes.
    print.now = std::chrono::system_clock::time_point(
        std::chrono::seconds(options.optValue<Poco::Int64>("createdAt", 0)));
    print.document_id = job.id;
    print.cancel = cancel;
    if (options.optValue<bool>("issue", false)) {
        // Each record is a certificate request, issued through the registry first. The
        // idempotency key is the job and the record's number: a job that runs again after a
        // crash gets the certificates it issued before, never second ones.
        auto* registry = service_.registry();
        const auto& profile = service_.photo_profiles().at("skill-cert");
        const std::string base_url = service_.settings().public_base_url;
        const std::string actor =
            options.optValue<std::string>("submittedBy", "") + " (job " + job.id + ")";
        // A ZIP's certificates are signed PDFs; a merged print file is for printing only.
        print.signer = service_.pdf_signer();
        print.prepare = [registry, &profile, base_url, actor, id = job.id](
                            const bulk::Record& record,
                            std::vector<FieldError>& errors) -> Poco::Dynamic::Var {
            const auto body = record.data.extract<Object::Ptr>();
            registry::Certificate draft = certificate_draft(body, profile, errors);
            if (!errors.empty()) return {};
            auto issued =
                registry->issue(draft, "job:" + id + ":" + std::to_string(record.number), actor);
            if (issued.outcome == registry::IssueOutcome::number_taken) {
                errors.push_back(
                    {"/number", "taken", "证书编号已被使用 / This number is already issued."});
                return {};
            }
            if (issued.outcome == registry::IssueOutcome::conflict) {
                errors.push_back(
                    {"", "idempotency-conflict",
                     "该记录已以其他内容发证 / This record was issued before with other data."});
                return {};
            }
            return certificate_document_data(issued.certificate, base_url);
        };
    }

    return print;
}

void JobRunner::queue_callback(const Poco::JSON::Object& options, const std::string&) {
    // The job's row says its callback is waiting (from its creation); this only wakes the
    // delivery thread instead of letting it find the job at its next look.
    if (options.optValue<std::string>("callbackUrl", "").empty()) return;
    callback_wake_.notify_one();
}

void JobRunner::deliver_callbacks() {
    // Callbacks are delivered from the registry database: jobs that ended with a callback
    // waiting, claimed (SKIP LOCKED) by one instance at a time. So a callback survives a
    // restart, and any instance sharing the database delivers it. At least once: an
    // instance that dies between sending and recording sends it again later; receivers
    // tell repeats by X-Examdocs-Job.
    constexpr int kAttempts = 6;  // then undeliverable; back-off 1 s, 2 s, 4 s, 8 s, 16 s
    // Old jobs are removed from here too, every half retention period (10 minutes at most).
    const auto retention = service_.settings().job_retention;
    const auto sweep_every = std::clamp<std::chrono::steady_clock::duration>(
        retention / 2, std::chrono::seconds(1), std::chrono::minutes(10));
    auto last_sweep = std::chrono::steady_clock::now() - sweep_every;
    while (true) {
        if (retention.count() > 0 && std::chrono::steady_clock::now() - last_sweep >= sweep_every) {
            last_sweep = std::chrono::steady_clock::now();
            try {
                remove_expired();
            } catch (const std::exception& e) {
                service_.log().event("warn", "old jobs could not be removed", {{"what", e.what()}});
            }
        }
        {
            std::unique_lock lock(mutex_);
            if (callback_wake_.wait_for(lock, service_.settings().job_poll,
                                        [this] { return stopping_; })) {
                return;
            }
        }
        try {
            while (const auto due = store_->claim_callback(epoch_now(), 60)) {
                bool delivered = false;
                try {
                    send_callback(due->first);
                    delivered = true;
                } catch (const std::exception& e) {
                    service_.log().event(
                        "warn", "job callback failed",
                        {{"job", due->first}, {"attempt", due->second}, {"what", e.what()}});
                }
                const std::int64_t retry_at = delivered || due->second >= kAttempts
                                                  ? 0
                                                  : epoch_now() + (1LL << (due->second - 1));
                store_->callback_sent(due->first, delivered, retry_at);
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
        } catch (const std::exception& e) {
            service_.log().event("error", "job callbacks could not be read", {{"what", e.what()}});
        }
    }
}

void JobRunner::remove_expired() {
    const auto retention = service_.settings().job_retention;
    const Poco::Timestamp cutoff =
        Poco::Timestamp() - Poco::Timespan(static_cast<long>(retention.count()), 0);
    for (const auto& id : store_->ended_before(
             Poco::DateTimeFormatter::format(cutoff, Poco::DateTimeFormat::ISO8601_FORMAT))) {
        // Files first: a crash in between leaves a row whose files are gone (removed again
        // at the next sweep), never files no row leads to.
        const Poco::File dir(dir_of(id));
        if (dir.exists()) Poco::File(dir).remove(true);
        store_->remove(id);
        service_.log().event("info", "bulk job removed", {{"job", id}});
    }
    // Directories whose job another instance removed (or whose upload died before the job
    // was stored), once older than any upload in progress could be.
    const Poco::Timespan quiet = std::max<Poco::Timespan>(
        Poco::Timespan(static_cast<long>(retention.count()), 0), Poco::Timespan(3600, 0));
    for (Poco::DirectoryIterator it(jobs_dir_), end; it != end; ++it) {
        if (!it->isDirectory() ||
            Poco::Timestamp() - it->getLastModified() < quiet.totalMicroseconds()) {
            continue;
        }
        if (!store_->find(it.name())) Poco::File(it->path()).remove(true);
    }
}

void JobRunner::send_callback(const std::string& id) {
    const auto job = store_->find(id);
    if (!job) return;
    const auto options = parse_json(job->options).extract<Object::Ptr>();
    const Poco::URI uri(options->getValue<std::string>("callbackUrl"));
    const std::string body =
        json_text(job_view(*store_, *job, service_.settings().public_base_url, false));
    Poco::HMACEngine<Sha256> hmac(service_.settings().job_callback_secret);
    hmac.update(body);
    const std::string signature = Poco::DigestEngine::digestToHex(hmac.digest());

    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                   Poco::Net::Context::VERIFY_RELAXED, 9, true);
        session =
            std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    }
    session->setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST,
                                   uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("X-Examdocs-Signature", "sha256=" + signature);
    request.set("X-Examdocs-Job", id);
    session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    session->receiveResponse(response).ignore(1 << 20);
    if (response.getStatus() >= 300) {
        throw std::runtime_error("the callback URL answered " +
                                 std::to_string(response.getStatus()));
    }
}

Object job_view(registry::JobStore& store, const registry::JobRow& job, const std::string& base_url,
                bool with_failures) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("id", job.id);
    o.set("layout", job.layout);
    o.set("state", job.state);
    Object records(Poco::JSON_PRESERVE_KEY_ORDER);
    if (job.total >= 0) records.set("total", job.total);
    records.set("done", job.done);
    records.set("printed", job.printed);
    records.set("refused", job.refused);
    o.set("records", records);
    if (job.state == "running" && job.done > 0) {
        const double elapsed = seconds_since(job.started_at);
        if (elapsed > 0) {
            const double rate = static_cast<double>(job.done) / elapsed;
            o.set("recordsPerSecond", std::round(rate * 10) / 10);
            if (job.total >= job.done && rate > 0) {
                o.set("secondsLeft", std::ceil(static_cast<double>(job.total - job.done) / rate));
            }
        }
    }
    if (job.state == "done") {
        o.set("pages", job.pages);
        o.set("bytes", job.bytes);
        o.set("result", base_url + "/v1/jobs/" + job.id + "/result");
    }
    if (job.chunks >= 0) o.set("chunks", job.chunks);  // shared between instances
    if (!job.error.empty()) o.set("error", job.error);
    if (!job.callback.empty()) {
        Object callback(Poco::JSON_PRESERVE_KEY_ORDER);
        callback.set("state", job.callback);  // waiting, delivered, undeliverable
        callback.set("attempts", job.callback_attempts);
        o.set("callback", callback);
    }
    o.set("attempts", job.attempts);
    o.set("createdAt", job.created_at);
    if (!job.started_at.empty()) o.set("startedAt", job.started_at);
    if (!job.finished_at.empty()) o.set("finishedAt", job.finished_at);
    if (with_failures) {
        constexpr int kShown = 100;
        Poco::JSON::Array list;
        for (const auto& f : store.failures(job.id, kShown)) {
            Object item(Poco::JSON_PRESERVE_KEY_ORDER);
            item.set("record", f.record);
            if (f.line > 0) item.set("line", f.line);
            item.set("errors", parse_json(f.errors));
            list.add(item);
        }
        o.set("failures", list);
        if (job.refused > kShown) o.set("failuresShown", kShown);
    }
    return o;
}

}  // namespace examdocs::service
