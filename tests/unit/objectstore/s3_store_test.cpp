// The job store on S3-compatible object storage, against a real server (s3rver from npm;
// it checks the access key of each request but not yet a V4 signature, which the first
// test checks against AWS's published example instead): payloads whole or not at all, ranges read
// back as written, a multipart upload, listing and removal, errors as the PayloadStore
// interface says; then two service instances with data directories of their own sharing
// one job through PostgreSQL and the S3 store.
#include <Poco/File.h>
#include <Poco/SHA2Engine.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "examdocs/jobs/job_queue.h"
#include "examdocs/objectstore/s3_store.h"
#include "examdocs/registry/database.h"
#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/postgres_server.h"
#include "support/running_service.h"
#include "support/s3_server.h"
#include "support/samples.h"

namespace {

using namespace examdocs;
using examdocs::test::S3Server;

objectstore::S3Location location_of(const S3Server& server, const std::string& cache_dir,
                                    const std::string& url = "s3://examdocs-jobs/shared/jobs") {
    objectstore::S3Location at;
    objectstore::parse_s3_url(url, at);
    at.endpoint = server.endpoint();
    at.access_key_id = S3Server::kAccessKeyId;
    at.secret_access_key = S3Server::kSecretAccessKey;
    at.cache_dir = cache_dir;
    return at;
}

// AWS's published example of Signature V4 (the IAM ListUsers request of the "Create a
// signed AWS API request" guide): the signature depends on nothing we choose.
TEST(S3Signature, MatchesAwsPublishedExample) {
    objectstore::SignedRequest r;
    r.method = "GET";
    r.canonical_uri = "/";
    r.canonical_query = "Action=ListUsers&Version=2010-05-08";
    r.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                 {"host", "iam.amazonaws.com"},
                 {"x-amz-date", "20150830T123600Z"}};
    r.payload_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    r.amz_date = "20150830T123600Z";
    EXPECT_EQ(objectstore::sigv4_authorization(r, "us-east-1", "iam", "AKIDEXAMPLE",
                                               "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
              "SignedHeaders=content-type;host;x-amz-date, "
              "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(S3Location, BucketAndPrefixFollowTheRules) {
    objectstore::S3Location at;
    objectstore::parse_s3_url("s3://examdocs-jobs/a/b.c/", at);
    EXPECT_EQ(at.bucket, "examdocs-jobs");
    EXPECT_EQ(at.prefix, "a/b.c");
    objectstore::parse_s3_url("s3://bucket", at);
    EXPECT_EQ(at.prefix, "");
    for (const char* bad : {"s3://", "s3://ab", "s3://Bucket/x", "s3://bucket//x",
                            "s3://bucket/../x", "s3://bucket/a b", "dir:/x", "s3://bucket/x?y"}) {
        EXPECT_THROW(objectstore::parse_s3_url(bad, at), std::invalid_argument) << bad;
    }
}

// One s3rver for the suite's tests (starting Node.js and s3rver costs ~0.7 s of CPU): each
// test keeps to a prefix of its own in the bucket (shared/jobs, print), so none sees what
// another wrote, in whatever order they run.
class S3PayloadStore : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { server_ = std::make_unique<S3Server>(); }
    static void TearDownTestSuite() { server_.reset(); }
    static inline std::unique_ptr<S3Server> server_;
    const S3Server& server = *server_;
};

TEST_F(S3PayloadStore, WritesWholeReadsRangesListsAndRemoves) {
    Poco::TemporaryFile cache;
    auto store = objectstore::open_s3_store(location_of(server, cache.path()));
    EXPECT_EQ(store->describe(), "s3://examdocs-jobs/shared/jobs at " + server.endpoint());
    std::string bytes;
    for (int i = 0; i < 100000; ++i) bytes += static_cast<char>(i * 7);
    store->put("job1/input", bytes);
    EXPECT_EQ(store->size("job1/input"), bytes.size());
    EXPECT_EQ(store->read("job1/input", 1234, 5000), bytes.substr(1234, 5000));
    EXPECT_EQ(store->read("job1/input", 99999, 1), bytes.substr(99999, 1));
    EXPECT_EQ(store->read_all("job1/input"), bytes);
    EXPECT_THROW(store->read("job1/input", 99990, 11), std::runtime_error) << "past the end";
    EXPECT_THROW(store->read("job1/missing", 0, 1), std::runtime_error);
    // The interface's ranged stream and buffered read, as the shared jobs use them.
    std::ostringstream ranged;
    ranged << store->open_range("job1/input", 777, 98000)->rdbuf();
    EXPECT_TRUE(ranged.str() == bytes.substr(777, 98000));
    EXPECT_THROW(store->open_range("job1/input", 99990, 11), std::runtime_error);
    std::string buffer;
    EXPECT_TRUE(store->read_all_into("job1/input", buffer) == bytes);
    EXPECT_FALSE(store->size("job1/missing"));
    EXPECT_FALSE(store->open("job1/missing"));
    EXPECT_FALSE(store->local_file("job1/missing"));

    {
        // Not committed: nothing under the key, no temporary file left here.
        auto writer = store->write("job1/parts/0.part");
        writer->stream() << "half a part";
    }
    EXPECT_FALSE(store->size("job1/parts/0.part"));
    auto writer = store->write("job1/parts/0.part");
    writer->stream() << "a part";
    EXPECT_FALSE(store->size("job1/parts/0.part")) << "visible only once committed";
    EXPECT_EQ(writer->commit(), 6U);
    EXPECT_EQ(store->read_all("job1/parts/0.part"), "a part");
    std::ostringstream streamed;
    streamed << store->open("job1/parts/0.part")->rdbuf();
    EXPECT_EQ(streamed.str(), "a part");
    // A file of this machine for the HTTP server: downloaded once into the cache.
    const auto local = store->local_file("job1/parts/0.part");
    ASSERT_TRUE(local);
    std::ifstream in(*local, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "a part");

    // Moved in from a file of this machine; past 64 MiB as a multipart upload.
    const std::string upload = cache.path() + "-upload";
    std::string big(70u << 20, '\0');
    for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i / 4096);
    std::ofstream(upload, std::ios::binary) << big;
    store->adopt("job2/records.ndjson", upload);
    EXPECT_FALSE(Poco::File(upload).exists());
    EXPECT_EQ(store->size("job2/records.ndjson"), big.size());
    const std::uint64_t across = (16u << 20) - 10;  // across the first parts' boundary
    EXPECT_TRUE(store->read("job2/records.ndjson", across, 4096 * 3) ==
                big.substr(across, 4096 * 3));

    const auto groups = store->groups();
    ASSERT_EQ(groups.size(), 2U);
    EXPECT_EQ(groups[0].name, "job1");
    EXPECT_EQ(groups[1].name, "job2");
    EXPECT_NEAR(static_cast<double>(groups[0].last_written),
                static_cast<double>(Poco::Timestamp().epochTime()), 600);

    for (const char* bad : {"", "../x", "A", "job1/x.tmp", "a b"}) {
        EXPECT_THROW(store->put(bad, "x"), std::invalid_argument) << bad;
    }

    store->remove_all("job1");
    EXPECT_FALSE(store->size("job1/input"));
    EXPECT_FALSE(store->size("job1/parts/0.part"));
    EXPECT_FALSE(Poco::File(*local).exists()) << "the cached download goes with the job";
    EXPECT_TRUE(store->size("job2/records.ndjson"));
    ASSERT_EQ(store->groups().size(), 1U);
}

TEST_F(S3PayloadStore, AStoreThatCannotBeUsedIsRefusedAtOpen) {
    Poco::TemporaryFile cache;
    auto unknown_key = location_of(server, cache.path());
    unknown_key.access_key_id = "NOT-A-KEY";
    try {
        objectstore::open_s3_store(unknown_key);
        ADD_FAILURE() << "opened with an unknown access key";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("InvalidAccessKeyId"), std::string::npos) << e.what();
    }
    EXPECT_THROW(
        objectstore::open_s3_store(location_of(server, cache.path(), "s3://no-such-bucket/jobs")),
        std::runtime_error);
    auto nobody = location_of(server, cache.path());
    nobody.endpoint = "http://127.0.0.1:9";  // discard: nothing listens
    EXPECT_THROW(objectstore::open_s3_store(nobody), std::runtime_error);
    auto ftp = location_of(server, cache.path());
    ftp.endpoint = "ftp://127.0.0.1";
    EXPECT_THROW(objectstore::open_s3_store(ftp), std::invalid_argument);
}

std::string sha256_hex(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

// `count` admission tickets numbered 2026110170001….
std::string tickets(int count) {
    std::ostringstream out;
    for (int i = 1; i <= count; ++i) {
        auto root =
            examdocs::test::sample_request("admission-ticket").extract<Poco::JSON::Object::Ptr>();
        root->set("ticketNumber", "20261101" + std::to_string(70000 + i));
        root->stringify(out);
        out << '\n';
    }
    return out.str();
}

// Two instances, data directories of their own, one PostgreSQL and one S3 bucket: both
// print chunks, the result is assembled into S3, and either serves the same bytes (with
// ranges); the input and the parts are gone from the bucket.
TEST_F(S3PayloadStore, TwoInstancesShareAJobThroughTheBucket) {
    const std::string url = examdocs::test::PostgresServer::shared().fresh_database();
    const std::string key = "s3-backend-key-0007";
    auto configure = [&](service::Settings& s) {
        s.registry_url = url;
        s.job_store = "s3://examdocs-jobs/print";
        s.job_s3_endpoint = server.endpoint();
        s.job_s3_access_key_id = S3Server::kAccessKeyId;
        s.job_s3_secret_access_key = S3Server::kSecretAccessKey;
        s.api_keys = "backend:" + sha256_hex(key) + ":print";
        s.job_threads = 1;
        s.job_chunk_records = 6;
        s.job_poll = std::chrono::milliseconds(20);
    };
    examdocs::test::RunningService a(configure);
    examdocs::test::RunningService b(configure);
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + key}};
    auto headers = auth;
    headers["Content-Type"] = "application/x-ndjson";
    constexpr int kRecords = 60;
    const auto created = examdocs::test::http_request(
        a.port(), "POST", "/v1/jobs?layout=admission-ticket", tickets(kRecords), headers);
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = examdocs::test::parse_object(created.body)->getValue<std::string>("id");
    std::string state = "queued";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while ((state == "queued" || state == "running") &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        state = examdocs::test::parse_object(
                    examdocs::test::http_request(b.port(), "GET", "/v1/jobs/" + id, "", auth).body)
                    ->getValue<std::string>("state");
    }
    ASSERT_EQ(state, "done");

    // Both printed: each instance's chunk rows name it.
    registry::Database db(url);
    Poco::Data::Session s = db.session();
    std::vector<std::string> owners;
    std::string job = id;
    s << db.sql("SELECT DISTINCT claimed_by FROM job_chunks WHERE job_id = ? AND state = 'done'"),
        Poco::Data::Keywords::into(owners), Poco::Data::Keywords::use(job),
        Poco::Data::Keywords::now;
    EXPECT_EQ(owners.size(), 2U) << "one instance printed every chunk";

    const auto from_a =
        examdocs::test::http_request(a.port(), "GET", "/v1/jobs/" + id + "/result", "", auth);
    const auto from_b =
        examdocs::test::http_request(b.port(), "GET", "/v1/jobs/" + id + "/result", "", auth);
    ASSERT_EQ(from_a.status, 200);
    ASSERT_EQ(from_b.status, 200);
    EXPECT_EQ(sha256_hex(from_a.body), sha256_hex(from_b.body));
    const auto facts = examdocs::test::read_pdf(from_a.body);
    ASSERT_EQ(facts.pages, kRecords);
    for (int page = 0; page < facts.pages; ++page) {
        EXPECT_NE(examdocs::test::squeeze(facts.page_text[static_cast<std::size_t>(page)])
                      .find("20261101" + std::to_string(70001 + page)),
                  std::string::npos)
            << "page " << page + 1;
    }
    auto ranged = auth;
    ranged["Range"] = "bytes=1000-1999";
    const auto part_b =
        examdocs::test::http_request(b.port(), "GET", "/v1/jobs/" + id + "/result", "", ranged);
    EXPECT_EQ(part_b.status, 206);
    EXPECT_TRUE(part_b.body == from_a.body.substr(1000, 1000)) << "the same bytes, from B";

    // In the bucket (as s3rver keeps it on its disk): the result, not the input or parts.
    Poco::TemporaryFile cache;
    auto store =
        objectstore::open_s3_store(location_of(server, cache.path(), "s3://examdocs-jobs/print"));
    EXPECT_EQ(store->size(id + "/result.pdf"), from_a.body.size());
    EXPECT_FALSE(store->size(id + "/input"));
    EXPECT_FALSE(store->size(id + "/parts/0.part"));
}

}  // namespace
