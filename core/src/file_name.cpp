#include "examdocs/core/file_name.h"

#include <unicode/translit.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

#include <memory>
#include <mutex>

namespace examdocs {

namespace {

// ICU's transliterators are costly to build and not safe to share between threads
// unlocked: one, built on first use (the ICU data is not touched before a download).
class Pinyin {
  public:
    std::string to_ascii(const icu::UnicodeString& text, bool han) {
        std::lock_guard lock(mutex_);
        if (!ready_) {
            UErrorCode status = U_ZERO_ERROR;
            han_.reset(icu::Transliterator::createInstance("Han-Latin; Latin-ASCII", UTRANS_FORWARD,
                                                           status));
            if (U_FAILURE(status)) han_.reset();
            status = U_ZERO_ERROR;
            other_.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII",
                                                             UTRANS_FORWARD, status));
            if (U_FAILURE(status)) other_.reset();
            ready_ = true;
        }
        icu::UnicodeString out(text);
        if (auto* t = han ? han_.get() : other_.get()) t->transliterate(out);
        std::string utf8;
        out.toUTF8String(utf8);
        return utf8;
    }

  private:
    std::mutex mutex_;
    bool ready_ = false;
    std::unique_ptr<icu::Transliterator> han_, other_;
};

Pinyin& pinyin() {
    static Pinyin instance;
    return instance;
}

bool safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

void append_safe(std::string& out, std::string_view text, bool drop_spaces) {
    for (char c : text) {
        if (drop_spaces && c == ' ') continue;
        const char ok = safe(c) ? c : '-';
        if (ok == '-' && (out.empty() || out.back() == '-')) continue;  // no runs of '-'
        out += ok;
    }
}

}  // namespace

std::string ascii_file_name(std::string_view utf8_name) {
    const auto text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8_name.data(), static_cast<int32_t>(utf8_name.size())));
    std::string out;
    icu::UnicodeString run;
    bool run_is_han = false;
    auto flush = [&] {
        if (run.isEmpty()) return;
        append_safe(out, pinyin().to_ascii(run, run_is_han), run_is_han);
        run.remove();
    };
    for (int32_t i = 0; i < text.length();) {
        const UChar32 c = text.char32At(i);
        i += U16_LENGTH(c);
        if (c < 0x80) {
            flush();
            const char ascii = static_cast<char>(c);
            append_safe(out, std::string_view(&ascii, 1), false);
            continue;
        }
        UErrorCode status = U_ZERO_ERROR;
        const bool han = uscript_getScript(c, &status) == USCRIPT_HAN;
        if (!run.isEmpty() && han != run_is_han) flush();
        run_is_han = han;
        run.append(c);
    }
    flush();
    while (!out.empty() && (out.front() == '-' || out.front() == '.')) out.erase(0, 1);
    return out.empty() ? "download" : out;
}

}  // namespace examdocs
