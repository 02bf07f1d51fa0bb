// The registry on both databases it runs on — a real SQLite file and a real PostgreSQL
// server this test starts itself: issuance, idempotency, numbers under concurrency,
// signatures, rotation, revocation and what survives a reopen.
#include "examdocs/registry/certificate_registry.h"

#include <Poco/Data/Session.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <cctype>
#include <chrono>

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
    EXPECT_EQ(registry->schema_version(), 8);
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

TEST_P(Registry, AMixedRegistryVerifiesEd25519AndSm2Certificates) {
    // An Ed25519 registry switched to SM2: a rotation with the new algorithm. The old
    // certificate keeps verifying with its Ed25519 key, the new one is signed with SM2;
    // the key id stored with each (and printed in its QR) picks the algorithm.
    std::string old_number;
    {
        auto registry = open();
        old_number = registry->issue(draft(), "k").certificate.number;
    }
    auto keys = SigningKeys::open(keys_dir(), SigningAlgorithm::sm2);
    EXPECT_EQ(keys.current_algorithm(), SigningAlgorithm::ed25519);  // opening makes no key
    keys.rotate();
    EXPECT_EQ(keys.current_algorithm(), SigningAlgorithm::sm2);
    CertificateRegistry registry(db(), std::move(keys));
    auto old = registry.find(old_number);
    ASSERT_TRUE(old);
    EXPECT_EQ(registry.keys().algorithm_of(old->key_id), SigningAlgorithm::ed25519);
    EXPECT_TRUE(registry.signature_valid(*old));
    auto fresh = registry.issue(draft("新证书"), "k2").certificate;
    EXPECT_EQ(registry.keys().algorithm_of(fresh.key_id), SigningAlgorithm::sm2);
    EXPECT_TRUE(registry.signature_valid(fresh));
    // A DER SEQUENCE of two INTEGERs, not a raw 64-byte pair.
    const std::string der = base64url_decode(fresh.signature);
    ASSERT_GE(der.size(), 8u);
    EXPECT_EQ(static_cast<unsigned char>(der[0]), 0x30);
    EXPECT_EQ(static_cast<std::size_t>(static_cast<unsigned char>(der[1])) + 2, der.size());
    EXPECT_EQ(der[2], 0x02);
    Certificate tampered = fresh;
    tampered.level = 3;
    EXPECT_FALSE(registry.signature_valid(tampered));
    // An SM2 signature under the Ed25519 key's id (and the reverse) is no signature.
    Certificate swapped = fresh;
    swapped.key_id = old->key_id;
    EXPECT_FALSE(registry.signature_valid(swapped));
    swapped = *old;
    swapped.key_id = fresh.key_id;
    EXPECT_FALSE(registry.signature_valid(swapped));

    const std::string json = registry.keys().public_keys_json();
    EXPECT_NE(json.find("{\"kid\":\"" + old->key_id + "\",\"kty\":\"OKP\",\"crv\":\"Ed25519\""),
              std::string::npos)
        << json;
    const auto sm2 = json.find("{\"kid\":\"" + fresh.key_id + "\",\"kty\":\"EC\",\"crv\":\"SM2\"");
    ASSERT_NE(sm2, std::string::npos) << json;
    // x and y: 32 bytes each, 43 characters of base64url.
    const auto x = json.find("\"x\":\"", sm2) + 5;
    const auto y = json.find("\"y\":\"", sm2) + 5;
    EXPECT_EQ(json.find('"', x) - x, 43u);
    EXPECT_EQ(json.find('"', y) - y, 43u);
    EXPECT_NE(json.find("\"current\":true", sm2), std::string::npos);
}

TEST_P(Registry, SignaturesVerifyAfterTheKeysAreReadBackFromTheirFiles) {
    std::string ed_signature_key;
    Certificate sm2_certificate;
    {
        auto keys = SigningKeys::open(keys_dir(), SigningAlgorithm::sm2);
        EXPECT_EQ(keys.current_algorithm(), SigningAlgorithm::sm2);  // the first key is SM2
        CertificateRegistry registry(db(), std::move(keys));
        sm2_certificate = registry.issue(draft(), "k").certificate;
    }
    // Another process (an instance sharing the keys) reads the PEM files back.
    CertificateRegistry again(db(), SigningKeys::open(keys_dir()));
    EXPECT_EQ(again.keys().current_algorithm(), SigningAlgorithm::sm2);
    auto stored = again.find(sm2_certificate.number);
    ASSERT_TRUE(stored);
    EXPECT_TRUE(again.signature_valid(*stored));
    // Two SM2 signatures of the same bytes differ (a random k each) and both verify.
    const std::string message = canonical_form(*stored);
    const std::string a = again.keys().sign(message), b = again.keys().sign(message);
    EXPECT_NE(a, b);
    EXPECT_TRUE(again.keys().verify(stored->key_id, message, a));
    EXPECT_TRUE(again.keys().verify(stored->key_id, message, b));
    EXPECT_FALSE(again.keys().verify(stored->key_id, message + "x", a));
}

TEST_P(Registry, NumbersAndTheIssuerComeFromTheIssuerIdentity) {
    IssuerIdentity issuer;
    issuer.name = "上海市职业技能鉴定中心";
    issuer.body_code = "000034";
    issuer.province_code = "31";
    issuer.site_code = "0007";
    Poco::File(dir_.path()).createDirectories();
    CertificateRegistry registry(std::make_shared<Database>(db()), SigningKeys::open(keys_dir()),
                                 issuer);
    Certificate unnamed = draft();
    unnamed.issuer.clear();
    auto first = registry.issue(unnamed, "a");
    ASSERT_EQ(first.outcome, IssueOutcome::created);
    EXPECT_EQ(first.certificate.number, "S000034310007202640001");
    EXPECT_EQ(first.certificate.issuer, "上海市职业技能鉴定中心");  // signed and stored
    EXPECT_TRUE(registry.signature_valid(first.certificate));
    EXPECT_EQ(registry.find(first.certificate.number)->issuer, "上海市职业技能鉴定中心");
    // The same request naming the issuer is the same request.
    Certificate named = draft();
    named.issuer = issuer.name;
    EXPECT_EQ(registry.issue(named, "a").outcome, IssueOutcome::replayed);
    auto second = registry.issue(named, "b");
    EXPECT_EQ(second.certificate.number, "S000034310007202640002");
    // Another body's name is refused, and takes no number.
    EXPECT_EQ(registry.issue(draft(), "c").outcome, IssueOutcome::other_issuer);
    EXPECT_EQ(registry.issue(named, "d").certificate.number, "S000034310007202640003");
}

TEST_P(Registry, ACommittedCertificateSurvivesReopening) {
    std::string number;
    {
        auto registry = open();
        number = registry->issue(draft(), "k").certificate.number;
    }
    auto reopened = open();
    EXPECT_EQ(reopened->schema_version(), 8);  // migrations are not applied twice
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

// Verifications remember signatures that verified (certificate_registry.cpp): a row
// changed in the database afterwards, with its signature left as it was, must still be
// found forged, and the lookup must see the change at once.
TEST_P(Registry, ARowAlteredAfterAVerifiedLookupIsForged) {
    auto registry = open();
    auto c = registry->issue(draft(), "k").certificate;
    auto found = *registry->find(c.number);
    ASSERT_EQ(registry->verdict(found, c.verification_code, c.key_id, c.signature, "2027-01-01"),
              "valid");
    ASSERT_EQ(registry->verdict(found, c.verification_code, c.key_id, c.signature, "2027-01-01"),
              "valid");  // the second time from what the first remembered
    {
        Poco::Data::Session s = registry->database()->session();
        std::string number = c.number;
        std::string name = "李四";
        s << registry->database()->sql("UPDATE certificates SET holder_name = ? WHERE number = ?"),
            Poco::Data::Keywords::use(name), Poco::Data::Keywords::use(number),
            Poco::Data::Keywords::now;
    }
    auto altered = *registry->find(c.number);
    EXPECT_EQ(altered.holder_name, "李四");
    EXPECT_EQ(altered.signature, c.signature);
    EXPECT_FALSE(registry->signature_valid(altered));
    EXPECT_EQ(registry->verdict(altered, c.verification_code, c.key_id, c.signature, "2027-01-01"),
              "forged");
    EXPECT_FALSE(registry->find("S000000000000000000000"));
}

TEST(CanonicalForm, IsStableAndEscaped) {
    Certificate c = draft();
    c.number = "S000012120001202640001";
    c.verification_code = "0123456789ABCDEF";
    c.job = "a\\b\nc";
    // Version 1, what certificates issued before schema 8 are signed over: never changes.
    c.signed_form = 1;
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

TEST(CanonicalForm, Version2NamesTheLevelSchemeAndTheTitleFields) {
    Certificate c = draft();
    c.number = "Z000012120001202630001";
    c.verification_code = "0123456789ABCDEF";
    c.level_scheme = "zhicheng";
    c.level = 3;
    c.level_name = "中级";
    c.occupation_code.clear();
    c.occupation_name = "工程师";
    c.job = "给排水工程";
    c.committee = "天津市工程技术系列给排水专业中级评审委员会";
    c.approval_number = "津人社职称〔2026〕12号";
    c.approval_date = "2026-06-18";
    c.occupation_name_en = "not signed";
    c.serial = "00000007";  // nor this
    EXPECT_EQ(canonical_form(c),
              "examdocs-certificate-v2\n"
              "number=Z000012120001202630001\n"
              "holder_name=张晓明\n"
              "id_number=120105199003071230\n"
              "occupation_code=\n"
              "occupation_name=工程师\n"
              "job=给排水工程\n"
              "level_scheme=zhicheng\n"
              "level=中级\n"
              "committee=天津市工程技术系列给排水专业中级评审委员会\n"
              "approval_number=津人社职称〔2026〕12号\n"
              "approval_date=2026-06-18\n"
              "issuer=天津市软件行业协会\n"
              "issue_date=2026-12-31\n"
              "expiry_date=\n"
              "verification_code=0123456789ABCDEF\n");
    Certificate skill = draft();
    EXPECT_NE(canonical_form(skill).find("\nlevel_scheme=skill\nlevel=4\ncommittee=\n"),
              std::string::npos)
        << "a skill level without a name is its digit";
}

// A certificate signed before schema 8 (over version 1 of the signed form) keeps verifying
// after the migration: the row says which form its signature covers.
TEST_P(Registry, CertificatesSignedOverVersion1KeepVerifying) {
    auto registry = open();
    Certificate c = registry->issue(draft(), "old-1").certificate;
    EXPECT_EQ(c.signed_form, 2);
    // The row as an earlier release wrote it: form 1, signed over version 1.
    Certificate old = c;
    old.signed_form = 1;
    std::string signature = base64url(registry->keys().sign(canonical_form(old)));
    {
        Poco::Data::Session s = registry->database()->session();
        std::string number = c.number;
        s << registry->database()->sql(
            "UPDATE certificates SET signed_form = 1, signature = ? WHERE number = ?"),
            Poco::Data::Keywords::use(signature), Poco::Data::Keywords::use(number),
            Poco::Data::Keywords::now;
    }
    const auto row = *registry->find(c.number);
    EXPECT_EQ(row.signed_form, 1);
    EXPECT_EQ(canonical_form(row).rfind("examdocs-certificate-v1\n", 0), 0u);
    EXPECT_TRUE(registry->signature_valid(row));
    EXPECT_EQ(registry->verdict(row, c.verification_code, c.key_id, signature, "2027-01-01"),
              "valid");
    // The same signature does not pass for the row read as version 2.
    Certificate as_v2 = row;
    as_v2.signed_form = 2;
    EXPECT_FALSE(registry->signature_valid(as_v2));
}

// 职称 certificates count under their own letter; the paper serial counts over the registry.
TEST_P(Registry, TitleCertificatesAndPaperSerialsAreNumberedApart) {
    Poco::File(dir_.path()).createDirectories();
    IssuerIdentity issuer;
    issuer.serial_prefix = "TJ";
    issuer.serial_digits = 8;
    CertificateRegistry registry(std::make_shared<Database>(db()), SigningKeys::open(keys_dir()),
                                 issuer);
    Certificate title = draft();
    title.level_scheme = "zhicheng";
    title.level = 3;
    title.level_name = "中级";
    title.committee = "天津市工程技术系列中级评审委员会";
    title.approval_number = "津人社职称〔2026〕12号";
    const auto t1 = registry.issue(title, "title-1").certificate;
    const auto s1 = registry.issue(draft(), "skill-1").certificate;
    Certificate special = draft();
    special.level = 0;
    special.level_name = "专项能力";
    const auto p1 = registry.issue(special, "special-1").certificate;
    EXPECT_EQ(t1.number, "Z000012120001202630001");
    EXPECT_EQ(s1.number, "S000012120001202640001");
    EXPECT_EQ(p1.number, "S000012120001202600001") << "专项能力 carries the digit 0";
    EXPECT_EQ(t1.serial, "TJ00000001");
    EXPECT_EQ(s1.serial, "TJ00000002");
    EXPECT_EQ(p1.serial, "TJ00000003");
    const auto read = *registry.find(t1.number);
    EXPECT_EQ(read.level_scheme, "zhicheng");
    EXPECT_EQ(read.level_name, "中级");
    EXPECT_EQ(read.committee, "天津市工程技术系列中级评审委员会");
    EXPECT_EQ(read.approval_number, "津人社职称〔2026〕12号");
    EXPECT_EQ(read.serial, "TJ00000001");
    EXPECT_TRUE(registry.signature_valid(read));
    EXPECT_EQ(level_code(*registry.find(p1.number)), "专项能力");
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

TEST_P(Registry, LookupLinesReachTheDatabaseWithinTheWritersInterval) {
    auto registry = open();
    const auto issued = registry->issue(draft(), "audit-interval", "backend").certificate;
    // Fewer than a batch, and no flush: the writer thread commits them on its interval.
    for (int i = 0; i < 7; ++i) registry->record_lookup(issued.number, "client 10.0.0.1", "lookup");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (registry->audit_writer().waiting() != 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(registry->audit_writer().waiting(), 0U);
    // Read back through a second registry on the same database: nothing of its own queued,
    // so its trail is what the database holds.
    auto other = open();
    EXPECT_EQ(other->audit_trail(issued.number).size(), 8U);
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

TEST_P(Registry, ListsNewestFirstFilteredAndPagedByKeyset) {
    auto registry = open();
    // 23 certificates over three issue dates, two holders among the others.
    std::vector<std::string> wang;
    for (int i = 0; i < 23; ++i) {
        Certificate c = draft(i % 5 == 0 ? "王芳" : "张晓明" + std::to_string(i));
        c.id_number =
            i % 5 == 0 ? "11010519491231002X" : "12010519900307" + std::to_string(1000 + i);
        c.issue_date = i < 8 ? "2026-03-01" : i < 16 ? "2026-06-15" : "2026-12-31";
        const auto issued = registry->issue(c, "list-" + std::to_string(i)).certificate;
        if (i % 5 == 0) wang.push_back(issued.number);
    }
    registry->revoke(wang[1], "信息有误");

    // Every row once, newest issue date first, then number descending, across pages of 5.
    std::vector<Certificate> all;
    CertificateQuery q;
    q.limit = 5;
    int pages = 0;
    while (true) {
        const auto page = registry->list(q);
        ++pages;
        ASSERT_LE(page.certificates.size(), 5U);
        for (const auto& c : page.certificates) all.push_back(c);
        if (!page.more) break;
        q.after = ListPosition{all.back().issue_date, all.back().number};
    }
    EXPECT_EQ(pages, 5);
    ASSERT_EQ(all.size(), 23U);
    for (std::size_t i = 1; i < all.size(); ++i) {
        const bool ordered =
            all[i - 1].issue_date > all[i].issue_date ||
            (all[i - 1].issue_date == all[i].issue_date && all[i - 1].number > all[i].number);
        EXPECT_TRUE(ordered) << all[i - 1].number << " before " << all[i].number;
    }
    EXPECT_EQ(all.front().issue_date, "2026-12-31");
    EXPECT_TRUE(all.front().photo_jpeg.empty()) << "listings leave the photo out";
    EXPECT_FALSE(all.front().verification_code.empty());
    EXPECT_TRUE(registry->signature_valid(all.front()));

    // A row issued between two pages does not disturb the walk: it sorts before the cursor.
    CertificateQuery by_holder;
    by_holder.holder_name = "王芳";
    by_holder.limit = 2;
    const auto first = registry->list(by_holder);
    ASSERT_EQ(first.certificates.size(), 2U);
    EXPECT_TRUE(first.more);
    Certificate late = draft("王芳");
    late.issue_date = "2026-12-31";
    registry->issue(late, "list-late");
    by_holder.after =
        ListPosition{first.certificates.back().issue_date, first.certificates.back().number};
    by_holder.limit = 50;
    const auto rest = registry->list(by_holder);
    EXPECT_FALSE(rest.more);
    std::set<std::string> seen;
    for (const auto& c : first.certificates) seen.insert(c.number);
    for (const auto& c : rest.certificates) EXPECT_TRUE(seen.insert(c.number).second) << c.number;
    EXPECT_EQ(seen.size(), wang.size());
    for (const auto& n : wang) EXPECT_TRUE(seen.count(n)) << n;

    CertificateQuery by_id;
    by_id.id_number = "11010519491231002X";
    EXPECT_EQ(registry->list(by_id).certificates.size(), wang.size());
    CertificateQuery revoked;
    revoked.status = "revoked";
    const auto revoked_page = registry->list(revoked);
    ASSERT_EQ(revoked_page.certificates.size(), 1U);
    EXPECT_EQ(revoked_page.certificates[0].number, wang[1]);
    EXPECT_EQ(revoked_page.certificates[0].revoked_reason, "信息有误");
    CertificateQuery june;
    june.issued_from = "2026-06-01";
    june.issued_to = "2026-06-15";  // inclusive
    const auto june_page = registry->list(june);
    EXPECT_EQ(june_page.certificates.size(), 8U);
    for (const auto& c : june_page.certificates) EXPECT_EQ(c.issue_date, "2026-06-15");
    CertificateQuery nobody;
    nobody.holder_name = "无此人";
    nobody.status = "valid";
    EXPECT_TRUE(registry->list(nobody).certificates.empty());
    EXPECT_FALSE(registry->list(nobody).more);
}

TEST_P(Registry, TheListingsFiltersAreIndexed) {
    auto registry = open();
    auto s = registry->database()->session();
    std::vector<std::string> names;
    if (GetParam() == "sqlite") {
        s << "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'certificates'",
            Poco::Data::Keywords::into(names), Poco::Data::Keywords::now;
    } else {
        s << "SELECT indexname FROM pg_indexes WHERE tablename = 'certificates'",
            Poco::Data::Keywords::into(names), Poco::Data::Keywords::now;
    }
    const std::set<std::string> have(names.begin(), names.end());
    for (const char* index : {"certificates_by_issue", "certificates_by_id_number",
                              "certificates_by_holder", "certificates_by_status"}) {
        EXPECT_TRUE(have.count(index)) << index;
    }
    if (GetParam() != "sqlite") return;
    // SQLite's plan for a holder's listing reads the holder's index in order: no sort step.
    std::vector<int> id, parent, unused;
    std::vector<std::string> detail;
    s << "EXPLAIN QUERY PLAN SELECT number FROM certificates WHERE id_number = '1'"
         " ORDER BY issue_date DESC, number DESC LIMIT 51",
        Poco::Data::Keywords::into(id), Poco::Data::Keywords::into(parent),
        Poco::Data::Keywords::into(unused), Poco::Data::Keywords::into(detail),
        Poco::Data::Keywords::now;
    std::string plan;
    for (const auto& d : detail) plan += d + "\n";
    EXPECT_NE(plan.find("certificates_by_id_number"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
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
