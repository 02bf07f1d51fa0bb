// The registry on both databases it runs on — a real SQLite file and a real PostgreSQL
// server this test starts itself: issuance, idempotency, numbers under concurrency,
// signatures, rotation, revocation and what survives a reopen.
#include "examdocs/registry/certificate_registry.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <cctype>

#include <mutex>
#include <set>
#include <thread>

#include "support/postgres_server.h"

namespace {

using namespace examdocs::registry;

Certificate draft(const std::string& name = "张晓明") {
    Certificate c;
    c.holder_name = name;
    c.id_number = "120105199003071230";
    c.occupation_code = "4-04-05-02";
    c.occupation_name = "信息通信网络运行管理员";
    c.job = "网络运行管理";
    c.level = 4;
    c.issuer = "天津市软件行业协会";
    c.issue_date = "2026-12-31";
    c.photo_jpeg = std::string("\xFF\xD8 photo \xFF\xD9", 11);
    return c;
}

class Registry : public ::testing::TestWithParam<std::string> {
  protected:
    // The database of this test: a SQLite file, or a fresh database on the test server.
    std::string db() {
        if (url_.empty()) {
            // "postgresql_url": the same server named by a postgresql:// URL, the form the
            // documentation gives for registry.url.
            url_ = GetParam() == "sqlite" ? Poco::Path(dir_.path(), "registry.sqlite").toString()
                                          : examdocs::test::PostgresServer::shared().fresh_database(
                                                GetParam() == "postgresql_url");
        }
        return url_;
    }
    std::string keys_dir() const { return Poco::Path(dir_.path(), "keys").toString(); }
    std::unique_ptr<CertificateRegistry> open() {
        Poco::File(dir_.path()).createDirectories();
        return std::make_unique<CertificateRegistry>(std::make_shared<Database>(db()),
                                                     SigningKeys::open(keys_dir()));
    }
    Poco::TemporaryFile dir_;
    std::string url_;
};

TEST_P(Registry, IssuesNumberedSignedCertificates) {
    auto registry = open();
    EXPECT_EQ(registry->schema_version(), 6);
    auto result = registry->issue(draft(), "key-1");
    ASSERT_EQ(result.outcome, IssueOutcome::created);
    const Certificate& c = result.certificate;
    EXPECT_EQ(c.number,
              "S0000121200012026"
              "4"
              "0001");
    EXPECT_EQ(c.number.size(), 22u);  // a letter and 21 digits
    EXPECT_EQ(c.verification_code.size(), 16u);
    EXPECT_EQ(c.status, "valid");
    EXPECT_TRUE(registry->signature_valid(c));
    Certificate tampered = c;
    tampered.holder_name = "张晓朋";
    EXPECT_FALSE(registry->signature_valid(tampered));

    auto stored = registry->find(c.number);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->holder_name, "张晓明");
    EXPECT_EQ(stored->photo_jpeg, draft().photo_jpeg);
    EXPECT_TRUE(registry->signature_valid(*stored));
    EXPECT_FALSE(registry->find("S000000000000000000000"));
}

TEST_P(Registry, IdempotencyKeyReplaysOrConflicts) {
    auto registry = open();
    auto first = registry->issue(draft(), "retry-me");
    auto again = registry->issue(draft(), "retry-me");
    EXPECT_EQ(again.outcome, IssueOutcome::replayed);
    EXPECT_EQ(again.certificate.number, first.certificate.number);
    EXPECT_EQ(again.certificate.verification_code, first.certificate.verification_code);
    auto other = registry->issue(draft("李卫东"), "retry-me");
    EXPECT_EQ(other.outcome, IssueOutcome::conflict);
}

TEST_P(Registry, GivenNumbersAreUniqueAndAllocationSkipsThem) {
    auto registry = open();
    Certificate c = draft();
    c.number = "S000012120001202640007";  // in the allocator's own range
    EXPECT_EQ(registry->issue(c, "a").outcome, IssueOutcome::created);
    EXPECT_EQ(registry->issue(c, "b").outcome, IssueOutcome::number_taken);
    auto next = registry->issue(draft("下一位"), "c");
    ASSERT_EQ(next.outcome, IssueOutcome::created);
    EXPECT_EQ(next.certificate.number, "S000012120001202640008");
}

TEST_P(Registry, ConcurrentIssuanceNeverDuplicatesANumber) {
    auto registry = open();
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::vector<std::string> numbers;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                auto r = registry->issue(draft("考生" + std::to_string(t * 100 + i)),
                                         "k-" + std::to_string(t) + "-" + std::to_string(i));
                std::lock_guard lock(mutex);
                numbers.push_back(r.certificate.number);
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(numbers.size(), 40u);
    EXPECT_EQ(std::set<std::string>(numbers.begin(), numbers.end()).size(), 40u);
}

TEST_P(Registry, RevocationIsRecordedOnce) {
    auto registry = open();
    auto c = registry->issue(draft(), "k").certificate;
    EXPECT_TRUE(registry->revoke(c.number, "证书信息有误"));
    EXPECT_TRUE(registry->revoke(c.number, "second reason"));
    auto stored = registry->find(c.number);
    EXPECT_EQ(stored->status, "revoked");
    EXPECT_EQ(stored->revoked_reason, "证书信息有误");
    EXPECT_FALSE(stored->revoked_at.empty());
    EXPECT_TRUE(registry->signature_valid(*stored));  // revocation does not touch what is signed
    EXPECT_FALSE(registry->revoke("S000000000000000000000", "x"));
}

TEST_P(Registry, KeysRotateAndOldSignaturesStillVerify) {
    std::string number;
    {
        auto registry = open();
        number = registry->issue(draft(), "k").certificate.number;
    }
    struct stat st {};
    auto keys = SigningKeys::open(keys_dir());
    const std::string first_id = keys.current_key_id();
    keys.rotate();
    EXPECT_NE(keys.current_key_id(), first_id);
    CertificateRegistry registry(db(), std::move(keys));
    auto old = registry.find(number);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->key_id, first_id);
    EXPECT_TRUE(registry.signature_valid(*old));
    auto fresh = registry.issue(draft("新证书"), "k2").certificate;
    EXPECT_NE(fresh.key_id, first_id);
    EXPECT_TRUE(registry.signature_valid(fresh));
    const std::string json = registry.keys().public_keys_json();
    EXPECT_NE(json.find(first_id), std::string::npos);
    EXPECT_NE(json.find(fresh.key_id), std::string::npos);
    // Private keys are readable by their owner only.
    for (Poco::DirectoryIterator it(keys_dir()), end; it != end; ++it) {
        ASSERT_EQ(::stat(it->path().c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600u) << it->path();
    }
}

TEST_P(Registry, ACommittedCertificateSurvivesReopening) {
    std::string number;
    {
        auto registry = open();
        number = registry->issue(draft(), "k").certificate.number;
    }
    auto reopened = open();
    EXPECT_EQ(reopened->schema_version(), 6);  // migrations are not applied twice
    ASSERT_TRUE(reopened->find(number));
    EXPECT_EQ(reopened->issue(draft(), "k").outcome, IssueOutcome::replayed);
}

TEST_P(Registry, VerdictsFollowTheRowAndWhatThePaperShows) {
    auto registry = open();
    Certificate expiring = draft();
    expiring.expiry_date = "2027-06-30";
    auto c = registry->issue(expiring, "k").certificate;
    EXPECT_EQ(registry->verdict(c, c.verification_code, c.key_id, c.signature, "2027-01-01"),
              "valid");
    EXPECT_EQ(registry->verdict(c, c.verification_code, c.key_id, c.signature, "2027-07-01"),
              "expired");
    EXPECT_EQ(registry->verdict(c, "0000000000000000", c.key_id, c.signature, "2027-01-01"),
              "forged");
    // The code as a person may type it: lower case, in groups, O for 0 and L for 1.
    std::string typed;
    for (std::size_t i = 0; i < c.verification_code.size(); ++i) {
        if (i > 0 && i % 4 == 0) typed += '-';
        const char ch = c.verification_code[i];
        typed += ch == '0' ? 'o' : ch == '1' ? 'l' : static_cast<char>(std::tolower(ch));
    }
    EXPECT_EQ(registry->verdict(c, typed, c.key_id, c.signature, "2027-01-01"), "valid") << typed;
    EXPECT_EQ(registry->verdict(c, c.verification_code, c.key_id, c.signature, "2000-01-01"),
              "not-yet-valid");
    std::string other_signature = c.signature;
    other_signature[10] = other_signature[10] == 'A' ? 'B' : 'A';
    EXPECT_EQ(registry->verdict(c, c.verification_code, c.key_id, other_signature, "2027-01-01"),
              "forged");
    registry->revoke(c.number, "x");
    auto revoked = *registry->find(c.number);
    EXPECT_EQ(registry->verdict(revoked, c.verification_code, c.key_id, c.signature, "2027-01-01"),
              "revoked");
}

TEST(CanonicalForm, IsStableAndEscaped) {
    Certificate c = draft();
    c.number = "S000012120001202640001";
    c.verification_code = "0123456789ABCDEF";
    c.job = "a\\b\nc";
    EXPECT_EQ(canonical_form(c),
              "examdocs-certificate-v1\n"
              "number=S000012120001202640001\n"
              "holder_name=张晓明\n"
              "id_number=120105199003071230\n"
              "occupation_code=4-04-05-02\n"
              "occupation_name=信息通信网络运行管理员\n"
              "job=a\\\\b\\nc\n"
              "level=4\n"
              "issuer=天津市软件行业协会\n"
              "issue_date=2026-12-31\n"
              "expiry_date=\n"
              "verification_code=0123456789ABCDEF\n");
    EXPECT_EQ(base64url_decode(base64url("\x01\x02\xFF hello")), "\x01\x02\xFF hello");
}

TEST_P(Registry, TheAuditLogSaysWhoDidWhatAndWhen) {
    auto registry = open();
    const auto issued = registry->issue(draft(), "audit-1", "backend").certificate;
    registry->issue(draft(), "audit-1", "backend");  // a replay issues nothing: no line
    registry->record_lookup(issued.number, "client 10.0.0.7", "verify: valid");
    registry->revoke(issued.number, "信息有误", "office");
    registry->revoke(issued.number, "again", "office");  // already revoked: no line
    const auto trail = registry->audit_trail(issued.number);
    ASSERT_EQ(trail.size(), 3U);
    EXPECT_EQ(trail[0].action, "issue");
    EXPECT_EQ(trail[0].actor, "backend");
    EXPECT_EQ(trail[1].action, "lookup");
    EXPECT_EQ(trail[1].actor, "client 10.0.0.7");
    EXPECT_EQ(trail[1].detail, "verify: valid");
    EXPECT_EQ(trail[2].action, "revoke");
    EXPECT_EQ(trail[2].detail, "信息有误");
    EXPECT_FALSE(trail[2].at.empty());
    EXPECT_TRUE(registry->audit_trail("S000000000000000000000").empty());
}

TEST_P(Registry, LookupLinesAreWrittenInBatchesAndNoneIsLost) {
    auto registry = open();
    const auto issued = registry->issue(draft(), "audit-batch", "backend").certificate;
    for (int i = 0; i < 1200; ++i) {
        registry->record_lookup(issued.number, "client 10.0.0." + std::to_string(i % 250),
                                "lookup " + std::to_string(i));
    }
    // Queued lines count in the trail before they are written, and after.
    EXPECT_EQ(registry->audit_trail(issued.number).size(), 1201U);
    EXPECT_TRUE(registry->audit_writer().flush());
    EXPECT_EQ(registry->audit_writer().waiting(), 0U);
    const auto trail = registry->audit_trail(issued.number);
    ASSERT_EQ(trail.size(), 1201U);
    EXPECT_EQ(trail[1].detail, "lookup 0");
    EXPECT_EQ(trail[1200].detail, "lookup 1199");
    EXPECT_EQ(registry->audit_writer().dropped(), 0U);
}

TEST_P(Registry, QueuedLookupLinesAreWrittenWhenTheRegistryCloses) {
    std::string number;
    {
        auto registry = open();
        number = registry->issue(draft(), "audit-close", "backend").certificate.number;
        registry->record_lookup(number, "client 10.0.0.9", "verify: valid");
    }
    auto reopened = open();
    EXPECT_EQ(reopened->audit_writer().waiting(), 0U);
    EXPECT_EQ(reopened->audit_trail(number).size(), 2U);
}

TEST(PostgresUrl, BecomesLibpqKeywords) {
    using examdocs::registry::libpq_connection_string;
    EXPECT_EQ(libpq_connection_string("postgresql://examdocs@db.example.org:5433/registry"),
              "user='examdocs' host='db.example.org' port='5433' dbname='registry'");
    EXPECT_EQ(libpq_connection_string("postgres://u:p%40ss'w%5Cd@[::1]/db?sslmode=require"),
              "user='u' password='p@ss\\'w\\\\d' host='::1' dbname='db' sslmode='require'");
    EXPECT_EQ(libpq_connection_string("postgresql://%2Frun%2Fpostgresql/examdocs"),
              "host='/run/postgresql' dbname='examdocs'");
    EXPECT_EQ(libpq_connection_string("postgresql://a:1,b:2/db"),
              "host='a,b' port='1,2' dbname='db'");
    EXPECT_EQ(libpq_connection_string("host=/tmp dbname=x"), "host=/tmp dbname=x");
    EXPECT_THROW(libpq_connection_string("postgresql://h:port/db"), std::invalid_argument);
    EXPECT_THROW(libpq_connection_string("postgresql://h/db%zz"), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Databases, Registry,
                         ::testing::Values("sqlite", "postgresql", "postgresql_url"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
