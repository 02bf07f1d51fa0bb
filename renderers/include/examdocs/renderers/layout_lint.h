#pragma once
// What an author should look at in a layout that is valid: warnings, never errors. The
// service logs them at start and the validate route returns them; each has a pointer
// into the layout file and the measured amount. Also the example data a preview fills a
// layout with, and the check of a layout's codes on a sheet shape. Pure functions over an
// immutable Layout and the FontSet; thread-safe.
#include <Poco/Dynamic/Var.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/layout.h"

namespace examdocs::renderers {

// Warnings, in the order of the file:
//  overlaps-text         a box overlapping another box that shows text;
//  cannot-hold-max-length a text box, list or table cell that cannot hold the example data
//                        (example_data: fields at their longest, of the widest common
//                        characters) at its minSize, fitted by the renderer's own code;
//  code-too-small        a QR code or barcode whose narrowest module, with the example
//                        data, falls under 0.33 mm at 1, 2 or 4 pages per sheet;
//  field-not-shown       a field of the schema no element shows ("printed": false says so
//                        on purpose);
//  not-a-field           an element showing a pointer the schema lacks;
//  low-contrast          text whose colour has a WCAG contrast ratio on white under 4.5
//                        (3 for large text).
std::vector<LayoutProblem> lint_layout(const Layout& layout, const fonts::FontSet& fonts);

// read_layout, then lint_layout when it reads: what POST /v1/layouts/validate answers and
// what the service prints at start.
struct LayoutCheck {
    std::optional<Layout> layout;
    std::vector<LayoutProblem> errors;
    std::vector<LayoutProblem> warnings;
};
LayoutCheck check_layout(std::string_view json, const fonts::FontSet& fonts);

// A request for the layout with every field filled: strings to their maxLength with wide
// characters (国; words of W and M for "script": "latin"), a pattern's documented example, the
// longest oneOf value, valid ID numbers, phones, dates and URLs (128 characters: the length of a
// verification URL), arrays to maxItems (at most 40), and a grey photo. What a preview shows when
// given no data.
Poco::Dynamic::Var example_data(const Layout& layout);

// The codes of `layout`, filled with `data`, whose narrowest module prints under 0.33 mm
// at `pages_per_sheet`: one problem per code, naming the element and the amount.
std::vector<LayoutProblem> small_codes(const Layout& layout, const Poco::Dynamic::Var& data,
                                       int pages_per_sheet);

}  // namespace examdocs::renderers
