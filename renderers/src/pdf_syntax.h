#pragma once
// Private to renderers/: the syntax layer of the PDF writer. Numbers, names, strings,
// references, arrays and dictionaries, each written in exactly one place and always
// well-formed, so that the layers above never concatenate PDF by hand.
//
// A Dictionary refuses a key it already holds (PDF 32000 7.3.7 leaves the value of a
// duplicated key undefined; qpdf warns and keeps one): that is a bug in the caller, so it
// throws PdfSyntaxError, a std::logic_error. Values are appended as they are set, so a
// dictionary costs one string and a short list of its keys. Not thread-safe; values.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::renderers::pdf {

class PdfSyntaxError : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

// An indirect reference to object `number` (generation 0, the only one we write).
struct Ref {
    int number = 0;
};
// A name without its slash; characters outside the regular set are written as #xx.
struct Name {
    std::string_view value;
};
// A real with at most `decimals` decimals, trailing zeros dropped ("0.5", "12", never "-0").
struct Real {
    double value = 0;
    int decimals = 2;
};
// A text string (information dictionary): UTF-16BE with a byte-order mark, in hex.
struct TextString {
    std::string_view utf8;
};
// A literal string "(…)", with the characters that need it escaped.
struct LiteralString {
    std::string_view bytes;
};
// A hexadecimal string "<…>" of bytes already written as hex digits (the trailer's /ID).
struct HexString {
    std::string_view hex_digits;
};

// A non-negative integer written with exactly `digits` digits, leading zeros kept (PDF
// integers may have them): a value to be overwritten in place later with one of the same
// width, as a signature's /ByteRange is once the file's length is known.
struct FixedWidthInteger {
    std::uint64_t value = 0;
    int digits = 10;
};

void append_integer(std::string& out, long long value);
// Throws PdfSyntaxError when the value needs more digits than it is given.
void append_fixed_width_integer(std::string& out, FixedWidthInteger value);
void append_real(std::string& out, Real value);
void append_name(std::string& out, Name name);
void append_ref(std::string& out, Ref ref);
void append_text_string(std::string& out, TextString text);
void append_literal_string(std::string& out, LiteralString text);
void append_hex_string(std::string& out, HexString text);
// Four hex digits of a 16-bit value; a code point as UTF-16BE hex digits (one unit, or a
// surrogate pair outside the BMP). For content streams and CMaps.
void append_hex16(std::string& out, unsigned value);
void append_utf16_hex(std::string& out, char32_t codepoint);

class Dictionary;

class Array {
  public:
    Array& add(long long value);
    Array& add(int value) { return add(static_cast<long long>(value)); }
    Array& add(std::uint64_t value) { return add(static_cast<long long>(value)); }
    Array& add(Real value);
    Array& add(FixedWidthInteger value);
    Array& add(Name value);
    Array& add(Ref value);
    Array& add(HexString value);
    Array& add(const Array& value);
    Array& add(const Dictionary& value);
    bool empty() const { return count_ == 0; }
    // "[a b c]"
    std::string str() const { return "[" + body_ + "]"; }
    void append_to(std::string& out) const;

  private:
    void separate();
    std::string body_;
    std::size_t count_ = 0;
};

class Dictionary {
  public:
    Dictionary() = default;
    // A dictionary with /Type set.
    explicit Dictionary(std::string_view type) { set("Type", Name{type}); }

    // Each throws PdfSyntaxError when `key` is set already.
    Dictionary& set(std::string_view key, long long value);
    Dictionary& set(std::string_view key, int value) {
        return set(key, static_cast<long long>(value));
    }
    Dictionary& set(std::string_view key, std::uint64_t value) {
        return set(key, static_cast<long long>(value));
    }
    Dictionary& set(std::string_view key, Real value);
    Dictionary& set(std::string_view key, Name value);
    Dictionary& set(std::string_view key, Ref value);
    Dictionary& set(std::string_view key, TextString value);
    Dictionary& set(std::string_view key, LiteralString value);
    Dictionary& set(std::string_view key, HexString value);
    Dictionary& set(std::string_view key, const Array& value);
    Dictionary& set(std::string_view key, const Dictionary& value);

    bool has(std::string_view key) const;
    bool empty() const { return keys_.empty(); }
    // "<< /A 1 /B 2 >>"
    std::string str() const;
    void append_to(std::string& out) const;

  private:
    // Appends the key and returns the body to append its value to.
    std::string& key(std::string_view key);
    std::string body_;
    std::vector<std::string> keys_;
};

}  // namespace examdocs::renderers::pdf
