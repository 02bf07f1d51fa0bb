// Bulk printing read back with poppler: order, a bad record among good ones, n-up sheets,
// one font for the whole file, ZIP contents, cancelling.
#include "examdocs/bulk/bulk_print.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Zip/ZipArchive.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "examdocs/renderers/layout_catalog.h"
#include "support/pdf_normalize.h"
#include "support/pdf_reader.h"
#include "support/samples.h"

namespace {

using examdocs::bulk::InputFormat;
using examdocs::bulk::OutputKind;
using examdocs::bulk::PrintOptions;
using examdocs::test::read_pdf;

const examdocs::renderers::Layout& ticket() {
    static const auto catalog = examdocs::renderers::LayoutCatalog::bundled();
    return *catalog.find("admission-ticket");
}

const std::vector<std::string> kNames = {"赵一", "钱二", "孙三", "李四", "周五",  "吴六",
                                         "郑七", "王八", "冯九", "陈十", "褚十一"};

// NDJSON of the sample ticket, one line per name, with its own ticket number.
std::string ndjson(const std::vector<std::string>& names) {
    std::ostringstream out;
    int n = 0;
    for (const auto& name : names) {
        auto data = examdocs::test::sample_request("admission-ticket");
        auto root = data.extract<Poco::JSON::Object::Ptr>();
        root->getObject("candidate")->set("name", name);
        root->set("ticketNumber", "20261101" + std::to_string(10000 + ++n));
        Poco::JSON::Stringifier::condense(root, out);
        out << '\n';
    }
    return out.str();
}

struct Printed {
    std::string bytes;
    examdocs::bulk::PrintSummary summary;
    std::vector<examdocs::bulk::RecordFailure> failures;
};

Printed print(const std::string& input, PrintOptions options) {
    std::istringstream in(input);
    auto records = examdocs::bulk::open_records(in, InputFormat::ndjson, ticket());
    std::ostringstream out;
    Printed printed;
    examdocs::bulk::PrintCallbacks callbacks;
    callbacks.on_failure = [&](const examdocs::bulk::RecordFailure& f) {
        printed.failures.push_back(f);
    };
    printed.summary = examdocs::bulk::print_records(*records, ticket(), out, options, callbacks);
    printed.bytes = out.str();
    return printed;
}

TEST(BulkPrint, PagesComeOutInInputOrderWhateverTheThreads) {
    PrintOptions options;
    options.threads = 3;
    options.batch = 4;  // several batches, so composing and writing overlap
    const auto printed = print(ndjson(kNames), options);
    EXPECT_EQ(printed.summary.printed, kNames.size());
    const auto facts = read_pdf(printed.bytes);
    ASSERT_EQ(facts.pages, static_cast<int>(kNames.size()));
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        const std::string page = examdocs::test::squeeze(facts.page_text[i]);
        EXPECT_NE(page.find(kNames[i]), std::string::npos) << "page " << i + 1;
        EXPECT_NE(page.find("20261101" + std::to_string(10001 + i)), std::string::npos);
    }
    // The font is subset once for the whole file, not once per ticket.
    ASSERT_EQ(facts.fonts.size(), 1U);
    EXPECT_TRUE(facts.fonts[0].subset);
    std::size_t font_programs = 0;
    for (auto at = printed.bytes.find("/FontFile2"); at != std::string::npos;
         at = printed.bytes.find("/FontFile2", at + 1)) {
        ++font_programs;
    }
    EXPECT_EQ(font_programs, 1U);
}

TEST(BulkPrint, ABadRecordFailsAloneAndTheRestPrint) {
    std::string input = ndjson({"赵一", "钱二"});
    input += "{\"ticketNumber\":\"x\"}\n";  // refused by the input rules
    input += "not json\n";                  // refused by the reader
    input += ndjson({"孙三"});
    const auto printed = print(input, PrintOptions{});
    EXPECT_EQ(printed.summary.records, 5U);
    EXPECT_EQ(printed.summary.printed, 3U);
    EXPECT_EQ(printed.summary.refused, 2U);
    ASSERT_EQ(printed.failures.size(), 2U);
    EXPECT_EQ(printed.failures[0].number, 3U);
    EXPECT_EQ(printed.failures[0].line, 3U);
    bool names_the_field = false;
    for (const auto& e : printed.failures[0].errors) {
        names_the_field = names_the_field || e.pointer == "/candidate/name";
    }
    EXPECT_TRUE(names_the_field);
    EXPECT_EQ(printed.failures[1].errors.at(0).code, "json-syntax");
    const auto facts = read_pdf(printed.bytes);
    ASSERT_EQ(facts.pages, 3);
    EXPECT_NE(examdocs::test::squeeze(facts.page_text[2]).find("孙三"), std::string::npos);
}

TEST(BulkPrint, TwoUpSheetsAreLandscapeWithTwoTicketsEach) {
    PrintOptions options;
    options.sheets.pages_per_sheet = 2;
    const auto printed = print(ndjson({"赵一", "钱二", "孙三"}), options);
    EXPECT_EQ(printed.summary.pages, 3);
    EXPECT_EQ(printed.summary.sheets, 2);
    const auto facts = read_pdf(printed.bytes);
    ASSERT_EQ(facts.pages, 2);
    EXPECT_NEAR(facts.page_width, 841.89, 0.5);  // A4 turned
    EXPECT_NEAR(facts.page_height, 595.28, 0.5);
    const std::string first = examdocs::test::squeeze(facts.page_text[0]);
    EXPECT_NE(first.find("赵一"), std::string::npos);
    EXPECT_NE(first.find("钱二"), std::string::npos);
    EXPECT_NE(examdocs::test::squeeze(facts.page_text[1]).find("孙三"), std::string::npos);
    // Both tickets' QR codes still decode at half size.
    const auto codes =
        examdocs::test::decode_codes(printed.bytes, 0, ZXing::BarcodeFormat::QRCode, 300);
    EXPECT_EQ(codes.size(), 2U);
    // A dashed cut line runs down the middle of the sheet (x = 420.94).
    const std::string content = examdocs::test::normalize_pdf(printed.bytes);
    EXPECT_NE(content.find("[6 4 ] 0 d\n420.94 595.28 m 420.94 0 l S"), std::string::npos);
}

TEST(BulkPrint, FourUpSheetsKeepThePageSize) {
    PrintOptions options;
    options.sheets.pages_per_sheet = 4;
    const auto printed = print(ndjson({"赵一", "钱二", "孙三", "李四", "周五"}), options);
    const auto facts = read_pdf(printed.bytes);
    ASSERT_EQ(facts.pages, 2);
    EXPECT_NEAR(facts.page_width, 595.28, 0.5);
    const std::string first = examdocs::test::squeeze(facts.page_text[0]);
    for (const char* name : {"赵一", "钱二", "孙三", "李四"}) {
        EXPECT_NE(first.find(name), std::string::npos) << name;
    }
}

TEST(BulkPrint, AZipHoldsOnePdfPerRecordUnderUniqueNames) {
    PrintOptions options;
    options.output = OutputKind::zip;
    std::string input = ndjson({"赵一", "钱二"});
    input += input;  // the same ticket numbers again: names must not collide
    const auto printed = print(input, options);
    EXPECT_EQ(printed.summary.printed, 4U);
    std::istringstream zip(printed.bytes);
    Poco::Zip::ZipArchive archive(zip);
    std::vector<std::string> names;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
        names.push_back(it->first);
    }
    ASSERT_EQ(names.size(), 4U);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names[0], "准考证-2026110110001-2.pdf");
    EXPECT_EQ(names[1], "准考证-2026110110001.pdf");
    EXPECT_EQ(names[3], "准考证-2026110110002.pdf");
}

TEST(BulkPrint, CancellingStopsBetweenBatchesWithAValidFile) {
    std::atomic<bool> cancel{false};
    PrintOptions options;
    options.batch = 2;
    options.cancel = &cancel;
    std::istringstream in(ndjson(kNames));
    auto records = examdocs::bulk::open_records(in, InputFormat::ndjson, ticket());
    std::ostringstream out;
    examdocs::bulk::PrintCallbacks callbacks;
    callbacks.on_progress = [&](const examdocs::bulk::PrintProgress& p) {
        if (p.done >= 2) cancel = true;
    };
    const auto summary = examdocs::bulk::print_records(*records, ticket(), out, options, callbacks);
    EXPECT_TRUE(summary.cancelled);
    EXPECT_EQ(summary.printed, 2U);
    EXPECT_EQ(read_pdf(out.str()).pages, 2);
}

// A job's records printed as parts (as instances sharing a job print its chunks) and
// joined: the same pages in the same order as one run, one font, codes that decode.
std::string assemble(const std::vector<std::vector<std::string>>& chunks, PrintOptions options) {
    options.scope = examdocs::bulk::OutputScope::part;
    std::ostringstream out;
    examdocs::bulk::PartAssembler assembler(
        out, options.output,
        {"准考证", "准考证",
         std::chrono::system_clock::time_point(std::chrono::seconds(1790000000)),
         "0123456789abcdef0123456789abcdef"});
    for (const auto& names : chunks) {
        const auto part = print(ndjson(names), options);
        EXPECT_FALSE(part.summary.part_manifest.empty());
        if (options.output == OutputKind::merged_pdf) {
            EXPECT_EQ(part.bytes.rfind("%PDF", 0), std::string::npos) << "a part is not a file";
        }
        assembler.add(part.bytes, part.summary.part_manifest);
    }
    assembler.finish();
    return out.str();
}

TEST(BulkPrint, PartsPrintedApartJoinIntoOneFileLikeOneRun) {
    const std::vector<std::vector<std::string>> chunks = {{kNames.begin(), kNames.begin() + 4},
                                                          {kNames.begin() + 4, kNames.begin() + 8},
                                                          {kNames.begin() + 8, kNames.end()}};
    PrintOptions options;
    options.threads = 2;
    const std::string joined = assemble(chunks, options);
    const auto facts = read_pdf(joined);
    std::string one_run;  // the same records (each part numbers its tickets from 10001)
    for (const auto& names : chunks) one_run += ndjson(names);
    const auto whole = read_pdf(print(one_run, PrintOptions{}).bytes);
    ASSERT_EQ(facts.pages, static_cast<int>(kNames.size()));
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        // Every character extracts as in one run (the ToUnicode map covers all parts).
        EXPECT_TRUE(facts.page_text[i] == whole.page_text[i]) << "page " << i + 1;
        EXPECT_NE(examdocs::test::squeeze(facts.page_text[i]).find(kNames[i]), std::string::npos);
    }
    ASSERT_EQ(facts.fonts.size(), 1U);
    EXPECT_TRUE(facts.fonts[0].subset);
    EXPECT_TRUE(facts.fonts[0].embedded);
    EXPECT_EQ(facts.title, "准考证");
    // The last part's QR code, through renumbered objects.
    const auto codes = examdocs::test::decode_codes(joined, 10, ZXing::BarcodeFormat::QRCode);
    ASSERT_EQ(codes.size(), 1U);
    EXPECT_EQ(codes, examdocs::test::decode_codes(print(one_run, PrintOptions{}).bytes, 10,
                                                  ZXing::BarcodeFormat::QRCode));
    // Deterministic: the same parts join into the same bytes.
    EXPECT_EQ(assemble(chunks, options), joined);
}

TEST(BulkPrint, TwoUpPartsEachStartANewSheet) {
    PrintOptions options;
    options.sheets.pages_per_sheet = 2;
    const auto facts = read_pdf(assemble({{"赵一", "钱二", "孙三"}, {"李四", "周五"}}, options));
    ASSERT_EQ(facts.pages, 3);
    EXPECT_NEAR(facts.page_width, 841.89, 0.5);
    const std::string second = examdocs::test::squeeze(facts.page_text[1]);
    EXPECT_NE(second.find("孙三"), std::string::npos);
    EXPECT_EQ(second.find("李四"), std::string::npos);
    EXPECT_NE(examdocs::test::squeeze(facts.page_text[2]).find("周五"), std::string::npos);
}

TEST(BulkPrint, ZipPartsJoinWithNamesUniqueAcrossParts) {
    PrintOptions options;
    options.output = OutputKind::zip;
    const std::string joined = assemble({{"赵一", "钱二"}, {"孙三"}}, options);
    std::istringstream zip(joined);
    Poco::Zip::ZipArchive archive(zip);
    std::vector<std::string> names;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
        names.push_back(it->first);
    }
    std::sort(names.begin(), names.end());
    // Each part numbers its tickets from 10001: the second part's first name collides.
    ASSERT_EQ(names.size(), 3U);
    EXPECT_EQ(names[0], "准考证-2026110110001-2.pdf");
    EXPECT_EQ(names[1], "准考证-2026110110001.pdf");
    EXPECT_EQ(names[2], "准考证-2026110110002.pdf");
}

// What Debian's unzip and Python's zipfile make of a ZIP's entry names.
std::string unzip_tools_see(const std::string& zip_bytes) {
    Poco::TemporaryFile file;
    std::ofstream(file.path(), std::ios::binary) << zip_bytes;
    std::string seen;
    const std::string commands =
        "unzip -l '" + file.path() +
        "'; /usr/bin/python3 -c \"import sys, zipfile\n"
        "for i in zipfile.ZipFile(sys.argv[1]).infolist():\n"
        "  print('python', i.filename, i.create_system, oct(i.external_attr >> 16))\" '" +
        file.path() + "'";
    FILE* pipe = popen(commands.c_str(), "r");
    char line[512];
    while (pipe && fgets(line, sizeof line, pipe)) seen += line;
    if (pipe) pclose(pipe);
    return seen;
}

TEST(BulkPrint, ZipNamesReadInUnzipAndPythonAsWritten) {
    PrintOptions options;
    options.output = OutputKind::zip;
    const auto whole = unzip_tools_see(print(ndjson({"赵一"}), options).bytes);
    // Made by Unix (3), a regular file rw-r--r--, the UTF-8 name as written.
    EXPECT_NE(whole.find("   准考证-2026110110001.pdf"), std::string::npos) << whole;
    EXPECT_NE(whole.find("python 准考证-2026110110001.pdf 3 0o100644"), std::string::npos) << whole;
    const auto joined = unzip_tools_see(assemble({{"赵一"}, {"钱二", "孙三"}}, options));
    EXPECT_NE(joined.find("   准考证-2026110110001-2.pdf"), std::string::npos) << joined;
    EXPECT_NE(joined.find("python 准考证-2026110110002.pdf 3 0o100644"), std::string::npos)
        << joined;
}

TEST(BulkPrint, ZipEntryNamesCannotLeaveTheFolderTheyUnpackTo) {
    std::ostringstream out;
    examdocs::bulk::PartAssembler assembler(out, OutputKind::zip, {});
    const std::string pdf = "%PDF-1.7\n%%EOF\n";
    const std::string manifest = "examdocs-zip-part 1\nentry " + std::to_string(pdf.size()) +
                                 " ../evil\\x.pdf\nentry " + std::to_string(pdf.size()) +
                                 " /etc/passwd\n";
    assembler.add(pdf + pdf, manifest);
    assembler.finish();
    std::istringstream zip(out.str());
    Poco::Zip::ZipArchive archive(zip);
    std::vector<std::string> names;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
        names.push_back(it->first);
    }
    ASSERT_EQ(names.size(), 2U);
    for (const auto& name : names) {
        EXPECT_EQ(name.find('/'), std::string::npos) << name;
        EXPECT_EQ(name.find('\\'), std::string::npos) << name;
        EXPECT_EQ(name.find(".."), std::string::npos) << name;
    }
}

TEST(BulkPrint, APartThatDoesNotMatchItsManifestIsRefused) {
    PrintOptions options;
    options.scope = examdocs::bulk::OutputScope::part;
    const auto part = print(ndjson({"赵一"}), options);
    std::ostringstream out;
    examdocs::bulk::PartAssembler assembler(out, OutputKind::merged_pdf, {});
    EXPECT_THROW(assembler.add(part.bytes.substr(1), part.summary.part_manifest),
                 std::runtime_error);
    EXPECT_THROW(assembler.add(part.bytes, "examdocs-pdf-part 1\nobject 1 zero\n"),
                 std::runtime_error);
}

}  // namespace
