// Bulk jobs over real HTTP: submit, poll, fetch (with ranges), cancel, a full queue, the
// JSON, CSV and NDJSON forms, and a signed callback received by a real server.
#include <Poco/File.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/Zip/Compress.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "support/callback_receiver.h"
#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::test::sha256_hex;

namespace svc = examdocs::service;
using examdocs::test::http_request;
using examdocs::test::HttpReply;
using examdocs::test::parse_object;
using Poco::JSON::Object;

const std::string kPrinterKey = "printer-secret-key-0003";
const std::string kReaderKey = "reader-secret-key-0004";
const std::string kOfficeKey = "office-secret-key-0006";

Object::Ptr ticket(const std::string& name, int n) {
    auto data = examdocs::test::sample_request("admission-ticket");
    auto root = data.extract<Object::Ptr>();
    root->getObject("candidate")->set("name", name);
    root->set("ticketNumber", "20261101" + std::to_string(20000 + n));
    return root;
}

std::string ndjson(const std::vector<std::string>& names) {
    std::ostringstream out;
    int n = 0;
    for (const auto& name : names) {
        Poco::JSON::Stringifier::condense(ticket(name, ++n), out);
        out << '\n';
    }
    return out.str();
}

// Every test runs twice: jobs printed whole, and jobs split into chunks of 3 records that
// the instance's workers claim from the database (as instances sharing PostgreSQL do).
class Jobs : public ::testing::TestWithParam<int> {
  protected:
    void start(const std::function<void(svc::Settings&)>& adjust = {}) {
        service_ = std::make_unique<examdocs::test::RunningService>([&](svc::Settings& s) {
            s.api_keys = "printer:" + sha256_hex(kPrinterKey) +
                         ":print,reader:" + sha256_hex(kReaderKey) +
                         ":read,office:" + sha256_hex(kOfficeKey) + ":print+issue";
            s.job_threads = 2;
            s.job_chunk_records = GetParam();
            s.job_poll = std::chrono::milliseconds(20);
            if (adjust) adjust(s);
        });
    }

    HttpReply submit(const std::string& body, const std::string& type,
                     const std::string& query = "", const std::string& key = kPrinterKey) {
        return http_request(port(), "POST", "/v1/jobs" + query, body,
                            {{"Content-Type", type}, {"Authorization", "Bearer " + key}});
    }
    HttpReply get(const std::string& path, const std::map<std::string, std::string>& extra = {}) {
        auto headers = extra;
        headers["Authorization"] = "Bearer " + kPrinterKey;
        return http_request(port(), "GET", path, "", headers);
    }
    // A one-ticket job whose callback goes to `receiver` (the service signs with
    // "shared-callback-secret"); the 202 answer's body.
    Object::Ptr submit_with_callback(const examdocs::test::CallbackReceiver& receiver) {
        start([](svc::Settings& s) { s.job_callback_secret = "shared-callback-secret"; });
        const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/done";
        const auto created = submit(ndjson({"赵一"}), "application/x-ndjson",
                                    "?layout=admission-ticket&callbackUrl=" + url);
        EXPECT_EQ(created.status, 202) << created.body;
        return parse_object(created.body);
    }
    // Polls until the job leaves queued/running (at most a minute).
    Object::Ptr wait_until_ended(const std::string& id) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        while (std::chrono::steady_clock::now() < deadline) {
            auto job = parse_object(get("/v1/jobs/" + id).body);
            const auto state = job->getValue<std::string>("state");
            if (state != "queued" && state != "running") return job;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ADD_FAILURE() << "job " << id << " did not end";
        return parse_object(get("/v1/jobs/" + id).body);
    }
    std::uint16_t port() const { return service_->port(); }

    std::unique_ptr<examdocs::test::RunningService> service_;
};

TEST_P(Jobs, NdjsonJobPrintsInOrderRefusesTheBadRecordAndServesRanges) {
    start();
    std::string body = ndjson({"赵一", "钱二"});
    body += "{\"ticketNumber\":\"20261101x\"}\n";
    body += ndjson({"孙三", "李四"});
    const auto created = submit(body, "application/x-ndjson", "?layout=admission-ticket");
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    EXPECT_EQ(created.headers.at("Location"), "/v1/jobs/" + id);
    EXPECT_EQ(parse_object(created.body)->getObject("records")->getValue<int>("total"), 5);

    const auto job = wait_until_ended(id);
    ASSERT_EQ(job->getValue<std::string>("state"), "done");
    const auto records = job->getObject("records");
    EXPECT_EQ(records->getValue<int>("printed"), 4);
    EXPECT_EQ(records->getValue<int>("refused"), 1);
    const auto failures = job->getArray("failures");
    ASSERT_EQ(failures->size(), 1U);
    EXPECT_EQ(failures->getObject(0)->getValue<int>("record"), 3);
    EXPECT_EQ(failures->getObject(0)->getValue<int>("line"), 3);

    const auto result = get("/v1/jobs/" + id + "/result");
    ASSERT_EQ(result.status, 200);
    EXPECT_EQ(result.content_type, "application/pdf");
    EXPECT_EQ(result.headers.at("Accept-Ranges"), "bytes");
    const auto facts = examdocs::test::read_pdf(result.body);
    ASSERT_EQ(facts.pages, 4);
    const std::vector<std::string> order = {"赵一", "钱二", "孙三", "李四"};
    for (std::size_t i = 0; i < order.size(); ++i) {
        EXPECT_NE(examdocs::test::squeeze(facts.page_text[i]).find(order[i]), std::string::npos);
    }

    const std::string size = std::to_string(result.body.size());
    const auto head = get("/v1/jobs/" + id + "/result", {{"Range", "bytes=0-4"}});
    EXPECT_EQ(head.status, 206);
    EXPECT_EQ(head.body, "%PDF-");
    EXPECT_EQ(head.headers.at("Content-Range"), "bytes 0-4/" + size);
    const auto tail = get("/v1/jobs/" + id + "/result", {{"Range", "bytes=-6"}});
    EXPECT_EQ(tail.status, 206);
    EXPECT_EQ(tail.body, result.body.substr(result.body.size() - 6));
    const auto beyond = get("/v1/jobs/" + id + "/result", {{"Range", "bytes=" + size + "-"}});
    EXPECT_EQ(beyond.status, 416);
    EXPECT_EQ(beyond.headers.at("Content-Range"), "bytes */" + size);
}

TEST_P(Jobs, JsonFormWithDefaultsMakesAZipOfOnePdfPerRecord) {
    start();
    Object request;
    request.set("layout", "admission-ticket");
    request.set("output", "zip");
    Poco::JSON::Array list;
    auto defaults = ticket("默认", 0);
    for (int i = 1; i <= 3; ++i) {
        Object::Ptr only = new Object;  // only what differs: the rest comes from defaults
        only->set("ticketNumber", "20261101" + std::to_string(30000 + i));
        list.add(only);
    }
    request.set("records", list);
    request.set("defaults", defaults);
    std::ostringstream body;
    request.stringify(body);
    const auto created = submit(body.str(), "application/json");
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    ASSERT_EQ(wait_until_ended(id)->getValue<std::string>("state"), "done");
    const auto result = get("/v1/jobs/" + id + "/result");
    ASSERT_EQ(result.status, 200);
    EXPECT_EQ(result.content_type, "application/zip");
    std::istringstream zip(result.body);
    Poco::Zip::ZipArchive archive(zip);
    std::vector<std::string> names;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it)
        names.push_back(it->first);
    ASSERT_EQ(names.size(), 3U);
    EXPECT_NE(std::find(names.begin(), names.end(), "准考证-2026110130002.pdf"), names.end());
}

TEST_P(Jobs, CsvBodyWithItsOptionsInTheQuery) {
    start();
    const std::string photo = examdocs::test::photo_base64("good_295x413.jpg");
    std::string csv =
        "\xEF\xBB\xBFticketNumber,exam/title,candidate/name,candidate/idNumber,candidate/photo,"
        "occupation/name,level,sessions/0/subject,sessions/0/date,sessions/0/time,"
        "sessions/0/room,sessions/0/seat,centre/name,centre/address,organizer\r\n";
    for (const char* name : {"王五", "\"赵,六\""}) {
        csv += std::string("2026110140001,2026年认定,") + name + ",120105199003071230," + photo +
               ",电工,4,理论,2026-12-12,09:00-10:30,第1考场,1,评价中心,卫津路94号,协会\r\n";
    }
    const auto created = submit(csv, "text/csv; charset=utf-8", "?layout=admission-ticket&nup=2");
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    const auto job = wait_until_ended(id);
    ASSERT_EQ(job->getValue<std::string>("state"), "done") << job->getArray("failures")->size();
    const auto facts = examdocs::test::read_pdf(get("/v1/jobs/" + id + "/result").body);
    ASSERT_EQ(facts.pages, 1) << "two tickets on one sheet";
    EXPECT_EQ(job->getValue<int>("pages"), 1) << "the job counts the sheets it printed";
    EXPECT_NE(examdocs::test::squeeze(facts.page_text[0]).find("赵,六"), std::string::npos);
}

TEST_P(Jobs, BadRequestsAreRefusedNamingTheField) {
    start();
    auto refused = submit("{}\n", "application/x-ndjson", "?layout=diploma&nup=3&callbackUrl=x");
    ASSERT_EQ(refused.status, 422) << refused.body;
    for (const char* field : {"/layout", "/nup", "/callbackUrl"}) {
        EXPECT_NE(refused.body.find(std::string("\"pointer\":\"") + field + "\""),
                  std::string::npos)
            << field;
    }
    auto no_secret = submit("{}\n", "application/x-ndjson",
                            "?layout=admission-ticket&callbackUrl=http://127.0.0.1:9/cb");
    EXPECT_EQ(no_secret.status, 422);
    EXPECT_NE(no_secret.body.find("no-secret"), std::string::npos) << no_secret.body;
    EXPECT_EQ(submit("a,b\n", "text/plain", "?layout=admission-ticket").status, 415);
    EXPECT_EQ(submit("{}\n", "application/x-ndjson", "?layout=admission-ticket", "wrong").status,
              401);
    EXPECT_EQ(submit("{}\n", "application/x-ndjson", "?layout=admission-ticket", kReaderKey).status,
              403);
    EXPECT_EQ(get("/v1/jobs/0123456789abcdef").status, 404);
    // The JSON form with options of the wrong types: 422 naming them, not a 500.
    auto typed = submit(R"({"layout":7,"nup":99999999999999999,"output":["pdf"],"records":[]})",
                        "application/json");
    ASSERT_EQ(typed.status, 422) << typed.body;
    for (const char* field : {"/layout", "/nup", "/output"}) {
        EXPECT_NE(typed.body.find(std::string("\"pointer\":\"") + field + "\""), std::string::npos)
            << field;
    }
}

TEST_P(Jobs, AFullQueueAnswers429AndCancellingStopsAJob) {
    start([](svc::Settings& s) {
        s.job_queue = 1;
        s.job_threads = 1;
    });
    std::vector<std::string> many;
    many.reserve(40);
    for (int i = 0; i < 40; ++i) many.push_back("考生" + std::to_string(i));
    const auto first = submit(ndjson(many), "application/x-ndjson", "?layout=admission-ticket");
    ASSERT_EQ(first.status, 202) << first.body;
    const auto id = parse_object(first.body)->getValue<std::string>("id");

    const auto second =
        submit(ndjson({"赵一"}), "application/x-ndjson", "?layout=admission-ticket");
    EXPECT_EQ(second.status, 429) << second.body;
    EXPECT_EQ(second.headers.at("Retry-After"), "30");

    const auto cancelled = http_request(port(), "DELETE", "/v1/jobs/" + id, "",
                                        {{"Authorization", "Bearer " + kPrinterKey}});
    EXPECT_EQ(cancelled.status, 200) << cancelled.body;
    const auto job = wait_until_ended(id);
    EXPECT_EQ(job->getValue<std::string>("state"), "cancelled");
    EXPECT_LT(job->getObject("records")->getValue<int>("done"), 40);
    EXPECT_EQ(get("/v1/jobs/" + id + "/result").status, 409);
    const auto again = http_request(port(), "DELETE", "/v1/jobs/" + id, "",
                                    {{"Authorization", "Bearer " + kPrinterKey}});
    EXPECT_EQ(again.status, 409);
    // The queue has room again.
    EXPECT_EQ(submit(ndjson({"赵一"}), "application/x-ndjson", "?layout=admission-ticket").status,
              202);
}

// A real HTTP server that records the callbacks it receives.
class Sha256 : public Poco::SHA2Engine {
  public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256() : Poco::SHA2Engine(SHA_256) {}
};

TEST_P(Jobs, TheCallbackIsSignedWithTheSharedSecret) {
    examdocs::test::CallbackReceiver receiver;
    const auto id = submit_with_callback(receiver)->getValue<std::string>("id");
    const auto [body, signature] = receiver.first();
    ASSERT_FALSE(body.empty()) << "no callback arrived";
    const auto job = parse_object(body);
    EXPECT_EQ(job->getValue<std::string>("id"), id);
    EXPECT_EQ(job->getValue<std::string>("state"), "done");
    Poco::HMACEngine<Sha256> hmac("shared-callback-secret");
    hmac.update(body);
    EXPECT_EQ(signature, "sha256=" + Poco::DigestEngine::digestToHex(hmac.digest()));
}

TEST_P(Jobs, ACallbackRefusedIsTriedAgainAndTheJobSaysHowItWent) {
    examdocs::test::CallbackReceiver receiver(1);
    const auto created = submit_with_callback(receiver);
    const auto id = created->getValue<std::string>("id");
    EXPECT_EQ(created->getObject("callback")->getValue<std::string>("state"), "waiting");
    const auto [body, signature] = receiver.first();
    ASSERT_FALSE(body.empty()) << "no callback arrived after the refused one";
    EXPECT_EQ(receiver.requests(), 2);
    Poco::JSON::Object::Ptr callback;
    for (int i = 0; i < 100; ++i) {  // recorded just after the receiver answered
        callback = parse_object(get("/v1/jobs/" + id).body)->getObject("callback");
        if (callback->getValue<std::string>("state") != "waiting") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(callback->getValue<std::string>("state"), "delivered");
    EXPECT_EQ(callback->getValue<int>("attempts"), 2);
}

TEST_P(Jobs, SeveralWorkersRunJobsAtOnceEachIntoItsOwnFile) {
    start([](svc::Settings& s) { s.job_workers = 3; });
    std::vector<std::vector<std::string>> names = {
        {"赵一", "钱二", "孙三", "李四"}, {"周五", "吴六", "郑七"}, {"王八", "冯九"}, {"陈十"}};
    std::vector<std::string> ids;
    for (const auto& list : names) {
        const auto created =
            submit(ndjson(list), "application/x-ndjson", "?layout=admission-ticket");
        ASSERT_EQ(created.status, 202) << created.body;
        ids.push_back(parse_object(created.body)->getValue<std::string>("id"));
    }
    for (std::size_t j = 0; j < ids.size(); ++j) {
        ASSERT_EQ(wait_until_ended(ids[j])->getValue<std::string>("state"), "done");
        const auto result = get("/v1/jobs/" + ids[j] + "/result");
        ASSERT_EQ(result.status, 200);
        const auto facts = examdocs::test::read_pdf(result.body);
        ASSERT_EQ(facts.pages, static_cast<int>(names[j].size())) << "job " << j + 1;
        for (std::size_t i = 0; i < names[j].size(); ++i) {
            EXPECT_NE(examdocs::test::squeeze(facts.page_text[i]).find(names[j][i]),
                      std::string::npos)
                << "job " << j + 1 << ", page " << i + 1;
        }
    }
}

TEST_P(Jobs, FinishedJobsAreRemovedAfterTheRetentionPeriod) {
    start([](svc::Settings& s) { s.job_retention = std::chrono::seconds(2); });
    const auto created =
        submit(ndjson({"赵一", "钱二"}), "application/x-ndjson", "?layout=admission-ticket");
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    ASSERT_EQ(wait_until_ended(id)->getValue<std::string>("state"), "done");
    EXPECT_EQ(get("/v1/jobs/" + id + "/result").status, 200) << "kept for the period";
    const std::string dir = (**service_).settings().data_dir + "/jobs/" + id;
    EXPECT_TRUE(Poco::File(dir).exists());
    int status = 200;
    for (int i = 0; i < 300 && status == 200; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        status = get("/v1/jobs/" + id).status;
    }
    EXPECT_EQ(status, 404) << "still there long after the retention period";
    EXPECT_EQ(get("/v1/jobs/" + id + "/result").status, 404);
    EXPECT_FALSE(Poco::File(dir).exists()) << "its files stayed behind";
}

TEST_P(Jobs, ACertificateJobIssuesEachRecordThenPrintsIt) {
    start();
    auto request_for = [](const std::string& name) {
        Object::Ptr r = new Object;
        Object::Ptr holder = new Object;
        holder->set("name", name);
        holder->set("idNumber", "120105199003071230");
        r->set("holder", holder);
        Object::Ptr occupation = new Object;
        occupation->set("name", "电工");
        r->set("occupation", occupation);
        r->set("level", 3);
        Object::Ptr issuer = new Object;
        issuer->set("name", "天津市软件行业协会");
        r->set("issuer", issuer);
        r->set("issueDate", "2026-06-30");
        return r;
    };
    Object request;
    request.set("layout", "certificate");
    request.set("issue", true);
    Poco::JSON::Array records;
    records.add(request_for("赵一"));
    records.add(request_for(""));  // refused: no name
    records.add(request_for("钱二"));
    request.set("records", records);
    std::ostringstream body;
    request.stringify(body);
    EXPECT_EQ(submit(body.str(), "application/json").status, 403) << "printing is not issuing";
    const auto created = submit(body.str(), "application/json", "", kOfficeKey);
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    const auto job = wait_until_ended(id);
    ASSERT_EQ(job->getValue<std::string>("state"), "done");
    EXPECT_EQ(job->getObject("records")->getValue<int>("printed"), 2);
    const auto failure = job->getArray("failures")->getObject(0);
    EXPECT_EQ(failure->getValue<int>("record"), 2);

    const auto pdf = get("/v1/jobs/" + id + "/result").body;
    ASSERT_EQ(examdocs::test::read_pdf(pdf).pages, 2);
    const auto qr = examdocs::test::decode_codes(pdf, 1, ZXing::BarcodeFormat::QRCode, 200);
    ASSERT_EQ(qr.size(), 1U);
    const auto verdict = http_request(port(), "POST", "/v1/verify", "{\"qr\":\"" + qr[0] + "\"}",
                                      {{"Content-Type", "application/json"}});
    EXPECT_NE(verdict.body.find("\"verdict\":\"valid\""), std::string::npos) << verdict.body;
    EXPECT_NE(verdict.body.find("钱二"), std::string::npos);
    // Record 3 was issued under the job's own key: a rerun of the job gets it back.
    examdocs::registry::Certificate again;
    again.holder_name = "钱二";
    auto replay = (*service_)->registry()->issue(again, "job:" + id + ":3");
    EXPECT_NE(replay.outcome, examdocs::registry::IssueOutcome::created);
    EXPECT_EQ(pdf.find("/Type /Sig"), std::string::npos) << "a merged print file is not signed";

    // As a ZIP, every certificate in it is a signed PDF (PAdES B-B).
    request.set("output", "zip");
    std::ostringstream zip_body;
    request.stringify(zip_body);
    const auto zipped = submit(zip_body.str(), "application/json", "", kOfficeKey);
    ASSERT_EQ(zipped.status, 202) << zipped.body;
    const auto zip_id = parse_object(zipped.body)->getValue<std::string>("id");
    ASSERT_EQ(wait_until_ended(zip_id)->getValue<std::string>("state"), "done");
    const auto result = get("/v1/jobs/" + zip_id + "/result").body;
    std::istringstream zip(result);
    Poco::Zip::ZipArchive archive(zip);
    int entries = 0;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
        std::istringstream again_zip(result);
        Poco::Zip::ZipInputStream entry(again_zip, it->second);
        std::string certificate;
        Poco::StreamCopier::copyToString(entry, certificate);
        const std::string report = examdocs::test::pdfsig_report(certificate);
        EXPECT_NE(report.find("Signature is Valid."), std::string::npos) << it->first << report;
        ++entries;
    }
    EXPECT_EQ(entries, 2);
}

// A job printing 职称 certificates issues each record once under the job's key and prints
// it from the registry row; the layout gives records their scheme, and a record of another
// kind is refused alone before it is issued.
TEST_P(Jobs, ATitleCertificateJobIssuesEachRecordThenPrintsIt) {
    start();
    auto title_for = [](const std::string& name, const std::string& id_number) {
        Object::Ptr r = new Object;
        Object::Ptr holder = new Object;
        holder->set("name", name);
        holder->set("idNumber", id_number);
        r->set("holder", holder);
        Object::Ptr title = new Object;
        title->set("name", "工程师");
        title->set("specialty", "给排水工程");
        r->set("title", title);
        r->set("level", "中级");
        r->set("committee", "天津市工程技术系列给排水专业中级评审委员会");
        Object::Ptr approval = new Object;
        approval->set("number", "津人社职称〔2026〕12号");
        r->set("approval", approval);
        r->set("issueDate", "2026-06-30");
        return r;
    };
    Object request;
    request.set("layout", "zhicheng-certificate");
    request.set("issue", true);
    Poco::JSON::Array records;
    records.add(title_for("陈静", "120105199003071230"));
    Object::Ptr skill = title_for("王五", "120105199003071230");
    skill->set("levelScheme", "skill");  // a skill certificate: not this job's kind
    skill->set("level", 3);
    Object::Ptr occupation = new Object;
    occupation->set("name", "电工");
    skill->set("occupation", occupation);
    records.add(skill);
    records.add(title_for("刘建华", "120104198506124516"));
    request.set("records", records);
    std::ostringstream body;
    request.stringify(body);
    const auto created = submit(body.str(), "application/json", "", kOfficeKey);
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    const auto job = wait_until_ended(id);
    ASSERT_EQ(job->getValue<std::string>("state"), "done");
    EXPECT_EQ(job->getObject("records")->getValue<int>("printed"), 2);
    const auto failure = job->getArray("failures")->getObject(0);
    EXPECT_EQ(failure->getValue<int>("record"), 2);
    std::ostringstream failure_text;
    failure->stringify(failure_text);
    EXPECT_NE(failure_text.str().find("other-layout"), std::string::npos) << failure_text.str();

    const auto pdf = get("/v1/jobs/" + id + "/result").body;
    const auto read = examdocs::test::read_pdf(pdf);
    ASSERT_EQ(read.pages, 2);
    EXPECT_NE(read.all_text.find("Z000012120001202630001"), std::string::npos) << read.all_text;
    EXPECT_NE(read.all_text.find("Z000012120001202630002"), std::string::npos) << read.all_text;
    EXPECT_EQ(read.all_text.find("S000012120001"), std::string::npos) << "nothing else issued";
    // A rerun of the job (after a crash) gets the certificates back, never second ones.
    std::vector<examdocs::registry::IssueOutcome> replays;
    for (int record : {1, 3}) {
        examdocs::registry::Certificate again;
        again.holder_name = "again";
        replays.push_back((*service_)
                              ->registry()
                              ->issue(again, "job:" + id + ":" + std::to_string(record))
                              .outcome);
    }
    for (auto outcome : replays) EXPECT_NE(outcome, examdocs::registry::IssueOutcome::created);
}

// A multipart/form-data body of named parts: {name, filename (empty for a field), bytes}.
struct Part {
    std::string name, filename, bytes;
};
std::string form_body(const std::vector<Part>& parts, const std::string& boundary) {
    std::string body;
    for (const auto& p : parts) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
        if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
        body += "\r\n";
        if (!p.filename.empty()) body += "Content-Type: application/octet-stream\r\n";
        body += "\r\n" + p.bytes + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A ZIP of the sample photos under photos/, and an entry that inflates far past a photo.
std::string photos_zip(bool with_bomb = false) {
    std::ostringstream out;
    Poco::Zip::Compress compress(out, true);
    for (const char* photo : {"good_295x413.jpg", "good_413x579.jpg"}) {
        compress.addFile(
            Poco::Path(examdocs::test::source_path("samples/photos/" + std::string(photo))),
            Poco::Path(std::string("photos/") + photo));
    }
    if (with_bomb) {
        std::istringstream zeros(std::string(40 * 1024 * 1024, '\0'));
        compress.addFile(zeros, Poco::DateTime(2026, 1, 1), "photos/bomb.jpg");
    }
    compress.close();
    return out.str();
}

TEST_P(Jobs, AnOfficeUploadsAWorkbookWithAZipOfPhotos) {
    start();
    const std::string boundary = "----examdocs-office-upload";
    const std::string body = form_body(
        {{"layout", "", "admission-ticket"},
         {"records", "考生名单.xlsx", file_bytes(EXAMDOCS_XLSX_DIR "/candidates.xlsx")},
         {"photos", "照片.zip", photos_zip()},
         {"defaults", "", file_bytes(examdocs::test::source_path("samples/exam-defaults.json"))}},
        boundary);
    const auto created = submit(body, "multipart/form-data; boundary=" + boundary);
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    EXPECT_EQ(parse_object(created.body)->getObject("records")->getValue<int>("total"), 20);
    const auto job = wait_until_ended(id);
    ASSERT_EQ(job->getValue<std::string>("state"), "done") << job->getValue<std::string>("error");
    EXPECT_EQ(job->getObject("records")->getValue<int>("printed"), 20);
    const auto facts = examdocs::test::read_pdf(get("/v1/jobs/" + id + "/result").body);
    ASSERT_EQ(facts.pages, 20);
    EXPECT_NE(examdocs::test::squeeze(facts.page_text[0]).find("000123"), std::string::npos);
    EXPECT_NE(examdocs::test::squeeze(facts.page_text[0]).find("天津市第一考点"),
              std::string::npos);

    // The same with the sheet named in the query, and a CSV whose photos are in the ZIP.
    const auto makeup = submit(
        form_body({{"records", "考生名单.xlsx", file_bytes(EXAMDOCS_XLSX_DIR "/candidates.xlsx")},
                   {"photos", "p.zip", photos_zip()}},
                  boundary),
        "multipart/form-data; boundary=" + boundary,
        "?layout=admission-ticket&sheet=%E8%A1%A5%E8%80%83");
    ASSERT_EQ(makeup.status, 202) << makeup.body;
    const auto makeup_job =
        wait_until_ended(parse_object(makeup.body)->getValue<std::string>("id"));
    // 补考 has one record and no defaults: refused for its missing exam title, so the job
    // printed nothing and failed, saying so.
    EXPECT_EQ(makeup_job->getValue<std::string>("state"), "failed");
    EXPECT_NE(makeup_job->getValue<std::string>("error").find("nothing printed"),
              std::string::npos);
}

TEST_P(Jobs, AnUploadIsRefusedPartByPart) {
    start();
    const std::string boundary = "----examdocs-bad-upload";
    const std::string type = "multipart/form-data; boundary=" + boundary;
    const std::string csv = file_bytes(examdocs::test::source_path("samples/candidates.csv"));
    auto refused = [&](const std::vector<Part>& parts, const std::string& query) {
        return submit(form_body(parts, boundary), type, query);
    };
    auto unknown =
        refused({{"records", "a.csv", csv}, {"photo", "p.zip", "x"}}, "?layout=admission-ticket");
    EXPECT_EQ(unknown.status, 422) << unknown.body;
    EXPECT_NE(unknown.body.find("\"/photo\""), std::string::npos) << unknown.body;
    auto no_records = refused({{"defaults", "", "{}"}}, "?layout=admission-ticket");
    EXPECT_EQ(no_records.status, 422);
    EXPECT_NE(no_records.body.find("\"/records\""), std::string::npos) << no_records.body;
    auto not_zip = refused({{"records", "a.csv", csv}, {"photos", "p.zip", "not a zip"}},
                           "?layout=admission-ticket");
    EXPECT_EQ(not_zip.status, 422);
    EXPECT_NE(not_zip.body.find("\"/photos\""), std::string::npos) << not_zip.body;
    auto bad_defaults =
        refused({{"records", "a.csv", csv}, {"defaults", "", "[1"}}, "?layout=admission-ticket");
    EXPECT_EQ(bad_defaults.status, 422);
    EXPECT_NE(bad_defaults.body.find("\"/defaults\""), std::string::npos) << bad_defaults.body;
    // Defaults go under every record: a misspelt field in them is refused at acceptance,
    // named with its nearest known field, rather than failing every record afterwards.
    auto misspelt = refused(
        {{"records", "a.csv", csv}, {"defaults", "", R"({"exam":{"titel":"x"},"notes":["a"]})"}},
        "?layout=admission-ticket");
    EXPECT_EQ(misspelt.status, 422) << misspelt.body;
    EXPECT_NE(misspelt.body.find(R"("pointer":"/defaults/exam/titel")"), std::string::npos)
        << misspelt.body;
    EXPECT_NE(misspelt.body.find("`/exam/title`"), std::string::npos) << misspelt.body;
    EXPECT_EQ(misspelt.body.find("/notes"), std::string::npos) << "a known list is no error";
    auto json_form =
        submit(R"({"layout":"admission-ticket","records":[],"defaults":{"centre":{"nmae":"x"}}})",
               "application/json");
    EXPECT_EQ(json_form.status, 422) << json_form.body;
    EXPECT_NE(json_form.body.find(R"("pointer":"/defaults/centre/nmae")"), std::string::npos)
        << json_form.body;
    auto no_sheet =
        refused({{"records", "a.xlsx", file_bytes(EXAMDOCS_XLSX_DIR "/candidates.xlsx")}},
                "?layout=admission-ticket&sheet=Sheet9");
    EXPECT_EQ(no_sheet.status, 422);
    EXPECT_NE(no_sheet.body.find("Sheet9"), std::string::npos) << no_sheet.body;
}

TEST_P(Jobs, APhotoThatInflatesPastItsLimitFailsItsRecordAlone) {
    start();
    const std::string boundary = "----examdocs-bomb";
    std::istringstream sample(file_bytes(examdocs::test::source_path("samples/candidates.csv")));
    std::string header, first, second;
    std::getline(sample, header);
    std::getline(sample, first);
    std::getline(sample, second);
    std::string bomb_row = second;
    const auto photo = bomb_row.find("@photos/");
    ASSERT_NE(photo, std::string::npos);
    bomb_row.replace(photo, bomb_row.find(".jpg", photo) + 4 - photo, "@photos/bomb.jpg");
    const auto created =
        submit(form_body({{"records", "c.csv", header + "\n" + first + "\n" + bomb_row + "\n"},
                          {"photos", "p.zip", photos_zip(true)},
                          {"defaults", "",
                           file_bytes(examdocs::test::source_path("samples/exam-defaults.json"))}},
                         boundary),
               "multipart/form-data; boundary=" + boundary, "?layout=admission-ticket");
    ASSERT_EQ(created.status, 202) << created.body;
    const auto job = wait_until_ended(parse_object(created.body)->getValue<std::string>("id"));
    ASSERT_EQ(job->getValue<std::string>("state"), "done");
    EXPECT_EQ(job->getObject("records")->getValue<int>("printed"), 1);
    const auto failures = job->getArray("failures");
    ASSERT_EQ(failures->size(), 1U);
    std::ostringstream text;
    failures->stringify(text);
    EXPECT_NE(text.str().find("file-unreadable"), std::string::npos) << text.str();
}

TEST_P(Jobs, AJobThatPrintsNothingFailsAndHasNoResult) {
    start();
    const auto created =
        submit("{\"ticketNumber\":\"x\"}\n", "application/x-ndjson", "?layout=admission-ticket");
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    const auto job = wait_until_ended(id);
    EXPECT_EQ(job->getValue<std::string>("state"), "failed");
    EXPECT_NE(job->getValue<std::string>("error").find("every one of the 1 records was refused"),
              std::string::npos)
        << job->getValue<std::string>("error");
    EXPECT_EQ(get("/v1/jobs/" + id + "/result").status, 409);
}

TEST_P(Jobs, TheListShowsJobsNewestFirstPageByPage) {
    start();
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        const auto created =
            submit(ndjson({"赵一"}), "application/x-ndjson", "?layout=admission-ticket");
        ASSERT_EQ(created.status, 202);
        ids.push_back(parse_object(created.body)->getValue<std::string>("id"));
        wait_until_ended(ids.back());
    }
    std::vector<std::string> listed;
    std::string path = "/v1/jobs?limit=2&layout=admission-ticket&state=done";
    for (int page = 0; page < 3 && !path.empty(); ++page) {
        const auto reply = get(path);
        ASSERT_EQ(reply.status, 200) << reply.body;
        const auto body = parse_object(reply.body);
        const auto jobs = body->getArray("jobs");
        for (unsigned i = 0; i < jobs->size(); ++i) {
            listed.push_back(jobs->getObject(i)->getValue<std::string>("id"));
        }
        path = body->has("next") ? "/v1/jobs?limit=2&layout=admission-ticket&state=done&cursor=" +
                                       body->getValue<std::string>("next")
                                 : "";
    }
    // Created a second apart at most: the same second orders by id, so compare as sets
    // and check that nothing came twice.
    EXPECT_EQ(listed.size(), 3U);
    EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()),
              std::set<std::string>(ids.begin(), ids.end()));
    EXPECT_EQ(parse_object(get("/v1/jobs?state=failed").body)->getArray("jobs")->size(), 0U);
    EXPECT_EQ(get("/v1/jobs?state=finished").status, 422);
    EXPECT_EQ(get("/v1/jobs?limit=0").status, 422);
    EXPECT_EQ(get("/v1/jobs?cursor=%21%21").status, 422);
    EXPECT_EQ(get("/v1/jobs?sort=asc").status, 400);
    EXPECT_EQ(http_request(port(), "GET", "/v1/jobs").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Split, Jobs, ::testing::Values(0, 3),
                         [](const ::testing::TestParamInfo<int>& split) {
                             return split.param == 0 ? std::string("Whole")
                                                     : "Chunks" + std::to_string(split.param);
                         });

}  // namespace
