// What a registration backend sees through a real server: the full record with a `read`
// key and without the public rate limit, the listing with its cursor and the CSV export,
// and who may render which documents.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace svc = examdocs::service;
using examdocs::test::http_request;
using examdocs::test::HttpReply;
using examdocs::test::parse_object;
using examdocs::test::sha256_hex;

namespace {

const std::string kIssuerKey = "issuer-secret-key-0001";
const std::string kReaderKey = "reader-secret-key-0002";
const std::string kRenderKey = "render-secret-key-0003";
const std::string kPrinterKey = "printer-secret-key-0004";

std::string keys() {
    return "registration:" + sha256_hex(kIssuerKey) +
           ":issue+revoke,office:" + sha256_hex(kReaderKey) +
           ":read,portal:" + sha256_hex(kRenderKey) + ":render,printer:" + sha256_hex(kPrinterKey) +
           ":print";
}

std::map<std::string, std::string> bearer(const std::string& key) {
    return {{"Authorization", "Bearer " + key}};
}

std::string encoded(const std::string& text) {
    std::string out;
    Poco::URI::encode(text, "&=+?#", out);
    return out;
}

// The pointers of a 422's errors[].
std::set<std::string> error_pointers(const HttpReply& reply) {
    std::set<std::string> pointers;
    auto errors = parse_object(reply.body)->getArray("errors");
    for (unsigned i = 0; errors && i < errors->size(); ++i)
        pointers.insert(errors->getObject(i)->getValue<std::string>("pointer"));
    return pointers;
}

// RFC 4180 as a spreadsheet reads it: quoted cells with doubled quotes, CRLF rows.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(cell);
            cell.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(cell);
            cell.clear();
            rows.emplace_back();
            ++i;
        } else {
            cell += c;
        }
    }
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

class BackendView : public ::testing::Test {
  protected:
    // A certificate for `name` with `id`, issued on `date`; its number.
    std::string issue(const std::string& name, const std::string& id, const std::string& date,
                      const std::string& job = "网络运行管理") {
        const std::string body =
            R"({"holder":{"name":")" + name + R"(","idNumber":")" + id + R"(","photo":")" +
            examdocs::test::photo_base64("good_413x579.jpg") +
            R"("},"occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员","job":")" +
            job + R"("},"level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":")" + date +
            R"("})";
        auto reply = http_request(port_, "POST", "/v1/certificates", body,
                                  {{"Content-Type", "application/json"},
                                   {"Authorization", "Bearer " + kIssuerKey},
                                   {"Idempotency-Key", "order-" + std::to_string(++issued_)}});
        EXPECT_EQ(reply.status, 201) << reply.body;
        return parse_object(reply.body)->getValue<std::string>("number");
    }

    HttpReply get(const std::string& path, const std::string& key = kReaderKey) const {
        return http_request(port_, "GET", path, {},
                            key.empty() ? std::map<std::string, std::string>{} : bearer(key));
    }

    examdocs::test::RunningService service_{[](svc::Settings& s) {
        s.api_keys = keys();
        s.public_base_url = "https://verify.example.org";
        s.public_rate_per_minute = 2;  // the public runs out fast; the backend must not
    }};
    std::uint16_t port_ = service_.port();
    int issued_ = 0;
};

TEST_F(BackendView, AReadKeyGetsTheWholeRecordWithoutThePublicLimit) {
    const std::string number = issue("张晓明", "120105199003071230", "2026-06-30");
    // The public: masked, and out of lookups after two.
    auto masked = get("/v1/certificates/" + number, "");
    ASSERT_EQ(masked.status, 200) << masked.body;
    EXPECT_EQ(parse_object(masked.body)->getValue<std::string>("holderName"), "张*明");
    int public_lookups = 1;
    while (public_lookups < 100 && get("/v1/certificates/" + number, "").status == 200)
        ++public_lookups;
    ASSERT_LT(public_lookups, 100) << "the public limit never came";

    // The backend from the same address: the whole row, every time.
    for (int i = 0; i < 10; ++i) {
        auto full = get("/v1/certificates/" + number);
        ASSERT_EQ(full.status, 200) << i << ": " << full.body;
        auto o = parse_object(full.body);
        EXPECT_EQ(o->getValue<std::string>("holderName"), "张晓明");
        EXPECT_EQ(o->getValue<std::string>("idNumber"), "120105199003071230");
        EXPECT_EQ(o->getValue<std::string>("verificationCode").size(), 16U);
        EXPECT_FALSE(o->getValue<std::string>("createdAt").empty());
        EXPECT_EQ(o->getValue<std::string>("photo").rfind("data:image/jpeg;base64,", 0), 0U);
        EXPECT_EQ(full.headers.at("Cache-Control"), "private, no-store");
    }
    // A key that is wrong, or without `read`, is refused — not served as the public.
    EXPECT_EQ(get("/v1/certificates/" + number, "not-a-key").status, 401);
    EXPECT_EQ(get("/v1/certificates/" + number, kRenderKey).status, 403);
    EXPECT_EQ(get("/v1/certificates/S000012120001202649999").status, 404);

    // The audit trail names the backend's key for its lookups.
    auto audit = parse_object(get("/v1/certificates/" + number + "/audit").body);
    auto trail = audit->getArray("audit");
    int by_backend = 0;
    for (unsigned i = 0; i < trail->size(); ++i) {
        auto line = trail->getObject(i);
        if (line->getValue<std::string>("actor") == "office" &&
            line->getValue<std::string>("action") == "lookup")
            ++by_backend;
    }
    EXPECT_EQ(by_backend, 10);
}

TEST_F(BackendView, TheListingFindsAHoldersCertificatesNewestFirstPageByPage) {
    std::vector<std::string> hers;
    hers.push_back(issue("王芳", "11010519491231002X", "2025-05-20"));
    issue("张晓明", "120105199003071230", "2026-01-10");
    hers.push_back(issue("王芳", "11010519491231002X", "2026-06-30", "网络安全"));
    hers.push_back(issue("王芳", "11010519491231002X", "2026-06-30", "系统运维"));
    issue("张晓明", "120105199003071230", "2026-06-30", "系统运维");
    hers.push_back(issue("王芳", "11010519491231002X", "2026-11-01"));

    // Page by page, two at a time, following `next` (and the Link header saying the same).
    std::vector<Poco::JSON::Object::Ptr> seen;
    std::string path = "/v1/certificates?idNumber=11010519491231002x&limit=2";  // x as typed
    int pages = 0;
    while (!path.empty()) {
        auto reply = get(path);
        ASSERT_EQ(reply.status, 200) << path << ": " << reply.body;
        ++pages;
        auto body = parse_object(reply.body);
        auto items = body->getArray("certificates");
        ASSERT_LE(items->size(), 2U);
        for (unsigned i = 0; i < items->size(); ++i) seen.push_back(items->getObject(i));
        if (!body->has("next")) {
            EXPECT_EQ(reply.headers.count("Link"), 0U);
            break;
        }
        const std::string next = body->getValue<std::string>("next");
        const std::string link = reply.headers.at("Link");
        EXPECT_NE(link.find("rel=\"next\""), std::string::npos) << link;
        path = link.substr(1, link.find('>') - 1);
        EXPECT_NE(path.find("cursor=" + next), std::string::npos) << path;
        EXPECT_NE(path.find("idNumber="), std::string::npos) << "the filters carry on: " << path;
    }
    EXPECT_EQ(pages, 2);
    ASSERT_EQ(seen.size(), hers.size());
    std::set<std::string> numbers;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        numbers.insert(seen[i]->getValue<std::string>("number"));
        EXPECT_EQ(seen[i]->getValue<std::string>("holderName"), "王芳");
        EXPECT_EQ(seen[i]->getValue<std::string>("idNumber"), "11010519491231002X");
        EXPECT_FALSE(seen[i]->has("photo")) << "a listing leaves the photo out";
        EXPECT_EQ(seen[i]->getValue<std::string>("verificationCode").size(), 16U);
        if (i > 0) {
            EXPECT_GE(seen[i - 1]->getValue<std::string>("issueDate"),
                      seen[i]->getValue<std::string>("issueDate"));
        }
    }
    EXPECT_EQ(numbers, std::set<std::string>(hers.begin(), hers.end()));
    EXPECT_EQ(seen.front()->getValue<std::string>("issueDate"), "2026-11-01");
    EXPECT_EQ(seen.back()->getValue<std::string>("issueDate"), "2025-05-20");

    // Filters together: her certificates of June 2026 that are still valid.
    http_request(port_, "POST", "/v1/certificates/" + hers[1] + "/revoke", R"({"reason":"重复"})",
                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kIssuerKey}});
    auto june = parse_object(get("/v1/certificates?name=" + encoded("王芳") +
                                 "&issuedFrom=2026-06-01&issuedTo=2026-06-30&status=valid")
                                 .body);
    ASSERT_EQ(june->getArray("certificates")->size(), 1U);
    EXPECT_EQ(june->getArray("certificates")->getObject(0)->getValue<std::string>("number"),
              hers[2]);
    auto revoked = parse_object(get("/v1/certificates?status=revoked").body);
    ASSERT_EQ(revoked->getArray("certificates")->size(), 1U);
    EXPECT_EQ(
        revoked->getArray("certificates")->getObject(0)->getValue<std::string>("revokedReason"),
        "重复");
    // Without filters: all six, default page size.
    EXPECT_EQ(parse_object(get("/v1/certificates").body)->getArray("certificates")->size(), 6U);
}

TEST_F(BackendView, TheListingRefusesWhatItDoesNotTakeNamingIt) {
    EXPECT_EQ(get("/v1/certificates", "").status, 401);
    EXPECT_EQ(get("/v1/certificates", kIssuerKey).status, 403);
    EXPECT_EQ(get("/v1/certificates.csv", "").status, 401);
    EXPECT_EQ(get("/v1/certificates.csv", kRenderKey).status, 403);

    auto unknown = get("/v1/certificates?idnumber=11010519491231002X");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(unknown.content_type, "application/problem+json");
    EXPECT_NE(parse_object(unknown.body)->getValue<std::string>("detail").find("'idnumber'"),
              std::string::npos)
        << unknown.body;
    EXPECT_EQ(get("/v1/certificates?status=valid&status=revoked").status, 400);

    for (const auto& [query, pointer] : std::vector<std::pair<std::string, std::string>>{
             {"limit=0", "/limit"},
             {"limit=501", "/limit"},
             {"limit=ten", "/limit"},
             {"issuedFrom=2026-02-30", "/issuedFrom"},
             {"issuedTo=30.06.2026", "/issuedTo"},
             {"issuedFrom=2026-07-01&issuedTo=2026-06-01", "/issuedTo"},
             {"status=expired", "/status"},
             {"cursor=bm90IGEgY3Vyc29y", "/cursor"},
             {"cursor=%25%25", "/cursor"},
             {"name=" + std::string(31, 'a'), "/name"},
         }) {
        auto reply = get("/v1/certificates?" + query);
        EXPECT_EQ(reply.status, 422) << query << ": " << reply.body;
        EXPECT_EQ(error_pointers(reply), std::set<std::string>{pointer}) << query;
        EXPECT_EQ(get("/v1/certificates.csv?" + query).status, 422) << query;
    }
    // Every bad value at once.
    auto several = get("/v1/certificates?limit=0&status=x&issuedFrom=yesterday");
    EXPECT_EQ(error_pointers(several), (std::set<std::string>{"/limit", "/status", "/issuedFrom"}));
    // An empty value is a filter left out.
    EXPECT_EQ(get("/v1/certificates?name=&status=&limit=").status, 200);
}

TEST_F(BackendView, TheCsvOpensInASpreadsheetAsTextThatNeverRuns) {
    issue("王芳", "11010519491231002X", "2026-06-30", "=HYPERLINK(\\\"http://x\\\")");
    issue("张晓明", "120105199003071230", "2026-05-01", "+运维, \\\"夜班\\\"");
    const std::string third = issue("王芳", "11010519491231002X", "2026-01-02");
    http_request(port_, "POST", "/v1/certificates/" + third + "/revoke",
                 R"({"reason":"@SUM(A1:A2) 信息有误"})",
                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kIssuerKey}});

    auto reply = get("/v1/certificates.csv");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.content_type.rfind("text/csv; charset=utf-8", 0), 0U);
    EXPECT_EQ(reply.headers.at("Transfer-Encoding"), "chunked");
    EXPECT_NE(reply.headers.at("Content-Disposition").find(".csv"), std::string::npos);
    ASSERT_EQ(reply.body.rfind("\xEF\xBB\xBF", 0), 0U) << "a UTF-8 byte order mark first";
    const auto rows = parse_csv(reply.body.substr(3));
    ASSERT_EQ(rows.size(), 4U);
    const std::vector<std::string>& header = rows[0];
    ASSERT_EQ(header.front(), "number");
    const auto column = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    };
    ASSERT_LT(column("revokedReason"), header.size());
    for (const auto& row : rows) EXPECT_EQ(row.size(), header.size());
    // Newest first; Chinese as it was sent; formulas shown as text, behind an apostrophe.
    EXPECT_EQ(rows[1][column("holderName")], "王芳");
    EXPECT_EQ(rows[1][column("job")], "'=HYPERLINK(\"http://x\")");
    EXPECT_EQ(rows[2][column("job")], "'+运维, \"夜班\"");
    EXPECT_EQ(rows[3][column("status")], "revoked");
    EXPECT_EQ(rows[3][column("revokedReason")], "'@SUM(A1:A2) 信息有误");
    EXPECT_EQ(rows[3][column("idNumber")], "11010519491231002X");
    EXPECT_EQ(rows[3][column("verificationUrl")].rfind("https://verify.example.org/verify/", 0),
              0U);
    // No formula survives anywhere: every cell that starts like one is escaped.
    for (const auto& row : rows)
        for (const auto& cell : row)
            EXPECT_EQ(std::string("=+-@").find(cell.empty() ? 'x' : cell.front()),
                      std::string::npos)
                << cell;

    // The same filters as the listing, and a cap.
    auto hers = parse_csv(get("/v1/certificates.csv?idNumber=11010519491231002X").body.substr(3));
    EXPECT_EQ(hers.size(), 3U);
    EXPECT_EQ(parse_csv(get("/v1/certificates.csv?limit=1").body.substr(3)).size(), 2U);
}

// Excel turns a CSV's 18-digit ID numbers into 1.20105E+17 and saves them with zeros at
// the end; the workbook export keeps every cell text. Read back by openpyxl, a real reader.
TEST_F(BackendView, TheWorkbookKeepsIdNumbersAndFormulasAsText) {
    issue("王芳", "11010519491231002X", "2026-06-30", "=HYPERLINK(\\\"http://x\\\")");
    issue("张晓明", "120105199003071230", "2026-05-01");
    EXPECT_EQ(get("/v1/certificates.xlsx", kRenderKey).status, 403);
    auto reply = get("/v1/certificates.xlsx");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.content_type,
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_NE(reply.headers.at("Content-Disposition").find(".xlsx"), std::string::npos);
    const std::string workbook = Poco::TemporaryFile::tempName() + ".xlsx";  // openpyxl wants it
    Poco::TemporaryFile::registerForDeletion(workbook);
    std::ofstream(workbook, std::ios::binary) << reply.body;

    // One line per row: each cell as <openpyxl data type>:<value>, tab-separated.
    const std::string script =
        "import openpyxl,sys\n"
        "ws = openpyxl.load_workbook(sys.argv[1]).active\n"
        "print(ws.title)\n"
        "for row in ws.iter_rows():\n"
        "    print('\\t'.join(c.data_type + ':' + ('' if c.value is None else str(c.value)) "
        "for c in row))\n";
    Poco::Pipe out_pipe;
    auto handle = Poco::Process::launch("/usr/bin/python3", {"-c", script, workbook}, nullptr,
                                        &out_pipe, nullptr);
    Poco::PipeInputStream from_python(out_pipe);
    std::vector<std::vector<std::string>> rows;
    std::string title, line;
    std::getline(from_python, title);
    while (std::getline(from_python, line)) {
        std::vector<std::string> cells;
        std::istringstream fields(line);
        for (std::string cell; std::getline(fields, cell, '\t');) cells.push_back(cell);
        rows.push_back(cells);
    }
    ASSERT_EQ(handle.wait(), 0) << "openpyxl could not read the workbook";
    EXPECT_EQ(title, "证书");
    ASSERT_EQ(rows.size(), 3U);
    const auto& header = rows[0];
    const auto column = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), "s:" + name) -
                                        header.begin());
    };
    ASSERT_LT(column("idNumber"), header.size());
    // Newest first, as the CSV; every cell a string, formulas never, nothing escaped.
    EXPECT_EQ(rows[1][column("idNumber")], "s:11010519491231002X");
    EXPECT_EQ(rows[2][column("idNumber")], "s:120105199003071230");
    EXPECT_EQ(rows[1][column("holderName")], "s:王芳");
    EXPECT_EQ(rows[1][column("job")], "s:=HYPERLINK(\"http://x\")");
    EXPECT_EQ(rows[2][column("number")].rfind("s:S", 0), 0U) << rows[2][column("number")];
    for (const auto& row : rows)
        for (const auto& cell : row)
            EXPECT_TRUE(cell.rfind("s:", 0) == 0 || (cell.rfind("n:", 0) == 0 && cell.size() == 2))
                << "a cell that is neither text nor empty: " << cell;
}

TEST_F(BackendView, AnExportLongerThanABatchStreamsEveryRowOnce) {
    // More rows than one statement reads (500), without photos to keep it quick.
    auto& registry = *service_->registry();
    for (int i = 0; i < 1001; ++i) {
        examdocs::registry::Certificate c;
        c.holder_name = "考生" + std::to_string(i);
        c.id_number = "120105199003071230";
        c.occupation_name = "电工";
        c.level = 4;
        c.issuer = "天津市软件行业协会";
        c.issue_date = i % 2 ? "2026-06-30" : "2026-07-01";
        registry.issue(c, "bulk-" + std::to_string(i));
    }
    auto reply = get("/v1/certificates.csv");
    ASSERT_EQ(reply.status, 200);
    const auto rows = parse_csv(reply.body.substr(3));
    ASSERT_EQ(rows.size(), 1002U);
    std::set<std::string> numbers;
    for (std::size_t i = 1; i < rows.size(); ++i) numbers.insert(rows[i][0]);
    EXPECT_EQ(numbers.size(), 1001U);
    EXPECT_EQ(rows[1][9], "2026-07-01");
    EXPECT_EQ(rows.back()[9], "2026-06-30");
}

TEST(BackendViewOnPostgres, ListsPagesAndExportsAsOnSqlite) {
    Poco::TemporaryFile keys_dir;
    examdocs::test::RunningService service([&](svc::Settings& s) {
        s.registry_url = examdocs::test::PostgresServer::shared().fresh_database();
        s.signing_keys_dir = keys_dir.path();
        s.api_keys = keys();
    });
    std::vector<std::string> numbers;
    for (const std::string date : {"2026-06-30", "2025-01-02", "2026-06-30", "2026-11-01"}) {
        const std::string body =
            R"({"holder":{"name":"王芳","idNumber":"11010519491231002X"},)"
            R"("occupation":{"name":"电工"},"level":3,"issuer":{"name":"天津市软件行业协会"},)"
            R"("issueDate":")" +
            date + R"("})";
        auto reply =
            http_request(service.port(), "POST", "/v1/certificates", body,
                         {{"Content-Type", "application/json"},
                          {"Authorization", "Bearer " + kIssuerKey},
                          {"Idempotency-Key", "pg-list-" + std::to_string(numbers.size())}});
        ASSERT_EQ(reply.status, 201) << reply.body;
        numbers.push_back(parse_object(reply.body)->getValue<std::string>("number"));
    }
    // Newest issue date first, then the higher number: 11-01, the second 06-30, the first
    // 06-30, 2025.
    const std::vector<std::string> expected = {numbers[3], numbers[2], numbers[0], numbers[1]};
    std::vector<std::string> listed;
    std::string path = "/v1/certificates?idNumber=11010519491231002X&limit=3";
    while (true) {
        auto page =
            parse_object(http_request(service.port(), "GET", path, {}, bearer(kReaderKey)).body);
        auto items = page->getArray("certificates");
        for (unsigned i = 0; i < items->size(); ++i)
            listed.push_back(items->getObject(i)->getValue<std::string>("number"));
        if (!page->has("next")) break;
        path = "/v1/certificates?idNumber=11010519491231002X&limit=3&cursor=" +
               page->getValue<std::string>("next");
    }
    EXPECT_EQ(listed, expected);
    auto csv = http_request(service.port(), "GET", "/v1/certificates.csv?issuedFrom=2026-01-01", {},
                            bearer(kReaderKey));
    ASSERT_EQ(csv.status, 200);
    const auto rows = parse_csv(csv.body.substr(3));
    ASSERT_EQ(rows.size(), 4U);
    EXPECT_EQ(rows[1][0], numbers[3]);
    EXPECT_EQ(rows[1][2], "王芳");
}

// ---- documents: who may render what ----

std::string sample(const std::string& layout) {
    return examdocs::test::read_file(examdocs::test::source_path("samples/" + layout + ".json"));
}

HttpReply render(std::uint16_t port, const std::string& layout, const std::string& key) {
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
    if (!key.empty()) headers["Authorization"] = "Bearer " + key;
    return http_request(port, "POST", "/v1/documents/" + layout, sample(layout), headers);
}

TEST(DocumentRights, ByDefaultEveryDocumentNeedsTheRenderRight) {
    examdocs::test::RunningService service([](svc::Settings& s) { s.api_keys = keys(); });
    for (const std::string layout : {"admission-ticket", "certificate"}) {
        auto none = render(service.port(), layout, "");
        EXPECT_EQ(none.status, 401) << layout;
        EXPECT_EQ(none.content_type, "application/problem+json");
        EXPECT_EQ(render(service.port(), layout, kPrinterKey).status, 403) << layout;
        auto ok = render(service.port(), layout, kRenderKey);
        EXPECT_EQ(ok.status, 200) << layout << ": " << ok.body;
        EXPECT_EQ(ok.content_type, "application/pdf");
    }
    // Without a key nothing is learnt about which layouts exist.
    EXPECT_EQ(http_request(service.port(), "POST", "/v1/documents/diploma", "{}",
                           {{"Content-Type", "application/json"}})
                  .status,
              401);
}

TEST(DocumentRights, WithPublicDocumentsOnlyOfficialOnesNeedAKey) {
    examdocs::test::RunningService service([](svc::Settings& s) {
        s.api_keys = keys();
        s.public_documents = true;
    });
    EXPECT_EQ(render(service.port(), "admission-ticket", "").status, 200);
    EXPECT_EQ(render(service.port(), "score-notice", "").status, 200);
    EXPECT_EQ(render(service.port(), "certificate", "").status, 401);
    EXPECT_EQ(render(service.port(), "certificate", kPrinterKey).status, 403);
    EXPECT_EQ(render(service.port(), "certificate", kRenderKey).status, 200);
    // The layout says so, for anyone who asks.
    auto described =
        parse_object(http_request(service.port(), "GET", "/v1/layouts/certificate").body);
    EXPECT_TRUE(described->getValue<bool>("official"));
    auto ticket =
        parse_object(http_request(service.port(), "GET", "/v1/layouts/admission-ticket").body);
    EXPECT_FALSE(ticket->getValue<bool>("official"));
}

}  // namespace
