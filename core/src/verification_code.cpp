#include "examdocs/core/verification_code.h"

namespace examdocs {

std::string normalize_verification_code(std::string_view typed) {
    std::string out;
    out.reserve(typed.size());
    for (char c : typed) {
        if (c == ' ' || c == '-' || c == '\t') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        out += c;
    }
    return out;
}

bool verification_codes_match(std::string_view typed, std::string_view issued) {
    const std::string a = normalize_verification_code(typed);
    const std::string b = normalize_verification_code(issued);
    if (a.empty() || a.size() != b.size()) return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return difference == 0;
}

std::string group_verification_code(std::string_view code) {
    std::string out;
    for (std::size_t i = 0; i < code.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += ' ';
        out += code[i];
    }
    return out;
}

}  // namespace examdocs
