#include "examdocs/core/json_syntax.h"

#include <algorithm>
#include <cctype>

namespace examdocs {

namespace {

class SyntaxScan {
  public:
    explicit SyntaxScan(std::string_view text) : text_(text) {}

    // The byte offset and description of the first error, or nothing.
    bool scan() {
        skip_space();
        if (!value(0)) return false;
        skip_space();
        if (at_ < text_.size()) return fail("unexpected text after the JSON value");
        return true;
    }

    std::size_t offset() const { return at_; }
    const std::string& what() const { return what_; }

  private:
    bool fail(std::string what) {
        what_ = std::move(what);
        return false;
    }
    bool at_end() const { return at_ >= text_.size(); }
    char peek() const { return text_[at_]; }

    void skip_space() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
            ++at_;
        }
    }

    bool literal(std::string_view word) {
        if (text_.substr(at_, word.size()) != word) return fail("expected a value");
        at_ += word.size();
        return true;
    }

    bool value(int depth) {
        if (depth > kJsonSyntaxMaxDepth) return fail("nested too deeply");
        if (at_end()) return fail("the text ends where a value was expected");
        switch (peek()) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
                return fail("expected a value");
        }
    }

    bool digits() {
        const std::size_t start = at_;
        while (!at_end() && peek() >= '0' && peek() <= '9') ++at_;
        if (at_ == start) return fail("expected a digit");
        return true;
    }

    bool number() {
        if (peek() == '-') ++at_;
        if (!at_end() && peek() == '0') {
            ++at_;
        } else if (!digits()) {
            return false;
        }
        if (!at_end() && peek() == '.') {
            ++at_;
            if (!digits()) return false;
        }
        if (!at_end() && (peek() == 'e' || peek() == 'E')) {
            ++at_;
            if (!at_end() && (peek() == '+' || peek() == '-')) ++at_;
            if (!digits()) return false;
        }
        return true;
    }

    bool string() {
        ++at_;  // the opening quote
        while (!at_end()) {
            const auto c = static_cast<unsigned char>(peek());
            if (c == '"') {
                ++at_;
                return true;
            }
            if (c < 0x20) return fail("a control character inside a string (escape it)");
            if (c == '\\') {
                ++at_;
                if (at_end()) break;
                const char e = peek();
                if (e == 'u') {
                    for (int i = 0; i < 4; ++i) {
                        ++at_;
                        if (at_end() || !std::isxdigit(static_cast<unsigned char>(peek()))) {
                            return fail("\\u needs four hexadecimal digits");
                        }
                    }
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    return fail("an unknown escape in a string");
                }
            }
            ++at_;
        }
        return fail("the text ends inside a string (a closing quote is missing)");
    }

    bool object(int depth) {
        ++at_;
        skip_space();
        if (!at_end() && peek() == '}') {
            ++at_;
            return true;
        }
        while (true) {
            skip_space();
            if (at_end() || peek() != '"') return fail("expected a quoted key");
            if (!string()) return false;
            skip_space();
            if (at_end() || peek() != ':') return fail("expected ':' after the key");
            ++at_;
            skip_space();
            if (!value(depth + 1)) return false;
            skip_space();
            if (at_end()) return fail("the text ends inside an object (a '}' is missing)");
            if (peek() == '}') {
                ++at_;
                return true;
            }
            if (peek() != ',') return fail("expected ',' or '}' after a member");
            ++at_;
        }
    }

    bool array(int depth) {
        ++at_;
        skip_space();
        if (!at_end() && peek() == ']') {
            ++at_;
            return true;
        }
        while (true) {
            skip_space();
            if (!value(depth + 1)) return false;
            skip_space();
            if (at_end()) return fail("the text ends inside an array (a ']' is missing)");
            if (peek() == ']') {
                ++at_;
                return true;
            }
            if (peek() != ',') return fail("expected ',' or ']' after an item");
            ++at_;
        }
    }

    std::string_view text_;
    std::size_t at_ = 0;
    std::string what_;
};

}  // namespace

std::optional<JsonSyntaxError> find_json_syntax_error(std::string_view text) {
    SyntaxScan scan(text);
    if (scan.scan()) return std::nullopt;
    JsonSyntaxError error;
    error.what = scan.what();
    const std::size_t end = std::min(scan.offset(), text.size());
    for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++error.line;
            error.column = 1;
        } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
            ++error.column;
        }
    }
    return error;
}

}  // namespace examdocs
