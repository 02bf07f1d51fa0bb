// /v1/photos/* through a real server: raw, multipart and JSON uploads, reports, refusals.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "examdocs/service/service.h"
#include "support/http_client.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace svc = examdocs::service;
using examdocs::test::http_request;

namespace {

using examdocs::test::parse_object;

std::string fixture(const std::string& name) {
    return examdocs::test::read_file(examdocs::test::source_path("tests/data/photos/" + name));
}

class PhotosApi : public ::testing::Test {
  protected:
    examdocs::test::HttpReply post(const std::string& path, const std::string& body,
                                   const std::string& type) {
        return http_request(port_, "POST", path, body, {{"Content-Type", type}});
    }

    examdocs::test::RunningService service_{
        [](svc::Settings& s) { s.max_photo_bytes = 200 * 1024; }};
    std::uint16_t port_ = service_.port();
};

TEST_F(PhotosApi, APassingPhotoAndAFailingOneAreBoth200) {
    auto good = post("/v1/photos/check?profile=ruankao", fixture("good_413x579.jpg"), "image/jpeg");
    ASSERT_EQ(good.status, 200) << good.body;
    EXPECT_EQ(parse_object(good.body)->getValue<std::string>("verdict"), "pass");

    auto grey =
        post("/v1/photos/check?profile=ruankao", fixture("grey_background.jpg"), "image/jpeg");
    ASSERT_EQ(grey.status, 200);
    auto report = parse_object(grey.body);
    EXPECT_EQ(report->getValue<std::string>("verdict"), "fail");
    auto checks = report->getArray("checks");
    bool background_failed = false;
    for (unsigned i = 0; i < checks->size(); ++i) {
        auto c = checks->getObject(i);
        if (c->getValue<std::string>("code") == "background") {
            background_failed = !c->getValue<bool>("passed");
            EXPECT_FALSE(c->getObject("message")->getValue<std::string>("zh").empty());
        }
    }
    EXPECT_TRUE(background_failed);
}

TEST_F(PhotosApi, MultipartAndJsonUploadsWork) {
    // (good_295x413.jpg is 30,182 bytes, under 软考's 30K: photo_check_test.)
    const std::string photo = fixture("good_413x579.jpg");
    const std::string boundary = "----examdocs-test-boundary";
    std::string form = "--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" +
                       boundary +
                       "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"me.jpg\"\r\n"
                       "Content-Type: image/jpeg\r\n\r\n" +
                       photo + "\r\n--" + boundary + "--\r\n";
    auto multipart =
        post("/v1/photos/check?profile=ruankao", form, "multipart/form-data; boundary=" + boundary);
    ASSERT_EQ(multipart.status, 200) << multipart.body;
    EXPECT_EQ(parse_object(multipart.body)->getValue<std::string>("verdict"), "pass");

    const std::string json =
        "{\"photo\":\"" + examdocs::test::photo_base64("good_413x579.jpg") + "\"}";
    auto as_json = post("/v1/photos/check?profile=ruankao", json, "application/json");
    ASSERT_EQ(as_json.status, 200) << as_json.body;
    EXPECT_EQ(parse_object(as_json.body)->getValue<std::string>("verdict"), "pass");
}

TEST_F(PhotosApi, WhatIsNotAPhotoIsRefusedClearly) {
    auto text = post("/v1/photos/check?profile=ruankao", "hello", "image/jpeg");
    EXPECT_EQ(text.status, 422);
    EXPECT_EQ(parse_object(text.body)->getValue<std::string>("type"),
              "urn:examdocs:problem:not-an-image");

    auto truncated = post("/v1/photos/check?profile=ruankao",
                          fixture("good_295x413.jpg").substr(0, 9000), "image/jpeg");
    EXPECT_EQ(truncated.status, 422);

    auto gif = post("/v1/photos/check?profile=ruankao", "GIF89a\x01\x00\x01\x00", "image/jpeg");
    EXPECT_EQ(gif.status, 415);

    auto form_type =
        post("/v1/photos/check?profile=ruankao", "a=b", "application/x-www-form-urlencoded");
    EXPECT_EQ(form_type.status, 415);

    auto no_profile = post("/v1/photos/check", fixture("good_295x413.jpg"), "image/jpeg");
    EXPECT_EQ(no_profile.status, 422);
    auto unknown =
        post("/v1/photos/check?profile=passport", fixture("good_295x413.jpg"), "image/jpeg");
    EXPECT_EQ(unknown.status, 422);
    EXPECT_EQ(
        parse_object(unknown.body)->getArray("errors")->getObject(0)->getValue<std::string>("code"),
        "unknown-profile");

    auto empty = post("/v1/photos/check?profile=ruankao", "", "image/jpeg");
    EXPECT_EQ(empty.status, 422);

    auto huge =
        post("/v1/photos/check?profile=ruankao", std::string(300 * 1024, 'x'), "image/jpeg");
    EXPECT_EQ(huge.status, 413);
    EXPECT_EQ(http_request(port_, "GET", "/health/live").status, 200);
}

TEST_F(PhotosApi, NormalizeReturnsAPhotoThatPasses) {
    auto fixed =
        post("/v1/photos/normalize?profile=ruankao", fixture("grey_background.jpg"), "image/jpeg");
    ASSERT_EQ(fixed.status, 200) << fixed.body;
    EXPECT_EQ(fixed.content_type, "image/jpeg");
    auto recheck = post("/v1/photos/check?profile=ruankao", fixed.body, "image/jpeg");
    EXPECT_EQ(parse_object(recheck.body)->getValue<std::string>("verdict"), "pass") << recheck.body;

    auto no_face = post(
        "/v1/photos/normalize?profile=ruankao",
        examdocs::test::read_file(examdocs::test::source_path("tests/fuzz/corpus/photo/png-bomb")),
        "image/png");
    EXPECT_EQ(no_face.status, 422) << no_face.body;
}

TEST_F(PhotosApi, ListsTheProfiles) {
    auto reply = http_request(port_, "GET", "/v1/photo-profiles");
    ASSERT_EQ(reply.status, 200);
    auto profiles = parse_object(reply.body)->getArray("profiles");
    std::set<std::string> names;
    for (unsigned i = 0; i < profiles->size(); ++i) {
        names.insert(profiles->getObject(i)->getValue<std::string>("name"));
    }
    EXPECT_EQ(names, (std::set<std::string>{"attachment", "ga461", "ruankao", "skill-cert"}));
}

}  // namespace
