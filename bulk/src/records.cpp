#include "examdocs/bulk/records.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "examdocs/bulk/zip_entries.h"
#include "examdocs/core/base64.h"
#include "examdocs/core/field_rules.h"
#include "examdocs/core/json_pointer.h"
#include "examdocs/renderers/input_check.h"
#include "table_rows.h"
#include "xlsx_rows.h"

namespace examdocs::bulk {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Overlays `over` on `base`: objects merge key by key, anything else in `over` wins.
// Subtrees are shared, not copied: records are read-only from here on (the input check
// works on its own deep copy).
Var merge(const Var& base, const Var& over);

}  // namespace

Poco::Dynamic::Var with_defaults(const Poco::Dynamic::Var& defaults,
                                 const Poco::Dynamic::Var& record) {
    return merge(defaults, record);
}

namespace {

Var merge(const Var& base, const Var& over) {
    if (base.isEmpty()) return over;
    if (base.type() != typeid(Object::Ptr) || over.type() != typeid(Object::Ptr)) return over;
    Object::Ptr out = new Object;
    for (const auto& [key, value] : *base.extract<Object::Ptr>()) out->set(key, value);
    for (const auto& [key, value] : *over.extract<Object::Ptr>()) {
        out->set(key, out->has(key) ? merge(out->get(key), value) : value);
    }
    return out;
}

bool is_index(const std::string& token) {
    // At most 999: an array index in a CSV header makes every row that long.
    return !token.empty() && token.size() <= 3 &&
           std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Stores `value` at `tokens` under `root`, creating objects and arrays (for numeric
// tokens) on the way; holes in arrays are filled with empty objects or empty text.
void set_at(const Object::Ptr& root, const std::vector<std::string>& tokens, const Var& value) {
    Var container = root;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const bool last = i + 1 == tokens.size();
        const bool next_is_index = !last && is_index(tokens[i + 1]);
        auto make_child = [&]() -> Var {
            if (last) return value;
            if (next_is_index) return Array::Ptr(new Array);
            return Object::Ptr(new Object);
        };
        if (container.type() == typeid(Object::Ptr)) {
            auto object = container.extract<Object::Ptr>();
            if (!object->has(tokens[i]) || last) object->set(tokens[i], make_child());
            container = object->get(tokens[i]);
        } else {
            // The header check refuses a list used as an object; stay safe regardless.
            if (!is_index(tokens[i])) return;
            auto array = container.extract<Array::Ptr>();
            const auto index = static_cast<std::size_t>(std::stoul(tokens[i]));
            while (array->size() < index) {
                array->add(next_is_index || !last ? Var(Object::Ptr(new Object)) : Var(""));
            }
            if (array->size() == index) {
                array->add(make_child());
            } else if (last) {
                array->set(static_cast<unsigned>(index), value);
            }
            container = array->get(static_cast<unsigned>(index));
        }
        // A column that goes through a value set by an earlier column ("a" then "a/b"):
        // the later one cannot be stored; the header check refuses such pairs first.
        if (!last && container.type() != typeid(Object::Ptr) &&
            container.type() != typeid(Array::Ptr)) {
            return;
        }
    }
}

// What the layout says of the field at a concrete pointer ("/sessions/0/subject" matches
// the rule "/sessions/*/subject"; a field may have several rules): its type, and whether
// it is a date.
struct DeclaredField {
    std::string type = "string";
    bool date = false;
};
DeclaredField declared_field(const renderers::Layout& layout,
                             const std::vector<std::string>& tokens) {
    DeclaredField out;
    for (const auto& rule : layout.fields) {
        const auto rule_tokens = split_pointer(rule.pointer);
        if (rule_tokens.size() != tokens.size()) continue;
        bool match = true;
        for (std::size_t i = 0; i < tokens.size() && match; ++i) {
            match = rule_tokens[i] == tokens[i] || (rule_tokens[i] == "*" && is_index(tokens[i]));
        }
        if (!match) continue;
        if (out.type == "string" && rule.type != "string") out.type = rule.type;
        out.date = out.date || rule.type == "date" || rule.rule == "date";
    }
    return out;
}

// A cell as the layout's type wants it; text that is not a valid number stays text, and
// the input check names the field and the rule.
Var typed_cell(const std::string& cell, const std::string& type) {
    if (type == "integer") {
        long long v = 0;
        const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
        if (ec == std::errc() && end == cell.data() + cell.size()) return v;
    } else if (type == "number") {
        double v = 0;
        const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
        if (ec == std::errc() && end == cell.data() + cell.size()) return v;
    } else if (type == "boolean") {
        if (cell == "true" || cell == "是") return true;
        if (cell == "false" || cell == "否") return false;
    }
    return cell;
}

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// A spreadsheet row with nothing but blanks in its cells, as a sheet's empty rows are.
bool is_blank(const std::vector<TableCell>& cells) {
    return std::all_of(cells.begin(), cells.end(),
                       [](const TableCell& c) { return trim(c.text).empty(); });
}

// The rows of a CSV file (RFC 4180).
class CsvRows : public RowSource {
  public:
    CsvRows(std::istream& in, std::size_t max_record_bytes)
        : in_(in), max_record_bytes_(max_record_bytes) {
        // A UTF-8 byte-order mark, as spreadsheet programs write it.
        if (in_.peek() == 0xEF) {
            char bom[3] = {};
            in_.read(bom, 3);
            if (std::string_view(bom, 3) != "\xEF\xBB\xBF") {
                throw InputError("the CSV file does not start with text", 1);
            }
        }
    }

    bool next(std::vector<TableCell>& cells, std::size_t& line) override {
        if (!read_row(text_cells_, line)) return false;
        cells.resize(text_cells_.size());
        for (std::size_t i = 0; i < cells.size(); ++i) {
            cells[i] = TableCell{};
            cells[i].text = std::move(text_cells_[i]);
        }
        return true;
    }
    std::string where(std::size_t line, std::size_t) const override {
        return "line " + std::to_string(line);
    }
    bool fixed_width() const override { return true; }

  private:
    // One row of cells. False at the end of the input. Throws InputError for an
    // unterminated quote or a row over the size limit.
    bool read_row(std::vector<std::string>& cells, std::size_t& start_line) {
        cells.clear();
        std::streambuf* buf = in_.rdbuf();
        if (buf->sgetc() == std::char_traits<char>::eof()) return false;
        start_line = line_;
        std::string cell;
        std::size_t bytes = 0;
        bool quoted = false;
        bool after_quote = false;
        auto too_large = [&] {
            throw InputError("the record starting at line " + std::to_string(start_line) +
                                 " is larger than " + std::to_string(max_record_bytes_ / 1024) +
                                 " KB",
                             start_line);
        };
        while (true) {
            const int c = buf->sbumpc();
            if (c == std::char_traits<char>::eof()) {
                if (quoted) {
                    throw InputError(
                        "a quote opened at line " + std::to_string(start_line) + " is never closed",
                        start_line);
                }
                cells.push_back(std::move(cell));
                return true;
            }
            if (++bytes > max_record_bytes_) too_large();
            const char ch = static_cast<char>(c);
            if (quoted) {
                if (ch == '"') {
                    if (buf->sgetc() == '"') {
                        buf->sbumpc();
                        cell += '"';
                    } else {
                        quoted = false;
                        after_quote = true;
                    }
                } else {
                    if (ch == '\n') ++line_;
                    cell += ch;
                }
                continue;
            }
            if (ch == ',') {
                cells.push_back(std::move(cell));
                cell.clear();
                after_quote = false;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && buf->sgetc() == '\n') buf->sbumpc();
                ++line_;
                cells.push_back(std::move(cell));
                return true;
            } else if (ch == '"' && cell.empty() && !after_quote) {
                quoted = true;
            } else {
                cell += ch;  // text after a closing quote is kept, as spreadsheets do
            }
        }
    }

    std::istream& in_;
    std::size_t max_record_bytes_;
    std::vector<std::string> text_cells_;
    std::size_t line_ = 1;
};

// Records from a table whose first row names the fields: a CSV file or a sheet.
class TableReader : public RecordReader {
  public:
    TableReader(std::unique_ptr<RowSource> rows, const renderers::Layout& layout,
                ReadOptions options, const std::string& header_name)
        : rows_(std::move(rows)), options_(std::move(options)) {
        std::vector<TableCell> header;
        std::size_t line = 0;
        // A sheet may start with empty rows; a CSV file's first line is its header.
        do {
            if (!rows_->next(header, line)) {
                throw InputError("the " + std::string(rows_->fixed_width() ? "CSV file" : "sheet") +
                                     " is empty: no header row",
                                 1);
            }
        } while (!rows_->fixed_width() && is_blank(header));
        std::set<std::string> seen;
        for (std::size_t i = 0; i < header.size(); ++i) {
            const std::string name = trim(header[i].text);
            if (name.empty()) {
                throw InputError(header_name + " has an empty column name" +
                                     (rows_->fixed_width() ? "" : " in " + rows_->where(line, i)),
                                 line);
            }
            std::string pointer = name.front() == '/' ? name : "/" + name;
            if (!seen.insert(pointer).second) {
                throw InputError(header_name + " names " + name + " twice", line);
            }
            Column column;
            column.name = name;
            column.pointer = pointer;
            try {
                column.tokens = split_pointer(pointer);
            } catch (const std::invalid_argument&) {
                throw InputError(header_name + " names " + name +
                                     ", which is not a field pointer (a '~' must be ~0 or ~1)",
                                 line);
            }
            // A misspelt optional column would print nothing in every record.
            if (auto unknown = renderers::check_field_known(layout, pointer)) {
                throw InputError(
                    header_name + " names " + name + ", which is not a field of the layout " +
                        layout.name +
                        (unknown->nearest ? "; did you mean " + unknown->nearest->substr(1) + "?"
                                          : std::string()),
                    line);
            }
            const DeclaredField declared = declared_field(layout, column.tokens);
            column.type = declared.type;
            column.date = declared.date;
            columns_.push_back(std::move(column));
        }
        // "a/0" and "a/b" cannot both be columns: "a" cannot be a list and an object.
        std::map<std::string, bool> list_at;  // prefix → whether its next token is an index
        for (const auto& c : columns_) {
            std::string prefix;
            for (std::size_t t = 0; t + 1 < c.tokens.size(); ++t) {
                prefix += "/" + c.tokens[t];
                const bool list = is_index(c.tokens[t + 1]);
                auto [it, inserted] = list_at.emplace(prefix, list);
                if (!inserted && it->second != list) {
                    throw InputError(header_name + " uses " + prefix.substr(1) +
                                         " both as a list (…/0) and as an object",
                                     line);
                }
            }
        }
        // "a" and "a/b" cannot both be columns: one is a value, the other goes through it.
        for (const auto& a : columns_) {
            for (const auto& b : columns_) {
                if (b.pointer.size() > a.pointer.size() && b.pointer.starts_with(a.pointer + "/")) {
                    throw InputError(header_name + " has both " + a.name + " and " + b.name, line);
                }
            }
        }
    }

    std::optional<Record> next() override {
        std::vector<TableCell> cells;
        std::size_t line = 0;
        while (true) {
            if (!rows_->next(cells, line)) return std::nullopt;
            if (rows_->fixed_width() ? !(cells.size() == 1 && trim(cells[0].text).empty())
                                     : !is_blank(cells)) {
                break;
            }
        }
        const std::size_t row = line;
        line += options_.line_offset;
        Record record;
        record.number = ++count_ + options_.number_offset;
        record.line = line;
        if (rows_->fixed_width() && cells.size() != columns_.size()) {
            record.errors.push_back({"", "csv-columns",
                                     "第" + std::to_string(line) + "行的列数不符 / Line " +
                                         std::to_string(line) + " has " +
                                         std::to_string(cells.size()) + " cells; the header has " +
                                         std::to_string(columns_.size()) + "."});
            return record;
        }
        for (std::size_t i = columns_.size(); i < cells.size(); ++i) {
            if (cells[i].text.empty()) continue;
            const std::string where = rows_->where(row, i);
            record.errors.push_back({"", "cell-outside-header",
                                     where + "不在任何列名之下 / " + where +
                                         " holds a value, but its column has no name in the "
                                         "header row."});
            return record;
        }
        Object::Ptr root = new Object;
        for (std::size_t i = 0; i < std::min(cells.size(), columns_.size()); ++i) {
            const TableCell& cell = cells[i];
            if (cell.text.empty()) continue;
            const Column& column = columns_[i];
            if (cell.kind == TableCell::Kind::error) {
                const std::string where = rows_->where(row, i);
                record.errors.push_back({column.pointer, "cell-error",
                                         where + "是错误值 " + cell.text + " / " + where +
                                             " holds the error " + cell.text + "."});
                continue;
            }
            if (cell.text.front() == '@' && column.type == "photo") {
                auto file = read_file_cell(cell.text.substr(1), column.pointer, record);
                if (file) set_at(root, column.tokens, *file);
                continue;
            }
            set_at(root, column.tokens, typed_value(cell, column));
        }
        record.data = merge(options_.defaults, root);
        return record;
    }

  private:
    struct Column {
        std::string name, pointer, type = "string";
        bool date = false;
        std::vector<std::string> tokens;
    };

    // A spreadsheet's number goes in as a number where the layout wants one; a date serial
    // becomes "YYYY-MM-DD" where it wants a date; everything else is the cell's text.
    static Var typed_value(const TableCell& cell, const Column& column) {
        if (cell.kind == TableCell::Kind::number) {
            if (column.type == "number") return cell.number;
            if (column.type == "integer" && cell.number == std::floor(cell.number) &&
                std::abs(cell.number) < 9e15) {
                return static_cast<long long>(cell.number);
            }
            if (column.date && !cell.date_only.empty()) return cell.date_only;
            return cell.text;
        }
        if (cell.kind == TableCell::Kind::boolean && column.type == "boolean") {
            return cell.text == "true";
        }
        if (cell.date && column.date && !cell.date_only.empty()) return cell.date_only;
        return typed_cell(cell.text, column.type);
    }

    std::optional<std::string> read_file_cell(const std::string& name, const std::string& pointer,
                                              Record& record) {
        if (options_.files_dir.empty() && options_.files_zip.empty()) {
            record.errors.push_back({pointer, "file-reference",
                                     "此处不能引用文件 / A cell cannot name a file here; send "
                                     "the photo as base64, or the photos as a ZIP."});
            return std::nullopt;
        }
        // Only names inside the files directory: no absolute paths, no "..".
        Poco::Path path(name, Poco::Path::PATH_UNIX);
        bool inside = !name.empty() && name.front() != '/' && name.find('\\') == std::string::npos;
        for (int i = 0; i < path.depth(); ++i) inside = inside && path[i] != "..";
        if (!inside) {
            record.errors.push_back(
                {pointer, "file-reference",
                 "文件名无效 / " + name + " is not a name inside the photos' folder."});
            return std::nullopt;
        }
        std::string bytes;
        try {
            bytes = options_.files_zip.empty() ? file_in_directory(name) : file_in_zip(name);
        } catch (const InputError& e) {
            record.errors.push_back({pointer, "file-unreadable",
                                     "无法读取文件 / Cannot read " + name + ": " + e.what()});
            return std::nullopt;
        }
        if (bytes.empty()) {
            record.errors.push_back(
                {pointer, "file-missing",
                 "找不到文件 / There is no file " + name +
                     (options_.files_zip.empty() ? "." : " in the photos ZIP.")});
            return std::nullopt;
        }
        return base64_encode(bytes);
    }

    std::string read_bounded(std::istream& in, const std::string& name) const {
        // In blocks, up to one byte past the limit: a buffer of the whole limit (2 MB) zeroed
        // for every 10 KB photo was 4 % of a bulk run (perf).
        std::string bytes;
        char block[64 * 1024];
        while (bytes.size() <= options_.max_file_bytes && in) {
            const std::size_t want =
                std::min(sizeof block, options_.max_file_bytes + 1 - bytes.size());
            in.read(block, static_cast<std::streamsize>(want));
            bytes.append(block, static_cast<std::size_t>(in.gcount()));
        }
        if (bytes.size() > options_.max_file_bytes) {
            throw InputError(
                name + " is larger than " + std::to_string(options_.max_file_bytes / 1024) + " KB",
                0);
        }
        return bytes;
    }

    std::string file_in_directory(const std::string& name) const {
        std::ifstream file(options_.files_dir + "/" + name, std::ios::binary);
        if (!file) {
            const std::string last = Poco::Path(name, Poco::Path::PATH_UNIX).getFileName();
            file.open(options_.files_dir + "/" + last, std::ios::binary);
        }
        return file ? read_bounded(file, name) : std::string();
    }

    std::string file_in_zip(const std::string& name) {
        if (!zip_) {
            zip_file_.open(options_.files_zip, std::ios::binary);
            if (!zip_file_) throw InputError("the photos ZIP cannot be opened", 0);
            ZipLimits limits;
            limits.max_entry_bytes = options_.max_file_bytes;
            zip_ = std::make_unique<ZipEntries>(zip_file_, "the photos ZIP", limits);
            for (const auto& entry : zip_->names()) {
                const std::string last = Poco::Path(entry, Poco::Path::PATH_UNIX).getFileName();
                auto [it, inserted] = zip_by_last_part_.emplace(last, entry);
                if (!inserted) it->second.clear();  // two entries of that name: ambiguous
            }
        }
        std::string entry = name;
        if (!zip_->has(entry)) {
            const auto it =
                zip_by_last_part_.find(Poco::Path(name, Poco::Path::PATH_UNIX).getFileName());
            if (it == zip_by_last_part_.end() || it->second.empty()) return {};
            entry = it->second;
        }
        return zip_->read(entry, options_.max_file_bytes);
    }

    std::unique_ptr<RowSource> rows_;
    ReadOptions options_;
    std::ifstream zip_file_;
    std::unique_ptr<ZipEntries> zip_;
    std::map<std::string, std::string> zip_by_last_part_;
    std::vector<Column> columns_;
    std::size_t count_ = 0;
};

class NdjsonReader : public RecordReader {
  public:
    NdjsonReader(std::istream& in, ReadOptions options) : in_(in), options_(std::move(options)) {}

    std::optional<Record> next() override {
        std::string text;
        while (true) {
            if (!read_line(text)) return std::nullopt;
            if (text.find_first_not_of(" \t\r") != std::string::npos) break;
        }
        const std::size_t line = line_ + options_.line_offset;  // in the whole input
        Record record;
        record.number = ++count_ + options_.number_offset;
        record.line = line;
        if (!is_valid_utf8(text)) {
            record.errors.push_back({"", "invalid-utf8",
                                     "第" + std::to_string(line) + "行不是有效的UTF-8 / Line " +
                                         std::to_string(line) + " is not valid UTF-8."});
            return record;
        }
        try {
            Poco::JSON::Parser parser;
            Var data = parser.parse(text);
            if (data.type() != typeid(Object::Ptr)) {
                record.errors.push_back({"", "type",
                                         "每行应为一个JSON对象 / Line " + std::to_string(line) +
                                             " is not a JSON object."});
                return record;
            }
            record.data = merge(options_.defaults, data);
        } catch (const Poco::Exception& e) {
            record.errors.push_back({"", "json-syntax",
                                     "第" + std::to_string(line) + "行不是有效的JSON / Line " +
                                         std::to_string(line) + " is not JSON: " + e.message()});
        }
        return record;
    }

  private:
    bool read_line(std::string& text) {
        text.clear();
        if (in_.rdbuf()->sgetc() == std::char_traits<char>::eof()) return false;
        ++line_;
        // istream::getline scans the stream's buffer for the line's end; a character at a
        // time was 5 % of a job's time over HTTP (perf). It stops with failbit once the
        // buffer holds max_record_bytes + 1 characters: a line over the limit.
        line_buffer_.resize(options_.max_record_bytes + 2);
        in_.getline(line_buffer_.data(), static_cast<std::streamsize>(line_buffer_.size()));
        if (in_.fail() && !in_.eof()) {
            throw InputError("line " + std::to_string(line_) + " is larger than " +
                                 std::to_string(options_.max_record_bytes / 1024) + " KB",
                             line_);
        }
        const auto extracted = static_cast<std::size_t>(in_.gcount());
        text.assign(line_buffer_.data(), in_.eof() ? extracted : extracted - 1);  // less '\n'
        return true;
    }

    std::istream& in_;
    ReadOptions options_;
    std::vector<char> line_buffer_;
    std::size_t line_ = 0;
    std::size_t count_ = 0;
};

class ArrayReader : public RecordReader {
  public:
    ArrayReader(std::istream& in, ReadOptions options) : options_(std::move(options)) {
        Var parsed;
        try {
            Poco::JSON::Parser parser;
            parsed = parser.parse(in);
        } catch (const Poco::Exception& e) {
            throw InputError("the input is not JSON: " + e.message(), 0);
        }
        if (parsed.type() != typeid(Array::Ptr)) {
            throw InputError("the input is not a JSON array of records", 0);
        }
        array_ = parsed.extract<Array::Ptr>();
    }

    std::optional<Record> next() override {
        if (index_ >= array_->size()) return std::nullopt;
        Record record;
        record.number = index_ + 1;
        Var item = array_->get(static_cast<unsigned>(index_));
        ++index_;
        if (item.type() != typeid(Object::Ptr)) {
            record.errors.push_back({"/" + std::to_string(index_ - 1), "type",
                                     "记录应为JSON对象 / Each record must be a JSON object."});
            return record;
        }
        record.data = merge(options_.defaults, item);
        return record;
    }

  private:
    ReadOptions options_;
    Array::Ptr array_;
    std::size_t index_ = 0;
};

}  // namespace

std::optional<InputFormat> format_from_name(std::string_view name) {
    const std::string n = lower(name);
    if (ends_with(n, ".csv")) return InputFormat::csv;
    if (ends_with(n, ".ndjson") || ends_with(n, ".jsonl")) return InputFormat::ndjson;
    if (ends_with(n, ".json")) return InputFormat::json_array;
    if (ends_with(n, ".xlsx")) return InputFormat::xlsx;
    return std::nullopt;
}

std::optional<InputFormat> format_from_media_type(std::string_view media_type) {
    std::string t = lower(media_type.substr(0, media_type.find(';')));
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t == "text/csv") return InputFormat::csv;
    if (t == "application/x-ndjson" || t == "application/ndjson" || t == "application/jsonl") {
        return InputFormat::ndjson;
    }
    if (t == "application/json") return InputFormat::json_array;
    if (t == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
        return InputFormat::xlsx;
    }
    return std::nullopt;
}

std::optional<std::size_t> count_records(std::istream& in, InputFormat format,
                                         const std::string& sheet) {
    if (format == InputFormat::xlsx) {
        try {
            XlsxOptions options;
            options.sheet = sheet;
            auto rows = open_xlsx_rows(in, options);
            std::vector<TableCell> cells;
            std::size_t line = 0, count = 0;
            while (rows->next(cells, line)) {
                count += !is_blank(cells);
            }
            return count > 0 ? count - 1 : 0;  // less the header
        } catch (const InputError&) {
            return std::nullopt;
        }
    }
    if (format == InputFormat::json_array) {
        try {
            Poco::JSON::Parser parser;
            Var parsed = parser.parse(in);
            if (parsed.type() != typeid(Array::Ptr)) return std::nullopt;
            return parsed.extract<Array::Ptr>()->size();
        } catch (const Poco::Exception&) {
            return std::nullopt;
        }
    }
    std::size_t count = 0;
    bool quoted = false;
    bool blank = true;
    // Read in blocks: a character at a time through the stream was 3 % of a job's time.
    std::vector<char> block(64 * 1024);
    const bool csv = format == InputFormat::csv;
    while (true) {
        in.read(block.data(), static_cast<std::streamsize>(block.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) break;
        for (std::size_t i = 0; i < n; ++i) {
            const char c = block[i];
            if (csv && c == '"') quoted = !quoted;
            if (c == '\n' && !quoted) {
                if (!blank) ++count;
                blank = true;
            } else if (c != '\r' && c != ' ' && c != '\t') {
                blank = false;
            }
        }
    }
    if (!blank) ++count;
    if (format == InputFormat::csv && count > 0) --count;  // the header
    return count;
}

std::unique_ptr<RecordReader> open_records(std::istream& in, InputFormat format,
                                           const renderers::Layout& layout, ReadOptions options) {
    switch (format) {
        case InputFormat::csv: {
            auto rows = std::make_unique<CsvRows>(in, options.max_record_bytes);
            return std::make_unique<TableReader>(std::move(rows), layout, std::move(options),
                                                 "the CSV header");
        }
        case InputFormat::xlsx: {
            XlsxOptions xlsx;
            xlsx.sheet = options.sheet;
            xlsx.max_row_bytes = options.max_record_bytes;
            auto rows = open_xlsx_rows(in, xlsx);
            return std::make_unique<TableReader>(std::move(rows), layout, std::move(options),
                                                 "the sheet's header row");
        }
        case InputFormat::ndjson:
            return std::make_unique<NdjsonReader>(in, std::move(options));
        case InputFormat::json_array:
            return std::make_unique<ArrayReader>(in, std::move(options));
    }
    return nullptr;
}

}  // namespace examdocs::bulk
