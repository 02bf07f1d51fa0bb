#include "text_workbook.h"

#include <xlsxwriter.h>

#include <stdexcept>

namespace examdocs::service {

TextWorkbook::TextWorkbook(const std::string& path, const std::string& temp_dir,
                           const std::string& sheet, const std::vector<std::string>& header,
                           const std::vector<double>& widths)
    : temp_dir_(temp_dir) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = temp_dir_.data();
    options.use_zip64 = LXW_TRUE;
    workbook_ = workbook_new_opt(path.c_str(), &options);
    if (!workbook_) throw std::runtime_error("cannot start a workbook at " + path);
    sheet_ = workbook_add_worksheet(workbook_, sheet.c_str());
    if (!sheet_) {
        close();
        throw std::runtime_error("cannot add the sheet " + sheet);
    }
    for (std::size_t column = 0; column < widths.size(); ++column) {
        const auto c = static_cast<lxw_col_t>(column);
        worksheet_set_column(sheet_, c, c, widths[column], nullptr);
    }
    lxw_format* bold = workbook_add_format(workbook_);
    format_set_bold(bold);
    for (std::size_t column = 0; column < header.size(); ++column) {
        worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(column), header[column].c_str(),
                               bold);
    }
    worksheet_freeze_panes(sheet_, 1, 0);
    next_row_ = 1;
}

TextWorkbook::~TextWorkbook() {
    if (workbook_) workbook_close(workbook_);
}

void TextWorkbook::add_row(const std::vector<std::string>& cells) {
    if (next_row_ >= kMaxRows) {
        throw std::runtime_error("more rows than a worksheet holds (" + std::to_string(kMaxRows) +
                                 ")");
    }
    for (std::size_t column = 0; column < cells.size(); ++column) {
        if (cells[column].empty()) continue;
        const lxw_error error = worksheet_write_string(
            sheet_, next_row_, static_cast<lxw_col_t>(column), cells[column].c_str(), nullptr);
        if (error != LXW_NO_ERROR) {
            throw std::runtime_error(std::string("a cell was refused: ") + lxw_strerror(error));
        }
    }
    ++next_row_;
}

void TextWorkbook::close() {
    lxw_workbook* workbook = workbook_;
    workbook_ = nullptr;
    if (!workbook) return;
    const lxw_error error = workbook_close(workbook);
    if (error != LXW_NO_ERROR) {
        throw std::runtime_error(std::string("the workbook was not written: ") +
                                 lxw_strerror(error));
    }
}

}  // namespace examdocs::service
