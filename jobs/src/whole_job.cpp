#include "whole_job.h"

#include <Poco/File.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <Poco/JSON/Parser.h>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/records.h"
#include "examdocs/jobs/job_queue.h"
#include "job_failures.h"

namespace examdocs::jobs {

WholeJob::WholeJob(JobQueue& queue, JobRow job) : queue_(queue), job_(std::move(job)) {}

void WholeJob::run(const std::atomic<bool>& cancel) {
    JobStore& store = *queue_.store_;
    const JobOptions& options = job_.options;
    const std::string& id = job_.id;
    const std::string dir = queue_.dir_of(id);
    const bool zip = options.output == bulk::OutputKind::zip;
    const std::string result = dir + (zip ? "/result.zip" : "/result.pdf");
    const std::string partial = result + ".partial";

    JobRow counts = job_;
    counts.done = counts.printed = counts.refused = 0;
    auto fail = [&](const std::string& message) {
        if (Poco::File(partial).exists()) Poco::File(partial).remove();
        queue_.fail(job_, counts, message);
    };
    const auto layout = queue_.layouts_.find(job_.layout);
    if (!layout || !options.format) {
        fail("the job's layout or input format is no longer known");
        return;
    }

    std::ifstream input(dir + "/input", std::ios::binary);
    bulk::ReadOptions read_options = read_options_of(options, dir);
    if (options.has_defaults) {
        std::ifstream defaults(dir + "/defaults.json", std::ios::binary);
        std::ostringstream text;
        text << defaults.rdbuf();
        Poco::JSON::Parser parser;
        read_options.defaults = parser.parse(text.str());
    }
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!input || !out) {
        fail("the job's files in the data directory cannot be opened");
        return;
    }

    const bulk::PrintOptions print = queue_.print_options(job_, &cancel);

    std::vector<JobFailureRow> pending;
    auto last_saved = std::chrono::steady_clock::now();
    bulk::PrintCallbacks callbacks;
    callbacks.on_failure = [&](const bulk::RecordFailure& f) { pending.push_back(failure_row(f)); };
    callbacks.on_progress = [&](const bulk::PrintProgress& p) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_saved < std::chrono::milliseconds(500) && pending.size() < 100) return;
        last_saved = now;
        store.progress(id, static_cast<std::int64_t>(p.done), static_cast<std::int64_t>(p.printed),
                       static_cast<std::int64_t>(p.refused), pending);
        pending.clear();
    };

    bulk::PrintSummary summary;
    try {
        auto records = bulk::open_records(input, *options.format, *layout, read_options);
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
    // The result's pages, as the clerk prints them: sheets of a merged PDF (two tickets
    // on a 2-up sheet), each document's pages in a ZIP.
    counts.pages = summary.sheets > 0 ? summary.sheets : summary.pages;
    counts.bytes = static_cast<std::int64_t>(summary.bytes);
    if (summary.cancelled) {
        Poco::File(partial).remove();
        // Interrupted by shutdown: the job stays running and runs again after restart.
        if (queue_.stopping()) return;
        store.progress(id, counts.done, counts.printed, counts.refused, pending);
        store.finish(id, JobState::cancelled, counts);
        queue_.listener_.job_ended(JobState::cancelled);
        queue_.listener_.records_printed(counts.printed, counts.refused);
        queue_.listener_.log("info", "bulk job cancelled", {{"job", id}});
    } else if (counts.printed == 0) {
        store.progress(id, counts.done, counts.printed, counts.refused, pending);
        fail(nothing_printed(counts.done));
        return;
    } else {
        store.progress(id, counts.done, counts.printed, counts.refused, pending);
        if (std::rename(partial.c_str(), result.c_str()) != 0) {
            fail("the result could not be moved into place");
            return;
        }
        store.finish(id, JobState::done, counts);
        queue_.listener_.job_ended(JobState::done);
        queue_.listener_.records_printed(counts.printed, counts.refused);
        queue_.listener_.log("info", "bulk job done",
                             {{"job", id},
                              {"printed", counts.printed},
                              {"refused", counts.refused},
                              {"seconds", summary.seconds}});
    }
    queue_.wake_callback(job_);
}

}  // namespace examdocs::jobs
