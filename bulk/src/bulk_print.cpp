#include "examdocs/bulk/bulk_print.h"

#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <future>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "examdocs/fonts/font_set.h"

namespace examdocs::bulk {

namespace {

using renderers::ComposedDocument;

// One record on its way through a batch.
struct Slot {
    Record record;
    std::optional<ComposedDocument> composed;             // merged PDF
    std::optional<renderers::RenderedDocument> rendered;  // ZIP
    std::vector<FieldError> errors;
    std::exception_ptr fault;
};

// Composes (merged PDF) or renders (ZIP) every slot of a batch on `threads` threads.
void work_on(std::vector<Slot>& batch, const renderers::Layout& layout,
             const PrintOptions& options) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        renderers::RenderContext context;
        context.now = options.now;
        for (std::size_t i = next++; i < batch.size(); i = next++) {
            Slot& slot = batch[i];
            if (!slot.record.errors.empty()) continue;
            try {
                if (options.prepare) {
                    slot.record.data = options.prepare(slot.record, slot.errors);
                    if (!slot.errors.empty()) continue;
                }
                if (options.output == OutputKind::merged_pdf) {
                    auto outcome = renderers::compose_document(layout, slot.record.data, context);
                    if (outcome.document) {
                        slot.composed = std::move(outcome.document);
                    } else {
                        slot.errors = std::move(outcome.errors);
                    }
                } else {
                    auto outcome = renderers::render_document(layout, slot.record.data, context);
                    if (outcome.document) {
                        slot.rendered = std::move(outcome.document);
                    } else {
                        slot.errors = std::move(outcome.errors);
                    }
                }
            } catch (...) {
                slot.fault = std::current_exception();
            }
            // The record's data (a photo in base64) is not needed any more.
            slot.record.data = Poco::Dynamic::Var();
        }
    };
    const int helpers = std::max(1, options.threads) - 1;
    std::vector<std::future<void>> running;
    for (int i = 0; i < helpers; ++i) running.push_back(std::async(std::launch::async, worker));
    worker();
    for (auto& f : running) f.get();
}

std::vector<Slot> read_batch(RecordReader& records, std::size_t size) {
    std::vector<Slot> batch;
    while (batch.size() < size) {
        auto record = records.next();
        if (!record) break;
        batch.push_back(Slot{std::move(*record), {}, {}, {}, {}});
    }
    return batch;
}

// ZIP entry names: the document's own file name, made unique with "-2", "-3".
std::string unique_name(std::set<std::string>& used, const std::string& name) {
    if (used.insert(name).second) return name;
    const auto dot = name.rfind('.');
    const std::string stem = name.substr(0, dot);
    const std::string ext = dot == std::string::npos ? "" : name.substr(dot);
    for (int i = 2;; ++i) {
        std::string candidate = stem + "-" + std::to_string(i) + ext;
        if (used.insert(candidate).second) return candidate;
    }
}

}  // namespace

PrintSummary print_records(RecordReader& records, const renderers::Layout& layout,
                           std::ostream& out, const PrintOptions& options,
                           const PrintCallbacks& callbacks) {
    const auto started = std::chrono::steady_clock::now();
    PrintSummary summary;
    const std::streamoff out_start = out.tellp();

    std::optional<renderers::DocumentStream> merged;
    std::optional<Poco::Zip::Compress> zip;
    std::set<std::string> names;
    std::string title = options.title.empty() ? layout.title : options.title;
    if (options.output == OutputKind::merged_pdf) {
        merged.emplace(out, fonts::bundled_font_set(), options.sheets);
    } else {
        zip.emplace(out, false);
    }
    const Poco::DateTime zip_time(
        Poco::Timestamp::fromEpochTime(std::chrono::system_clock::to_time_t(options.now)));

    auto write_batch = [&](std::vector<Slot>& batch) {
        for (Slot& slot : batch) {
            if (slot.fault) std::rethrow_exception(slot.fault);
            ++summary.records;
            std::vector<FieldError>& errors =
                slot.record.errors.empty() ? slot.errors : slot.record.errors;
            if (!errors.empty()) {
                ++summary.refused;
                if (callbacks.on_failure) {
                    callbacks.on_failure({slot.record.number, slot.record.line, errors});
                }
                continue;
            }
            ++summary.printed;
            if (merged) {
                merged->add(*slot.composed);
                summary.pages += slot.composed->page_count;
                slot.composed.reset();
            } else {
                std::istringstream pdf(slot.rendered->pdf);
                // PDFs are compressed already: stored, not deflated again.
                zip->addFile(pdf, zip_time, Poco::Path(unique_name(names, slot.rendered->filename)),
                             Poco::Zip::ZipCommon::CM_STORE);
                summary.pages += slot.rendered->page_count;
                slot.rendered.reset();
            }
        }
        if (callbacks.on_progress) {
            callbacks.on_progress({summary.records, summary.printed, summary.refused,
                                   std::chrono::steady_clock::now() - started});
        }
    };

    const std::size_t batch_size = std::max<std::size_t>(1, options.batch);
    std::vector<Slot> current = read_batch(records, batch_size);
    work_on(current, layout, options);
    while (!current.empty()) {
        if (options.cancel && options.cancel->load()) {
            summary.cancelled = true;
            break;
        }
        // Read and compose the next batch while this one is written (reading too: photo
        // files are read and encoded there). Only this task touches the reader.
        std::vector<Slot> next;
        auto composing = std::async(std::launch::async, [&] {
            next = read_batch(records, batch_size);
            work_on(next, layout, options);
        });
        try {
            write_batch(current);
        } catch (...) {
            composing.wait();
            throw;
        }
        composing.get();
        current = std::move(next);
    }

    if (merged) {
        renderers::StreamInfo info;
        info.title = title;
        info.subject = layout.title;
        info.created = options.now;
        info.document_id = options.document_id;
        merged->finish(info);
        summary.sheets = merged->sheet_count();
        summary.bytes = merged->bytes_written();
    } else {
        zip->close();
        out.flush();
        const std::streamoff end = out.tellp();
        if (out_start >= 0 && end >= out_start) {
            summary.bytes = static_cast<std::uint64_t>(end - out_start);
        }
    }
    if (!out) throw std::ios_base::failure("writing the output failed");
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace examdocs::bulk
