#include "examdocs/core/masking.h"

#include "examdocs/core/field_rules.h"

namespace examdocs {

std::string mask_name(std::string_view name) {
    const std::u32string cps = utf8_to_u32(name);
    if (cps.empty()) return {};
    if (cps.size() == 1) return "*";
    if (cps.size() == 2) return u32_to_utf8(std::u32string(1, cps[0])) + "*";
    return u32_to_utf8(std::u32string(1, cps.front())) + "*" +
           u32_to_utf8(std::u32string(1, cps.back()));
}

std::string mask_id_number(std::string_view id) {
    if (id.size() <= 8) return std::string(id.size(), '*');
    return std::string(id.substr(0, 4)) + std::string(id.size() - 8, '*') +
           std::string(id.substr(id.size() - 4));
}

}  // namespace examdocs
