#pragma once
// How public views mask personal data, the same everywhere: 张*三, 1201**********123X.
#include <string>
#include <string_view>

namespace examdocs {

// First and last character kept, everything between one "*": 张三 → 张*, 张晓明 → 张*明,
// 欧阳晓明 → 欧*明. Works on code points, not bytes.
std::string mask_name(std::string_view name);
// First four and last four characters kept, the rest starred: 1201**********123X.
std::string mask_id_number(std::string_view id);

}  // namespace examdocs
