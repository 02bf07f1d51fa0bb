#pragma once
// Text into XML or HTML: the one escape used by the pages (service/) and the PDFs' XMP
// metadata packet (renderers/). Pure, thread-safe.
#include <string>
#include <string_view>

namespace examdocs {

// Escapes the five characters with a meaning in markup (the apostrophe as &#39;, which
// both HTML and XML read), so the result is safe in element text and in a quoted
// attribute value of either. C0 control characters other than tab and line ends are left
// out: XML 1.0 does not allow them at all, and no page needs them.
std::string escape_markup(std::string_view text);

}  // namespace examdocs
