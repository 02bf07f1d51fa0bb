// The clerk's page and its sign-in as a script (or an attacker's page) meets them, at the
// HTTP level: no session → the sign-in page; the sign-in form only with its own cookie and
// token and a known key; forms without the session's CSRF token refused before anything is
// kept; a key without `print` gets a 403 page; a tampered cookie is no session; the same
// upload as the browser's starts a job whose result downloads with a readable name.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Path.h>
#include <Poco/URI.h>
#include <Poco/Zip/Compress.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::test::http_request;
using examdocs::test::HttpReply;

const std::string kClerkKey = "exd_clerk-key-for-the-http-test-00001";
const std::string kReaderKey = "exd_reader-key-for-the-http-test-0002";

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string header(const HttpReply& reply, const std::string& name) {
    const auto it = reply.headers.find(name);
    return it == reply.headers.end() ? std::string() : it->second;
}

// "name=value; Path=/; …" → "name=value", for the next request's Cookie header.
std::string cookie_pair(const std::string& set_cookie) {
    return set_cookie.substr(0, set_cookie.find(';'));
}

// The value of the hidden csrf field on a page.
std::string csrf_of(const std::string& html) {
    const std::string mark = "name=\"csrf\" value=\"";
    const auto at = html.find(mark);
    if (at == std::string::npos) return {};
    const auto from = at + mark.size();
    return html.substr(from, html.find('"', from) - from);
}

std::string form_encoded(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
        std::string encoded;
        Poco::URI::encode(value, "&=+/?#%", encoded);
        body += (body.empty() ? "" : "&") + name + "=" + encoded;
    }
    return body;
}

struct Part {
    std::string name, filename, bytes;
};

std::string multipart(const std::vector<Part>& parts, const std::string& boundary) {
    std::string body;
    for (const auto& p : parts) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
        if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
        body += "\r\n\r\n" + p.bytes + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

std::string photos_zip() {
    std::ostringstream out;
    Poco::Zip::Compress compress(out, true);
    for (const char* photo : {"good_295x413.jpg", "good_413x579.jpg"}) {
        compress.addFile(
            Poco::Path(examdocs::test::source_path("samples/photos/" + std::string(photo))),
            Poco::Path(std::string("photos/") + photo));
    }
    compress.close();
    return out.str();
}

class PrintPageHttp : public ::testing::Test {
  protected:
    PrintPageHttp()
        : service_([](examdocs::service::Settings& s) {
              s.api_keys = "clerk:" + examdocs::test::sha256_hex(kClerkKey) +
                           ":print,reader:" + examdocs::test::sha256_hex(kReaderKey) + ":read";
          }) {}

    std::uint16_t port() const { return service_.port(); }

    // Signs in as a browser does (the form's page, then the form); the session's cookie.
    std::string sign_in(const std::string& key) {
        const auto page = http_request(port(), "GET", "/sign-in");
        EXPECT_EQ(page.status, 200);
        const auto reply = http_request(
            port(), "POST", "/sign-in",
            form_encoded({{"csrf", csrf_of(page.body)}, {"next", "/print"}, {"key", key}}),
            {{"Content-Type", "application/x-www-form-urlencoded"},
             {"Cookie", cookie_pair(header(page, "Set-Cookie"))}});
        EXPECT_EQ(reply.status, 303) << reply.body;
        return cookie_pair(header(reply, "Set-Cookie"));
    }

    int jobs_listed() {
        const auto list =
            http_request(port(), "GET", "/v1/jobs", "", {{"Authorization", "Bearer " + kClerkKey}});
        EXPECT_EQ(list.status, 200) << list.body;
        return static_cast<int>(examdocs::test::parse_object(list.body)->getArray("jobs")->size());
    }

    examdocs::test::RunningService service_;
};

TEST_F(PrintPageHttp, WithoutASessionThePagesSendToTheSignIn) {
    const auto print = http_request(port(), "GET", "/print?layout=score-notice");
    EXPECT_EQ(print.status, 303);
    EXPECT_EQ(header(print, "Location"), "/sign-in?next=%2Fprint%3Flayout%3Dscore-notice");
    const auto job = http_request(port(), "GET", "/print/jobs/0123abcd");
    EXPECT_EQ(job.status, 303);
    EXPECT_EQ(header(job, "Location"), "/sign-in?next=%2Fprint%2Fjobs%2F0123abcd");
    const auto result = http_request(port(), "GET", "/print/jobs/0123abcd/result");
    EXPECT_EQ(result.status, 303);

    // A form sent without a session: the sign-in page itself, 401.
    const auto post = http_request(port(), "POST", "/print/jobs", "x",
                                   {{"Content-Type", "multipart/form-data; boundary=b"}});
    EXPECT_EQ(post.status, 401);
    EXPECT_TRUE(has(post.content_type, "text/html"));
    EXPECT_TRUE(has(post.body, "action=\"/sign-in\" method=\"post\""));

    const auto page = http_request(port(), "GET", "/sign-in?next=%2Fprint%3Flayout%3Dscore-notice");
    EXPECT_EQ(page.status, 200);
    EXPECT_TRUE(has(page.body, "name=\"next\" value=\"/print?layout=score-notice\""));
    EXPECT_TRUE(has(page.body, "type=\"password\""));
    const std::string cookie = header(page, "Set-Cookie");
    EXPECT_TRUE(has(cookie, "examdocs-sign-in="));
    EXPECT_TRUE(has(cookie, "HttpOnly"));
    EXPECT_TRUE(has(cookie, "SameSite=Strict"));
    EXPECT_FALSE(csrf_of(page.body).empty());
}

TEST_F(PrintPageHttp, SignInNeedsItsOwnFormAndAKnownKey) {
    const auto page = http_request(port(), "GET", "/sign-in");
    const std::string form_cookie = cookie_pair(header(page, "Set-Cookie"));
    const std::string token = csrf_of(page.body);
    const std::map<std::string, std::string> form_type = {
        {"Content-Type", "application/x-www-form-urlencoded"}};
    auto post = [&](const std::vector<std::pair<std::string, std::string>>& fields,
                    const std::string& cookie) {
        auto headers = form_type;
        if (!cookie.empty()) headers["Cookie"] = cookie;
        return http_request(port(), "POST", "/sign-in", form_encoded(fields), headers);
    };

    // Another site posting the form (login CSRF): it has neither our cookie nor the token.
    const auto no_cookie = post({{"csrf", token}, {"key", kClerkKey}}, "");
    EXPECT_EQ(no_cookie.status, 403);
    EXPECT_FALSE(has(header(no_cookie, "Set-Cookie"), "examdocs-session="));
    const auto wrong_token =
        post({{"csrf", "AAAA" + token.substr(4)}, {"key", kClerkKey}}, form_cookie);
    EXPECT_EQ(wrong_token.status, 403);
    EXPECT_FALSE(has(header(wrong_token, "Set-Cookie"), "examdocs-session="));

    const auto wrong_key = post({{"csrf", token}, {"key", "exd_not-a-key"}}, form_cookie);
    EXPECT_EQ(wrong_key.status, 401);
    EXPECT_TRUE(has(wrong_key.body, "That key is not known here."));
    EXPECT_FALSE(has(header(wrong_key, "Set-Cookie"), "examdocs-session="));

    // Only a path of ours to go on to, never another site.
    const auto right =
        post({{"csrf", token}, {"key", kClerkKey}, {"next", "//evil.example/x"}}, form_cookie);
    EXPECT_EQ(right.status, 303);
    EXPECT_EQ(header(right, "Location"), "/print");
    const std::string session = header(right, "Set-Cookie");
    EXPECT_EQ(session.rfind("examdocs-session=", 0), 0U) << session;
    EXPECT_TRUE(has(session, "HttpOnly"));
    EXPECT_TRUE(has(session, "SameSite=Strict"));
    // A cookie that ends with the browser; the signed expiry ends it after 8 hours anyway.
    EXPECT_FALSE(has(session, "Max-Age")) << session;
    EXPECT_FALSE(has(session, kClerkKey)) << "the cookie must not carry the key";

    const auto print =
        http_request(port(), "GET", "/print", "", {{"Cookie", cookie_pair(session)}});
    EXPECT_EQ(print.status, 200);
    EXPECT_TRUE(has(print.body, "Signed in as"));
    EXPECT_TRUE(has(print.body, "<b>clerk</b>"));

    // A cookie changed by one character is no session at all.
    std::string tampered = cookie_pair(session);
    tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
    const auto forged = http_request(port(), "GET", "/print", "", {{"Cookie", tampered}});
    EXPECT_EQ(forged.status, 303);
}

TEST_F(PrintPageHttp, AKeyWithoutTheRightGetsA403Page) {
    const std::string reader = sign_in(kReaderKey);
    for (const char* path : {"/print", "/print/jobs/0123abcd", "/print/jobs/0123abcd/result"}) {
        SCOPED_TRACE(path);
        const auto reply = http_request(port(), "GET", path, "", {{"Cookie", reader}});
        EXPECT_EQ(reply.status, 403);
        EXPECT_TRUE(has(reply.content_type, "text/html"));
        EXPECT_TRUE(has(reply.body, "does not have the right &#39;print&#39;")) << reply.body;
        EXPECT_TRUE(has(reply.body, "href=\"/sign-in\""));
    }
}

TEST_F(PrintPageHttp, FormsWithoutTheSessionsTokenAreRefusedAndWithItAJobStarts) {
    const std::string session = sign_in(kClerkKey);
    const auto page = http_request(port(), "GET", "/print", "", {{"Cookie", session}});
    ASSERT_EQ(page.status, 200);
    const std::string token = csrf_of(page.body);
    ASSERT_FALSE(token.empty());
    // The form offers the admission ticket's shared fields, not a candidate's.
    EXPECT_TRUE(has(page.body, "name=\"default/exam/title\""));
    EXPECT_TRUE(has(page.body, "name=\"lines/notes\""));
    EXPECT_FALSE(has(page.body, "name=\"default/candidate/name\""));

    const std::string boundary = "----clerk-form";
    const std::map<std::string, std::string> headers = {
        {"Cookie", session}, {"Content-Type", "multipart/form-data; boundary=" + boundary}};
    const std::string workbook = examdocs::test::read_file(EXAMDOCS_XLSX_DIR "/clerk.xlsx");
    auto upload = [&](const std::vector<Part>& first) {
        std::vector<Part> parts = first;
        parts.push_back({"layout", "", "admission-ticket"});
        parts.push_back({"records", "考生名单.xlsx", workbook});
        parts.push_back({"photos", "照片.zip", photos_zip()});
        parts.push_back({"default/exam/title", "", "2026年第二批职业技能等级认定"});
        parts.push_back({"default/centre/name", "", "天津市职业技能鉴定第一考点"});
        parts.push_back({"default/centre/address", "", "天津市南开区卫津路94号"});
        parts.push_back({"default/organizer", "", "天津市软件行业协会"});
        parts.push_back({"lines/notes", "", "请携带身份证原件。\r\n\r\n考前30分钟到达。\r\n"});
        return http_request(port(), "POST", "/print/jobs", multipart(parts, boundary), headers);
    };

    const auto without = upload({});
    EXPECT_EQ(without.status, 403);
    EXPECT_TRUE(has(without.body, "CSRF"));
    const auto wrong = upload({{"csrf", "", "AAAA" + token.substr(4)}});
    EXPECT_EQ(wrong.status, 403);
    // The browser says the form comes from another site: refused even with the token.
    auto cross = headers;
    cross["Sec-Fetch-Site"] = "cross-site";
    std::vector<Part> parts = {
        {"csrf", "", token}, {"layout", "", "admission-ticket"}, {"records", "c.xlsx", workbook}};
    EXPECT_EQ(http_request(port(), "POST", "/print/jobs", multipart(parts, boundary), cross).status,
              403);
    EXPECT_EQ(jobs_listed(), 0) << "a refused form must not start a job";
    // A field outside the shared ones (a candidate's own) is refused by name.
    const auto candidate = upload({{"csrf", "", token}, {"default/candidate/name", "", "张三"}});
    EXPECT_EQ(candidate.status, 422);
    EXPECT_TRUE(has(candidate.body, "default/candidate/name")) << candidate.body;
    EXPECT_EQ(jobs_listed(), 0);

    const auto started = upload({{"csrf", "", token}});
    ASSERT_EQ(started.status, 303) << started.body;
    const std::string location = header(started, "Location");
    ASSERT_EQ(location.rfind("/print/jobs/", 0), 0U) << location;
    const std::string id = location.substr(12);
    EXPECT_EQ(jobs_listed(), 1);

    // Waits on the job's state, as the page shows it.
    std::string job_page;
    for (int i = 0; i < 600; ++i) {
        job_page = http_request(port(), "GET", location, "", {{"Cookie", session}}).body;
        if (has(job_page, "data-state=\"done\"") || has(job_page, "data-state=\"failed\"")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_TRUE(has(job_page, "data-state=\"done\"")) << job_page;
    EXPECT_TRUE(has(job_page, "<dd id=\"printed\">11</dd>"));
    EXPECT_TRUE(has(job_page, "href=\"/print/jobs/" + id + "/result\""));
    EXPECT_FALSE(has(job_page, "http-equiv=\"refresh\"")) << "an ended job stops refreshing";

    // The download, with the session; the document's name for browsers and a readable
    // ASCII one for everything else.
    const auto pdf = http_request(port(), "GET", location + "/result", "", {{"Cookie", session}});
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.content_type, "application/pdf");
    const auto facts = examdocs::test::read_pdf(pdf.body);
    EXPECT_EQ(facts.pages, 11);
    EXPECT_TRUE(has(facts.all_text, "考前30分钟到达。"));
    const std::string disposition = header(pdf, "Content-Disposition");
    EXPECT_TRUE(has(disposition, "attachment; filename=\"zhunkaozheng-")) << disposition;
    EXPECT_TRUE(has(disposition, "-" + id.substr(0, 8) + ".pdf\"")) << disposition;
    EXPECT_TRUE(has(disposition, "filename*=UTF-8''%E5%87%86%E8%80%83%E8%AF%81-")) << disposition;
    // The API's download is the same file under the same name.
    const auto api = http_request(port(), "GET", "/v1/jobs/" + id + "/result", "",
                                  {{"Authorization", "Bearer " + kClerkKey}});
    EXPECT_EQ(api.body, pdf.body);
    EXPECT_EQ(header(api, "Content-Disposition"), disposition);

    // Signing out takes the token too; then the cookie is cleared.
    const std::map<std::string, std::string> form = {
        {"Cookie", session}, {"Content-Type", "application/x-www-form-urlencoded"}};
    EXPECT_EQ(http_request(port(), "POST", "/sign-out", "", form).status, 403);
    const auto out =
        http_request(port(), "POST", "/sign-out", form_encoded({{"csrf", token}}), form);
    EXPECT_EQ(out.status, 303);
    EXPECT_TRUE(has(header(out, "Set-Cookie"), "examdocs-session=; ")) << header(out, "Set-Cookie");
    EXPECT_TRUE(has(header(out, "Set-Cookie"), "Max-Age=0"));
}

}  // namespace
