// Untrusted: the ID number field of every request.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "examdocs/core/id_number.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto check = examdocs::check_id_number(text, "2026-11-22");
    // Exactly one of the two, and an accepted number always has a valid check character.
    if (check.id.has_value() == check.problem.has_value()) __builtin_trap();
    if (check.id &&
        examdocs::id_number_check_char(check.id->normalized) != check.id->normalized[17]) {
        __builtin_trap();
    }
    return 0;
}
