#pragma once
// Private to renderers/: fills in the signature placeholders a PdfWriter left (see
// pdf_signature.h for the whole story).
#include <string>

#include "examdocs/renderers/pdf_signature.h"
#include "pdf_writer.h"

namespace examdocs::renderers {

// Writes the /ByteRange of `slot` into `pdf`, has `signer` sign the covered bytes and
// writes the CMS as hex into /Contents (the rest of the placeholder stays zeros). Throws
// PdfError when the slot does not match the file or the CMS does not fit.
void fill_signature(std::string& pdf, const SignatureSlot& slot, const PdfSigner& signer);

}  // namespace examdocs::renderers
