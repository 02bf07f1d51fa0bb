#pragma once
// An .xlsx workbook of one sheet whose every cell is text, written with libxlsxwriter in
// its constant-memory mode (a row at a time to a temporary file, so an export of the
// whole registry does not sit in memory). Why not the CSV alone: Excel reads a CSV's
// 18-digit ID numbers and certificate numbers as numbers, shows them as 1.20105E+17 and
// saves them with their last digits turned to zeros; a text cell keeps them as written.
// Why libxlsxwriter: a Debian package that writes workbooks Excel, WPS and LibreOffice
// open, where our own writer would be a second ZIP and OOXML producer to keep right.
#include <memory>
#include <string>
#include <vector>

struct lxw_workbook;
struct lxw_worksheet;

namespace examdocs::service {

class TextWorkbook {
  public:
    // The header row goes in bold and stays in view when scrolling; `widths` are column
    // widths in Excel's character units (as many as the header, or none).
    TextWorkbook(const std::string& path, const std::string& temp_dir, const std::string& sheet,
                 const std::vector<std::string>& header, const std::vector<double>& widths);
    ~TextWorkbook();
    TextWorkbook(const TextWorkbook&) = delete;
    TextWorkbook& operator=(const TextWorkbook&) = delete;

    // Throws std::runtime_error when the sheet is full (Excel's 1,048,576 rows) or the
    // library refuses a cell.
    void add_row(const std::vector<std::string>& cells);
    // Writes the file; throws std::runtime_error with the library's reason on failure.
    void close();

    // A worksheet holds this many rows, the header included.
    static constexpr unsigned kMaxRows = 1048576;

  private:
    lxw_workbook* workbook_ = nullptr;
    lxw_worksheet* sheet_ = nullptr;
    unsigned next_row_ = 0;
    std::string temp_dir_;  // the library keeps the pointer until close
};

}  // namespace examdocs::service
