#pragma once
// The records of a bulk job, read one at a time from CSV, an .xlsx workbook's sheet, NDJSON
// or a JSON array, so that
// a file of 10,000 candidates is never held in memory at once (a JSON array is the
// exception: it is parsed whole).
//
// CSV (RFC 4180): the first row names the fields as JSON pointers without the leading
// slash ("candidate/name", "sessions/0/subject"); a UTF-8 byte-order mark is skipped;
// quoted cells may hold commas, quotes ("") and line breaks. A cell becomes a number or
// a boolean where the layout declares that type for its field, and stays text otherwise
// ("0012" stays "0012"). An empty cell leaves the field out. With a files directory or a
// ZIP of photos, a cell "@photos/a.jpg" is that file, base64-encoded.
//
// XLSX: the first sheet (or a named one) read like CSV, its first row the header; a
// spreadsheet's number becomes a number where the layout wants one and its text
// otherwise, a date (a number shown as a date, or any number in a date field) becomes
// "YYYY-MM-DD", every cell of a merged range shows the range's value. `in` must be
// seekable (a file). Problems are named by cell ("cell C17").
//
// Defaults: a JSON object merged under every record (the exam title, the centre, the
// notes), so the CSV holds only what differs per candidate; a record's value wins.
//
// Problems with one record (a bad NDJSON line, a row with the wrong number of cells, a
// missing photo file) come back as that record's errors; the next record still reads.
// Problems with the whole input (no header, an unterminated quote, a record over the
// size limit) throw InputError.
#include <Poco/Dynamic/Var.h>

#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "examdocs/core/problem.h"
#include "examdocs/renderers/layout.h"

namespace examdocs::bulk {

enum class InputFormat { csv, ndjson, json_array, xlsx };

// From a file name's extension (.csv, .ndjson/.jsonl, .json, .xlsx) or a media type
// (text/csv, application/x-ndjson, application/json, the .xlsx type); nullopt when
// neither says.
std::optional<InputFormat> format_from_name(std::string_view name);
std::optional<InputFormat> format_from_media_type(std::string_view media_type);

class InputError : public std::runtime_error {
  public:
    InputError(const std::string& message, std::size_t line)
        : std::runtime_error(message), line_(line) {}
    std::size_t line() const { return line_; }

  private:
    std::size_t line_;
};

struct Record {
    std::size_t number = 0;  // 1-based position among the records
    std::size_t line = 0;    // where it starts in the input (1-based; 0 for a JSON array)
    Poco::Dynamic::Var data;
    std::vector<FieldError> errors;  // the record could not be read; data is empty
};

struct ReadOptions {
    Poco::Dynamic::Var defaults;  // an object, or empty
    // Where "@name" cells in photo columns find their files: a directory, or a ZIP
    // archive (`files_zip`, read in place, never unpacked). A name that is not there as
    // given is looked for by its last part ("@photos/a.jpg" finds a.jpg at the top), if
    // only one file has that name. Neither set: "@file" cells are refused.
    std::string files_dir;
    std::string files_zip;
    std::size_t max_file_bytes = 2 * 1024 * 1024;
    std::string sheet;  // .xlsx: the sheet's name; empty: the first sheet
    std::size_t max_record_bytes = 4 * 1024 * 1024;
    // Added to every record's number and line: the input is a chunk of a larger one.
    std::size_t number_offset = 0;
    std::size_t line_offset = 0;
};

class RecordReader {
  public:
    virtual ~RecordReader() = default;
    // The next record, or nullopt at the end. Throws InputError.
    virtual std::optional<Record> next() = 0;
};

// How many records `in` holds, by a quick pass that only follows CSV quotes or counts
// non-blank NDJSON lines (for progress and the time left); a JSON array is parsed.
// Nullopt when that fails. Reads `in` to its end.
// An .xlsx workbook's rows are counted on `sheet` (empty: the first).
std::optional<std::size_t> count_records(std::istream& in, InputFormat format,
                                         const std::string& sheet = {});

// A record with `defaults` under it, as the readers merge them: objects key by key, the
// record's value winning.
Poco::Dynamic::Var with_defaults(const Poco::Dynamic::Var& defaults,
                                 const Poco::Dynamic::Var& record);

// `in` must outlive the reader; `layout` gives CSV cells their types.
std::unique_ptr<RecordReader> open_records(std::istream& in, InputFormat format,
                                           const renderers::Layout& layout,
                                           ReadOptions options = {});

}  // namespace examdocs::bulk
