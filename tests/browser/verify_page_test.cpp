// The verification page in real headless Chromium (Debian's chromium package), as a
// phone that scanned the QR code would open it.
#include <Poco/File.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::registry::Certificate;

// Headless Chromium on `url` from a fresh profile with nothing phoning home, as a 390 px
// wide phone; its standard output.
std::string run_chromium(const std::vector<std::string>& extra, const std::string& url) {
    Poco::TemporaryFile profile;
    std::vector<std::string> args = {"--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--no-first-run",
                                     "--disable-quic",
                                     "--user-data-dir=" + profile.path()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(url);
    Poco::Pipe out_pipe, err_pipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch("/usr/bin/chromium", args, "", nullptr, &out_pipe, &err_pipe);
    Poco::PipeInputStream out(out_pipe), err(err_pipe);
    std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    std::string ignored((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    handle.wait();
    return text;
}

// The DOM after scripts ran.
std::string dump_dom(const std::string& url) {
    return run_chromium({"--window-size=390,844", "--dump-dom"}, url);
}

// A PNG of the page. With EXAMDOCS_UPDATE_SAMPLES=1 it is also kept as
// samples/<name>.png for the README.
std::string screenshot(const std::string& url, const std::string& name) {
    // Chromium picks the image format from the file name.
    const std::string png = Poco::TemporaryFile::tempName() + ".png";
    run_chromium({"--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=390,1000",
                  "--screenshot=" + png},
                 url);
    std::ifstream in(png, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    std::remove(png.c_str());
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, no thread changes the environment
    if (std::getenv("EXAMDOCS_UPDATE_SAMPLES") && !bytes.empty()) {
        std::ofstream(examdocs::test::source_path("samples/" + name + ".png"), std::ios::binary)
            << bytes;
    }
    return bytes;
}

class VerifyPage : public ::testing::Test {
  protected:
    VerifyPage() {
        Certificate c;
        c.holder_name = "张晓明";
        c.id_number = "120105199003071230";
        c.occupation_name = "信息通信网络运行管理员";
        c.level = 4;
        c.issuer = "天津市软件行业协会";
        c.issue_date = "2026-12-31";
        c.photo_jpeg = examdocs::test::read_file(
            examdocs::test::source_path("tests/data/photos/good_295x413.jpg"));
        cert_ = service_->registry()->issue(c, "page-test").certificate;
    }
    std::string url(const std::string& code) const {
        return "http://127.0.0.1:" + std::to_string(service_.port()) + "/verify/" + cert_.number +
               "?c=" + code + "&k=" + cert_.key_id + "&s=" + cert_.signature;
    }
    examdocs::test::RunningService service_;
    Certificate cert_;
};

TEST_F(VerifyPage, AGenuineQrShowsValidAndTheFullName) {
    const std::string dom = dump_dom(url(cert_.verification_code));
    ASSERT_NE(dom.find("<html"), std::string::npos) << "Chromium produced no page";
    EXPECT_NE(dom.find("data-verdict=\"valid\""), std::string::npos) << dom;
    EXPECT_NE(dom.find("证书有效"), std::string::npos);
    EXPECT_NE(dom.find("张晓明"), std::string::npos);
    EXPECT_NE(dom.find("四级/中级工"), std::string::npos);
    // The registered photo, inline (the page loads nothing from elsewhere).
    EXPECT_NE(dom.find("<img alt=\"登记照片 Registered photo\" src=\"data:image/jpeg;base64,/9j/"),
              std::string::npos);
    const std::string png = screenshot(url(cert_.verification_code), "verify-valid");
    EXPECT_EQ(png.substr(1, 3), "PNG") << "Chromium rendered no screenshot";
}

TEST_F(VerifyPage, AForgedCodeShowsNotGenuineAndMasksThePerson) {
    const std::string dom = dump_dom(url("0000000000000000"));
    EXPECT_NE(dom.find("data-verdict=\"forged\""), std::string::npos) << dom;
    EXPECT_EQ(dom.find("张晓明"), std::string::npos);
    EXPECT_NE(dom.find("张*明"), std::string::npos);
    EXPECT_NE(dom.find("1201**********1230"), std::string::npos);
    EXPECT_EQ(dom.find("data:image/jpeg"), std::string::npos) << "no photo for a forged QR";
    EXPECT_EQ(screenshot(url("0000000000000000"), "verify-forged").substr(1, 3), "PNG");
}

TEST_F(VerifyPage, RevocationShowsOnThePage) {
    service_->registry()->revoke(cert_.number, "信息有误");
    const std::string dom = dump_dom(url(cert_.verification_code));
    EXPECT_NE(dom.find("data-verdict=\"revoked\""), std::string::npos) << dom;
    EXPECT_NE(dom.find("信息有误"), std::string::npos);
    EXPECT_EQ(screenshot(url(cert_.verification_code), "verify-revoked").substr(1, 3), "PNG");
}

}  // namespace
