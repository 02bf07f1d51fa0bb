#pragma once
// Private to renderers/: content streams built from composed pages, as pure functions.
// What a content stream refers to (a face's character ids, image and form XObjects) comes
// from a ContentResources the writer implements, so building a sheet writes no object
// itself and the operators can be tested on their own.
#include <cstdint>
#include <string>
#include <vector>

#include "page_ops.h"

namespace examdocs::renderers {

// Where a composed page goes on a sheet: scaled by `scale`, its top-left corner at (x, y)
// of the sheet (top-left origin, points). `page_height` is the composed page's own.
struct Placement {
    const PageOps* page;
    float page_height = 0;
    float x = 0, y = 0, scale = 1;
};

// What a content stream refers to, supplied by the writer. Object numbers returned for
// images and patterns name the XObject in the page's resources (/X<number>).
class ContentResources {
  public:
    virtual ~ContentResources() = default;
    // The character id of `codepoint` in `face`'s font.
    virtual std::uint16_t character(int face, char32_t codepoint) = 0;
    // The image XObject holding `jpeg`.
    virtual int image(const std::string& jpeg) = 0;
    // The form XObject drawing `curves` on a page `page_height` high; the same curves give
    // the same form.
    virtual int pattern(const CurveOp& curves, float page_height) = 0;

  protected:
    ContentResources() = default;
    ContentResources(const ContentResources&) = default;
    ContentResources& operator=(const ContentResources&) = default;
};

// A sheet's content stream and the resources its page dictionary must name. Faces and
// XObjects are listed once each, in order of first use: a sheet that draws one form
// twice (two certificates 2-up share their background) names it once.
struct SheetContent {
    std::string operators;
    std::vector<int> faces;
    std::vector<int> xobjects;
};

// The operators of one sheet: each placement's page, then `extra` (cut marks) in sheet
// coordinates.
SheetContent build_sheet_content(const std::vector<Placement>& placements, const PageOps& extra,
                                 float sheet_height, ContentResources& resources);

// The content stream of a form XObject that draws `curves` on a page `page_height` high.
std::string pattern_content(const CurveOp& curves, float page_height);

// A stable identity of `curves` on a page `page_height` high (FNV-1a over its numbers).
std::uint64_t pattern_key(const CurveOp& curves, float page_height);

}  // namespace examdocs::renderers
