// Reading records from .xlsx workbooks written by real spreadsheet writers (openpyxl and
// XlsxWriter, tests/support/write_xlsx.py): the same records as the CSV they were made
// from, dates and numbers as the layout's fields want them, merged cells, a named sheet,
// and every broken or hostile workbook refused with a sentence naming where.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Zip/Compress.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "examdocs/bulk/records.h"
#include "examdocs/bulk/zip_entries.h"
#include "examdocs/core/json_pointer.h"
#include "examdocs/renderers/layout_catalog.h"

namespace {

using examdocs::bulk::InputError;
using examdocs::bulk::InputFormat;
using examdocs::bulk::Record;

const examdocs::renderers::Layout& ticket() {
    static const auto catalog = examdocs::renderers::LayoutCatalog::bundled();
    return *catalog.find("admission-ticket");
}

std::string workbook(const std::string& name) { return EXAMDOCS_XLSX_DIR "/" + name; }

examdocs::bulk::ReadOptions with_photos() {
    examdocs::bulk::ReadOptions options;
    options.files_dir = EXAMDOCS_SOURCE_DIR "/samples";
    return options;
}

std::vector<Record> read_all(std::istream& in, InputFormat format,
                             examdocs::bulk::ReadOptions options = with_photos()) {
    auto reader = examdocs::bulk::open_records(in, format, ticket(), std::move(options));
    std::vector<Record> records;
    while (auto r = reader->next()) records.push_back(std::move(*r));
    return records;
}

std::vector<Record> read_workbook(const std::string& name,
                                  examdocs::bulk::ReadOptions options = with_photos()) {
    std::ifstream in(workbook(name), std::ios::binary);
    EXPECT_TRUE(in) << "the test workbooks are written at build time: " << workbook(name);
    return read_all(in, InputFormat::xlsx, std::move(options));
}

// The first `rows` records of the sample candidates, read as CSV.
std::vector<Record> csv_candidates(std::size_t rows) {
    std::ifstream file(EXAMDOCS_SOURCE_DIR "/samples/candidates.csv", std::ios::binary);
    std::string text, line;
    for (std::size_t i = 0; i <= rows && std::getline(file, line); ++i) text += line + "\n";
    std::istringstream in(text);
    return read_all(in, InputFormat::csv);
}

std::string json(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

std::string at(const Record& r, const std::string& pointer) {
    auto v = examdocs::resolve_pointer(r.data, pointer);
    return v ? v->convert<std::string>() : "<absent>";
}

std::string error_of(const std::string& name) {
    try {
        read_workbook(name);
    } catch (const InputError& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(XlsxRecords, SharedStringsFromXlsxWriterReadAsTheCsvTheyCameFrom) {
    const auto csv = csv_candidates(5);
    const auto sheet = read_workbook("shared.xlsx");
    ASSERT_EQ(sheet.size(), 5U);
    for (std::size_t i = 0; i < sheet.size(); ++i) {
        EXPECT_TRUE(sheet[i].errors.empty()) << sheet[i].errors[0].message;
        // The dates were real dates shown as 2026年12月12日; the records say 2026-12-12.
        EXPECT_EQ(json(sheet[i].data), json(csv[i].data)) << "record " << i + 1;
        EXPECT_EQ(sheet[i].line, i + 2) << "a record's line is its row";
    }
}

TEST(XlsxRecords, AMinimalPackageWithInlineStringsReadsTheSame) {
    const auto csv = csv_candidates(5);
    const auto sheet = read_workbook("minimal.xlsx");
    ASSERT_EQ(sheet.size(), 5U);
    for (std::size_t i = 0; i < sheet.size(); ++i) {
        EXPECT_EQ(json(sheet[i].data), json(csv[i].data)) << "record " << i + 1;
    }
}

TEST(XlsxRecords, TypedCellsFromOpenpyxlBecomeWhatTheLayoutWants) {
    const auto csv = csv_candidates(20);
    const auto sheet = read_workbook("candidates.xlsx");
    ASSERT_EQ(sheet.size(), 20U);
    EXPECT_EQ(at(sheet[0], "/ticketNumber"), "000123") << "text keeps its leading zeros";
    // The level is a number cell in a level field, which takes numbers and words (专项能力)
    // and so reads as text, as the CSV's does; a seat a number cell in a text field.
    EXPECT_TRUE(examdocs::resolve_pointer(sheet[0].data, "/level")->isString());
    EXPECT_EQ(at(sheet[1], "/level"), at(csv[1], "/level"));
    EXPECT_TRUE(examdocs::resolve_pointer(sheet[1].data, "/sessions/0/seat")->isString());
    EXPECT_EQ(at(sheet[1], "/sessions/0/seat"), "2");
    // Date serials in a "yyyy/m/d" format.
    EXPECT_EQ(at(sheet[4], "/sessions/1/date"), at(csv[4], "/sessions/1/date"));
    EXPECT_EQ(at(sheet[4], "/sessions/1/date"), "2026-12-12");
    EXPECT_EQ(at(sheet[2], "/occupation/job"), "<absent>") << "an empty cell leaves it out";
    // Merged down over rows 2-4 and 5-7: every row of the range has the value.
    for (std::size_t i : {0UL, 1UL, 2UL}) EXPECT_EQ(at(sheet[i], "/centre/name"), "天津市第一考点");
    for (std::size_t i : {3UL, 4UL, 5UL}) EXPECT_EQ(at(sheet[i], "/centre/name"), "天津市第二考点");
    EXPECT_EQ(at(sheet[6], "/centre/name"), "天津市第二考点") << "its own cell";
    // Everything else as the CSV: the photo files the cells name, names, ID numbers.
    for (std::size_t i = 1; i < sheet.size(); ++i) {
        for (const char* p : {"/candidate/name", "/candidate/idNumber", "/candidate/photo",
                              "/sessions/0/time", "/verificationUrl"}) {
            EXPECT_EQ(at(sheet[i], p), at(csv[i], p)) << "record " << i + 1 << " " << p;
        }
    }
}

TEST(XlsxRecords, ASheetIsChosenByNameAndAWrongNameListsTheSheets) {
    examdocs::bulk::ReadOptions options = with_photos();
    options.sheet = "补考";
    const auto makeup = read_workbook("candidates.xlsx", options);
    ASSERT_EQ(makeup.size(), 1U);
    EXPECT_EQ(at(makeup[0], "/ticketNumber"), "2026110100021");
    options.sheet = "Sheet9";
    try {
        read_workbook("candidates.xlsx", options);
        ADD_FAILURE() << "no such sheet";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("Sheet9"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("考生, 补考"), std::string::npos) << e.what();
    }
}

TEST(XlsxRecords, RecordsAreCountedForProgress) {
    std::ifstream in(workbook("candidates.xlsx"), std::ios::binary);
    EXPECT_EQ(examdocs::bulk::count_records(in, InputFormat::xlsx), 20U);
    std::ifstream again(workbook("candidates.xlsx"), std::ios::binary);
    EXPECT_EQ(examdocs::bulk::count_records(again, InputFormat::xlsx, "补考"), 1U);
}

TEST(XlsxRecords, BrokenWorkbooksAreRefusedNamingWhere) {
    const std::string bad_number = error_of("bad-number.xlsx");
    EXPECT_NE(bad_number.find("cell C17"), std::string::npos) << bad_number;
    const std::string cut = error_of("broken-xml.xlsx");
    EXPECT_NE(cut.find("not well-formed"), std::string::npos) << cut;
    EXPECT_NE(cut.find("after cell"), std::string::npos) << cut;
    std::istringstream csv_text("ticketNumber\n1\n");
    try {
        read_all(csv_text, InputFormat::xlsx);
        ADD_FAILURE() << "a CSV file is not a workbook";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("ZIP"), std::string::npos) << e.what();
    }
}

TEST(XlsxRecords, HostileWorkbooksAreRefusedBeforeTheyCost) {
    const std::string laughs = error_of("doctype.xlsx");
    EXPECT_NE(laughs.find("DOCTYPE"), std::string::npos) << laughs;
    const std::string bomb = error_of("bomb.xlsx");
    EXPECT_NE(bomb.find("inflates"), std::string::npos) << bomb;
}

std::string zip_of(std::size_t entries) {
    std::ostringstream out;
    Poco::Zip::Compress compress(out, true);
    for (std::size_t i = 0; i < entries; ++i) {
        std::istringstream photo("photo " + std::to_string(i));
        compress.addFile(photo, Poco::DateTime(2026, 1, 1), "photos/" + std::to_string(i) + ".jpg",
                         Poco::Zip::ZipCommon::CM_STORE);
    }
    compress.close();
    return out.str();
}

TEST(ZipEntries, EntriesAreReadInPlaceWithinTheLimits) {
    std::istringstream in(zip_of(3));
    examdocs::bulk::ZipEntries zip(in, "the photos ZIP");
    EXPECT_EQ(zip.names().size(), 3U);
    EXPECT_TRUE(zip.has("photos/2.jpg"));
    EXPECT_EQ(zip.read("photos/1.jpg"), "photo 1");
    EXPECT_EQ(zip.read("photos/0.jpg"), "photo 0") << "in any order";
    EXPECT_THROW(zip.read("photos/9.jpg"), InputError);
    EXPECT_THROW(zip.read("photos/1.jpg", 3), InputError) << "over the caller's own bound";

    std::istringstream many(zip_of(11));
    examdocs::bulk::ZipLimits limits;
    limits.max_entries = 10;
    try {
        examdocs::bulk::ZipEntries refused(many, "the photos ZIP", limits);
        ADD_FAILURE() << "11 entries over a limit of 10";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("more than 10 entries"), std::string::npos)
            << e.what();
    }
}

}  // namespace
