#pragma once
// Prints a stream of records with one layout: into one merged PDF (in input order, the
// fonts subset once for the whole file, optionally n-up with cut marks) or into a ZIP of
// one PDF per record. Records are composed on `threads` worker threads in batches while
// the previous batch is written, so memory holds two batches, never the job.
//
// A record that is refused (unreadable, or its fields break the layout's rules) fails
// alone: it is reported through on_failure, in input order, and the rest print.
// Output errors (a full disk) throw std::ios_base::failure or PdfError-like
// std::runtime_error from the writer.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/bulk/records.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/document_stream.h"
#include "examdocs/renderers/layout.h"

namespace examdocs::bulk {

enum class OutputKind { merged_pdf, zip };

// A whole file, or a part of one, to be joined with the parts before and after it by
// PartAssembler (the chunks of a job shared by several instances).
enum class OutputScope { whole_file, part };

struct PrintOptions {
    OutputKind output = OutputKind::merged_pdf;
    renderers::SheetOptions sheets;  // merged PDF only
    int threads = 1;
    std::size_t batch = 64;  // records composed together
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
    std::string document_id;                    // merged PDF's /ID; empty: random
    std::string title;                          // merged PDF's title; empty: the layout's
    const std::atomic<bool>* cancel = nullptr;  // checked between batches
    // With OutputScope::part the part's bytes go to `out` and its manifest to
    // PrintSummary::part_manifest; now/document_id/title are then the assembler's to set.
    OutputScope scope = OutputScope::whole_file;
    // Run on a worker thread for each readable record before it is composed: returns the
    // data to print (e.g. a certificate issued through the registry from the record), or
    // puts field errors in `errors` to refuse the record. Must be thread-safe.
    std::function<Poco::Dynamic::Var(const Record&, std::vector<FieldError>& errors)> prepare;
    // ZIP output: each PDF is signed with it (the registry's certificates). A merged PDF is
    // never signed: it is a print file, not a document of one holder.
    const renderers::PdfSigner* signer = nullptr;
};

struct RecordFailure {
    std::size_t number = 0;  // 1-based record number
    std::size_t line = 0;    // input line, when the format has lines
    std::vector<FieldError> errors;
};

struct PrintProgress {
    std::size_t done = 0;  // records read and printed or refused
    std::size_t printed = 0;
    std::size_t refused = 0;
    std::chrono::steady_clock::duration elapsed{};
};

struct PrintSummary {
    std::size_t records = 0;
    std::size_t printed = 0;
    std::size_t refused = 0;
    int pages = 0;   // document pages
    int sheets = 0;  // printed sheets (pages / n-up), merged PDF only
    std::uint64_t bytes = 0;
    double seconds = 0;
    bool cancelled = false;
    std::string part_manifest;  // OutputScope::part only
};

struct PrintCallbacks {
    std::function<void(const RecordFailure&)> on_failure;
    std::function<void(const PrintProgress&)> on_progress;  // after each batch
};

PrintSummary print_records(RecordReader& records, const renderers::Layout& layout,
                           std::ostream& out, const PrintOptions& options,
                           const PrintCallbacks& callbacks = {});

// Joins parts written by print_records (OutputScope::part) into the output one run over
// all their records would have made: for a merged PDF the objects are renumbered and the
// fonts written once for the whole file; for a ZIP the entries are copied, names made
// unique across parts. Parts go in one at a time, in record order. With n-up sheets every
// part starts a new sheet, so a part whose records do not fill its last sheet leaves it
// partly empty. Throws std::runtime_error for a part that does not match its manifest.
class PartAssembler {
  public:
    // What the whole file carries: for a merged PDF its title, subject (the layout's
    // title), date and /ID; for a ZIP the entries' date.
    struct FileInfo {
        std::string title, subject;
        std::chrono::system_clock::time_point now;
        std::string document_id;
    };
    PartAssembler(std::ostream& out, OutputKind output, FileInfo info);
    ~PartAssembler();
    PartAssembler(const PartAssembler&) = delete;
    PartAssembler& operator=(const PartAssembler&) = delete;

    void add(std::string_view bytes, std::string_view manifest);
    // Finishes the file; returns its size in bytes.
    std::uint64_t finish();
    int sheets() const;  // merged PDF only

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace examdocs::bulk
