// Issue 11's hostile images through every door of the service that takes an image, over
// real HTTP: a document photo, a photo check, a normalisation, a picture to verify, the
// photo of a certificate being issued and a bulk record. Each is refused with a 422
// naming the field and the image gate's code (or gets the answer stated below), never a
// 200 with a smeared picture, a 500 or a reset. How long each takes is bench/image_doors.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "examdocs/core/base64.h"
#include "support/http_client.h"
#include "support/image_files.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

namespace svc = examdocs::service;
using examdocs::test::http_request;
using examdocs::test::HttpReply;
using examdocs::test::parse_object;
using Poco::JSON::Object;

const std::string kKey = "image-doors-key-0007";

struct Hostile {
    std::string name;
    std::string bytes;
    std::string code;  // the gate's code, where the door refuses it
};

const std::vector<Hostile>& hostile() {
    static const std::vector<Hostile> files = [] {
        const std::string jpeg = examdocs::test::read_file(
            examdocs::test::source_path("tests/data/photos/good_413x579.jpg"));
        const std::string png = examdocs::test::png_from_mat(examdocs::test::decode_to_mat(jpeg));
        return std::vector<Hostile>{
            {"progressive JPEG of 2,090 scans", examdocs::test::many_scan_jpeg(480, 360),
             "image-scans"},
            {"JPEG cut in the middle", jpeg.substr(0, jpeg.size() / 2), "truncated-image"},
            {"JPEG cut at 85 % with an end marker", examdocs::test::cut_with_end_marker(jpeg, 0.85),
             "truncated-image"},
            {"PNG without IEND", examdocs::test::png_without_iend(png), "truncated-image"},
        };
    }();
    return files;
}

// 6300×6300 RGBA: decodable, under the photo check's 40 MP, over the documents' 25 MP and
// far over what skill-cert (issuance) would normalise.
const std::string& big_png() {
    static const std::string png = examdocs::test::big_rgba_png(6300);
    return png;
}

class ImageDoors : public ::testing::Test {
  protected:
    HttpReply post(const std::string& path, const std::string& body, const std::string& type,
                   std::map<std::string, std::string> headers = {}) {
        headers["Content-Type"] = type;
        headers["Authorization"] = "Bearer " + kKey;
        return http_request(service_.port(), "POST", path, body, headers);
    }

    static std::string ticket_with_photo(const std::string& photo, int n = 1) {
        auto data = examdocs::test::sample_request("admission-ticket");
        auto root = data.extract<Object::Ptr>();
        root->getObject("candidate")->set("photo", examdocs::base64_encode(photo));
        root->set("ticketNumber", "20261101" + std::to_string(30000 + n));
        std::ostringstream out;
        Poco::JSON::Stringifier::condense(root, out);
        return out.str();
    }

    static std::string certificate_with_photo(const std::string& photo) {
        return R"({"holder":{"name":"张晓明","idNumber":"120105199003071230","photo":")" +
               examdocs::base64_encode(photo) +
               R"("},"occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员","job":"网络运行管理"},)"
               R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})";
    }

    // The problem's first field error, after checking that it is a 422 problem+json.
    static std::pair<std::string, std::string> field_error(const HttpReply& reply,
                                                           const std::string& what) {
        EXPECT_EQ(reply.status, 422) << what << ": " << reply.body;
        EXPECT_EQ(reply.content_type, "application/problem+json") << what;
        if (reply.status != 422) return {};
        auto errors = parse_object(reply.body)->getArray("errors");
        if (!errors || errors->size() == 0) {
            ADD_FAILURE() << what << ": no errors[] in " << reply.body;
            return {};
        }
        auto e = errors->getObject(0);
        return {e->getValue<std::string>("pointer"), e->getValue<std::string>("code")};
    }

    Object::Ptr wait_for_job(const std::string& id) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
        while (std::chrono::steady_clock::now() < deadline) {
            auto job = parse_object(http_request(service_.port(), "GET", "/v1/jobs/" + id, "",
                                                 {{"Authorization", "Bearer " + kKey}})
                                        .body);
            const auto state = job->getValue<std::string>("state");
            if (state != "queued" && state != "running") return job;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ADD_FAILURE() << "job " << id << " did not end";
        return new Object;
    }

    examdocs::test::RunningService service_{[](svc::Settings& s) {
        s.api_keys = "all:" + examdocs::test::sha256_hex(kKey) + ":print+issue+revoke+read+render";
        s.public_base_url = "https://verify.example.org";
        s.public_rate_per_minute = 600;
        s.job_threads = 1;
        s.job_poll = std::chrono::milliseconds(20);
    }};
};

TEST_F(ImageDoors, DocumentPhotosAreRefusedWithTheGatesCode) {
    for (const auto& h : hostile()) {
        auto reply =
            post("/v1/documents/admission-ticket", ticket_with_photo(h.bytes), "application/json");
        EXPECT_EQ(field_error(reply, h.name),
                  std::make_pair(std::string("/candidate/photo"), h.code))
            << h.name;
    }
    auto big =
        post("/v1/documents/admission-ticket", ticket_with_photo(big_png()), "application/json");
    EXPECT_EQ(field_error(big, "big PNG"),
              std::make_pair(std::string("/candidate/photo"), std::string("image-too-large")));
}

TEST_F(ImageDoors, PhotoChecksAndNormalisationRefuseWithTheGatesCode) {
    for (const auto& h : hostile()) {
        for (const std::string path :
             {"/v1/photos/check?profile=ruankao", "/v1/photos/normalize?profile=skill-cert"}) {
            auto reply = post(path, h.bytes, "application/octet-stream");
            EXPECT_EQ(field_error(reply, h.name + " " + path),
                      std::make_pair(std::string("/photo"), h.code))
                << h.name << " " << path;
            if (reply.status == 422) {
                EXPECT_EQ(parse_object(reply.body)->getValue<std::string>("type"),
                          "urn:examdocs:problem:" + h.code);
            }
        }
    }
}

TEST_F(ImageDoors, ABigPngIsJudgedReducedNotRefused) {
    // Decodable and under the cap: a report (it fails: PNG, 6300×6300, no face), made
    // from a reduced decoding.
    auto check = post("/v1/photos/check?profile=ruankao", big_png(), "image/png");
    ASSERT_EQ(check.status, 200) << check.body;
    auto report = parse_object(check.body);
    EXPECT_EQ(report->getValue<std::string>("verdict"), "fail");
    EXPECT_EQ(report->getValue<int>("width"), 6300);
    std::set<std::string> failed;
    auto checks = report->getArray("checks");
    for (unsigned i = 0; i < checks->size(); ++i) {
        if (!checks->getObject(i)->getValue<bool>("passed"))
            failed.insert(checks->getObject(i)->getValue<std::string>("code"));
    }
    EXPECT_TRUE(failed.count("format") && failed.count("dimensions") && failed.count("face-count"))
        << check.body;
    // skill-cert takes at most 500×700: 6300 is far past what normalising would shrink,
    // refused from the header alone.
    auto normalized = post("/v1/photos/normalize?profile=skill-cert", big_png(), "image/png");
    EXPECT_EQ(field_error(normalized, "big PNG normalised"),
              std::make_pair(std::string("/photo"), std::string("image-too-large")));
}

TEST_F(ImageDoors, PicturesToVerifyAreRefusedWithTheGatesCode) {
    for (const auto& h : hostile()) {
        auto reply = post("/v1/verify", h.bytes,
                          h.bytes.rfind("\x89PNG", 0) == 0 ? "image/png" : "image/jpeg");
        EXPECT_EQ(field_error(reply, h.name), std::make_pair(std::string("/image"), h.code))
            << h.name;
    }
    auto big = post("/v1/verify", big_png(), "image/png");
    EXPECT_EQ(field_error(big, "big PNG"),
              std::make_pair(std::string("/image"), std::string("no-qr-code")));
}

TEST_F(ImageDoors, CertificatePhotosAreRefusedWithTheGatesCode) {
    int n = 0;
    for (const auto& h : hostile()) {
        auto reply = post("/v1/certificates", certificate_with_photo(h.bytes), "application/json",
                          {{"Idempotency-Key", "doors-" + std::to_string(++n)}});
        EXPECT_EQ(field_error(reply, h.name), std::make_pair(std::string("/holder/photo"), h.code))
            << h.name;
    }
    auto big = post("/v1/certificates", certificate_with_photo(big_png()), "application/json",
                    {{"Idempotency-Key", "doors-big"}});
    EXPECT_EQ(field_error(big, "big PNG"),
              std::make_pair(std::string("/holder/photo"), std::string("image-too-large")));
}

TEST_F(ImageDoors, BulkRecordsWithHostilePhotosAreRefusedOneByOne) {
    std::string body;
    int n = 0;
    for (const auto& h : hostile()) body += ticket_with_photo(h.bytes, ++n) + "\n";
    body += ticket_with_photo(big_png(), ++n) + "\n";
    const std::string good = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/photos/good_295x413.jpg"));
    body += ticket_with_photo(good, ++n) + "\n";
    auto created = post("/v1/jobs?layout=admission-ticket", body, "application/x-ndjson");
    ASSERT_EQ(created.status, 202) << created.body;
    auto job = wait_for_job(parse_object(created.body)->getValue<std::string>("id"));
    ASSERT_EQ(job->getValue<std::string>("state"), "done") << job->has("error");
    EXPECT_EQ(job->getObject("records")->getValue<int>("printed"), 1);
    EXPECT_EQ(job->getObject("records")->getValue<int>("refused"), n - 1);
    auto failures = job->getArray("failures");
    ASSERT_EQ(failures->size(), static_cast<std::size_t>(n - 1));
    for (unsigned i = 0; i < failures->size(); ++i) {
        auto f = failures->getObject(i);
        const int record = f->getValue<int>("record");
        const std::string expected = record <= static_cast<int>(hostile().size())
                                         ? hostile()[static_cast<std::size_t>(record - 1)].code
                                         : "image-too-large";
        auto e = f->getArray("errors")->getObject(0);
        EXPECT_EQ(e->getValue<std::string>("pointer"), "/candidate/photo") << record;
        EXPECT_EQ(e->getValue<std::string>("code"), expected) << record;
    }
}

}  // namespace
