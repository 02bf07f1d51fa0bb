// The paper alone checks offline: a certificate issued through the API is printed, its
// text read back with poppler's pdftotext and its QR with ZXing, the signed form rebuilt
// from what the page says (docs/certificates.md), and the QR's signature verified with
// the public key from keys.json by the openssl command line, not by our code. For both
// signing algorithms.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>
#include <ZXing/BarcodeFormat.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "examdocs/registry/certificate.h"
#include "examdocs/registry/signing_keys.h"
#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/run_program.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

namespace svc = examdocs::service;
using examdocs::registry::SigningAlgorithm;
using examdocs::test::http_request;
using examdocs::test::parse_object;

const std::string kKey = "paper-check-key-0001";

// A program run to its end, stdout and stderr together.
using Ran = examdocs::test::ProgramRun;
Ran run(const std::string& program, const std::vector<std::string>& args) {
    return examdocs::test::run_program(program, args);
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// What follows `label` on its line, up to a wide gap (the next column) or the line's end.
// (String searching rather than std::regex, which trips GCC 12's -Wmaybe-uninitialized
// under ASan.)
std::string after(const std::string& text, const std::string& label) {
    const auto at = text.find(label);
    if (at == std::string::npos) return {};
    std::string rest = text.substr(at + label.size());
    rest = rest.substr(0, rest.find('\n'));
    rest.erase(0, rest.find_first_not_of(' '));
    return rest.substr(0, rest.find("  "));
}

// "2026年6月30日" → "2026-06-30"; "" for anything else (长期有效).
std::string iso_date(const std::string& chinese) {
    const auto year = chinese.find("年"), month = chinese.find("月"), day = chinese.find("日");
    if (year == std::string::npos || month == std::string::npos || day == std::string::npos) {
        return {};
    }
    char out[16];
    std::snprintf(out, sizeof out, "%s-%02d-%02d", chinese.substr(0, year).c_str(),
                  std::stoi(chinese.substr(year + 3, month - year - 3)),
                  std::stoi(chinese.substr(month + 3, day - month - 3)));
    return out;
}

bool code_character(char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'); }

// The one "XXXX XXXX XXXX XXXX" on the page (the verification code), without its spaces.
std::string grouped_code(const std::string& text) {
    for (std::size_t i = 0; i + 19 <= text.size(); ++i) {
        bool match = (i == 0 || !code_character(text[i - 1])) &&
                     (i + 19 == text.size() || !code_character(text[i + 19]));
        std::string code;
        for (std::size_t k = 0; match && k < 19; ++k) {
            const bool gap = k % 5 == 4;
            match = gap ? text[i + k] == ' ' : code_character(text[i + k]);
            if (!gap) code += text[i + k];
        }
        if (match) return code;
    }
    return {};
}

// The signed form as a person with the paper would write it down (docs/certificates.md,
// "Checking offline"): every value from the page's text.
std::string signed_form_from_page(const std::string& text) {
    examdocs::registry::Certificate c;
    c.number = after(text, "证书编号 Certificate No.：");
    // 姓　　名: pdftotext writes the label's ideographic spaces as a run of plain ones.
    const auto surname = text.find("姓 ");
    if (surname != std::string::npos) {
        const auto label_end = text.find_first_not_of(' ', surname + 4);
        if (text.compare(label_end, 3, "名") == 0)
            c.holder_name = after(text.substr(label_end), "名");
    }
    c.id_number = after(text, "证件号码");
    c.occupation_code = after(text, "职业编码");
    c.occupation_name = after(text, "职业（工种）");
    c.job = after(text, "工种/职业方向");
    // The scheme is the document's kind: this page is a 职业技能等级证书.
    if (text.find("职业技能等级证书") != std::string::npos) c.level_scheme = "skill";
    const auto level = text.find("级/");
    const std::vector<std::string> levels{"一", "二", "三", "四", "五"};
    for (std::size_t i = 0; level != std::string::npos && level >= 3 && i < levels.size(); ++i) {
        if (text.compare(level - 3, 3, levels[i]) == 0) c.level = static_cast<int>(i) + 1;
    }
    c.issuer = after(text, "发证机构 Issued by：");
    c.issue_date = iso_date(after(text, "发证日期 Issue date："));
    c.expiry_date = iso_date(after(text, "有效期至 Valid until："));  // 长期有效: none
    c.verification_code = grouped_code(text);
    return examdocs::registry::canonical_form(c);
}

// A label printed with ideographic spaces (姓　　名, 专　　业): pdftotext writes a run of
// plain spaces between its two characters. What follows it on its line.
std::string after_spaced(const std::string& text, const std::string& first,
                         const std::string& second) {
    for (auto at = text.find(first + " "); at != std::string::npos;
         at = text.find(first + " ", at + 1)) {
        const auto label_end = text.find_first_not_of(' ', at + first.size());
        if (text.compare(label_end, second.size(), second) == 0) {
            return after(text.substr(label_end), second);
        }
    }
    return {};
}

// The signed form of a 职称 certificate (zhicheng-certificate) from its page.
std::string title_form_from_page(const std::string& text) {
    examdocs::registry::Certificate c;
    c.level_scheme = "zhicheng";  // the page is a 专业技术资格证书
    c.number = after(text, "证书编号 Certificate No.：");
    c.holder_name = after_spaced(text, "姓", "名");
    c.id_number = after(text, "证件号码");
    c.occupation_name = after(text, "资格名称");
    c.job = after_spaced(text, "专", "业");
    c.level_name = after_spaced(text, "级", "别");
    c.committee = after(text, "评审委员会");
    c.approval_number = after(text, "批准文号");
    c.approval_date = iso_date(after(text, "批准日期"));
    c.issuer = after(text, "发证机构 Issued by：");
    c.issue_date = iso_date(after(text, "发证日期 Issue date："));
    c.expiry_date = iso_date(after(text, "有效期至 Valid until："));
    c.verification_code = grouped_code(text);
    return examdocs::registry::canonical_form(c);
}

// The signed form of a 软考 certificate (ruankao-certificate) from its page: the 管理号 and
// 批准日期 are its approval lines (docs/certificates.md).
std::string ruankao_form_from_page(const std::string& text) {
    examdocs::registry::Certificate c;
    c.level_scheme = "ruankao";  // the page is a 计算机技术与软件专业技术资格证书
    c.number = after(text, "证书编号 Certificate No.：");
    c.holder_name = after_spaced(text, "姓", "名");
    c.id_number = after(text, "证件号码");
    c.occupation_name = after(text, "资格名称");
    c.level_name = after_spaced(text, "级", "别");
    c.approval_number = after(text, "管理号");
    c.approval_date = iso_date(after(text, "批准日期"));
    c.issuer = after(text, "发证机构 Issued by：");
    c.issue_date = iso_date(after(text, "发证日期 Issue date："));
    c.expiry_date = iso_date(after(text, "有效期至 Valid until："));
    c.verification_code = grouped_code(text);
    return examdocs::registry::canonical_form(c);
}

// The public key of `kid` from keys.json as a PEM file openssl reads: the JWK's bytes
// after the fixed DER head of a SubjectPublicKeyInfo (docs/certificates.md shows the same
// with xxd and openssl).
std::string public_key_pem(const Poco::JSON::Object::Ptr& jwk, const std::string& dir) {
    using examdocs::registry::base64url_decode;
    std::string der;
    auto hex = [](const std::string& h) {
        std::string bytes;
        for (std::size_t i = 0; i < h.size(); i += 2) {
            bytes += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
        }
        return bytes;
    };
    if (jwk->getValue<std::string>("crv") == "Ed25519") {
        der = hex("302a300506032b6570032100") + base64url_decode(jwk->getValue<std::string>("x"));
    } else {
        der = hex("3059301306072a8648ce3d020106082a811ccf5501822d03420004") +
              base64url_decode(jwk->getValue<std::string>("x")) +
              base64url_decode(jwk->getValue<std::string>("y"));
    }
    write_file(dir + "/key.der", der);
    const auto converted = run("openssl", {"pkey", "-pubin", "-inform", "DER", "-in",
                                           dir + "/key.der", "-out", dir + "/key.pem"});
    EXPECT_EQ(converted.status, 0) << converted.output;
    return dir + "/key.pem";
}

Ran openssl_verify(const std::string& crv, const std::string& key, const std::string& message,
                   const std::string& signature, const std::string& distid = "1234567812345678") {
    std::vector<std::string> args{"pkeyutl", "-verify", "-pubin", "-inkey",   key,
                                  "-rawin",  "-in",     message,  "-sigfile", signature};
    if (crv == "SM2") {
        args.insert(args.end(), {"-digest", "sm3", "-pkeyopt", "distid:" + distid});
    }
    return run("openssl", args);
}

class PaperCheck : public ::testing::TestWithParam<SigningAlgorithm> {
  protected:
    examdocs::test::RunningService service_{[](svc::Settings& s) {
        s.api_keys = "office:" + examdocs::test::sha256_hex(kKey) + ":issue+read";
        s.public_base_url = "https://verify.example.org";
        s.signing_algorithm = GetParam();
        s.issuer.name = "上海市职业技能鉴定中心";
        s.issuer.body_code = "000034";
        s.issuer.province_code = "31";
        s.issuer.site_code = "0007";
    }};
    Poco::TemporaryFile dir_;
};

TEST_P(PaperCheck, ThePrintedFieldsAndTheQrVerifyWithTheOpensslCommandLine) {
    Poco::File(dir_.path()).createDirectories();
    const std::string body =
        R"({"holder":{"name":"欧阳晓明","idNumber":"120105199003071230"},)"
        R"("occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员","job":"网络运行管理"},)"
        R"("level":3,"issueDate":"2026-06-30","expiryDate":"2031-06-29"})";
    auto issued = http_request(service_.port(), "POST", "/v1/certificates", body,
                               {{"Content-Type", "application/json"},
                                {"Authorization", "Bearer " + kKey},
                                {"Idempotency-Key", "paper-1"}});
    ASSERT_EQ(issued.status, 201) << issued.body;
    const std::string number = parse_object(issued.body)->getValue<std::string>("number");
    const std::string issued_code =
        parse_object(issued.body)->getValue<std::string>("verificationCode");
    EXPECT_EQ(number, "S000034310007202630001");

    auto pdf = http_request(service_.port(), "GET", "/v1/certificates/" + number + "/pdf", "",
                            {{"Authorization", "Bearer " + kKey}});
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    const std::string pdf_path = dir_.path() + "/certificate.pdf";
    write_file(pdf_path, pdf.body);

    // The paper: its text, and its QR.
    const auto text = run("pdftotext", {"-layout", pdf_path, "-"});
    ASSERT_EQ(text.status, 0) << text.output;
    const std::string form = signed_form_from_page(text.output);
    EXPECT_EQ(form,
              "examdocs-certificate-v2\n"
              "number=S000034310007202630001\n"
              "holder_name=欧阳晓明\n"
              "id_number=120105199003071230\n"
              "occupation_code=4-04-05-02\n"
              "occupation_name=信息通信网络运行管理员\n"
              "job=网络运行管理\n"
              "level_scheme=skill\n"
              "level=3\n"
              "committee=\n"
              "approval_number=\n"
              "approval_date=\n"
              "issuer=上海市职业技能鉴定中心\n"
              "issue_date=2026-06-30\n"
              "expiry_date=2031-06-29\n"
              "verification_code=" +
                  issued_code + "\n")
        << text.output;
    const auto codes = examdocs::test::decode_codes(pdf.body, 0, ZXing::BarcodeFormat::QRCode, 150);
    ASSERT_EQ(codes.size(), 1u);
    std::string code, kid, signature;
    for (const auto& [k, v] : Poco::URI(codes[0]).getQueryParameters()) {
        if (k == "c") code = v;
        if (k == "k") kid = v;
        if (k == "s") signature = v;
    }
    EXPECT_NE(form.find("verification_code=" + code + "\n"), std::string::npos)
        << "the printed code is the QR's";

    // The key: from keys.json, by the id the QR names.
    auto keys =
        parse_object(http_request(service_.port(), "GET", "/.well-known/examdocs/keys.json").body)
            ->getArray("keys");
    Poco::JSON::Object::Ptr jwk;
    for (std::size_t i = 0; keys && i < keys->size(); ++i) {
        if (keys->getObject(static_cast<unsigned>(i))->getValue<std::string>("kid") == kid)
            jwk = keys->getObject(static_cast<unsigned>(i));
    }
    ASSERT_TRUE(jwk) << "no key " << kid;
    const std::string crv = jwk->getValue<std::string>("crv");
    EXPECT_EQ(crv, GetParam() == SigningAlgorithm::sm2 ? "SM2" : "Ed25519");
    const std::string key = public_key_pem(jwk, dir_.path());

    const std::string message = dir_.path() + "/signed-form.txt";
    const std::string signature_file = dir_.path() + "/signature.bin";
    write_file(message, form);
    write_file(signature_file, examdocs::registry::base64url_decode(signature));
    const auto verified = openssl_verify(crv, key, message, signature_file);
    EXPECT_EQ(verified.status, 0) << verified.output;
    EXPECT_NE(verified.output.find("Signature Verified Successfully"), std::string::npos)
        << verified.output;

    // One printed value changed (a level raised by hand) no longer verifies.
    std::string forged = form;
    forged.replace(forged.find("level=3"), 7, "level=2");
    write_file(message, forged);
    EXPECT_NE(openssl_verify(crv, key, message, signature_file).status, 0);
    if (crv == "SM2") {
        // The signature is bound to the documented distinguishing identifier.
        write_file(message, form);
        EXPECT_EQ(openssl_verify(crv, key, message, signature_file).status, 0);
        EXPECT_NE(openssl_verify(crv, key, message, signature_file, "1234567812345679").status, 0);
    }
}

TEST_P(PaperCheck, ACertificateWithoutExpiryOrCodeOrJobPrintsWhatItSigns) {
    Poco::File(dir_.path()).createDirectories();
    const std::string body =
        R"({"holder":{"name":"李卫东","idNumber":"120105199003071230"},)"
        R"("occupation":{"name":"电工"},"level":5,"issuer":{"name":"上海市职业技能鉴定中心"},)"
        R"("issueDate":"2026-06-30"})";
    auto issued = http_request(service_.port(), "POST", "/v1/certificates", body,
                               {{"Content-Type", "application/json"},
                                {"Authorization", "Bearer " + kKey},
                                {"Idempotency-Key", "paper-2"}});
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto cert = parse_object(issued.body);
    const std::string number = cert->getValue<std::string>("number");
    auto pdf = http_request(service_.port(), "GET", "/v1/certificates/" + number + "/pdf", "",
                            {{"Authorization", "Bearer " + kKey}});
    ASSERT_EQ(pdf.status, 200);
    write_file(dir_.path() + "/c.pdf", pdf.body);
    const auto text = run("pdftotext", {"-layout", dir_.path() + "/c.pdf", "-"});
    EXPECT_NE(text.output.find("长期有效"), std::string::npos) << text.output;
    const std::string form = signed_form_from_page(text.output);
    EXPECT_NE(
        form.find("\noccupation_code=\noccupation_name=电工\njob=\nlevel_scheme=skill\nlevel=5\n"),
        std::string::npos)
        << form;
    EXPECT_NE(form.find("\nexpiry_date=\nverification_code=" +
                        cert->getValue<std::string>("verificationCode") + "\n"),
              std::string::npos)
        << form;
}

TEST_P(PaperCheck, AnotherIssuersNameIsRefusedByField) {
    const std::string body =
        R"({"holder":{"name":"李卫东","idNumber":"120105199003071230"},)"
        R"("occupation":{"name":"电工"},"level":5,"issuer":{"name":"天津市软件行业协会"},)"
        R"("issueDate":"2026-06-30"})";
    auto refused = http_request(service_.port(), "POST", "/v1/certificates", body,
                                {{"Content-Type", "application/json"},
                                 {"Authorization", "Bearer " + kKey},
                                 {"Idempotency-Key", "paper-3"}});
    ASSERT_EQ(refused.status, 422) << refused.body;
    auto error = parse_object(refused.body)->getArray("errors")->getObject(0);
    EXPECT_EQ(error->getValue<std::string>("pointer"), "/issuer/name");
    EXPECT_EQ(error->getValue<std::string>("code"), "other-issuer");
    EXPECT_NE(error->getValue<std::string>("message").find("上海市职业技能鉴定中心"),
              std::string::npos);
}

// A 职称 certificate (seed 001's 资格名称, 专业, 级别, 评审委员会, 批准文号) prints every value its
// signature covers: rebuilt from pdftotext alone, it verifies with openssl.
TEST_P(PaperCheck, ATitleCertificatePrintsWhatItSigns) {
    Poco::File(dir_.path()).createDirectories();
    const std::string body =
        R"({"levelScheme":"zhicheng","level":"中级",)"
        R"("holder":{"name":"陈静","idType":"港澳台居民居住证","idNumber":"810000199001011230"},)"
        R"("title":{"name":"工程师","specialty":"给排水工程"},)"
        R"("committee":"天津市工程技术系列给排水专业中级评审委员会",)"
        R"("approval":{"number":"津人社职称〔2026〕12号","date":"2026-06-18"},)"
        R"("issueDate":"2026-06-30"})";
    auto issued = http_request(service_.port(), "POST", "/v1/certificates", body,
                               {{"Content-Type", "application/json"},
                                {"Authorization", "Bearer " + kKey},
                                {"Idempotency-Key", "paper-title-1"}});
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto cert = parse_object(issued.body);
    const std::string number = cert->getValue<std::string>("number");
    EXPECT_EQ(number, "Z000034310007202630001")
        << "职称 numbers: Z, the issuer's codes, year, level";
    EXPECT_EQ(cert->getValue<std::string>("levelScheme"), "zhicheng");
    EXPECT_EQ(cert->getValue<std::string>("level"), "中级");
    auto pdf = http_request(service_.port(), "GET", "/v1/certificates/" + number + "/pdf", "",
                            {{"Authorization", "Bearer " + kKey}});
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    write_file(dir_.path() + "/t.pdf", pdf.body);
    const auto text = run("pdftotext", {"-layout", dir_.path() + "/t.pdf", "-"});
    ASSERT_EQ(text.status, 0);
    EXPECT_NE(text.output.find("Intermediate Grade"), std::string::npos) << text.output;
    const std::string form = title_form_from_page(text.output);
    EXPECT_EQ(form,
              "examdocs-certificate-v2\n"
              "number=Z000034310007202630001\n"
              "holder_name=陈静\n"
              "id_number=810000199001011230\n"
              "occupation_code=\n"
              "occupation_name=工程师\n"
              "job=给排水工程\n"
              "level_scheme=zhicheng\n"
              "level=中级\n"
              "committee=天津市工程技术系列给排水专业中级评审委员会\n"
              "approval_number=津人社职称〔2026〕12号\n"
              "approval_date=2026-06-18\n"
              "issuer=上海市职业技能鉴定中心\n"
              "issue_date=2026-06-30\n"
              "expiry_date=\n"
              "verification_code=" +
                  cert->getValue<std::string>("verificationCode") + "\n")
        << text.output;
    const auto codes = examdocs::test::decode_codes(pdf.body, 0, ZXing::BarcodeFormat::QRCode, 150);
    ASSERT_EQ(codes.size(), 1u);
    std::string kid, signature;
    for (const auto& [k, v] : Poco::URI(codes[0]).getQueryParameters()) {
        if (k == "k") kid = v;
        if (k == "s") signature = v;
    }
    auto keys =
        parse_object(http_request(service_.port(), "GET", "/.well-known/examdocs/keys.json").body)
            ->getArray("keys");
    Poco::JSON::Object::Ptr jwk;
    for (std::size_t i = 0; keys && i < keys->size(); ++i) {
        if (keys->getObject(static_cast<unsigned>(i))->getValue<std::string>("kid") == kid)
            jwk = keys->getObject(static_cast<unsigned>(i));
    }
    ASSERT_TRUE(jwk);
    const std::string message = dir_.path() + "/title-form.txt";
    const std::string signature_file = dir_.path() + "/title-signature.bin";
    write_file(message, form);
    write_file(signature_file, examdocs::registry::base64url_decode(signature));
    const auto verified = openssl_verify(jwk->getValue<std::string>("crv"),
                                         public_key_pem(jwk, dir_.path()), message, signature_file);
    EXPECT_EQ(verified.status, 0) << verified.output;
}

// A 软考 certificate (seed 004's 报考级别 and 报考资格, with the 管理号 and 批准日期 a 软考
// certificate carries) is numbered under R, prints every value its signature covers
// (rebuilt from pdftotext, verified with openssl) and verifies by its QR and by number and
// code.
TEST_P(PaperCheck, ARuankaoCertificatePrintsWhatItSignsAndVerifies) {
    Poco::File(dir_.path()).createDirectories();
    const std::string body =
        R"({"levelScheme":"ruankao","level":"中级","qualification":"系统集成项目管理工程师",)"
        R"("holder":{"name":"赵建国","idNumber":"120101199204156016"},)"
        R"("managementNumber":"20261201000123","approvalDate":"2026-11-20",)"
        R"("issueDate":"2026-11-25"})";
    auto issue = [&](const std::string& request, const std::string& key) {
        return http_request(service_.port(), "POST", "/v1/certificates", request,
                            {{"Content-Type", "application/json"},
                             {"Authorization", "Bearer " + kKey},
                             {"Idempotency-Key", key}});
    };
    auto issued = issue(body, "paper-ruankao-1");
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto cert = parse_object(issued.body);
    const std::string number = cert->getValue<std::string>("number");
    const std::string code = cert->getValue<std::string>("verificationCode");
    EXPECT_EQ(number, "R000034310007202620001")
        << "软考 numbers: R, the issuer's codes, year, level";
    EXPECT_EQ(cert->getValue<std::string>("levelScheme"), "ruankao");
    EXPECT_EQ(cert->getValue<std::string>("level"), "中级");
    EXPECT_EQ(cert->getValue<std::string>("managementNumber"), "20261201000123");

    auto pdf = http_request(service_.port(), "GET", "/v1/certificates/" + number + "/pdf", "",
                            {{"Authorization", "Bearer " + kKey}});
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    write_file(dir_.path() + "/r.pdf", pdf.body);
    const auto text = run("pdftotext", {"-layout", dir_.path() + "/r.pdf", "-"});
    ASSERT_EQ(text.status, 0);
    EXPECT_NE(text.output.find("计算机技术与软件专业技术资格证书"), std::string::npos)
        << text.output;
    EXPECT_NE(text.output.find("System Integration Project Management Engineer"), std::string::npos)
        << "the qualification's English, from the vocabulary\n"
        << text.output;
    EXPECT_NE(text.output.find("Intermediate"), std::string::npos) << text.output;
    const std::string form = ruankao_form_from_page(text.output);
    EXPECT_EQ(form,
              "examdocs-certificate-v2\n"
              "number=R000034310007202620001\n"
              "holder_name=赵建国\n"
              "id_number=120101199204156016\n"
              "occupation_code=\n"
              "occupation_name=系统集成项目管理工程师\n"
              "job=\n"
              "level_scheme=ruankao\n"
              "level=中级\n"
              "committee=\n"
              "approval_number=20261201000123\n"
              "approval_date=2026-11-20\n"
              "issuer=上海市职业技能鉴定中心\n"
              "issue_date=2026-11-25\n"
              "expiry_date=\n"
              "verification_code=" +
                  code + "\n")
        << text.output;

    const auto codes = examdocs::test::decode_codes(pdf.body, 0, ZXing::BarcodeFormat::QRCode, 150);
    ASSERT_EQ(codes.size(), 1u);
    std::string kid, signature;
    for (const auto& [k, v] : Poco::URI(codes[0]).getQueryParameters()) {
        if (k == "k") kid = v;
        if (k == "s") signature = v;
    }
    auto keys =
        parse_object(http_request(service_.port(), "GET", "/.well-known/examdocs/keys.json").body)
            ->getArray("keys");
    Poco::JSON::Object::Ptr jwk;
    for (std::size_t i = 0; keys && i < keys->size(); ++i) {
        if (keys->getObject(static_cast<unsigned>(i))->getValue<std::string>("kid") == kid)
            jwk = keys->getObject(static_cast<unsigned>(i));
    }
    ASSERT_TRUE(jwk);
    const std::string message = dir_.path() + "/ruankao-form.txt";
    const std::string signature_file = dir_.path() + "/ruankao-signature.bin";
    write_file(message, form);
    write_file(signature_file, examdocs::registry::base64url_decode(signature));
    const auto verified = openssl_verify(jwk->getValue<std::string>("crv"),
                                         public_key_pem(jwk, dir_.path()), message, signature_file);
    EXPECT_EQ(verified.status, 0) << verified.output;

    // The QR read off the page verifies; so do the number and the code typed in.
    auto by_qr =
        http_request(service_.port(), "POST", "/v1/verify", "{\"qr\":\"" + codes[0] + "\"}",
                     {{"Content-Type", "application/json"}});
    ASSERT_EQ(by_qr.status, 200) << by_qr.body;
    const auto verdict = parse_object(by_qr.body);
    EXPECT_EQ(verdict->getValue<std::string>("verdict"), "valid") << by_qr.body;
    EXPECT_EQ(verdict->getObject("certificate")->getValue<std::string>("occupationName"),
              "系统集成项目管理工程师");
    auto by_code =
        http_request(service_.port(), "GET", "/v1/certificates/" + number + "?code=" + code);
    ASSERT_EQ(by_code.status, 200) << by_code.body;
    EXPECT_EQ(parse_object(by_code.body)->getValue<std::string>("holderName"), "赵建国");
    EXPECT_EQ(parse_object(by_code.body)->getValue<std::string>("approvalDate"), "2026-11-20");

    // A qualification of another level is refused by field, before anything is issued.
    std::string wrong = body;
    wrong.replace(wrong.find("系统集成项目管理工程师"),
                  std::string("系统集成项目管理工程师").size(), "程序员");
    auto refused = issue(wrong, "paper-ruankao-2");
    ASSERT_EQ(refused.status, 422) << refused.body;
    const auto error = parse_object(refused.body)->getArray("errors")->getObject(0);
    EXPECT_EQ(error->getValue<std::string>("pointer"), "/qualification");
    EXPECT_EQ(error->getValue<std::string>("code"), "not-a-qualification");
    EXPECT_NE(error->getValue<std::string>("message").find("系统集成项目管理工程师"),
              std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PaperCheck,
                         ::testing::Values(SigningAlgorithm::ed25519, SigningAlgorithm::sm2),
                         [](const auto& test_param) {
                             return std::string(
                                 examdocs::registry::algorithm_name(test_param.param));
                         });

}  // namespace
