// Barcodes survive n-up: admission tickets and score notices printed 1, 2 and 4 to a
// sheet, put through a simulated print and scan (skew, blur, 150 dpi, noise, JPEG 60), and
// every QR code and Code 128 read back with ZXing. A code that would print under 0.33 mm
// is refused instead of printed, naming the sheet shape.
#include <gtest/gtest.h>

#include <Poco/Environment.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "examdocs/renderers/document.h"
#include "examdocs/renderers/document_stream.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/layout_lint.h"
#include "support/pdf_reader.h"
#include "support/print_scan.h"
#include "support/samples.h"

using namespace examdocs;
using namespace examdocs::renderers;
using examdocs::test::sample_request;

namespace {

const LayoutCatalog& catalog() {
    static const LayoutCatalog c = LayoutCatalog::bundled();
    return c;
}

Poco::Dynamic::Var ticket(const std::string& layout, int i, std::string& number, std::string& url) {
    auto data = sample_request(layout);
    auto o = data.extract<Poco::JSON::Object::Ptr>();
    number = "20261101" + std::to_string(20000 + i * 37);
    url = "https://verify.example.org/t/" + number + "?c=K7QX2M9P4R" + std::to_string(i);
    o->set("ticketNumber", number);
    o->set("verificationUrl", url);
    return data;
}

struct Sheets {
    std::string pdf;
    std::set<std::string> barcodes, qrs;
};

Sheets print(const std::string& layout_name, int per_sheet, int documents) {
    const auto layout = catalog().find(layout_name);
    Sheets out;
    std::ostringstream pdf;
    DocumentStream stream(pdf, fonts::bundled_font_set(), SheetOptions{per_sheet, true});
    RenderContext context;
    context.now = std::chrono::system_clock::from_time_t(1764460800);
    context.pages_per_sheet = per_sheet;
    for (int i = 0; i < documents; ++i) {
        std::string number, url;
        auto outcome = compose_document(*layout, ticket(layout_name, i, number, url), context);
        if (!outcome.document) {
            ADD_FAILURE() << layout_name << " " << per_sheet
                          << "-up refused: " << outcome.errors.front().message;
            return out;
        }
        stream.add(*outcome.document);
        if (layout_name == "admission-ticket") out.barcodes.insert(number);
        out.qrs.insert(url);
    }
    StreamInfo info;
    info.created = context.now;
    info.document_id = std::string(32, 'a');
    stream.finish(info);
    out.pdf = pdf.str();
    return out;
}

// What the scanner read on every sheet, against what was printed.
void expect_every_code_read(const Sheets& sheets, const std::string& what) {
    const int pages = examdocs::test::read_pdf(sheets.pdf).pages;
    std::set<std::string> barcodes, qrs;
    for (int page = 0; page < pages; ++page) {
        examdocs::test::ScanConditions scan;
        scan.degrees = page % 2 ? -1.8 : 1.2;
        scan.seed = static_cast<unsigned>(page + 1);
        if (const std::string dir = Poco::Environment::get("EXAMDOCS_SCAN_DIR", ""); !dir.empty()) {
            std::ofstream(dir + "/" + what + "-" + std::to_string(page + 1) + ".jpg",
                          std::ios::binary)
                << examdocs::test::print_scan_jpeg(sheets.pdf, page, scan);
        }
        // One scan of the page, read for each kind of code apart.
        const auto read = examdocs::test::decode_each_after_print_scan(
            sheets.pdf, page, {ZXing::BarcodeFormat::Code128, ZXing::BarcodeFormat::QRCode}, scan);
        barcodes.insert(read[0].begin(), read[0].end());
        qrs.insert(read[1].begin(), read[1].end());
    }
    EXPECT_EQ(barcodes, sheets.barcodes) << what << ": every Code 128 read after print and scan";
    EXPECT_EQ(qrs, sheets.qrs) << what << ": every QR code read after print and scan";
}

}  // namespace

TEST(NupScan, AdmissionTicketsTwoUpReadAfterPrintAndScan) {
    const Sheets sheets = print("admission-ticket", 2, 4);
    ASSERT_FALSE(sheets.pdf.empty());
    expect_every_code_read(sheets, "admission-ticket-2up");
}

TEST(NupScan, AdmissionTicketsFourUpReadAfterPrintAndScan) {
    const Sheets sheets = print("admission-ticket", 4, 8);
    ASSERT_FALSE(sheets.pdf.empty());
    expect_every_code_read(sheets, "admission-ticket-4up");
}

TEST(NupScan, ScoreNoticesFourUpReadAfterPrintAndScan) {
    const Sheets sheets = print("score-notice", 4, 4);
    ASSERT_FALSE(sheets.pdf.empty());
    expect_every_code_read(sheets, "score-notice-4up");
}

TEST(NupScan, LayoutsKeepTheirCodesOnEverySheetShapeTheyAllow) {
    for (const char* name : {"admission-ticket", "score-notice", "ruankao-score-notice"}) {
        const auto layout = catalog().find(name);
        const auto example = example_data(*layout);
        for (const int n : {1, 2, 4}) {
            const auto small = small_codes(*layout, example, n);
            EXPECT_TRUE(small.empty())
                << name << " at " << n
                << " per sheet: " << (small.empty() ? "" : describe(small.front()));
        }
    }
    // The certificate is a keepsake printed one or two to a sheet; the 软考 ticket's
    // barcode is drawn 75 mm wide, too narrow for 4 to a sheet: that shape is refused.
    const auto certificate = catalog().find("certificate");
    EXPECT_TRUE(small_codes(*certificate, example_data(*certificate), 2).empty());
    const auto ruankao = catalog().find("ruankao-admission-ticket");
    const auto refused = small_codes(*ruankao, example_data(*ruankao), 4);
    ASSERT_EQ(refused.size(), 1U);
    EXPECT_EQ(refused.front().pointer, "/pages/0/elements/3/box");
    EXPECT_NE(refused.front().message.find("at 4 pages per sheet"), std::string::npos);
}

TEST(NupScan, ACodeThatWouldPrintTooSmallIsRefusedNamingTheSheetShape) {
    // 24 letters take Code 128's B set: 299 modules in the ticket's box.
    auto data = sample_request("admission-ticket");
    Poco::JSON::Object::Ptr fields = data.extract<Poco::JSON::Object::Ptr>();
    fields->set("ticketNumber", "ABCDEFGHJKLMNPQRSTUVWXYZ");
    RenderContext context;
    context.pages_per_sheet = 4;
    const auto outcome = compose_document(*catalog().find("admission-ticket"), data, context);
    ASSERT_FALSE(outcome.document);
    const auto it = std::find_if(outcome.errors.begin(), outcome.errors.end(),
                                 [](const auto& e) { return e.code == "code-too-small"; });
    ASSERT_NE(it, outcome.errors.end());
    EXPECT_EQ(it->pointer, "/ticketNumber");
    EXPECT_NE(it->message.find("4 pages per sheet"), std::string::npos) << it->message;
    EXPECT_NE(it->message.find("0.33 mm"), std::string::npos) << it->message;
}
