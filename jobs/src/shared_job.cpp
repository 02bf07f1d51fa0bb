#include "shared_job.h"

#include <Poco/File.h>
#include <Poco/MemoryStream.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/records.h"
#include "examdocs/jobs/job_queue.h"
#include "job_failures.h"

namespace examdocs::jobs {

void SharedJob::split(const JobRow& job, const std::atomic<bool>& cancel) {
    JobStore& store = *queue_.store_;
    JobRow counts = job;
    counts.done = counts.printed = counts.refused = 0;
    const auto layout = queue_.layouts_.find(job.layout);
    if (!layout || !job.options.format) {
        queue_.fail(job, counts, "the job's layout or input format is no longer known");
        return;
    }
    std::ifstream input(queue_.dir_of(job.id) + "/input", std::ios::binary);
    if (!input) {
        queue_.fail(job, counts, "the job's files in the data directory cannot be opened");
        return;
    }
    std::int64_t chunk = 0;
    try {
        bulk::ChunkSplitter splitter(input, *job.options.format, *layout,
                                     static_cast<std::size_t>(job.options.chunk_records),
                                     read_options_of(job.options, queue_.dir_of(job.id)));
        while (auto next = splitter.next()) {
            if (cancel.load()) return;  // cancelled, or this instance stops: split again later
            store.add_chunk(job.id, chunk++, static_cast<std::int64_t>(next->first_record),
                            static_cast<std::int64_t>(next->records), next->text);
            queue_.wake_.notify_all();
        }
    } catch (const bulk::InputError& e) {
        queue_.fail(job, counts, unreadable_input(e));
        return;
    }
    store.split_done(job.id, chunk);
    queue_.listener_.log("info", "bulk job split", {{"job", job.id}, {"chunks", chunk}});
    if (chunk == 0) finish(job.id);  // no records: nothing for anyone to claim
}

bool SharedJob::print_next_chunk() {
    JobStore& store = *queue_.store_;
    const int lease_seconds = queue_.settings_.lease_seconds;
    const auto claim = store.claim_chunk(queue_.instance_, queue_.epoch_now(), lease_seconds);
    if (!claim) return false;
    const auto job = store.find(claim->job_id);
    if (!job) return true;
    JobQueue::Running running(queue_, job->id);
    const auto cancel = running.flag();
    const auto layout = queue_.layouts_.find(job->layout);
    if (!layout) {
        // Instances sharing jobs must know the same layouts.
        queue_.fail(*job, *job, "the layout " + job->layout + " is not known on every instance");
        return true;
    }
    bulk::PrintOptions print = queue_.print_options(*job, cancel.get());
    print.scope = bulk::OutputScope::part;

    ChunkResult result;
    bulk::PrintCallbacks callbacks;
    callbacks.on_failure = [&](const bulk::RecordFailure& f) {
        result.failures.push_back(failure_row(f));
    };
    // The claim is renewed while the chunk prints; a claim lost (the lease ran out while
    // this instance stalled, and another took the chunk) stops it.
    auto renewed = std::chrono::steady_clock::now();
    callbacks.on_progress = [&](const bulk::PrintProgress&) {
        const auto now = std::chrono::steady_clock::now();
        if (now - renewed < std::chrono::seconds(std::max(1, lease_seconds / 4))) return;
        renewed = now;
        if (!store.renew_chunk(job->id, claim->chunk, queue_.instance_, queue_.epoch_now()))
            cancel->store(true);
    };
    Poco::MemoryInputStream input(claim->input.data(),
                                  static_cast<std::streamsize>(claim->input.size()));
    std::ostringstream out;
    bulk::PrintSummary summary;
    try {
        bulk::ReadOptions read_options;
        read_options.defaults = job->options.defaults;
        read_options.number_offset = static_cast<std::size_t>(claim->first_record - 1);
        auto records = bulk::open_chunk(input, *layout, read_options);
        summary = bulk::print_records(*records, *layout, out, print, callbacks);
    } catch (const std::exception& e) {
        queue_.fail(*job, *job,
                    "chunk " + std::to_string(claim->chunk) + " could not be printed: " + e.what());
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
    if (!store.complete_chunk(job->id, claim->chunk, queue_.instance_, result, queue_.epoch_now()))
        return true;
    queue_.listener_.records_printed(result.printed, result.refused);
    queue_.listener_.log("info", "bulk chunk done",
                         {{"job", job->id},
                          {"chunk", claim->chunk},
                          {"records", claim->records},
                          {"seconds", summary.seconds}});
    const auto ready = store.assemblable(queue_.epoch_now(), 0);
    if (std::find(ready.begin(), ready.end(), job->id) != ready.end()) finish(job->id);
    return true;
}

void SharedJob::finish(const std::string& id) {
    JobStore& store = *queue_.store_;
    const auto job = store.find(id);
    if (!job || job->state != JobState::running) return;
    JobRow counts = *job;
    if (counts.printed == 0) {
        queue_.fail(*job, counts, nothing_printed(counts.done));
        return;
    }
    try {
        const auto assembled = assemble(*job);
        counts.pages = assembled.pages;
        counts.bytes = static_cast<std::int64_t>(assembled.bytes);
    } catch (const std::exception& e) {
        queue_.fail(*job, counts, std::string("assembling the result failed: ") + e.what());
        return;
    }
    if (!store.complete(id, counts)) return;  // cancelled, or finished by another instance
    queue_.listener_.job_ended(JobState::done);
    queue_.listener_.log("info", "bulk job done",
                         {{"job", id},
                          {"printed", counts.printed},
                          {"refused", counts.refused},
                          {"chunks", job->chunks}});
    queue_.wake_callback(*job);
}

SharedJob::Assembled SharedJob::assemble(const JobRow& job) {
    // One assembly at a time here: two workers (or a worker and a download) asking for the
    // same result get one file.
    std::lock_guard lock(queue_.assembly_mutex_);
    const bool zip = job.options.output == bulk::OutputKind::zip;
    const auto layout = queue_.layouts_.find(job.layout);
    if (!layout) throw std::runtime_error("the layout " + job.layout + " is not known here");
    const std::string dir = queue_.dir_of(job.id);
    Assembled assembled;
    assembled.path = dir + (zip ? "/result.zip" : "/result.pdf");
    std::int64_t pages = 0;
    const std::string partial = assembled.path + ".partial";
    Poco::File(dir).createDirectories();
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        bulk::PartAssembler assembler(
            out, job.options.output,
            {layout->title, layout->title, job.options.created_at, job.id});
        // One part in memory at a time.
        for (std::int64_t chunk = 0; chunk < job.chunks; ++chunk) {
            const auto part = queue_.store_->chunk_output(job.id, chunk);
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

}  // namespace examdocs::jobs
