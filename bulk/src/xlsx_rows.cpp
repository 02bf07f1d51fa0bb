#include "xlsx_rows.h"

#include <expat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <string_view>

#include "examdocs/bulk/records.h"

namespace examdocs::bulk {

namespace {

constexpr char kNamespaceSeparator = '\x01';
constexpr std::size_t kMaxColumns = 16'384;  // Excel's own: XFD
constexpr std::size_t kMaxRows = 1'048'576;

// "uri\x01local" → "local": element and attribute names are compared without their
// namespace, so that transitional and strict OOXML read alike.
std::string_view local_name(const XML_Char* name) {
    std::string_view n(name);
    const auto cut = n.rfind(kNamespaceSeparator);
    return cut == std::string_view::npos ? n : n.substr(cut + 1);
}

bool has_namespace(const XML_Char* name) {
    return std::string_view(name).find(kNamespaceSeparator) != std::string_view::npos;
}

// An attribute without a namespace ("r", "t", "name"); nullptr when absent.
const XML_Char* attribute(const XML_Char** attributes, std::string_view name) {
    for (std::size_t i = 0; attributes[i]; i += 2) {
        if (!has_namespace(attributes[i]) && std::string_view(attributes[i]) == name) {
            return attributes[i + 1];
        }
    }
    return nullptr;
}

// The relationship id of a <sheet>: "r:id" in the relationships namespace.
const XML_Char* relationship_id(const XML_Char** attributes) {
    for (std::size_t i = 0; attributes[i]; i += 2) {
        if (has_namespace(attributes[i]) && local_name(attributes[i]) == "id") {
            return attributes[i + 1];
        }
    }
    return nullptr;
}

// Text in a spreadsheet escapes characters XML cannot hold as "_xHHHH_" (ECMA-376
// §22.9.2.19); "_x005F_" escapes the underscore itself.
std::string unescape_xstring(const std::string& text) {
    if (text.find("_x") == std::string::npos) return text;
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        unsigned code = 0;
        if (text.compare(i, 2, "_x") == 0 && i + 7 <= text.size() && text[i + 6] == '_' &&
            std::from_chars(text.data() + i + 2, text.data() + i + 6, code, 16).ptr ==
                text.data() + i + 6) {
            // Code units of the BMP; a surrogate half on its own is dropped.
            if (code < 0x80) {
                out += static_cast<char>(code);
            } else if (code < 0x800) {
                out += static_cast<char>(0xC0 | (code >> 6));
                out += static_cast<char>(0x80 | (code & 0x3F));
            } else if (code < 0xD800 || code > 0xDFFF) {
                out += static_cast<char>(0xE0 | (code >> 12));
                out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (code & 0x3F));
            }
            i += 7;
        } else {
            out += text[i++];
        }
    }
    return out;
}

// An expat parser fed by the caller, calling one handler object. Handlers record a fault
// and stop the parser; nothing is thrown through expat.
class XmlHandler {
  public:
    virtual ~XmlHandler() = default;
    virtual void start(std::string_view name, const XML_Char** attributes) = 0;
    virtual void end(std::string_view name) = 0;
    virtual void text(std::string_view) {}
    // Where the parse is, for a message about XML that breaks off: "cell C17".
    virtual std::string where() const { return {}; }
    std::string fault;
};

struct ParserFree {
    void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};

class XmlParser {
  public:
    XmlParser(XmlHandler& handler, std::string part, std::string what)
        : parser_(XML_ParserCreateNS(nullptr, kNamespaceSeparator)),
          handler_(handler),
          part_(std::move(part)),
          what_(std::move(what)) {
        if (!parser_) throw std::bad_alloc();
        XML_SetUserData(parser_.get(), this);
        XML_SetElementHandler(parser_.get(), &XmlParser::on_start, &XmlParser::on_end);
        XML_SetCharacterDataHandler(parser_.get(), &XmlParser::on_text);
        // A spreadsheet part never has a DOCTYPE; one with it is refused before any
        // entity is declared.
        XML_SetStartDoctypeDeclHandler(parser_.get(), &XmlParser::on_doctype);
    }

    // Feeds `size` bytes (`last` with the final block). Throws InputError for XML that is
    // not well-formed or a fault the handler recorded.
    void feed(const char* data, std::size_t size, bool last) {
        if (XML_Parse(parser_.get(), data, static_cast<int>(size), last ? 1 : 0) == XML_STATUS_OK) {
            if (!handler_.fault.empty()) fail(handler_.fault);
            return;
        }
        if (!handler_.fault.empty()) fail(handler_.fault);
        const std::string near = handler_.where();
        fail(part_ + " is not well-formed XML at line " +
             std::to_string(XML_GetCurrentLineNumber(parser_.get())) + ": " +
             XML_ErrorString(XML_GetErrorCode(parser_.get())) +
             (near.empty() ? std::string() : " (after " + near + ")"));
    }

    void parse_all(const std::string& bytes) { feed(bytes.data(), bytes.size(), true); }

  private:
    [[noreturn]] void fail(const std::string& message) {
        throw InputError(what_ + ": " + message, 0);
    }

    static void stop(XmlParser* self, std::string fault) {
        if (self->handler_.fault.empty()) self->handler_.fault = std::move(fault);
        XML_StopParser(self->parser_.get(), XML_FALSE);
    }
    static void on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
        auto* self = static_cast<XmlParser*>(data);
        try {
            self->handler_.start(local_name(name), attributes);
        } catch (const std::exception& e) {
            stop(self, e.what());
        }
        if (!self->handler_.fault.empty()) XML_StopParser(self->parser_.get(), XML_FALSE);
    }
    static void on_end(void* data, const XML_Char* name) {
        auto* self = static_cast<XmlParser*>(data);
        try {
            self->handler_.end(local_name(name));
        } catch (const std::exception& e) {
            stop(self, e.what());
        }
        if (!self->handler_.fault.empty()) XML_StopParser(self->parser_.get(), XML_FALSE);
    }
    static void on_text(void* data, const XML_Char* text, int length) {
        auto* self = static_cast<XmlParser*>(data);
        try {
            self->handler_.text(std::string_view(text, static_cast<std::size_t>(length)));
        } catch (const std::exception& e) {
            stop(self, e.what());
        }
    }
    static void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        auto* self = static_cast<XmlParser*>(data);
        stop(self, self->part_ + " has a DOCTYPE, which a spreadsheet never has");
    }

    std::unique_ptr<XML_ParserStruct, ParserFree> parser_;
    XmlHandler& handler_;
    std::string part_, what_;
};

// "xl/" + "worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml", "../x.xml".
std::string resolve_target(const std::string& base_dir, const std::string& target) {
    std::string path = target.starts_with("/") ? target.substr(1) : base_dir + target;
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = std::min(path.find('/', start), path.size());
        const std::string part = path.substr(start, slash - start);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = slash + 1;
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

struct Relationship {
    std::string type, target;
};

class RelationshipsHandler : public XmlHandler {
  public:
    std::map<std::string, Relationship> by_id;
    void start(std::string_view name, const XML_Char** a) override {
        if (name != "Relationship") return;
        const auto* id = attribute(a, "Id");
        const auto* type = attribute(a, "Type");
        const auto* target = attribute(a, "Target");
        const auto* mode = attribute(a, "TargetMode");
        if (!id || !type || !target || (mode && std::string_view(mode) == "External")) return;
        by_id[id] = {type, target};
    }
    void end(std::string_view) override {}

    std::optional<std::string> target_of_type(std::string_view type_suffix) const {
        for (const auto& [id, r] : by_id) {
            if (std::string_view(r.type).ends_with(type_suffix)) return r.target;
        }
        return std::nullopt;
    }
};

class WorkbookHandler : public XmlHandler {
  public:
    struct Sheet {
        std::string name, relationship;
    };
    std::vector<Sheet> sheets;
    bool date1904 = false;
    void start(std::string_view name, const XML_Char** a) override {
        if (name == "workbookPr") {
            const auto* d = attribute(a, "date1904");
            date1904 = d && (std::string_view(d) == "1" || std::string_view(d) == "true");
        } else if (name == "sheet") {
            const auto* sheet_name = attribute(a, "name");
            const auto* id = relationship_id(a);
            if (sheet_name && id) sheets.push_back({sheet_name, id});
        }
    }
    void end(std::string_view) override {}
};

class SharedStringsHandler : public XmlHandler {
  public:
    explicit SharedStringsHandler(std::size_t max_bytes) : max_bytes_(max_bytes) {}
    std::vector<std::string> strings;
    void start(std::string_view name, const XML_Char**) override {
        if (name == "si") {
            current_.clear();
        } else if (name == "rPh") {
            ++phonetic_;  // the reading of East Asian text, not the text
        } else if (name == "t") {
            in_text_ = phonetic_ == 0;
        }
    }
    void end(std::string_view name) override {
        if (name == "t") {
            in_text_ = false;
        } else if (name == "rPh") {
            --phonetic_;
        } else if (name == "si") {
            strings.push_back(unescape_xstring(current_));
        }
    }
    void text(std::string_view t) override {
        if (!in_text_) return;
        total_ += t.size();
        if (total_ > max_bytes_) {
            fault =
                "the shared strings are larger than " + std::to_string(max_bytes_ >> 20) + " MB";
            return;
        }
        current_ += t;
    }

  private:
    std::size_t max_bytes_;
    std::size_t total_ = 0;
    std::string current_;
    int phonetic_ = 0;
    bool in_text_ = false;
};

// How a number format shows a number: as a date (with a time if it has one), a time of
// day, or a plain number.
enum class Shown { number, date, time };

// Built-in formats (ECMA-376 §18.8.30, with the East Asian ones Excel uses in zh-CN).
Shown builtin_format(int id) {
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47) || (id >= 32 && id <= 35)) {
        return Shown::time;
    }
    if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) {
        return Shown::date;
    }
    return Shown::number;
}

// A custom format code ("yyyy/m/d", "[$-804]yyyy\"年\"m\"月\"d\"日\"", "h:mm", "0.00"):
// quoted text, escaped characters and [..] sections are not format letters.
Shown custom_format(std::string_view code) {
    code = code.substr(0, code.find(';'));  // the positive section decides
    bool year_or_day = false, month_or_minute = false, hour_or_second = false;
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(code[i])));
        if (c == '"') {
            const auto close = code.find('"', i + 1);
            if (close == std::string_view::npos) break;
            i = close;
        } else if (c == '\\' || c == '_' || c == '*') {
            ++i;
        } else if (c == '[') {
            const auto close = code.find(']', i + 1);
            if (close == std::string_view::npos) break;
            const auto inside = code.substr(i + 1, close - i - 1);
            if (inside == "h" || inside == "hh" || inside == "mm" || inside == "ss") {
                hour_or_second = true;  // elapsed time
            }
            i = close;
        } else if (c == 'y' || c == 'd' || c == 'e') {
            year_or_day = true;
        } else if (c == 'm') {
            month_or_minute = true;
        } else if (c == 'h' || c == 's') {
            hour_or_second = true;
        }
    }
    if (year_or_day || (month_or_minute && !hour_or_second)) return Shown::date;
    if (hour_or_second) return Shown::time;
    return Shown::number;
}

class StylesHandler : public XmlHandler {
  public:
    std::vector<Shown> shown_by_style;  // index: a cell's s attribute
    void start(std::string_view name, const XML_Char** a) override {
        if (name == "numFmts") {
            in_formats_ = true;
        } else if (name == "cellXfs") {
            in_cell_formats_ = true;
        } else if (name == "numFmt" && in_formats_) {
            const auto* id = attribute(a, "numFmtId");
            const auto* code = attribute(a, "formatCode");
            if (id && code) custom_[std::atoi(id)] = custom_format(code);
        } else if (name == "xf" && in_cell_formats_) {
            const auto* id = attribute(a, "numFmtId");
            const int format = id ? std::atoi(id) : 0;
            const auto custom = custom_.find(format);
            shown_by_style.push_back(custom != custom_.end() ? custom->second
                                                             : builtin_format(format));
        }
    }
    void end(std::string_view name) override {
        if (name == "numFmts") in_formats_ = false;
        if (name == "cellXfs") in_cell_formats_ = false;
    }

  private:
    std::map<int, Shown> custom_;
    bool in_formats_ = false, in_cell_formats_ = false;
};

// "C17" → column 2, row 17. False when it is not a cell reference.
bool parse_cell_reference(std::string_view ref, std::size_t& column, std::size_t& row) {
    std::size_t i = 0, col = 0;
    while (i < ref.size() && std::isupper(static_cast<unsigned char>(ref[i])) && i < 3) {
        col = col * 26 + static_cast<std::size_t>(ref[i] - 'A' + 1);
        ++i;
    }
    if (i == 0 || col > kMaxColumns) return false;
    std::size_t r = 0;
    const auto [end, ec] = std::from_chars(ref.data() + i, ref.data() + ref.size(), r);
    if (ec != std::errc() || end != ref.data() + ref.size() || r == 0 || r > kMaxRows) {
        return false;
    }
    column = col - 1;
    row = r;
    return true;
}

std::string two_digits(unsigned v) {
    return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
}

// A date serial as "YYYY-MM-DD" (the 1900 system counts a 29 February 1900 that never
// was, as Lotus 1-2-3 did: serial 60).
std::optional<std::string> serial_date(double serial, bool date1904) {
    if (!(serial >= 0) || serial > 2'958'465) return std::nullopt;  // 9999-12-31
    using namespace std::chrono;
    long days = static_cast<long>(std::floor(serial));
    sys_days day;
    if (date1904) {
        day = sys_days{year{1904} / January / 1} + std::chrono::days{days};
    } else if (days < 1) {
        return std::nullopt;
    } else {
        if (days >= 60) --days;  // skip the day that never was (60 shows as 28 February)
        day = sys_days{year{1899} / December / 31} + std::chrono::days{days};
    }
    const year_month_day ymd{day};
    const int y = static_cast<int>(ymd.year());
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%s-%s", y,
                  two_digits(static_cast<unsigned>(ymd.month())).c_str(),
                  two_digits(static_cast<unsigned>(ymd.day())).c_str());
    return text;
}

std::string serial_time(double serial) {
    const double fraction = serial - std::floor(serial);
    auto seconds = static_cast<long>(std::lround(fraction * 86400.0)) % 86400;
    const auto h = static_cast<unsigned>(seconds / 3600);
    const auto m = static_cast<unsigned>(seconds / 60 % 60);
    const auto s = static_cast<unsigned>(seconds % 60);
    return two_digits(h) + ":" + two_digits(m) + (s ? ":" + two_digits(s) : "");
}

// A number as the sheet shows it without a format: integers in full, others shortest.
std::string number_text(double v) {
    char text[32];
    if (std::abs(v) < 1e15 && v == std::floor(v)) {
        std::snprintf(text, sizeof text, "%lld", static_cast<long long>(v));
        return text;
    }
    const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
    return std::string(text, ec == std::errc() ? end : text);
}

struct MergedRange {
    std::size_t first_row, last_row, first_column, last_column;
    std::optional<TableCell> value;
};

class MergedCellsHandler : public XmlHandler {
  public:
    explicit MergedCellsHandler(std::size_t max) : max_(max) {}
    std::vector<MergedRange> ranges;
    std::string where() const override { return last_cell_.empty() ? "" : "cell " + last_cell_; }
    void start(std::string_view name, const XML_Char** a) override {
        if (name == "c") {
            if (const auto* r = attribute(a, "r")) last_cell_ = std::string(r).substr(0, 16);
            return;
        }
        if (name != "mergeCell") return;
        const auto* ref = attribute(a, "ref");
        if (!ref) return;
        const std::string_view r(ref);
        const auto colon = r.find(':');
        MergedRange range{};
        if (colon == std::string_view::npos ||
            !parse_cell_reference(r.substr(0, colon), range.first_column, range.first_row) ||
            !parse_cell_reference(r.substr(colon + 1), range.last_column, range.last_row) ||
            range.last_row < range.first_row || range.last_column < range.first_column) {
            fault = "the merged range " + std::string(r) + " is not a range of cells";
            return;
        }
        if (ranges.size() >= max_) {
            fault = "the sheet has more than " + std::to_string(max_) + " merged ranges";
            return;
        }
        ranges.push_back(std::move(range));
    }
    void end(std::string_view) override {}

  private:
    std::size_t max_;
    std::string last_cell_;
};

struct Workbook {
    std::vector<std::string> shared_strings;
    std::vector<Shown> shown_by_style;
    bool date1904 = false;
};

// The rows of a sheet as they stream out of its XML.
class SheetHandler : public XmlHandler {
  public:
    struct Row {
        std::size_t number = 0;
        std::vector<TableCell> cells;
    };

    SheetHandler(const Workbook& workbook, std::size_t max_row_bytes)
        : workbook_(workbook), max_row_bytes_(max_row_bytes) {}

    std::deque<Row> done;
    std::string where() const override { return last_cell_.empty() ? "" : "cell " + last_cell_; }

    void start(std::string_view name, const XML_Char** a) override {
        if (name == "row") {
            std::size_t number = row_.number + 1;
            if (const auto* r = attribute(a, "r")) {
                const std::string_view text(r);
                const auto [end, ec] =
                    std::from_chars(text.data(), text.data() + text.size(), number);
                if (ec != std::errc() || end != text.data() + text.size() || number == 0 ||
                    number > kMaxRows || number <= row_.number) {
                    fault = "a row is numbered '" + std::string(text) + "' after row " +
                            std::to_string(row_.number);
                    return;
                }
            }
            row_ = Row{number, {}};
            column_ = 0;
            row_bytes_ = 0;
        } else if (name == "c") {
            cell_type_ = "n";
            style_ = 0;
            value_.clear();
            has_value_ = false;
            if (const auto* t = attribute(a, "t")) cell_type_ = t;
            if (const auto* s = attribute(a, "s")) style_ = static_cast<std::size_t>(std::atol(s));
            if (const auto* r = attribute(a, "r")) {
                std::size_t row = 0;
                if (!parse_cell_reference(r, column_, row) || row != row_.number) {
                    fault =
                        "a cell of row " + std::to_string(row_.number) + " is named '" + r + "'";
                    return;
                }
            }
            last_cell_ = cell_name(column_, row_.number);
        } else if (name == "v") {
            in_value_ = true;
        } else if (name == "is") {
            in_inline_ = true;
        } else if (name == "rPh") {
            ++phonetic_;
        } else if (name == "t" && in_inline_) {
            in_value_ = phonetic_ == 0;
        }
    }

    void end(std::string_view name) override {
        if (name == "v" || name == "t") {
            in_value_ = false;
        } else if (name == "is") {
            in_inline_ = false;
        } else if (name == "rPh") {
            --phonetic_;
        } else if (name == "c") {
            if (has_value_) store(cell());
            ++column_;
        } else if (name == "row") {
            done.push_back(std::move(row_));
            row_ = Row{done.back().number, {}};
        }
    }

    void text(std::string_view t) override {
        if (!in_value_) return;
        row_bytes_ += t.size();
        if (row_bytes_ > max_row_bytes_) {
            fault = "row " + std::to_string(row_.number) + " is larger than " +
                    std::to_string(max_row_bytes_ / 1024) + " KB";
            return;
        }
        value_ += t;
        has_value_ = true;
    }

  private:
    TableCell cell() {
        TableCell c;
        const std::string here = cell_name(column_, row_.number);
        if (cell_type_ == "s") {
            std::size_t index = 0;
            const auto [end, ec] =
                std::from_chars(value_.data(), value_.data() + value_.size(), index);
            if (ec != std::errc() || end != value_.data() + value_.size() ||
                index >= workbook_.shared_strings.size()) {
                fault = "cell " + here + " refers to shared string '" + value_ +
                        "', but the workbook has " +
                        std::to_string(workbook_.shared_strings.size());
                return c;
            }
            c.text = workbook_.shared_strings[index];
        } else if (cell_type_ == "inlineStr" || cell_type_ == "str") {
            c.text = unescape_xstring(value_);
        } else if (cell_type_ == "b") {
            c.kind = TableCell::Kind::boolean;
            c.text = value_ == "1" ? "true" : "false";
        } else if (cell_type_ == "e") {
            c.kind = TableCell::Kind::error;
            c.text = value_;
        } else if (cell_type_ == "d") {  // an ISO 8601 date written as text
            c.text = value_;
            c.date = true;
            if (value_.size() >= 10) c.date_only = value_.substr(0, 10);
        } else {
            double v = 0;
            const auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), v);
            if (ec != std::errc() || end != value_.data() + value_.size()) {
                fault = "cell " + here + " is marked as a number but holds '" +
                        value_.substr(0, 40) + "'";
                return c;
            }
            c.kind = TableCell::Kind::number;
            c.number = v;
            c.text = number_text(v);
            if (auto date = serial_date(v, workbook_.date1904)) c.date_only = *date;
            const Shown shown = style_ < workbook_.shown_by_style.size()
                                    ? workbook_.shown_by_style[style_]
                                    : Shown::number;
            if (shown == Shown::date && !c.date_only.empty()) {
                c.date = true;
                c.text = c.date_only;
                if (v != std::floor(v)) c.text += " " + serial_time(v);
            } else if (shown == Shown::time) {
                c.date = true;
                c.text = serial_time(v);
            }
        }
        return c;
    }

    void store(TableCell c) {
        if (column_ >= kMaxColumns) return;
        if (row_.cells.size() <= column_) row_.cells.resize(column_ + 1);
        row_.cells[column_] = std::move(c);
    }

    const Workbook& workbook_;
    std::size_t max_row_bytes_;
    Row row_;
    std::size_t column_ = 0, style_ = 0, row_bytes_ = 0;
    std::string cell_type_, value_, last_cell_;
    bool has_value_ = false, in_value_ = false, in_inline_ = false;
    int phonetic_ = 0;
};

class XlsxRows : public RowSource {
  public:
    XlsxRows(std::istream& in, const XlsxOptions& options) : zip_(in, "the workbook", options.zip) {
        const std::string what = "the workbook";
        // The package's relationships name the workbook part; the workbook's name its
        // sheets, shared strings and styles.
        std::string workbook_part = "xl/workbook.xml";
        if (zip_.has("_rels/.rels")) {
            RelationshipsHandler rels;
            XmlParser(rels, "_rels/.rels", what).parse_all(zip_.read("_rels/.rels", 1 << 20));
            if (auto target = rels.target_of_type("/officeDocument")) {
                workbook_part = resolve_target("", *target);
            }
        }
        if (!zip_.has(workbook_part)) {
            throw InputError("the file is not an .xlsx workbook (it has no " + workbook_part + ")",
                             0);
        }
        const std::string base = workbook_part.substr(0, workbook_part.rfind('/') + 1);
        const std::string rels_part = base + "_rels/" + workbook_part.substr(base.size()) + ".rels";
        RelationshipsHandler rels;
        if (zip_.has(rels_part)) {
            XmlParser(rels, rels_part, what).parse_all(zip_.read(rels_part, 16 << 20));
        }
        WorkbookHandler book;
        XmlParser(book, workbook_part, what).parse_all(zip_.read(workbook_part, 16 << 20));
        workbook_.date1904 = book.date1904;
        if (book.sheets.empty()) throw InputError("the workbook has no sheet", 0);

        const WorkbookHandler::Sheet* sheet = &book.sheets.front();
        if (!options.sheet.empty()) {
            sheet = nullptr;
            std::string names;
            for (const auto& s : book.sheets) {
                if (s.name == options.sheet) sheet = &s;
                names += (names.empty() ? "" : ", ") + s.name;
            }
            if (!sheet) {
                throw InputError(
                    "the workbook has no sheet named " + options.sheet + " (it has " + names + ")",
                    0);
            }
        }
        const auto rel = rels.by_id.find(sheet->relationship);
        if (rel == rels.by_id.end() || !zip_.has(resolve_target(base, rel->second.target))) {
            throw InputError("the workbook's sheet " + sheet->name + " has no data part", 0);
        }
        sheet_part_ = resolve_target(base, rel->second.target);

        if (auto target = rels.target_of_type("/sharedStrings")) {
            const std::string part = resolve_target(base, *target);
            if (zip_.has(part)) {
                SharedStringsHandler strings(options.max_shared_string_bytes);
                XmlParser parser(strings, part, what);
                stream_part(part, parser);
                workbook_.shared_strings = std::move(strings.strings);
            }
        }
        if (auto target = rels.target_of_type("/styles")) {
            const std::string part = resolve_target(base, *target);
            if (zip_.has(part)) {
                StylesHandler styles;
                XmlParser(styles, part, what).parse_all(zip_.read(part, 64 << 20));
                workbook_.shown_by_style = std::move(styles.shown_by_style);
            }
        }
        // Merged ranges follow the rows in the sheet's XML: one pass for them first.
        MergedCellsHandler merged(options.max_merged_ranges);
        {
            XmlParser parser(merged, sheet_part_, what);
            stream_part(sheet_part_, parser);
        }
        merged_ = std::move(merged.ranges);
        std::sort(merged_.begin(), merged_.end(), [](const MergedRange& a, const MergedRange& b) {
            return a.first_row < b.first_row;
        });

        rows_ = std::make_unique<SheetHandler>(workbook_, options.max_row_bytes);
        parser_ = std::make_unique<XmlParser>(*rows_, sheet_part_, what);
        reader_.emplace(zip_.open(sheet_part_));
    }

    bool next(std::vector<TableCell>& cells, std::size_t& line) override {
        while (rows_->done.empty() && reader_) {
            char block[64 * 1024];
            const std::size_t n = reader_->read(block, sizeof block);
            parser_->feed(block, n, n == 0);
            if (n == 0) reader_.reset();
        }
        if (rows_->done.empty()) return false;
        auto row = std::move(rows_->done.front());
        rows_->done.pop_front();
        apply_merged(row);
        cells = std::move(row.cells);
        line = row.number;
        return true;
    }

    std::string where(std::size_t line, std::size_t column) const override {
        return "cell " + cell_name(column, line);
    }
    bool fixed_width() const override { return false; }

  private:
    void stream_part(const std::string& part, XmlParser& parser) {
        auto reader = zip_.open(part);
        char block[64 * 1024];
        while (true) {
            const std::size_t n = reader.read(block, sizeof block);
            parser.feed(block, n, n == 0);
            if (n == 0) break;
        }
    }

    // Every cell of a merged range shows the value of its first cell, as the sheet looks.
    void apply_merged(SheetHandler::Row& row) {
        while (next_merged_ < merged_.size() && merged_[next_merged_].first_row <= row.number) {
            active_.push_back(&merged_[next_merged_++]);
        }
        std::erase_if(active_, [&](const MergedRange* r) { return r->last_row < row.number; });
        for (MergedRange* range : active_) {
            if (range->first_row == row.number && range->first_column < row.cells.size()) {
                range->value = row.cells[range->first_column];
            }
            if (!range->value || range->value->text.empty()) continue;
            if (row.cells.size() <= range->last_column) row.cells.resize(range->last_column + 1);
            for (std::size_t c = range->first_column; c <= range->last_column; ++c) {
                if (row.cells[c].text.empty()) row.cells[c] = *range->value;
            }
        }
    }

    ZipEntries zip_;
    Workbook workbook_;
    std::string sheet_part_;
    std::vector<MergedRange> merged_;
    std::size_t next_merged_ = 0;
    std::vector<MergedRange*> active_;
    std::unique_ptr<SheetHandler> rows_;
    std::unique_ptr<XmlParser> parser_;
    std::optional<ZipEntries::Reader> reader_;
};

}  // namespace

std::string cell_name(std::size_t column, std::size_t row) {
    std::string letters;
    for (std::size_t c = column + 1; c > 0; c = (c - 1) / 26) {
        letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
    }
    return letters + std::to_string(row);
}

std::unique_ptr<RowSource> open_xlsx_rows(std::istream& in, const XlsxOptions& options) {
    return std::make_unique<XlsxRows>(in, options);
}

}  // namespace examdocs::bulk
