#pragma once
// Private to service/: text into HTML, for every page rendered here (the verification page,
// the sign-in and the clerk's page). Pure functions, thread-safe.
#include <string>
#include <string_view>

#include "examdocs/core/markup_text.h"

namespace examdocs::service {

// Text into HTML, safe in element text and in a quoted attribute value.
inline std::string html_escape(std::string_view text) { return escape_markup(text); }

// Chinese first, English after it and marked as such, for screen readers to switch voice.
// `html` is already HTML.
inline std::string en(std::string_view html) {
    return "<span lang=\"en\">" + std::string(html) + "</span>";
}

}  // namespace examdocs::service
