#include "examdocs/bulk/chunks.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <sstream>

namespace examdocs::bulk {

namespace {

// {"n": number, "l": line, "d": data} or {"n": number, "l": line, "e": [errors]}.
class EncodedRecords : public RecordReader {
  public:
    EncodedRecords(std::istream& in, Poco::Dynamic::Var defaults)
        : in_(in), defaults_(std::move(defaults)) {}

    std::optional<Record> next() override {
        std::string text;
        while (std::getline(in_, text)) {
            ++line_;
            if (!text.empty()) return decode(text);
        }
        return std::nullopt;
    }

  private:
    Record decode(const std::string& text) const {
        try {
            Poco::JSON::Parser parser;
            const auto o = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
            Record record;
            record.number = o->getValue<std::size_t>("n");
            record.line = o->getValue<std::size_t>("l");
            if (o->has("e")) {
                for (const auto& item : *o->getArray("e")) {
                    const auto e = item.extract<Poco::JSON::Object::Ptr>();
                    record.errors.push_back({e->getValue<std::string>("pointer"),
                                             e->getValue<std::string>("code"),
                                             e->getValue<std::string>("message")});
                }
            } else {
                record.data = with_defaults(defaults_, o->get("d"));
            }
            return record;
        } catch (const Poco::Exception& e) {
            throw InputError("a chunk's record is damaged: " + e.displayText(), line_);
        } catch (const std::exception& e) {
            throw InputError(std::string("a chunk's record is damaged: ") + e.what(), line_);
        }
    }

    std::istream& in_;
    Poco::Dynamic::Var defaults_;
    std::size_t line_ = 0;
};

// A chunk's first line: "#examdocs-chunk 1 <csv|ndjson|records> <line offset>".
constexpr std::string_view kChunkMark = "#examdocs-chunk 1 ";

// Reads rows of CSV (RFC 4180, as CsvReader reads them: a quote opens only at the start of
// a cell, CR, LF and CRLF end rows) or lines of NDJSON, as raw text, keeping count of the
// input's lines and telling blank rows from records.
class RawRows {
  public:
    RawRows(std::istream& in, bool csv, std::size_t max_bytes)
        : buf_(*in.rdbuf()), csv_(csv), max_bytes_(max_bytes) {}

    // The next row's text (its line break included) into `text`; false at the end.
    // `blank`: whether a reader would skip it.
    bool next(std::string& text, bool& blank, std::size_t& line) {
        text.clear();
        if (buf_.sgetc() == std::char_traits<char>::eof()) return false;
        line = line_;
        bool quoted = false, after_quote = false, cell_empty = true, content = false;
        std::size_t size = 0;
        while (true) {
            const int c = buf_.sbumpc();
            if (c == std::char_traits<char>::eof()) {
                if (quoted) {
                    throw InputError(
                        "a quote opened at line " + std::to_string(line) + " is never closed",
                        line);
                }
                break;
            }
            const char ch = static_cast<char>(c);
            text += ch;
            if (++size > max_bytes_ + 1) {  // + the line break
                throw InputError("the record starting at line " + std::to_string(line) +
                                     " is larger than " + std::to_string(max_bytes_ / 1024) + " KB",
                                 line);
            }
            if (!csv_) {
                if (ch == '\n') break;
                if (ch != ' ' && ch != '\t' && ch != '\r') content = true;
                continue;
            }
            if (quoted) {
                if (ch == '"') {
                    if (buf_.sgetc() == '"') {
                        text += static_cast<char>(buf_.sbumpc());
                        content = true;
                    } else {
                        quoted = false;
                        after_quote = true;
                    }
                } else {
                    if (ch == '\n') ++line_;
                    if (ch != ' ' && ch != '\t') content = true;
                }
                continue;
            }
            if (ch == ',') {
                content = true;  // two cells: not a blank row
                cell_empty = true;
                after_quote = false;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && buf_.sgetc() == '\n') text += static_cast<char>(buf_.sbumpc());
                break;
            } else if (ch == '"' && cell_empty && !after_quote) {
                quoted = true;
            } else {
                cell_empty = false;
                if (ch != ' ' && ch != '\t') content = true;
            }
        }
        ++line_;
        blank = !content;
        return true;
    }

  private:
    std::streambuf& buf_;
    bool csv_;
    std::size_t max_bytes_;
    std::size_t line_ = 1;
};

}  // namespace

struct ChunkSplitter::State {
    std::size_t per_chunk;
    InputFormat format;
    std::optional<RawRows> rows;
    std::string header;                   // CSV: the header row, as it was
    std::size_t header_lines = 0;         // lines the header row spans
    std::unique_ptr<RecordReader> array;  // JSON arrays
    std::size_t next_record = 1;
};

ChunkSplitter::ChunkSplitter(std::istream& in, InputFormat format, const renderers::Layout& layout,
                             std::size_t records_per_chunk, ReadOptions read)
    : state_(std::make_unique<State>()) {
    const std::size_t max_record_bytes = read.max_record_bytes;
    read.defaults = Poco::Dynamic::Var();  // merged when a chunk is read
    State& s = *state_;
    s.per_chunk = std::max<std::size_t>(1, records_per_chunk);
    s.format = format;
    // A JSON array or a workbook has no text to cut between records: its records are
    // read here and written into the chunks encoded.
    if (format == InputFormat::json_array || format == InputFormat::xlsx ||
        !read.files_dir.empty() || !read.files_zip.empty()) {
        s.array = open_records(in, format, layout, read);
        return;
    }
    s.rows.emplace(in, format == InputFormat::csv, max_record_bytes);
    if (format == InputFormat::csv) {
        bool blank = false;
        std::size_t line = 0;
        s.rows->next(s.header, blank, line);
        s.header_lines =
            static_cast<std::size_t>(std::count(s.header.begin(), s.header.end(), '\n'));
        if (s.header_lines == 0) s.header_lines = 1;
        // Checked as a reader checks it: the errors of a bad header are the input's.
        std::istringstream header(s.header);
        open_records(header, format, layout);
    }
}

ChunkSplitter::~ChunkSplitter() = default;

std::optional<ChunkSplitter::Chunk> ChunkSplitter::next() {
    State& s = *state_;
    Chunk chunk;
    chunk.first_record = s.next_record;
    std::string body;
    if (s.array) {
        while (chunk.records < s.per_chunk) {
            auto record = s.array->next();
            if (!record) break;
            body += encode_record(*record);
            ++chunk.records;
        }
        if (chunk.records == 0) return std::nullopt;
        chunk.text = std::string(kChunkMark) + "records 0\n" + body;
    } else {
        std::string row;
        bool blank = false;
        std::size_t line = 0, first_line = 0;
        // Blank rows before the first record are left out; those between records stay, so
        // that lines keep their numbers.
        while (chunk.records < s.per_chunk && s.rows->next(row, blank, line)) {
            if (blank && chunk.records == 0) continue;
            if (!blank) {
                if (chunk.records == 0) first_line = line;
                ++chunk.records;
            }
            body += row;
        }
        if (chunk.records == 0) return std::nullopt;
        const bool csv = s.format == InputFormat::csv;
        // The reader counts lines from 1, the header's first: the offset that makes the
        // chunk's first record line `first_line`.
        const std::size_t local_first = csv ? 1 + s.header_lines : 1;
        chunk.text = std::string(kChunkMark) + (csv ? "csv " : "ndjson ") +
                     std::to_string(first_line - local_first) + "\n" + (csv ? s.header : "") + body;
    }
    s.next_record += chunk.records;
    return chunk;
}

struct ChunkScanner::State {
    ChunkKind kind;
    std::size_t per_chunk;
    std::optional<RawRows> rows;
    std::uint64_t header_bytes = 0;
    std::size_t header_lines = 0;
    std::uint64_t position = 0;  // bytes of the input read so far
    std::size_t next_record = 1;
    std::string row;  // reused: one row in memory at a time
};

ChunkScanner::ChunkScanner(std::istream& in, ChunkKind kind, const renderers::Layout& layout,
                           std::size_t records_per_chunk, std::size_t max_record_bytes)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.kind = kind;
    s.per_chunk = std::max<std::size_t>(1, records_per_chunk);
    // Encoded records are lines as NDJSON's are; their own numbers and lines travel in them.
    s.rows.emplace(in, kind == ChunkKind::csv,
                   kind == ChunkKind::records ? std::size_t(1) << 40 : max_record_bytes);
    if (kind == ChunkKind::csv) {
        std::string header;
        bool blank = false;
        std::size_t line = 0;
        s.rows->next(header, blank, line);
        s.header_bytes = header.size();
        s.position = header.size();
        s.header_lines = static_cast<std::size_t>(std::count(header.begin(), header.end(), '\n'));
        if (s.header_lines == 0) s.header_lines = 1;
        std::istringstream check(header);
        open_records(check, InputFormat::csv, layout);
    }
}

ChunkScanner::~ChunkScanner() = default;

std::uint64_t ChunkScanner::header_bytes() const { return state_->header_bytes; }

std::optional<ChunkRange> ChunkScanner::next() {
    State& s = *state_;
    ChunkRange range;
    range.first_record = s.next_record;
    bool blank = false;
    std::size_t line = 0, first_line = 0;
    std::uint64_t end = s.position;
    // As ChunkSplitter: blank rows before a chunk's first record are left out, those
    // between its records kept, so that lines keep their numbers.
    while (range.records < s.per_chunk && s.rows->next(s.row, blank, line)) {
        const std::uint64_t row_start = s.position;
        s.position += s.row.size();
        if (blank && range.records == 0) continue;
        if (!blank) {
            if (range.records == 0) {
                first_line = line;
                range.offset = row_start;
            }
            ++range.records;
        }
        end = s.position;
    }
    if (range.records == 0) return std::nullopt;
    range.bytes = end - range.offset;
    const std::size_t local_first = s.kind == ChunkKind::csv ? 1 + s.header_lines : 1;
    range.line_offset = s.kind == ChunkKind::records ? 0 : first_line - local_first;
    s.next_record += range.records;
    return range;
}

std::string_view to_string(ChunkKind kind) {
    switch (kind) {
        case ChunkKind::csv:
            return "csv";
        case ChunkKind::ndjson:
            return "ndjson";
        case ChunkKind::records:
            return "records";
    }
    return "records";
}

std::optional<ChunkKind> chunk_kind_named(std::string_view name) {
    for (ChunkKind kind : {ChunkKind::csv, ChunkKind::ndjson, ChunkKind::records}) {
        if (to_string(kind) == name) return kind;
    }
    return std::nullopt;
}

std::string chunk_text(ChunkKind kind, std::size_t line_offset, std::string_view header,
                       std::string_view body) {
    std::string text(kChunkMark);
    text += to_string(kind);
    text += ' ';
    text += std::to_string(line_offset);
    text += '\n';
    text.reserve(text.size() + header.size() + body.size());
    text += header;
    text += body;
    return text;
}

std::unique_ptr<RecordReader> open_chunk(std::istream& in, const renderers::Layout& layout,
                                         ReadOptions options) {
    std::string mark;
    std::getline(in, mark);
    std::istringstream fields(mark.substr(std::min(mark.size(), kChunkMark.size())));
    std::string kind;
    std::size_t line_offset = 0;
    if (mark.rfind(kChunkMark, 0) != 0 || !(fields >> kind >> line_offset)) {
        throw InputError("a chunk does not start with its mark", 1);
    }
    if (kind == "records") return open_encoded_records(in, options.defaults);
    options.files_dir.clear();
    options.files_zip.clear();
    options.line_offset = line_offset;
    // The chunk's own first record number comes from its records: set by the caller.
    if (kind == "csv") return open_records(in, InputFormat::csv, layout, std::move(options));
    if (kind == "ndjson") return open_records(in, InputFormat::ndjson, layout, std::move(options));
    throw InputError("a chunk of an unknown kind: " + kind, 1);
}

std::string encode_record(const Record& record) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("n", static_cast<Poco::UInt64>(record.number));
    o.set("l", static_cast<Poco::UInt64>(record.line));
    if (!record.errors.empty()) {
        o.set("e", field_errors_json(record.errors));
    } else {
        o.set("d", record.data);
    }
    std::ostringstream out;
    o.stringify(out);
    out << '\n';
    return out.str();
}

std::unique_ptr<RecordReader> open_encoded_records(std::istream& in,
                                                   const Poco::Dynamic::Var& defaults) {
    return std::make_unique<EncodedRecords>(in, defaults);
}

}  // namespace examdocs::bulk
