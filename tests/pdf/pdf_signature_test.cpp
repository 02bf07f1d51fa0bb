// The PAdES baseline B-B signature of certificate PDFs, checked by tools that are not
// ours: poppler's pdfsig (NSS underneath) must call it valid and notice one changed byte;
// openssl must find in the CMS what PAdES B-B asks for (SHA-256, the signing certificate,
// the ESS signing-certificate-v2 attribute, no signing-time attribute) and verify it.
#include <Poco/File.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/registry/pdf_signing_certificate.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"
#include "support/pdf_reader.h"
#include "support/samples.h"

namespace {

using namespace examdocs;

const renderers::Layout& certificate_layout() {
    static const auto catalog = renderers::LayoutCatalog::bundled();
    return *catalog.find("certificate");
}

std::string run(const std::vector<std::string>& args) {
    Poco::Pipe out;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    Poco::ProcessHandle process = Poco::Process::launch(args[0], rest, nullptr, &out, &out);
    Poco::PipeInputStream stream(out);
    std::string text;
    Poco::StreamCopier::copyToString(stream, text);
    process.wait();
    return text;
}

void write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string pdfsig(const std::string& pdf) { return test::pdfsig_report(pdf); }

class PdfSignature : public ::testing::Test {
  protected:
    void SetUp() override {
        certificate_ = std::make_unique<registry::PdfSigningCertificate>(
            registry::PdfSigningCertificate::create_default(keys_.path(), "examdocs test signer"));
        signer_.sign = [this](std::string_view bytes) { return certificate_->sign(bytes); };
    }

    std::string signed_certificate() {
        renderers::RenderContext context;
        context.signer = &signer_;
        auto outcome = renderers::render_document(certificate_layout(),
                                                  test::sample_request("certificate"), context);
        EXPECT_TRUE(outcome.document);
        return outcome.document ? outcome.document->pdf : std::string();
    }

    Poco::TemporaryFile keys_;
    std::unique_ptr<registry::PdfSigningCertificate> certificate_;
    renderers::PdfSigner signer_;
};

// The DER of the CMS in /Contents, without the placeholder's trailing zeros.
std::string cms_of(const std::string& pdf) {
    const auto at = pdf.find("/Contents <") + 11;
    const auto end = pdf.find('>', at);
    std::string der;
    for (auto i = at; i + 1 < end; i += 2) {
        der += static_cast<char>(std::stoi(pdf.substr(i, 2), nullptr, 16));
    }
    // A SEQUENCE with a long-form length: 0x30 0x8n and n length bytes.
    const auto byte = [&der](std::size_t i) { return static_cast<unsigned char>(der.at(i)); };
    EXPECT_EQ(byte(0), 0x30);
    std::size_t length = byte(1), header = 2;
    if (length & 0x80) {
        const std::size_t n = length & 0x7F;
        length = 0;
        for (std::size_t i = 0; i < n; ++i) length = (length << 8) | byte(2 + i);
        header += n;
    }
    return der.substr(0, header + length);
}

TEST_F(PdfSignature, PdfsigCallsTheSignatureValid) {
    const std::string pdf = signed_certificate();
    const std::string report = pdfsig(pdf);
    EXPECT_NE(report.find("Signature Validation: Signature is Valid."), std::string::npos)
        << report;
    EXPECT_NE(report.find("Signature Type: ETSI.CAdES.detached"), std::string::npos) << report;
    EXPECT_NE(report.find("Signing Hash Algorithm: SHA-256"), std::string::npos) << report;
    EXPECT_NE(report.find("Total document signed"), std::string::npos) << report;
    EXPECT_NE(report.find("CN=examdocs test signer"), std::string::npos) << report;
    // Self-signed: valid, but not trusted by an empty NSS database.
    EXPECT_NE(report.find("Certificate Validation:"), std::string::npos) << report;
    // And the structure stays clean for an oracle that repairs nothing.
    Poco::TemporaryFile file;
    write(file.path(), pdf);
    const std::string check = run({"qpdf", "--check", file.path()});
    EXPECT_NE(check.find("No syntax or stream encoding errors found"), std::string::npos) << check;
    EXPECT_EQ(check.find("WARNING"), std::string::npos) << check;
}

TEST_F(PdfSignature, OneChangedByteInTheSignedRangeMakesItInvalid) {
    std::string pdf = signed_certificate();
    const auto lang = pdf.find("/Lang (zh-CN)");
    ASSERT_NE(lang, std::string::npos);
    ASSERT_LT(pdf.find("/Contents <"), lang) << "the catalog comes after the signature";
    pdf[lang + 11] = 'M';  // zh-CM: the file stays well-formed
    const std::string report = pdfsig(pdf);
    EXPECT_NE(report.find("Signature Validation:"), std::string::npos) << report;
    EXPECT_EQ(report.find("Signature is Valid."), std::string::npos) << report;
}

TEST_F(PdfSignature, TheCmsIsPadesBaselineB) {
    const std::string pdf = signed_certificate();
    Poco::TemporaryFile der;
    write(der.path(), cms_of(pdf));
    const std::string dump =
        run({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", der.path()});
    EXPECT_NE(dump.find("contentType: pkcs7-signed"), std::string::npos) << dump;
    EXPECT_NE(dump.find("algorithm: sha256"), std::string::npos) << "SHA-256 digest\n" << dump;
    EXPECT_NE(dump.find("algorithm: ecdsa-with-SHA256"), std::string::npos) << dump;
    EXPECT_NE(dump.find("eContent: <ABSENT>"), std::string::npos) << "detached\n" << dump;
    EXPECT_NE(dump.find("CN=examdocs test signer"), std::string::npos)
        << "the signing certificate is embedded\n"
        << dump;
    EXPECT_NE(dump.find("id-smime-aa-signingCertificateV2"), std::string::npos) << dump;
    EXPECT_NE(dump.find("messageDigest"), std::string::npos) << dump;
    EXPECT_EQ(dump.find("signingTime"), std::string::npos)
        << "PAdES: the claimed time is /M, not a CMS attribute\n"
        << dump;

    // And the signature verifies over the bytes the /ByteRange names.
    const auto contents = pdf.find("/Contents <") + 10;
    const auto after = pdf.find('>', contents) + 1;
    Poco::TemporaryFile covered;
    write(covered.path(), pdf.substr(0, contents) + pdf.substr(after));
    const std::string verified =
        run({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", der.path(),
             "-content", covered.path(), "-noverify", "-out", "/dev/null"});
    EXPECT_NE(verified.find("Verification successful"), std::string::npos) << verified;
}

TEST_F(PdfSignature, EveryCertificateOfAZipIsSignedAndAMergedFileIsNot) {
    std::ostringstream records;
    for (int i = 0; i < 2; ++i) {
        Poco::JSON::Stringifier::condense(test::sample_request("certificate"), records);
        records << '\n';
    }
    for (const auto output : {bulk::OutputKind::zip, bulk::OutputKind::merged_pdf}) {
        std::istringstream in(records.str());
        auto reader = bulk::open_records(in, bulk::InputFormat::ndjson, certificate_layout());
        bulk::PrintOptions options;
        options.output = output;
        options.signer = &signer_;
        std::ostringstream out;
        const auto summary = bulk::print_records(*reader, certificate_layout(), out, options);
        ASSERT_EQ(summary.printed, 2U);
        if (output == bulk::OutputKind::merged_pdf) {
            EXPECT_EQ(out.str().find("/Type /Sig"), std::string::npos) << "a print file";
            continue;
        }
        std::istringstream zip(out.str());
        Poco::Zip::ZipArchive archive(zip);
        int signed_entries = 0;
        for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
            std::istringstream again(out.str());
            Poco::Zip::ZipInputStream entry(again, it->second);
            std::string pdf;
            Poco::StreamCopier::copyToString(entry, pdf);
            const std::string report = pdfsig(pdf);
            EXPECT_NE(report.find("Signature is Valid."), std::string::npos) << it->first << report;
            ++signed_entries;
        }
        EXPECT_EQ(signed_entries, 2);
    }
}

TEST_F(PdfSignature, ACmsTooLargeForItsRoomIsAFault) {
    renderers::PdfSigner small = signer_;
    small.reserved_bytes = 64;
    renderers::RenderContext context;
    context.signer = &small;
    EXPECT_THROW(renderers::render_document(certificate_layout(),
                                            test::sample_request("certificate"), context),
                 std::runtime_error);
}

TEST_F(PdfSignature, TheDefaultPairIsKeptAndItsKeyIsPrivate) {
    const std::string key = Poco::Path(keys_.path(), "pdf-signing.key").toString();
    struct stat info {};
    ASSERT_EQ(stat(key.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    const auto again = registry::PdfSigningCertificate::open_default(keys_.path(), "another name");
    EXPECT_EQ(again.sha256_fingerprint(), certificate_->sha256_fingerprint());
    EXPECT_TRUE(again.self_signed());
    EXPECT_EQ(again.subject(), "CN=examdocs test signer");
    const auto years = std::chrono::duration_cast<std::chrono::hours>(
                           again.not_after() - std::chrono::system_clock::now())
                           .count() /
                       (24 * 365);
    EXPECT_EQ(years, 5);
}

TEST_F(PdfSignature, AnOperatorsCertificateMustMatchItsKeyAndNotBeEd25519) {
    Poco::TemporaryFile other;
    registry::PdfSigningCertificate::create_default(other.path(), "other");
    const std::string cert = Poco::Path(keys_.path(), "pdf-signing.crt").toString();
    const std::string foreign_key = Poco::Path(other.path(), "pdf-signing.key").toString();
    try {
        registry::PdfSigningCertificate::load(cert, foreign_key);
        FAIL() << "a key of another certificate was taken";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("does not belong"), std::string::npos) << e.what();
    }
    Poco::TemporaryFile ed25519;
    run({"openssl", "genpkey", "-algorithm", "ed25519", "-out", ed25519.path()});
    try {
        registry::PdfSigningCertificate::load(cert, ed25519.path());
        FAIL() << "an Ed25519 key was taken";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("ECDSA or RSA"), std::string::npos) << e.what();
    }
    // An operator's RSA certificate with its key signs as well.
    Poco::TemporaryFile rsa_dir;
    Poco::File(rsa_dir.path()).createDirectories();
    const std::string rsa_key = Poco::Path(rsa_dir.path(), "key.pem").toString();
    const std::string rsa_cert = Poco::Path(rsa_dir.path(), "cert.pem").toString();
    run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", rsa_key, "-out",
         rsa_cert, "-subj", "/CN=operator RSA", "-days", "30"});
    const auto rsa = registry::PdfSigningCertificate::load(rsa_cert, rsa_key);
    renderers::PdfSigner signer;
    signer.sign = [&rsa](std::string_view bytes) { return rsa.sign(bytes); };
    renderers::RenderContext context;
    context.signer = &signer;
    auto outcome = renderers::render_document(certificate_layout(),
                                              test::sample_request("certificate"), context);
    ASSERT_TRUE(outcome.document);
    const std::string report = pdfsig(outcome.document->pdf);
    EXPECT_NE(report.find("Signature is Valid."), std::string::npos) << report;
    EXPECT_NE(report.find("CN=operator RSA"), std::string::npos) << report;
}

}  // namespace
