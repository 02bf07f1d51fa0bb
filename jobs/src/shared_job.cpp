#include "shared_job.h"

#include <Poco/File.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <streambuf>
#include <vector>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/records.h"
#include "examdocs/jobs/job_queue.h"
#include "job_failures.h"

namespace examdocs::jobs {

namespace {

// CSV and NDJSON are cut as they were uploaded; anything else is normalised to encoded
// records first (a workbook and a JSON array have no rows to cut between, and records
// with photos carry them, since the instances printing the chunks cannot reach the ZIP).
bulk::ChunkKind chunk_kind_of(const JobOptions& options) {
    if (!options.has_photos && options.format == bulk::InputFormat::csv)
        return bulk::ChunkKind::csv;
    if (!options.has_photos && options.format == bulk::InputFormat::ndjson) {
        return bulk::ChunkKind::ndjson;
    }
    return bulk::ChunkKind::records;
}

std::string stored_input_key(const std::string& id, bulk::ChunkKind kind) {
    return kind == bulk::ChunkKind::records ? records_key(id) : input_key(id);
}

// Chunk rows go to the database in batches: the first alone, so that printing starts while
// the rest of the input is scanned, then many at a time.
constexpr std::size_t kChunkBatch = 64;

ChunkRange row_of(std::int64_t chunk, const bulk::ChunkRange& range, bulk::ChunkKind kind,
                  std::uint64_t header_bytes) {
    ChunkRange row;
    row.chunk = chunk;
    row.first_record = static_cast<std::int64_t>(range.first_record);
    row.records = static_cast<std::int64_t>(range.records);
    row.kind = std::string(bulk::to_string(kind));
    row.input_offset = static_cast<std::int64_t>(range.offset);
    row.input_bytes = static_cast<std::int64_t>(range.bytes);
    row.header_bytes = static_cast<std::int64_t>(header_bytes);
    row.line_offset = static_cast<std::int64_t>(range.line_offset);
    return row;
}

// A chunk's text as open_chunk reads it: its mark line and the CSV header (a few hundred
// bytes, in memory), then its rows straight from the store's stream, a buffer at a time,
// never the whole chunk in memory. Counts the rows' bytes, so that a store that failed or
// ended mid-chunk (a stream that stops early looks like the end of the records) is told
// apart from the chunk's end.
class ChunkInputBuffer : public std::streambuf {
  public:
    ChunkInputBuffer(std::string head, std::unique_ptr<std::istream> rows)
        : head_(std::move(head)), rows_(std::move(rows)) {
        setg(head_.data(), head_.data(), head_.data() + head_.size());
    }
    std::uint64_t row_bytes() const { return row_bytes_; }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        const std::streamsize got =
            rows_->rdbuf()->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        if (got <= 0) return traits_type::eof();
        row_bytes_ += static_cast<std::uint64_t>(got);
        setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
        return traits_type::to_int_type(*gptr());
    }

  private:
    std::string head_;
    std::unique_ptr<std::istream> rows_;
    std::vector<char> buffer_ = std::vector<char>(std::size_t{64} << 10);
    std::uint64_t row_bytes_ = 0;
};

}  // namespace

void SharedJob::split(const JobRow& job, const std::atomic<bool>& cancel) {
    JobStore& store = *queue_.store_;
    PayloadStore& payloads = *queue_.payloads_;
    JobRow counts = job;
    counts.done = counts.printed = counts.refused = 0;
    const auto layout = queue_.layouts_.find(job.layout);
    if (!layout || !job.options.format) {
        queue_.fail(job, counts, "the job's layout or input format is no longer known");
        return;
    }
    const bulk::ChunkKind kind = chunk_kind_of(job.options);
    const std::string key = stored_input_key(job.id, kind);
    const std::string local_input = queue_.dir_of(job.id) + "/input";
    const auto per_chunk = static_cast<std::size_t>(job.options.chunk_records);
    std::vector<ChunkRange> batch;
    std::int64_t chunk = 0;
    auto flush = [&] {
        store.add_chunks(job.id, batch);
        batch.clear();
        queue_.chunks_queued();
    };
    auto add = [&](const bulk::ChunkRange& range, std::uint64_t header_bytes) {
        batch.push_back(row_of(chunk++, range, kind, header_bytes));
        if (chunk == 1 || batch.size() >= kChunkBatch) flush();
    };
    try {
        if (kind != bulk::ChunkKind::records) {
            // The upload itself goes into the store: renamed when the store is on the data
            // directory's file system, copied once otherwise.
            if (!payloads.size(key)) {
                if (!Poco::File(local_input).exists()) {
                    queue_.fail(job, counts,
                                "the job's input is neither in the job store (" +
                                    payloads.describe() + ") nor in this data directory");
                    return;
                }
                payloads.adopt(key, local_input);
            }
            const auto in = payloads.open(key);
            if (!in) throw std::runtime_error("the job store lost " + key);
            bulk::ChunkScanner scanner(*in, kind, *layout, per_chunk,
                                       bulk::ReadOptions().max_record_bytes);
            while (const auto range = scanner.next()) {
                if (cancel.load()) return;  // cancelled, or this instance stops: split again later
                add(*range, scanner.header_bytes());
            }
        } else {
            std::ifstream input(local_input, std::ios::binary);
            if (!input) {
                queue_.fail(job, counts, "the job's files in the data directory cannot be opened");
                return;
            }
            // Defaults are merged when a chunk is read, as for the other kinds.
            bulk::ReadOptions read = read_options_of(job.options, queue_.dir_of(job.id));
            read.defaults = Poco::Dynamic::Var();
            auto records = bulk::open_records(input, *job.options.format, *layout, read);
            auto writer = payloads.write(key);
            std::vector<bulk::ChunkRange> ranges;
            std::uint64_t written = 0;
            std::size_t next_record = 1;
            while (auto record = records->next()) {
                if (cancel.load()) return;
                if (ranges.empty() || ranges.back().records == per_chunk) {
                    bulk::ChunkRange range;
                    range.first_record = next_record;
                    range.offset = written;
                    ranges.push_back(range);
                }
                const std::string line = bulk::encode_record(*record);
                writer->stream() << line;
                written += line.size();
                ranges.back().bytes += line.size();
                ++ranges.back().records;
                ++next_record;
            }
            writer->commit();
            for (const auto& range : ranges) add(range, 0);
        }
        flush();
    } catch (const bulk::InputError& e) {
        queue_.fail(job, counts, unreadable_input(e));
        return;
    }
    store.split_done(job.id, chunk);
    queue_.listener_.log("info", "bulk job split", {{"job", job.id}, {"chunks", chunk}});
    queue_.part_done();  // the assembler learns how many parts there are
}

bool SharedJob::print_next_chunk() {
    JobStore& store = *queue_.store_;
    PayloadStore& payloads = *queue_.payloads_;
    const int lease_seconds = queue_.settings_.lease_seconds;
    const auto claim = store.claim_chunk(queue_.instance_, queue_.epoch_now(), lease_seconds);
    if (!claim) return false;
    const ChunkRange& range = claim->range;
    const auto job = store.find(claim->job_id);
    if (!job) return true;
    JobQueue::Running running(queue_, job->id);
    const auto cancel = running.flag();
    const auto layout = queue_.layouts_.find(job->layout);
    const auto kind = bulk::chunk_kind_named(range.kind);
    if (!layout || !kind) {
        // Instances sharing jobs must know the same layouts (and versions the same kinds).
        queue_.fail(*job, *job,
                    "the layout " + job->layout + " or a chunk's kind " + range.kind +
                        " is not known on every instance");
        return true;
    }
    const std::string key = stored_input_key(job->id, *kind);
    std::optional<ChunkInputBuffer> chunk_input;
    try {
        const std::string header =
            range.header_bytes > 0
                ? payloads.read(key, 0, static_cast<std::uint64_t>(range.header_bytes))
                : std::string();
        chunk_input.emplace(
            bulk::chunk_text(*kind, static_cast<std::size_t>(range.line_offset), header, {}),
            payloads.open_range(key, static_cast<std::uint64_t>(range.input_offset),
                                static_cast<std::uint64_t>(range.input_bytes)));
    } catch (const std::exception& e) {
        // This instance's store is not the one the job was split into (jobs.store differs
        // between instances): the claim runs out and an instance that reaches the input
        // takes the chunk.
        queue_.listener_.log("error", "a chunk's input is not in this instance's job store",
                             {{"job", job->id},
                              {"chunk", range.chunk},
                              {"store", payloads.describe()},
                              {"what", e.what()}});
        return false;
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
        if (!store.renew_chunk(job->id, range.chunk, queue_.instance_, queue_.epoch_now()))
            cancel->store(true);
    };
    std::istream input(&*chunk_input);
    bulk::PrintSummary summary;
    std::unique_ptr<PayloadWriter> part;
    try {
        part = payloads.write(part_key(job->id, range.chunk));
        bulk::ReadOptions read_options;
        read_options.defaults = job->options.defaults;
        read_options.number_offset = static_cast<std::size_t>(range.first_record - 1);
        auto records = bulk::open_chunk(input, *layout, read_options);
        summary = bulk::print_records(*records, *layout, part->stream(), print, callbacks);
        // Stopped: by shutdown (the claim goes back at the next start, or to another
        // instance when its lease runs out), a cancelled job, or a lost claim. The part's
        // temporary file goes with the writer.
        if (summary.cancelled) return true;
        if (chunk_input->row_bytes() != static_cast<std::uint64_t>(range.input_bytes)) {
            throw std::runtime_error("the job store gave " +
                                     std::to_string(chunk_input->row_bytes()) + " of its " +
                                     std::to_string(range.input_bytes) + " bytes");
        }
        // The part is in the store before the row says it is done: an assembler that sees
        // the row finds the bytes. (Two instances printing one chunk, after a lease ran out,
        // write the same bytes.)
        payloads.put(manifest_key(job->id, range.chunk), summary.part_manifest);
        part->commit();
    } catch (const std::exception& e) {
        queue_.fail(*job, *job,
                    "chunk " + std::to_string(range.chunk) + " could not be printed: " + e.what());
        return true;
    }
    result.printed = static_cast<std::int64_t>(summary.printed);
    result.refused = static_cast<std::int64_t>(summary.refused);
    result.pages = summary.pages;
    if (!store.complete_chunk(job->id, range.chunk, queue_.instance_, result, queue_.epoch_now()))
        return true;
    queue_.part_done();
    queue_.listener_.records_printed(result.printed, result.refused);
    queue_.listener_.log("info", "bulk chunk done",
                         {{"job", job->id},
                          {"chunk", range.chunk},
                          {"records", range.records},
                          {"seconds", summary.seconds}});
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
        // Another instance may have assembled it meanwhile (and removed the parts).
        const auto now = store.find(id);
        if (now && now->state == JobState::running) {
            queue_.fail(*job, counts, std::string("assembling the result failed: ") + e.what());
        }
        return;
    }
    queue_.job_assembled(*job, counts);
}

SharedJob::Assembled SharedJob::assemble(const JobRow& job) {
    // One assembly at a time here: two workers (or a worker and a download) asking for the
    // same result get one file.
    std::lock_guard lock(queue_.assembly_mutex_);
    PayloadStore& payloads = *queue_.payloads_;
    const bool zip = job.options.output == bulk::OutputKind::zip;
    const auto layout = queue_.layouts_.find(job.layout);
    if (!layout) throw std::runtime_error("the layout " + job.layout + " is not known here");
    const auto done = queue_.store_->done_chunks(job.id, 0);
    if (static_cast<std::int64_t>(done.size()) != job.chunks) {
        throw std::runtime_error(
            std::to_string(job.chunks - static_cast<std::int64_t>(done.size())) +
            " chunks are not done");
    }
    Assembled assembled;
    const std::string key = result_key(job.id, zip);
    auto writer = payloads.write(key);
    bulk::PartAssembler assembler(writer->stream(), job.options.output,
                                  {layout->title, layout->title, job.options.created_at, job.id});
    // One part in memory at a time, each read into the memory of the one before.
    std::string part;
    for (const auto& chunk : done) {
        assembler.add(payloads.read_all_into(part_key(job.id, chunk.chunk), part),
                      payloads.read_all(manifest_key(job.id, chunk.chunk)));
        assembled.pages += chunk.pages;
    }
    assembled.bytes = assembler.finish();
    if (assembler.sheets() > 0) assembled.pages = assembler.sheets();  // a merged PDF's sheets
    writer->commit();
    assembled.path = payloads.local_file(key).value_or("");
    return assembled;
}

StreamingAssembly::StreamingAssembly(JobQueue& queue, std::string id)
    : queue_(queue), id_(std::move(id)) {}

StreamingAssembly::~StreamingAssembly() = default;

bool StreamingAssembly::advance() {
    JobStore& store = *queue_.store_;
    PayloadStore& payloads = *queue_.payloads_;
    const auto job = store.find(id_);
    // Ended: cancelled, failed, or assembled by another instance that found it quiet.
    if (!job || job->state != JobState::running) return true;
    if (!assembler_) {
        const auto layout = queue_.layouts_.find(job->layout);
        if (!layout) throw std::runtime_error("the layout " + job->layout + " is not known here");
        writer_ = payloads.write(result_key(id_, job->options.output == bulk::OutputKind::zip));
        assembler_ = std::make_unique<bulk::PartAssembler>(
            writer_->stream(), job->options.output,
            bulk::PartAssembler::FileInfo{layout->title, layout->title, job->options.created_at,
                                          job->id});
    }
    for (const auto& chunk : store.done_chunks(id_, next_)) {
        if (chunk.chunk != next_) break;  // an earlier one is still printing
        assembler_->add(payloads.read_all_into(part_key(id_, chunk.chunk), part_),
                        payloads.read_all(manifest_key(id_, chunk.chunk)));
        pages_ += chunk.pages;
        ++next_;
    }
    if (job->chunks < 0 || next_ < job->chunks) return false;  // split or printing goes on
    JobRow counts = *store.find(id_);
    if (counts.state != JobState::running) return true;
    if (counts.printed == 0) {
        queue_.fail(counts, counts, nothing_printed(counts.done));
        return true;
    }
    counts.bytes = static_cast<std::int64_t>(assembler_->finish());
    // The result's pages: a merged PDF's sheets, each document's pages in a ZIP.
    counts.pages = assembler_->sheets() > 0 ? assembler_->sheets() : pages_;
    writer_->commit();
    queue_.job_assembled(*job, counts);
    return true;
}

}  // namespace examdocs::jobs
