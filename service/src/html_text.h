#pragma once
// Private to service/: text into HTML, for every page rendered here (the verification page,
// the sign-in and the clerk's page). Pure functions, thread-safe.
#include <string>
#include <string_view>

namespace examdocs::service {

// Escapes the five characters that could end an element or an attribute; the result is
// safe in text and in a quoted attribute value.
inline std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// Chinese first, English after it and marked as such, for screen readers to switch voice.
// `html` is already HTML.
inline std::string en(std::string_view html) {
    return "<span lang=\"en\">" + std::string(html) + "</span>";
}

}  // namespace examdocs::service
