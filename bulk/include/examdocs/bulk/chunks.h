#pragma once
// The records of a job split into chunks, so that instances sharing the job can each print
// some (see jobs/job_store.h). A chunk starts with a mark line saying what it holds and
// where it sits in the input, so that its records are numbered and lined as in one run over
// the whole input; the job's defaults are merged in when the chunk is read. A chunk then
// prints on any instance exactly as in one run.
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "examdocs/bulk/records.h"

namespace examdocs::bulk {

// A job's input cut into chunks of `records_per_chunk` records. CSV and NDJSON chunks are
// the input's own text cut between records without parsing them (a CSV chunk starts with
// the header row), so splitting costs little more than reading the input once — it is the
// one step of a shared job that no other instance can help with. A JSON array is parsed
// (it has to be, whole), a workbook read, and their records encoded one per line; so are
// the records of an input whose photos come as files. Each chunk's text starts
// with a line saying which it is and where it sits in the input. Throws InputError where
// reading the whole input would: a bad CSV header, an unterminated quote, a record over
// the size limit.
class ChunkSplitter {
  public:
    struct Chunk {
        std::string text;
        std::size_t first_record = 1;
        std::size_t records = 0;
    };

    // `read` names the sheet of a workbook and where "@name" cells find their photos
    // (max_record_bytes bounds a record); its defaults are not merged here. With photos,
    // records are read here and encoded with their photos, since the instances printing
    // the chunks cannot reach the files.
    ChunkSplitter(std::istream& in, InputFormat format, const renderers::Layout& layout,
                  std::size_t records_per_chunk, ReadOptions read = {});
    ~ChunkSplitter();
    ChunkSplitter(const ChunkSplitter&) = delete;
    ChunkSplitter& operator=(const ChunkSplitter&) = delete;

    // The next chunk, or nullopt after the last.
    std::optional<Chunk> next();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// Where the chunks of a stored input lie, found by one scan for record boundaries: byte
// ranges of the input as it is, nothing re-encoded, so that instances sharing a job read
// each chunk's bytes from a store every one of them reaches (jobs/payload_store.h) and no
// record passes through the database. The kinds of input that can be cut so: CSV, NDJSON,
// and lines made by encode_record (what a workbook, a JSON array or records with photos
// are normalised to, once).
enum class ChunkKind { csv, ndjson, records };

struct ChunkRange {
    std::size_t first_record = 1;
    std::size_t records = 0;
    std::uint64_t offset = 0;  // of the chunk's first record's row
    std::uint64_t bytes = 0;
    // The input line before the chunk's first row: with the CSV header prepended, a reader
    // numbers the chunk's lines as one run over the whole input would.
    std::size_t line_offset = 0;
};

class ChunkScanner {
  public:
    // Reads `in` once, as ChunkSplitter does (the same checks, the same InputError for a
    // bad CSV header, an unterminated quote, a record over max_record_bytes).
    ChunkScanner(std::istream& in, ChunkKind kind, const renderers::Layout& layout,
                 std::size_t records_per_chunk, std::size_t max_record_bytes);
    ~ChunkScanner();
    ChunkScanner(const ChunkScanner&) = delete;
    ChunkScanner& operator=(const ChunkScanner&) = delete;

    // CSV: the header row's bytes at the start of the input (every chunk is read after it);
    // 0 for the other kinds.
    std::uint64_t header_bytes() const;
    std::optional<ChunkRange> next();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// The text open_chunk reads for a chunk of `kind` whose rows are `body`, after the input's
// CSV `header` (empty for the other kinds).
std::string chunk_text(ChunkKind kind, std::size_t line_offset, std::string_view header,
                       std::string_view body);
std::string_view to_string(ChunkKind kind);
std::optional<ChunkKind> chunk_kind_named(std::string_view name);

// The records of a chunk made by ChunkSplitter (or chunk_text), numbered and lined as in the whole
// input, with `options.defaults` merged in (files_dir and the offsets are ignored).
std::unique_ptr<RecordReader> open_chunk(std::istream& in, const renderers::Layout& layout,
                                         ReadOptions options = {});

// One record as a line of JSON ending in '\n' (how JSON-array chunks hold records).
std::string encode_record(const Record& record);

// Reads lines made by encode_record, with `defaults` merged under each record. A line that is not
// one throws InputError (a chunk is written by examdocs; a broken one is a fault, not a refused
// record).
std::unique_ptr<RecordReader> open_encoded_records(std::istream& in,
                                                   const Poco::Dynamic::Var& defaults = {});

}  // namespace examdocs::bulk
