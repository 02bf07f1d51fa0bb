#include "examdocs/bulk/bulk_print.h"

#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <algorithm>
#include <charconv>
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
        if (options.output == OutputKind::zip) context.signer = options.signer;
        if (options.output == OutputKind::merged_pdf) {
            context.pages_per_sheet = options.sheets.pages_per_sheet;
        }
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
// A ZIP entry name Poco::Zip takes and unpacking tools cannot turn into a path outside
// the target folder: no separators, drive colons or "..", never empty. (A file name comes
// from the layout and the record's fields; Poco throws on the others.)
std::string entry_name(std::string name) {
    for (char& c : name) {
        if (c == '/' || c == '\\' || c == ':' || static_cast<unsigned char>(c) < 0x20) c = '_';
    }
    for (auto at = name.find(".."); at != std::string::npos; at = name.find("..", at)) {
        name[at] = '_';
    }
    if (name.empty() || name.front() == '.') name.insert(0, "document");
    return name;
}

std::string unique_name(std::set<std::string>& used, std::string name) {
    name = entry_name(std::move(name));
    if (used.insert(name).second) return name;
    const auto dot = name.rfind('.');
    const std::string stem = name.substr(0, dot);
    const std::string ext = dot == std::string::npos ? "" : name.substr(dot);
    for (int i = 2;; ++i) {
        std::string candidate = stem + "-" + std::to_string(i) + ext;
        if (used.insert(candidate).second) return candidate;
    }
}

// A ZIP part is its PDFs one after the other; its manifest names them:
//   examdocs-zip-part 1
//   entry <bytes> <file name>
constexpr const char* kZipPartHeader = "examdocs-zip-part 1\n";

std::string zip_manifest_line(std::size_t size, std::string name) {
    std::replace(name.begin(), name.end(), '\n', '_');
    std::replace(name.begin(), name.end(), '\r', '_');
    return "entry " + std::to_string(size) + ' ' + name + '\n';
}

// Closes `zip`, whose central directory goes to `out`, with every entry marked "made by
// Unix", mode 0644. Poco 1.11 marks entries made by MS-DOS, and Info-ZIP's unzip (Debian's)
// then reads their names in an OEM code page despite the UTF-8 flag: 准考证-….pdf shows
// as mojibake. Poco writes the central directory only in close() and counts offsets
// itself, so the directory is taken aside there, its records patched, then written on.
void close_zip_made_by_unix(Poco::Zip::Compress& zip, std::ostream& out) {
    std::stringbuf directory;
    std::streambuf* const sink = out.rdbuf(&directory);
    try {
        zip.close();
    } catch (...) {
        out.rdbuf(sink);
        throw;
    }
    out.rdbuf(sink);
    std::string bytes = directory.str();
    auto u16 = [&](std::size_t at) {
        return static_cast<std::size_t>(static_cast<unsigned char>(bytes[at])) |
               static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + 1])) << 8;
    };
    constexpr std::string_view kCentralHeader("PK\x01\x02", 4);
    constexpr std::size_t kFixedSize = 46;
    for (std::size_t at = 0; at + kFixedSize <= bytes.size() &&
                             std::string_view(bytes).substr(at, 4) == kCentralHeader;) {
        bytes[at + 5] = 3;  // version made by, high byte: the host system, 3 = Unix
        // External attributes: the Unix mode in the high 16 bits, a regular file rw-r--r--.
        bytes[at + 38] = 0;
        bytes[at + 39] = 0;
        bytes[at + 40] = static_cast<char>(0xA4);
        bytes[at + 41] = static_cast<char>(0x81);
        at += kFixedSize + u16(at + 28) + u16(at + 30) + u16(at + 32);
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Poco::DateTime zip_time_of(std::chrono::system_clock::time_point now) {
    return Poco::DateTime(
        Poco::Timestamp::fromEpochTime(std::chrono::system_clock::to_time_t(now)));
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
    std::string zip_manifest;  // ZIP part: one line per entry
    if (options.output == OutputKind::merged_pdf) {
        merged.emplace(out, fonts::bundled_font_set(), options.sheets,
                       options.scope == OutputScope::part ? renderers::PdfOutput::part
                                                          : renderers::PdfOutput::document);
    } else if (options.scope == OutputScope::whole_file) {
        zip.emplace(out, false);
    }
    const Poco::DateTime zip_time = zip_time_of(options.now);

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
            } else if (options.scope == OutputScope::part) {
                out.write(slot.rendered->pdf.data(),
                          static_cast<std::streamsize>(slot.rendered->pdf.size()));
                zip_manifest +=
                    zip_manifest_line(slot.rendered->pdf.size(), slot.rendered->filename);
                summary.pages += slot.rendered->page_count;
                slot.rendered.reset();
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

    if (merged && options.scope == OutputScope::part) {
        summary.part_manifest = merged->finish_part().to_text();
        summary.sheets = merged->sheet_count();
        summary.bytes = merged->bytes_written();
    } else if (options.scope == OutputScope::part) {
        out.flush();
        summary.part_manifest = kZipPartHeader + zip_manifest;
        const std::streamoff end = out.tellp();
        if (out_start >= 0 && end >= out_start) {
            summary.bytes = static_cast<std::uint64_t>(end - out_start);
        }
    } else if (merged) {
        renderers::StreamInfo info;
        info.title = title;
        info.subject = layout.title;
        info.created = options.now;
        info.document_id = options.document_id;
        merged->finish(info);
        summary.sheets = merged->sheet_count();
        summary.bytes = merged->bytes_written();
    } else {
        close_zip_made_by_unix(*zip, out);
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

struct PartAssembler::State {
    State(std::ostream& o, FileInfo i) : out(o), start(o.tellp()), info(std::move(i)) {}
    std::ostream& out;
    std::streamoff start;
    FileInfo info;
    std::optional<renderers::PartAssembler> pdf;
    std::optional<Poco::Zip::Compress> zip;
    std::set<std::string> names;
};

PartAssembler::PartAssembler(std::ostream& out, OutputKind output, FileInfo info)
    : state_(std::make_unique<State>(out, std::move(info))) {
    if (output == OutputKind::merged_pdf) {
        state_->pdf.emplace(out, fonts::bundled_font_set());
    } else {
        state_->zip.emplace(out, false);
    }
}

PartAssembler::~PartAssembler() = default;

void PartAssembler::add(std::string_view bytes, std::string_view manifest) {
    if (state_->pdf) {
        std::string error;
        const auto parsed = renderers::PartManifest::parse(manifest, error);
        if (!parsed) throw std::runtime_error("a PDF part's manifest is damaged: " + error);
        state_->pdf->add(bytes, *parsed);
        return;
    }
    const std::string_view header = kZipPartHeader;
    if (manifest.substr(0, header.size()) != header) {
        throw std::runtime_error("a ZIP part has no manifest");
    }
    manifest.remove_prefix(header.size());
    const Poco::DateTime time = zip_time_of(state_->info.now);
    std::size_t offset = 0;
    while (!manifest.empty()) {
        const auto eol = manifest.find('\n');
        const std::string_view line = manifest.substr(0, eol);
        manifest.remove_prefix(eol == std::string_view::npos ? manifest.size() : eol + 1);
        std::size_t size = 0;
        const auto space = line.find(' ', 6);
        const auto [end, ec] = std::from_chars(line.data() + std::min<std::size_t>(6, line.size()),
                                               line.data() + std::min(space, line.size()), size);
        if (line.substr(0, 6) != "entry " || space == std::string_view::npos || ec != std::errc() ||
            size > bytes.size() - offset) {
            throw std::runtime_error("a ZIP part does not match its manifest");
        }
        std::istringstream pdf{std::string(bytes.substr(offset, size))};
        offset += size;
        // Names are made safe by unique_name; anything else Poco refuses is a damaged part.
        try {
            state_->zip->addFile(
                pdf, time,
                Poco::Path(unique_name(state_->names, std::string(line.substr(space + 1)))),
                Poco::Zip::ZipCommon::CM_STORE);
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("a ZIP part's entry cannot be added: " + e.displayText());
        }
    }
    if (offset != bytes.size()) throw std::runtime_error("a ZIP part does not match its manifest");
}

std::uint64_t PartAssembler::finish() {
    State& s = *state_;
    if (s.pdf) {
        renderers::StreamInfo info;
        info.title = s.info.title;
        info.subject = s.info.subject;
        info.created = s.info.now;
        info.document_id = s.info.document_id;
        s.pdf->finish(info);
        return s.pdf->bytes_written();
    }
    close_zip_made_by_unix(*s.zip, s.out);
    s.out.flush();
    if (!s.out) throw std::ios_base::failure("writing the output failed");
    const std::streamoff end = s.out.tellp();
    return s.start >= 0 && end >= s.start ? static_cast<std::uint64_t>(end - s.start) : 0;
}

int PartAssembler::sheets() const { return state_->pdf ? state_->pdf->sheet_count() : 0; }

}  // namespace examdocs::bulk
