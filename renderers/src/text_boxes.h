#pragma once
// The text boxes of a layout filled with data, each with the fit request the renderer makes
// for it. The lint measures its "cannot hold" verdict through this, with the renderer's own
// fitting, so that what the lint passes the preview prints and what it flags the preview
// refuses: a second model of the fitting drifted from the first (lists were not measured,
// English fields were measured as Chinese).
#include <Poco/Dynamic/Var.h>

#include <string>
#include <vector>

#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/layout.h"
#include "examdocs/renderers/text_fit.h"

namespace examdocs::renderers {

struct TextBox {
    const Element* element = nullptr;  // the text, list or table element
    std::string at;                    // where the box is set: ".../elements/7" or a column
    FitRequest request;                // what compose_document passes to fit_text
};

// Every text and list element and every cell of a table's first row and header, whether
// or not its `when` holds for `data` (a box must hold its text whenever it is drawn), with
// the text the renderer would fit into it. Empty texts are left out. `data` is taken as
// check_input leaves it (derived and normalized values in place).
std::vector<TextBox> text_boxes(const Layout& layout, const Poco::Dynamic::Var& data,
                                const fonts::FontSet& fonts);

}  // namespace examdocs::renderers
