#include "examdocs/fonts/font_manifest.h"

#include <Poco/SHA2Engine.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace {

using namespace examdocs::fonts;

TEST(FontManifest, BundledManifestNamesZenHeiFirstWithItsPackage) {
    const auto& fonts = bundled_fonts();
    ASSERT_GE(fonts.size(), 1u);
    EXPECT_EQ(fonts[0].id, "zenhei");
    EXPECT_EQ(fonts[0].role, "primary");
    EXPECT_EQ(fonts[0].package, "fonts-wqy-zenhei");
    EXPECT_EQ(fonts[0].face, 0);
    for (const auto& f : fonts) {
        EXPECT_EQ(f.sha256.size(), 64u) << f.id;
        EXPECT_FALSE(f.licence.empty()) << f.id;
    }
}

TEST(FontManifest, InstalledFontsMatchTheManifest) {
    for (const auto& check : verify_fonts(bundled_fonts())) {
        EXPECT_TRUE(check.ok) << check.id << ": " << check.detail;
    }
}

TEST(FontManifest, MissingAndAlteredFilesAreReportedWithoutPaths) {
    Poco::TemporaryFile altered;
    std::ofstream(altered.path()) << "not a font";
    std::vector<FontEntry> fonts{
        {"gone", "Gone", "primary", "/nonexistent/dir/gone.ttf", 0, "fonts-gone", "1", "00", "x"},
        {"altered", "Altered", "fallback", altered.path(), 0, "fonts-alt", "2",
         std::string(64, 'a'), "x"}};
    auto checks = verify_fonts(fonts);
    ASSERT_EQ(checks.size(), 2u);
    EXPECT_FALSE(checks[0].ok);
    EXPECT_NE(checks[0].detail.find("fonts-gone"), std::string::npos);
    EXPECT_EQ(checks[0].detail.find("/nonexistent"), std::string::npos);
    EXPECT_FALSE(checks[1].ok);
    EXPECT_NE(checks[1].detail.find("sha256 mismatch"), std::string::npos);
    EXPECT_EQ(checks[1].detail.find(altered.path()), std::string::npos);
}

std::string sha256_of(const std::string& text) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(text);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(FontManifest, TheCachedCheckTrustsARecordOnlyForTheVerySameFile) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    ASSERT_EQ(::setenv("EXAMDOCS_CACHE_DIR", dir.path().c_str(), 1), 0);
    const std::string cache = dir.path() + "/font-sha256";
    EXPECT_EQ(hash_cache_file(), cache);
    Poco::TemporaryFile font;
    std::ofstream(font.path()) << "the font's bytes";
    // A record for this very file (device, inode, size, times) with another hash: what a
    // cached check trusts, and a full check replaces.
    struct stat st {};
    ASSERT_EQ(::stat(font.path().c_str(), &st), 0);
    const std::string forged(64, 'f');
    std::ofstream(cache) << forged << ' ' << st.st_dev << ' ' << st.st_ino << ' ' << st.st_size
                         << ' ' << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec << ' '
                         << st.st_ctim.tv_sec << '.' << st.st_ctim.tv_nsec << ' ' << font.path()
                         << '\n';
    FontEntry entry{"f", "F", "primary", font.path(), 0, "fonts-f", "1", forged, "x"};
    EXPECT_TRUE(verify_fonts({entry}, HashCheck::cached)[0].ok) << "the record is trusted";
    EXPECT_FALSE(verify_fonts({entry}, HashCheck::full)[0].ok) << "a full check reads the file";
    const std::string real = sha256_of("the font's bytes");
    EXPECT_NE(read_all(cache).find(real), std::string::npos);
    EXPECT_EQ(read_all(cache).find(forged), std::string::npos);

    // Rewritten, the file no longer matches its record: the cached check reads it.
    std::ofstream(font.path()) << "other bytes of another size";
    entry.sha256 = real;
    EXPECT_FALSE(verify_fonts({entry}, HashCheck::cached)[0].ok);
    entry.sha256 = sha256_of("other bytes of another size");
    EXPECT_TRUE(verify_fonts({entry}, HashCheck::cached)[0].ok);
    EXPECT_EQ(read_all(cache).find(real), std::string::npos) << "the stale record is dropped";
    ::unsetenv("EXAMDOCS_CACHE_DIR");
}

TEST(FontManifest, MalformedManifestNamesTheField) {
    try {
        parse_font_manifest(R"({"fonts":[{"id":"a","family":"b","role":"primary"}]})");
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("fonts[0].file"), std::string::npos) << e.what();
    }
}

}  // namespace

namespace {

using namespace examdocs::fonts;

TEST(OutputIntentProfile, TheManifestNamesTheSrgbProfileOfItsPackage) {
    const auto& profile = bundled_output_intent();
    EXPECT_EQ(profile.id, "srgb");
    EXPECT_EQ(profile.package, "icc-profiles-free");
    EXPECT_EQ(profile.sha256.size(), 64U);
    EXPECT_FALSE(profile.licence.empty());
    const FontCheck check = verify_output_intent(profile);
    EXPECT_TRUE(check.ok) << check.detail;
    const std::string& bytes = output_intent_profile();
    ASSERT_GE(bytes.size(), 128U);
    EXPECT_EQ(bytes.substr(36, 4), "acsp") << "an ICC profile";
    EXPECT_EQ(bytes.substr(16, 4), "RGB ");
}

TEST(OutputIntentProfile, AnAlteredProfileIsReportedByItsPackage) {
    Poco::TemporaryFile altered;
    std::ofstream(altered.path()) << "not a profile";
    ColourProfileEntry profile{
        "srgb", "sRGB", altered.path(), "icc-profiles-free", "1", std::string(64, 'a'), "Zlib"};
    const FontCheck check = verify_output_intent(profile);
    EXPECT_FALSE(check.ok);
    EXPECT_NE(check.detail.find("sha256 mismatch"), std::string::npos) << check.detail;
    EXPECT_NE(check.detail.find("icc-profiles-free"), std::string::npos) << check.detail;
    EXPECT_EQ(check.detail.find(altered.path()), std::string::npos) << check.detail;
}

TEST(OutputIntentProfile, AManifestWithoutItNamesTheField) {
    try {
        parse_output_intent(R"({"fonts":[],"outputIntent":{"id":"srgb"}})");
        FAIL() << "accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("outputIntent.description"), std::string::npos)
            << e.what();
    }
}

}  // namespace
