#include "examdocs/renderers/document.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/UUIDGenerator.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "codes.h"
#include "examdocs/core/field_rules.h"
#include "examdocs/core/json_pointer.h"
#include "examdocs/renderers/input_check.h"
#include "examdocs/renderers/text_fit.h"
#include "page_ops.h"
#include "pdf_signing.h"
#include "pdf_writer.h"
#include "photo.h"
#include "text_boxes.h"

namespace examdocs::renderers {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;

std::string number_text(const Var& v) {
    if (v.isInteger()) return v.convert<std::string>();
    const double d = v.convert<double>();
    std::ostringstream out;
    out << std::setprecision(10) << d;
    return out.str();
}

const char* const kMonthsEn[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};

std::string apply_format(const std::string& text, const std::string& format,
                         const LevelScheme* levels) {
    if (format.empty()) return text;
    if (format == "date-cn" && is_calendar_date(text)) return chinese_date(text);
    if (format == "date-en" && is_calendar_date(text)) {
        const int month = std::stoi(text.substr(5, 2));
        return std::to_string(std::stoi(text.substr(8, 2))) + " " + kMonthsEn[month - 1] + " " +
               text.substr(0, 4);
    }
    if (format == "groups-4") {
        // A code read off paper and typed in: K7QX 2M9P 4RBW 6TZA.
        std::string grouped;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (i > 0 && i % 4 == 0) grouped += ' ';
            grouped += text[i];
        }
        return grouped;
    }
    if (format == "level-cn" || format == "level-en") {
        // The words of the layout's level scheme (layouts/vocabulary/levels.json).
        const Level* level = levels ? levels->find(text) : nullptr;
        if (level) return format == "level-cn" ? level->zh : level->en;
    }
    return text;
}

std::string value_text(const Var& v) {
    if (v.isEmpty()) return {};
    if (v.isString()) return v.extract<std::string>();
    if (v.isBoolean()) return v.extract<bool>() ? "是" : "否";
    if (v.isNumeric()) return number_text(v);
    return {};
}

bool present(const Var& root, const std::string& pointer) {
    auto v = resolve_pointer(root, pointer);
    if (!v || v->isEmpty()) return false;
    if (v->isString()) return !v->extract<std::string>().empty();
    if (v->type() == typeid(Array::Ptr)) return v->extract<Array::Ptr>()->size() > 0;
    if (v->isBoolean()) return v->extract<bool>();
    return true;
}

std::string hex_id() {
    std::string id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    return id;
}

std::string code_point_label(char32_t cp) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
    return buffer;
}

class Composer {
  public:
    Composer(const Layout& layout, const Var& data, const fonts::FontSet& fonts,
             int pages_per_sheet)
        : layout_(layout),
          data_(data),
          fonts_(fonts),
          pages_per_sheet_(pages_per_sheet),
          print_scale_(sheet_scale(layout.page_width, layout.page_height, pages_per_sheet)) {}

    std::vector<PageOps> compose() {
        for (const auto& page : layout_.pages) {
            PageOps ops;
            std::vector<PendingTable> pending;
            for (const auto& e : page.elements) {
                if (!visible(e)) continue;
                if (e.kind == ElementKind::table) {
                    PendingTable t{&e, 0};
                    draw_table(ops, e, e.box, t);
                    if (t.next_row < row_count(e)) pending.push_back(t);
                } else {
                    draw(ops, e);
                }
            }
            pages_.push_back(std::move(ops));
            for (auto& t : pending) continue_table(t);
        }
        return std::move(pages_);
    }

    std::vector<FieldError>& errors() { return errors_; }

    // Every element that shows text, drawn or not, with what draw() would fit into it.
    std::vector<TextBox> text_boxes() const {
        std::vector<TextBox> out;
        auto add = [&](const Element& e, const std::string& at, const Box& box, std::u32string text,
                       float indent) {
            if (!text.empty())
                out.push_back({&e, at, fit_request(e, box, std::move(text), indent)});
        };
        auto from = [&](const std::vector<Element>& elements) {
            for (const auto& e : elements) {
                if (e.kind == ElementKind::text) {
                    add(e, e.at, e.box, utf8_to_u32(resolve(e.source)), 0);
                } else if (e.kind == ElementKind::list) {
                    auto [text, indent] = list_text(e);
                    add(e, e.at, e.box, std::move(text), indent);
                } else if (e.kind == ElementKind::table) {
                    float x = e.box.x;
                    for (std::size_t c = 0; c < e.columns.size(); ++c) {
                        const auto& column = e.columns[c];
                        const std::string at = e.at + "/columns/" + std::to_string(c);
                        add(e, at, header_cell(e, e.box, x, column), utf8_to_u32(column.title), 0);
                        if (row_count(e) > 0) {
                            add(e, at, row_cell(e.box.y + e.header_height, e, x, column),
                                utf8_to_u32(resolve(column.value, e.rows + "/0")), 0);
                        }
                        x += column.width;
                    }
                }
            }
        };
        for (const auto& page : layout_.pages) from(page.elements);
        from(layout_.continuation_elements);
        return out;
    }

    std::string resolve(const TextSource& s, const std::string& scope = {}) const {
        if (!s.literal.empty()) return s.literal;
        if (!s.pointer.empty()) {
            auto v = resolve_pointer(data_, scope + s.pointer);
            return v ? apply_format(value_text(*v), s.format, layout_.levels) : std::string();
        }
        std::string out;
        const std::string& t = s.template_text;
        std::size_t i = 0;
        while (i < t.size()) {
            const auto open = t.find("{/", i);
            if (open == std::string::npos) {
                out += t.substr(i);
                break;
            }
            const auto close = t.find('}', open);
            if (close == std::string::npos) {
                out += t.substr(i);
                break;
            }
            std::string_view literal(t.data() + i, open - i);
            auto v = resolve_pointer(data_, scope + t.substr(open + 1, close - open - 1));
            const std::string value =
                v ? apply_format(value_text(*v), s.format, layout_.levels) : std::string();
            // A value that starts with the word before it stands for both: "{/from} 至 {/to}"
            // with the end "至今" (to the present) reads "2021.06 至今", not "至 至今".
            const auto word_end = literal.find_last_not_of(' ');
            if (word_end != std::string_view::npos) {
                const auto word_start = literal.find_last_of(' ', word_end) + 1;
                const auto word = literal.substr(word_start, word_end + 1 - word_start);
                if (std::string_view(value).substr(0, word.size()) == word) {
                    literal = literal.substr(0, word_start);
                }
            }
            out += literal;
            out += value;
            i = close + 1;
        }
        return out;
    }

  private:
    // Points between a table's cell rule and its text.
    static constexpr float kCellPad = 4.0F;

    static Box header_cell(const Element& t, const Box& box, float x, const Column& c) {
        return Box{x + kCellPad, box.y, c.width - 2 * kCellPad, t.header_height};
    }

    static Box row_cell(float y, const Element& t, float x, const Column& c) {
        return Box{x + kCellPad, y, c.width - 2 * kCellPad, t.row_height};
    }

    // What fit_text is asked for a text in `box` drawn in `style` (tabs and carriage
    // returns print as spaces).
    static FitRequest fit_request(const Element& style, const Box& box, std::u32string text,
                                  float hanging_indent) {
        for (char32_t& cp : text) {
            if (cp == U'\t' || cp == U'\r') cp = U' ';
        }
        return FitRequest{std::move(text), box.w,         box.h,         style.size,
                          style.min_size,  style.leading, hanging_indent};
    }

    struct PendingTable {
        const Element* table;
        std::size_t next_row;
    };

    // The pointer a problem with this text is reported under.
    static std::string blame(const TextSource& s, const std::string& scope = {}) {
        if (!s.pointer.empty()) return scope + s.pointer;
        const auto open = s.template_text.find("{/");
        if (open != std::string::npos) {
            return scope +
                   s.template_text.substr(open + 1, s.template_text.find('}', open) - open - 1);
        }
        return "";
    }

    bool visible(const Element& e) const {
        if (!e.when.empty() && !present(data_, e.when)) return false;
        if (!e.when_not.empty() && present(data_, e.when_not)) return false;
        return true;
    }

    std::size_t row_count(const Element& table) const {
        auto rows = resolve_pointer(data_, table.rows);
        if (!rows || rows->type() != typeid(Array::Ptr)) return 0;
        return rows->extract<Array::Ptr>()->size();
    }

    void continue_table(PendingTable& t) {
        while (t.next_row < row_count(*t.table)) {
            if (!layout_.continuation_table) {
                errors_.push_back({t.table->rows, "too-many-rows",
                                   "行数超出版面 / Only " + std::to_string(t.next_row) +
                                       " rows fit on this document."});
                return;
            }
            PageOps ops;
            for (const auto& e : layout_.continuation_elements) {
                if (visible(e)) draw(ops, e);
            }
            const Box& box = *layout_.continuation_table;
            if (!t.table->continued_title.empty()) {
                // In the band above the table's box (continuation.table leaves room for it).
                Element caption = *t.table;
                caption.kind = ElementKind::text;
                caption.size = 12;
                caption.min_size = 12;
                caption.bold = true;
                caption.align = Align::left;
                caption.valign = VAlign::middle;
                constexpr float kBand = 8 * 72.0F / 25.4F;
                draw_text(ops, caption, Box{box.x, box.y - kBand - 2, box.w * 0.6F, kBand},
                          utf8_to_u32(t.table->continued_title), "", 0);
            }
            const std::size_t before = t.next_row;
            draw_table(ops, *t.table, box, t);
            pages_.push_back(std::move(ops));
            if (t.next_row == before) return;  // a continuation box too small for one row
        }
    }

    void draw(PageOps& ops, const Element& e) {
        switch (e.kind) {
            case ElementKind::text:
                draw_text(ops, e, e.box, utf8_to_u32(resolve(e.source)), blame(e.source), 0);
                break;
            case ElementKind::list:
                draw_list(ops, e);
                break;
            case ElementKind::rect:
                ops.push_back(RectOp{
                    e.box, e.line_width,
                    e.line_width > 0 ? std::optional<Color>(e.color) : std::nullopt, e.fill});
                break;
            case ElementKind::line:
                ops.push_back(LineOp{e.box.x, e.box.y, e.x2, e.y2, e.line_width, e.color, e.dash});
                break;
            case ElementKind::photo:
                draw_photo(ops, e);
                break;
            case ElementKind::qr:
                draw_qr(ops, e);
                break;
            case ElementKind::barcode:
                draw_barcode(ops, e);
                break;
            case ElementKind::pattern:
                draw_pattern(ops, e);
                break;
            case ElementKind::table:
                break;  // handled by compose()
        }
    }

    // Checks every character, fits the text and emits runs. Returns false after recording
    // a field error.
    bool draw_text(PageOps& ops, const Element& style, const Box& box, std::u32string text,
                   const std::string& pointer, float hanging_indent) {
        if (text.empty()) return true;
        std::u32string missing;
        for (char32_t& cp : text) {
            if (cp == U'\t' || cp == U'\r') cp = U' ';
            if ((cp < 0x20 && cp != U'\n') || (cp >= 0x7F && cp < 0xA0)) {
                errors_.push_back({pointer, "invalid-character",
                                   "包含控制字符 / Contains the control character " +
                                       code_point_label(cp) + "."});
                return false;
            }
            if (cp != U'\n' && fonts_.face_for(cp) < 0 &&
                missing.find(cp) == std::u32string::npos) {
                missing += cp;
            }
        }
        if (!missing.empty()) {
            std::string listed;
            for (char32_t cp : missing) {
                listed += (listed.empty() ? "" : ", ") + u32_to_utf8(std::u32string(1, cp)) + " (" +
                          code_point_label(cp) + ")";
            }
            errors_.push_back({pointer, "missing-glyph",
                               "以下字符无法显示 / No bundled font can draw: " + listed + "."});
            return false;
        }
        auto fitted = fit_text(fonts_, fit_request(style, box, text, hanging_indent));
        if (!fitted) {
            errors_.push_back({pointer, "text-overflow",
                               "内容过长，超出版面 / The text does not fit its box, even at " +
                                   std::to_string(static_cast<int>(style.min_size)) + " pt."});
            return false;
        }
        const float asc = fonts_.ascent() * fitted->size / 1000.0F;
        const float glyphs = (fonts_.ascent() - fonts_.descent()) * fitted->size / 1000.0F;
        const float block =
            static_cast<float>(fitted->lines.size() - 1) * fitted->line_height + glyphs;
        float top = box.y;
        if (style.valign == VAlign::middle) top += (box.h - block) / 2;
        if (style.valign == VAlign::bottom) top += box.h - block;
        float baseline = top + asc;
        for (const auto& line : fitted->lines) {
            const float indent = line.starts_paragraph ? 0 : hanging_indent;
            const float width = text_width(fonts_, line.text, fitted->size);
            float x = box.x + indent;
            if (style.align == Align::center) x = box.x + (box.w - width) / 2;
            if (style.align == Align::right) x = box.x + box.w - width;
            emit_line(ops, line.text, x, baseline, fitted->size, style);
            baseline += fitted->line_height;
        }
        return true;
    }

    // Splits a line into runs of one face each.
    void emit_line(PageOps& ops, const std::u32string& line, float x, float baseline, float size,
                   const Element& style) {
        std::u32string run;
        int run_face = -1;
        float run_x = x;
        auto flush = [&] {
            if (!run.empty()) {
                ops.push_back(
                    TextRunOp{run_x, baseline, size, run_face, run, style.bold, style.color});
            }
            run.clear();
        };
        for (char32_t cp : line) {
            const int face = fonts_.face_for(cp);
            if (face != run_face) {
                flush();
                run_face = face;
                run_x = x;
            }
            run += cp;
            x += fonts_.advance(static_cast<std::size_t>(face), cp) * size / 1000.0F;
        }
        flush();
    }

    // A list's items as one text, an item a paragraph (numbered: "1. "), and the hanging
    // indent that lines its continuation lines up under the items' text.
    std::pair<std::u32string, float> list_text(const Element& e) const {
        auto value = resolve_pointer(data_, e.source.pointer);
        std::vector<std::string> items;
        if (value && value->type() == typeid(Array::Ptr)) {
            auto a = value->extract<Array::Ptr>();
            for (std::size_t i = 0; i < a->size(); ++i) {
                items.push_back(value_text(a->get(static_cast<unsigned>(i))));
            }
        } else if (!e.source.literal.empty() || !e.source.template_text.empty() || value) {
            items.push_back(resolve(e.source));
        }
        std::u32string text;
        float indent = 0;
        for (std::size_t i = 0; i < items.size(); ++i) {
            std::u32string prefix;
            if (e.list_style == "numbered") prefix = utf8_to_u32(std::to_string(i + 1) + ". ");
            // Width at the preferred size; the indent shrinks with the text if it must.
            indent = std::max(indent, text_width(fonts_, prefix, e.size));
            if (i) text += U'\n';
            text += prefix + utf8_to_u32(items[i]);
        }
        return {text, indent};
    }

    void draw_list(PageOps& ops, const Element& e) {
        auto [text, indent] = list_text(e);
        draw_text(ops, e, e.box, std::move(text), e.source.pointer, indent);
    }

    void draw_table(PageOps& ops, const Element& t, const Box& box, PendingTable& state) {
        auto rows_var = resolve_pointer(data_, t.rows);
        Array::Ptr rows = rows_var && rows_var->type() == typeid(Array::Ptr)
                              ? rows_var->extract<Array::Ptr>()
                              : nullptr;
        const std::size_t total = rows ? rows->size() : 0;
        const auto capacity = static_cast<std::size_t>(
            std::max(0.0F, std::floor((box.h - t.header_height + 0.01F) / t.row_height)));
        // Header
        Element cell_style = t;
        cell_style.kind = ElementKind::text;
        cell_style.valign = VAlign::middle;
        float x = box.x;
        ops.push_back(RectOp{Box{box.x, box.y, box.w, t.header_height}, 0, std::nullopt,
                             Color{0.93F, 0.93F, 0.93F}});
        for (const auto& c : t.columns) {
            Element header_style = cell_style;
            header_style.align = Align::center;
            header_style.bold = true;
            draw_text(ops, header_style, header_cell(t, box, x, c), utf8_to_u32(c.title), "", 0);
            x += c.width;
        }
        // Rows
        const std::size_t first = state.next_row;
        const std::size_t last = std::min(total, first + capacity);
        const std::size_t drawn_rows = std::max<std::size_t>(last - first, total == 0 ? 1 : 0);
        float y = box.y + t.header_height;
        if (total == 0 && !t.empty_text.empty()) {
            Element empty_style = cell_style;
            empty_style.align = Align::center;
            draw_text(ops, empty_style,
                      Box{box.x + kCellPad, y, box.w - 2 * kCellPad, t.row_height},
                      utf8_to_u32(t.empty_text), "", 0);
        }
        for (std::size_t r = first; r < last; ++r) {
            const std::string scope = t.rows + "/" + std::to_string(r);
            x = box.x;
            for (const auto& c : t.columns) {
                Element style = cell_style;
                style.align = c.align;
                draw_text(ops, style, row_cell(y, t, x, c), utf8_to_u32(resolve(c.value, scope)),
                          blame(c.value, scope), 0);
                x += c.width;
            }
            y += t.row_height;
        }
        state.next_row = last;
        // Grid: the outer frame and the rules between rows and columns.
        const float grid_h = t.header_height + static_cast<float>(drawn_rows) * t.row_height;
        ops.push_back(
            RectOp{Box{box.x, box.y, box.w, grid_h}, t.line_width, t.color, std::nullopt});
        for (std::size_t i = 0; i <= drawn_rows; ++i) {
            const float ry = box.y + t.header_height + static_cast<float>(i) * t.row_height;
            if (i < drawn_rows) {
                ops.push_back(
                    LineOp{box.x, ry, box.x + box.w, ry, t.line_width * 0.6F, t.color, {}});
            }
        }
        x = box.x;
        for (std::size_t i = 0; i + 1 < t.columns.size(); ++i) {
            x += t.columns[i].width;
            ops.push_back(LineOp{x, box.y, x, box.y + grid_h, t.line_width * 0.6F, t.color, {}});
        }
    }

    void draw_photo(PageOps& ops, const Element& e) {
        auto v = resolve_pointer(data_, e.source.pointer);
        if (!v || !v->isString() || v->extract<std::string>().empty()) {
            // No photo: a frame that says where to paste one.
            ops.push_back(RectOp{e.box, 0.5F, Color{0.4F, 0.4F, 0.4F}, std::nullopt});
            Element style = e;
            style.align = Align::center;
            style.size = 9;
            style.min_size = 9;
            draw_text(ops, style, e.box, U"照片", "", 0);
            return;
        }
        auto result = prepare_photo(v->extract<std::string>(), e.box.w, e.box.h, e.dpi);
        if (result.problem) {
            errors_.push_back({e.source.pointer, result.problem->code, result.problem->message});
            return;
        }
        ops.push_back(ImageOp{e.box, std::move(result.photo->jpeg)});
    }

    // A code's modules as one stencil: one sample a module, stretched over the modules'
    // area (the quiet zone around it is the box's own white).
    static void draw_stencil(PageOps& ops, CodeModules m, const Box& area) {
        ops.push_back(StencilOp{area, m.width, m.height, std::move(m.dark), Color{0, 0, 0}});
    }

    // Refuses a code that would print with modules under the minimum on this sheet shape.
    bool legible(const Element& e, float module, const char* cn, const char* en) {
        const float printed_mm = module * print_scale_ * 25.4F / 72.0F;
        if (printed_mm + 1e-4F >= kMinimumModuleMm) return true;
        char amount[64];
        std::snprintf(amount, sizeof amount, "%.3f", static_cast<double>(printed_mm));
        const std::string shape =
            pages_per_sheet_ == 1
                ? std::string("printed one page per sheet")
                : "printed " + std::to_string(pages_per_sheet_) + " pages per sheet";
        errors_.push_back(
            {blame(e.source), "code-too-small",
             std::string(cn) + "最窄模块为" + amount + "毫米，低于0.33毫米，扫描不可靠 / " + en +
                 " " + shape + " has a narrowest module of " + amount +
                 " mm, under the 0.33 mm scanners read reliably: print fewer pages per sheet, "
                 "or shorten the value."});
        return false;
    }

    void draw_qr(PageOps& ops, const Element& e) {
        const std::string text = resolve(e.source);
        if (text.empty()) return;
        try {
            CodeModules m = qr_modules(text, e.qr_ecc[0]);
            const float module = qr_module(e.box, m);
            if (!legible(e, module, "二维码", "The QR code")) return;
            const Box area{e.box.x + kQrQuietModules * module, e.box.y + kQrQuietModules * module,
                           module * static_cast<float>(m.width),
                           module * static_cast<float>(m.height)};
            draw_stencil(ops, std::move(m), area);
        } catch (const std::invalid_argument& ex) {
            errors_.push_back(
                {blame(e.source), "qr-too-long",
                 std::string("二维码内容过长 / The QR code content is ") + ex.what() + "."});
        }
    }

    void draw_barcode(PageOps& ops, const Element& e) {
        const std::string text = resolve(e.source);
        if (text.empty()) return;
        try {
            CodeModules m = code128_modules(text);
            const float module = barcode_module(e.box, m);
            if (!legible(e, module, "条形码", "The barcode")) return;
            const Box area{e.box.x + kBarcodeQuietModules * module, e.box.y,
                           module * static_cast<float>(m.width), e.box.h};
            draw_stencil(ops, std::move(m), area);
        } catch (const std::invalid_argument& ex) {
            errors_.push_back({blame(e.source), "barcode-characters",
                               std::string("条形码内容无效 / ") + ex.what() + "."});
        }
    }

    // Fine interleaved waves in a light colour: printed they look even, but a photocopier
    // or scanner blurs them into blotches and moiré. Each wave is a chain of cubic curves
    // (one per half period, with the sine's own tangents at the ends: close enough for an
    // ornament), so the pattern costs a few kilobytes, not the hundreds of a polyline.
    void draw_pattern(PageOps& ops, const Element& e) {
        const int n = std::max(1, e.pattern_lines);
        constexpr float kPi = 3.14159265F;
        CurveOp pattern{{}, e.line_width, e.color, e.box};
        for (int family = 0; family < 2; ++family) {
            const float periods = family == 0 ? 7.0F : 9.0F;
            const float amplitude = family == 0 ? 4.0F : 3.0F;
            const float k = 2 * kPi * periods / e.box.w;  // radians per point
            for (int i = 0; i <= n; ++i) {
                const float y0 = e.box.y + e.box.h * static_cast<float>(i) / static_cast<float>(n);
                const float phase =
                    static_cast<float>(i) * 0.35F + static_cast<float>(family) * kPi;
                auto y_at = [&](float x) {
                    return y0 + amplitude * std::sin(k * (x - e.box.x) + phase);
                };
                auto slope_at = [&](float x) {
                    return amplitude * k * std::cos(k * (x - e.box.x) + phase);
                };
                Wave wave{e.box.x, y_at(e.box.x), {}};
                const int segments = static_cast<int>(periods * 2);
                const float step = e.box.w / static_cast<float>(segments);
                for (int segment = 0; segment < segments; ++segment) {
                    const float x = e.box.x + step * static_cast<float>(segment);
                    const float x1 = x + step;
                    const float third = step / 3;
                    wave.segments.push_back({x + third, y_at(x) + slope_at(x) * third, x1 - third,
                                             y_at(x1) - slope_at(x1) * third, x1, y_at(x1)});
                }
                pattern.waves.push_back(std::move(wave));
            }
        }
        ops.push_back(std::move(pattern));
    }

    const Layout& layout_;
    const Var& data_;
    const fonts::FontSet& fonts_;
    int pages_per_sheet_ = 1;
    float print_scale_ = 1;
    std::vector<FieldError> errors_;
    std::vector<PageOps> pages_;
};

std::string safe_filename(const std::string& name, const std::string& fallback) {
    std::string out;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || c == '/' || c == '\\' || c == '"' || c == ':' || c == '*' || c == '?' ||
            c == '<' || c == '>' || c == '|') {
            out += '_';
        } else {
            out += c;
        }
    }
    if (out.empty() || out == ".pdf") out = fallback + ".pdf";
    if (out.size() < 4 || out.substr(out.size() - 4) != ".pdf") out += ".pdf";
    return out;
}

}  // namespace

std::string new_document_id() { return hex_id(); }

std::vector<TextBox> text_boxes(const Layout& layout, const Var& data,
                                const fonts::FontSet& fonts) {
    return Composer(layout, data, fonts, 1).text_boxes();
}

float sheet_scale(float page_width, float page_height, int pages_per_sheet) {
    if (pages_per_sheet <= 1 || page_width <= 0 || page_height <= 0) return 1;
    const int n = pages_per_sheet;
    const float sheet_w = n == 2 ? page_height : page_width;
    const float sheet_h = n == 2 ? page_width : page_height;
    const float slot_w = sheet_w / 2;
    const float slot_h = n == 4 ? sheet_h / 2 : sheet_h;
    return std::min(slot_w / page_width, slot_h / page_height);
}

CompositionOutcome compose_document(const Layout& layout, const Var& input,
                                    const RenderContext& context) {
    const fonts::FontSet& fonts = context.fonts ? *context.fonts : fonts::bundled_font_set();
    CompositionOutcome outcome;
    const std::time_t t = std::chrono::system_clock::to_time_t(context.now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char today[16];
    std::strftime(today, sizeof today, "%Y-%m-%d", &utc);
    CheckedInput checked = check_input(layout, input, today);
    if (!checked.errors.empty()) {
        outcome.errors = std::move(checked.errors);
        return outcome;
    }
    Composer composer(layout, checked.data, fonts, context.pages_per_sheet);
    auto pages = std::make_shared<ComposedPages>();
    pages->width = layout.page_width;
    pages->height = layout.page_height;
    pages->pages = composer.compose();
    if (!composer.errors().empty()) {
        outcome.errors = std::move(composer.errors());
        return outcome;
    }
    ComposedDocument doc;
    doc.title = layout.document_title.template_text.empty() &&
                        layout.document_title.literal.empty() &&
                        layout.document_title.pointer.empty()
                    ? layout.title
                    : composer.resolve(layout.document_title);
    doc.author = composer.resolve(layout.author);
    doc.subject = layout.title;
    doc.filename = safe_filename(composer.resolve(layout.filename), layout.name);
    doc.page_count = static_cast<int>(pages->pages.size());
    doc.pages = std::move(pages);
    outcome.document = std::move(doc);
    return outcome;
}

RenderOutcome render_document(const Layout& layout, const Var& input,
                              const RenderContext& context) {
    const fonts::FontSet& fonts = context.fonts ? *context.fonts : fonts::bundled_font_set();
    CompositionOutcome composed = compose_document(layout, input, context);
    RenderOutcome outcome;
    if (!composed.document) {
        outcome.errors = std::move(composed.errors);
        return outcome;
    }
    const ComposedDocument& c = *composed.document;
    std::ostringstream out;
    PdfWriter writer(out, fonts);
    if (context.signer) writer.add_signature_field(context.signer->reserved_bytes);
    for (const auto& page : c.pages->pages) writer.add_page(c.pages->width, c.pages->height, page);
    writer.finish({c.title, c.author, c.subject, context.now,
                   context.document_id.empty() ? hex_id() : context.document_id});
    RenderedDocument doc;
    doc.pdf = std::move(out).str();
    if (context.signer) fill_signature(doc.pdf, writer.signature_slot(), *context.signer);
    doc.filename = c.filename;
    doc.title = c.title;
    doc.page_count = c.page_count;
    outcome.document = std::move(doc);
    return outcome;
}

}  // namespace examdocs::renderers
