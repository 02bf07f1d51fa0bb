#pragma once
// Verification codes are Crockford base32 (0-9, A-Z without I, L, O, U), printed for
// people to read and type back. What a person types is normalised before any comparison,
// the same way at every door (the page, GET /v1/certificates/{n}?code=, POST /v1/verify):
// case does not matter, O reads as 0, I and L read as 1, spaces and dashes are ignored.
#include <string>
#include <string_view>

namespace examdocs {

// "abcd-efgh ijkl-mnop" → "ABCDEFGH1JK1MN0P". Characters outside the alphabet are kept
// (upper-cased), so that they can never match a code the registry issued.
std::string normalize_verification_code(std::string_view typed);

// Whether a typed code is the issued one, after normalising both. Takes the same time
// whatever the position of the first difference.
bool verification_codes_match(std::string_view typed, std::string_view issued);

// "ABCD1234EFGH5678" → "ABCD 1234 EFGH 5678", as the certificate prints it.
std::string group_verification_code(std::string_view code);

}  // namespace examdocs
