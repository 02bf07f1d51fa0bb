#include "pdf_syntax.h"

#include <algorithm>
#include <charconv>

#include "examdocs/core/field_rules.h"

namespace examdocs::renderers::pdf {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// PDF 32000 7.2.2: white space and delimiters end a name; '#' starts an escape.
bool regular_in_name(unsigned char c) {
    if (c < 0x21 || c > 0x7E) return false;
    switch (c) {
        case '(':
        case ')':
        case '<':
        case '>':
        case '[':
        case ']':
        case '{':
        case '}':
        case '/':
        case '%':
        case '#':
            return false;
        default:
            return true;
    }
}

}  // namespace

void append_integer(std::string& out, long long value) {
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
}

void append_fixed_width_integer(std::string& out, FixedWidthInteger value) {
    std::string digits = std::to_string(value.value);
    if (value.digits < 1 || digits.size() > static_cast<std::size_t>(value.digits)) {
        throw PdfSyntaxError("an integer does not fit its fixed width");
    }
    out.append(static_cast<std::size_t>(value.digits) - digits.size(), '0');
    out += digits;
}

void append_real(std::string& out, Real value) {
    char buffer[48];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.value,
                                   std::chars_format::fixed, value.decimals);
    if (ec != std::errc()) {
        out += '0';
        return;
    }
    char* last = end;
    if (value.decimals > 0) {
        while (last > buffer && last[-1] == '0') --last;
        if (last > buffer && last[-1] == '.') --last;
    }
    std::string_view text(buffer, static_cast<std::size_t>(last - buffer));
    if (text == "-0" || text.empty()) text = "0";
    out += text;
}

void append_name(std::string& out, Name name) {
    out += '/';
    for (char ch : name.value) {
        const auto c = static_cast<unsigned char>(ch);
        if (regular_in_name(c)) {
            out += ch;
        } else {
            out += '#';
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        }
    }
}

void append_ref(std::string& out, Ref ref) {
    append_integer(out, ref.number);
    out += " 0 R";
}

void append_hex16(std::string& out, unsigned v) {
    out += kHex[(v >> 12) & 0xF];
    out += kHex[(v >> 8) & 0xF];
    out += kHex[(v >> 4) & 0xF];
    out += kHex[v & 0xF];
}

void append_utf16_hex(std::string& out, char32_t cp) {
    if (cp > 0xFFFF) {
        const auto v = static_cast<unsigned>(cp) - 0x10000U;
        append_hex16(out, 0xD800U + (v >> 10));
        append_hex16(out, 0xDC00U + (v & 0x3FFU));
    } else {
        append_hex16(out, static_cast<unsigned>(cp));
    }
}

void append_text_string(std::string& out, TextString text) {
    out += "<FEFF";
    for (char32_t cp : utf8_to_u32(text.utf8)) append_utf16_hex(out, cp);
    out += '>';
}

void append_literal_string(std::string& out, LiteralString text) {
    out += '(';
    for (char c : text.bytes) {
        if (c == '(' || c == ')' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\r') {
            out += "\\r";  // a bare CR would be read back as a line feed
        } else {
            out += c;
        }
    }
    out += ')';
}

namespace {

void check_hex(HexString text) {
    const bool hex = std::all_of(text.hex_digits.begin(), text.hex_digits.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
    if (!hex) throw PdfSyntaxError("a hexadecimal string holds a character that is no hex digit");
    // PDF/A (ISO 19005-2 6.1.6) wants whole bytes; an odd digit would be padded by a reader.
    if (text.hex_digits.size() % 2 != 0) throw PdfSyntaxError("a hexadecimal string of odd length");
}

}  // namespace

void append_hex_string(std::string& out, HexString text) {
    check_hex(text);
    out += '<';
    out += text.hex_digits;
    out += '>';
}

void Array::separate() {
    if (count_++ > 0) body_ += ' ';
}

Array& Array::add(long long value) {
    separate();
    append_integer(body_, value);
    return *this;
}

Array& Array::add(Real value) {
    separate();
    append_real(body_, value);
    return *this;
}

Array& Array::add(FixedWidthInteger value) {
    std::string digits;
    append_fixed_width_integer(digits, value);  // may throw: the array stays as it was
    separate();
    body_ += digits;
    return *this;
}

Array& Array::add(Name value) {
    separate();
    append_name(body_, value);
    return *this;
}

Array& Array::add(Ref value) {
    separate();
    append_ref(body_, value);
    return *this;
}

Array& Array::add(HexString value) {
    check_hex(value);  // before anything is appended: a refused value leaves the array as it was
    separate();
    append_hex_string(body_, value);
    return *this;
}

Array& Array::add(const Array& value) {
    separate();
    value.append_to(body_);
    return *this;
}

Array& Array::add(const Dictionary& value) {
    separate();
    value.append_to(body_);
    return *this;
}

void Array::append_to(std::string& out) const {
    out += '[';
    out += body_;
    out += ']';
}

std::string& Dictionary::key(std::string_view key) {
    if (has(key)) {
        throw PdfSyntaxError("a PDF dictionary would hold the key /" + std::string(key) + " twice");
    }
    keys_.emplace_back(key);
    body_ += ' ';
    append_name(body_, Name{key});
    body_ += ' ';
    return body_;
}

bool Dictionary::has(std::string_view key) const {
    return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
}

Dictionary& Dictionary::set(std::string_view k, long long value) {
    append_integer(key(k), value);
    return *this;
}

Dictionary& Dictionary::set(std::string_view k, Real value) {
    append_real(key(k), value);
    return *this;
}

Dictionary& Dictionary::set(std::string_view k, Name value) {
    append_name(key(k), value);
    return *this;
}

Dictionary& Dictionary::set(std::string_view k, Ref value) {
    append_ref(key(k), value);
    return *this;
}

Dictionary& Dictionary::set(std::string_view k, TextString value) {
    append_text_string(key(k), value);
    return *this;
}

Dictionary& Dictionary::set(std::string_view k, LiteralString value) {
    append_literal_string(key(k), value);
    return *this;
}

Dictionary& Dictionary::set(std::string_view k, HexString value) {
    check_hex(value);  // before the key goes in
    append_hex_string(key(k), value);
    return *this;
}

Dictionary& Dictionary::set(std::string_view k, const Array& value) {
    value.append_to(key(k));
    return *this;
}

Dictionary& Dictionary::set(std::string_view k, const Dictionary& value) {
    if (&value == this) throw PdfSyntaxError("a PDF dictionary cannot hold itself");
    value.append_to(key(k));
    return *this;
}

void Dictionary::append_to(std::string& out) const {
    out += "<<";
    out += body_;
    out += " >>";
}

std::string Dictionary::str() const {
    std::string out;
    append_to(out);
    return out;
}

}  // namespace examdocs::renderers::pdf
