#pragma once
// The rows of one sheet of an .xlsx workbook (Office Open XML, ECMA-376 part 1, §18), for
// the record reader. The workbook is a ZIP archive read in place (bulk::ZipEntries); its
// parts are parsed with expat, the sheet as a stream, so a sheet of 100,000 rows is never
// held in memory at once. Shared strings, inline strings, numbers, booleans, dates (a
// number in a date format becomes "YYYY-MM-DD") and merged cells (every cell of the range
// shows the range's value) are understood; formulas give their cached values.
#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "examdocs/bulk/zip_entries.h"
#include "table_rows.h"

namespace examdocs::bulk {

struct XlsxOptions {
    std::string sheet;  // a sheet's name; empty: the first sheet
    std::size_t max_row_bytes = 4 * 1024 * 1024;
    std::size_t max_shared_string_bytes = 64 * 1024 * 1024;
    std::size_t max_merged_ranges = 100'000;
    ZipLimits zip;
};

// `in` must be seekable and outlive the rows. Throws InputError when the workbook cannot
// be read or has no such sheet.
std::unique_ptr<RowSource> open_xlsx_rows(std::istream& in, const XlsxOptions& options);

// "C17" for the column index 2 (0-based) and row 17.
std::string cell_name(std::size_t column, std::size_t row);

}  // namespace examdocs::bulk
