#pragma once
// Rows of a table (a CSV file, a spreadsheet's sheet) as the record reader takes them:
// the first row names the fields, every further row is a record. Private to bulk/.
#include <cstddef>
#include <string>
#include <vector>

namespace examdocs::bulk {

struct TableCell {
    // What the cell holds: CSV cells are all text; a spreadsheet says which of these.
    enum class Kind { text, number, boolean, error };
    Kind kind = Kind::text;
    std::string text;   // as the cell shows it: "0012", "13800138000", "2026-05-01"
    double number = 0;  // Kind::number
    // A number shown as a date or time by its cell format (a spreadsheet date serial):
    // `text` already holds "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "HH:MM".
    bool date = false;
    std::string date_only;  // "YYYY-MM-DD" for a serial, whatever the format shows
};

class RowSource {
  public:
    virtual ~RowSource() = default;
    // The next row, or false at the end. `line` is where it starts (the CSV line, the
    // sheet's row number). Cells past the last non-empty one may be left out. Throws
    // InputError for faults of the whole input.
    virtual bool next(std::vector<TableCell>& cells, std::size_t& line) = 0;
    // Where a cell is, for messages: "line 3" or "cell C17".
    virtual std::string where(std::size_t line, std::size_t column) const = 0;
    // Whether rows have a fixed width (CSV: a row with fewer or more cells is an error).
    virtual bool fixed_width() const = 0;
};

}  // namespace examdocs::bulk
