#include "examdocs/fonts/font_manifest.h"

#include <Poco/DigestStream.h>
#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace examdocs::embedded {
std::string_view font_manifest_json();
}

namespace examdocs::fonts {

namespace {

std::string required_string(const Poco::JSON::Object& o, const std::string& key,
                            std::size_t index) {
    if (!o.has(key) || !o.get(key).isString()) {
        throw std::invalid_argument("font manifest: fonts[" + std::to_string(index) + "]." + key +
                                    " must be a string");
    }
    return o.getValue<std::string>(key);
}

std::string hash_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open");
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    Poco::DigestOutputStream digest(engine);
    Poco::StreamCopier::copyStream(in, digest);
    digest.close();
    return Poco::DigestEngine::digestToHex(engine.digest());
}

// The sha256 of a font file, hashed once per process while the file stays the same
// (device, inode, size, modification time): a process that starts several services (the
// HTTP tests start one per case) or checks again reads ~60 MB once, not each time.
std::string sha256_of_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat");
    const std::string key = path + '\n' + std::to_string(st.st_dev) + ':' +
                            std::to_string(st.st_ino) + ':' + std::to_string(st.st_size) + ':' +
                            std::to_string(st.st_mtim.tv_sec) + '.' +
                            std::to_string(st.st_mtim.tv_nsec);
    static std::mutex mutex;
    static std::map<std::string, std::string> hashed;
    {
        std::lock_guard lock(mutex);
        if (auto it = hashed.find(key); it != hashed.end()) return it->second;
    }
    std::string sha256 = hash_file(path);
    std::lock_guard lock(mutex);
    hashed[key] = sha256;
    return sha256;
}

}  // namespace

std::vector<FontEntry> parse_font_manifest(std::string_view json) {
    Poco::JSON::Parser parser;
    auto root = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    auto list = root->getArray("fonts");
    if (!list) throw std::invalid_argument("font manifest: 'fonts' must be an array");
    std::vector<FontEntry> fonts;
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto o = list->getObject(static_cast<unsigned>(i));
        if (!o) throw std::invalid_argument("font manifest: fonts[] must hold objects");
        FontEntry f;
        f.id = required_string(*o, "id", i);
        f.family = required_string(*o, "family", i);
        f.role = required_string(*o, "role", i);
        f.file = required_string(*o, "file", i);
        f.face = o->optValue<int>("face", 0);
        f.package = required_string(*o, "package", i);
        f.package_version = required_string(*o, "packageVersion", i);
        f.sha256 = required_string(*o, "sha256", i);
        f.licence = required_string(*o, "licence", i);
        fonts.push_back(std::move(f));
    }
    return fonts;
}

const std::vector<FontEntry>& bundled_fonts() {
    static const std::vector<FontEntry> fonts = parse_font_manifest(embedded::font_manifest_json());
    return fonts;
}

namespace {

FontCheck check_file(const std::string& id, const std::string& file, const std::string& package,
                     const std::string& package_version, const std::string& sha256) {
    FontCheck c{id, false, {}};
    if (!Poco::File(file).exists()) {
        c.detail = "missing: install the Debian package " + package;
        return c;
    }
    try {
        std::string actual = sha256_of_file(file);
        if (actual == sha256) {
            c.ok = true;
            c.detail = "ok";
        } else {
            c.detail = "sha256 mismatch: expected the file of " + package + " " + package_version +
                       ", found " + actual.substr(0, 16) + "…";
        }
    } catch (const std::exception&) {
        c.detail = "unreadable: check the permissions of the file of " + package;
    }
    return c;
}

}  // namespace

std::vector<FontCheck> verify_fonts(const std::vector<FontEntry>& fonts) {
    std::vector<FontCheck> checks;
    for (const auto& f : fonts) {
        checks.push_back(check_file(f.id, f.file, f.package, f.package_version, f.sha256));
    }
    return checks;
}

ColourProfileEntry parse_output_intent(std::string_view json) {
    Poco::JSON::Parser parser;
    auto root = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    auto o = root->getObject("outputIntent");
    if (!o) throw std::invalid_argument("font manifest: 'outputIntent' must be an object");
    auto field = [&o](const std::string& key) {
        if (!o->has(key) || !o->get(key).isString()) {
            throw std::invalid_argument("font manifest: outputIntent." + key + " must be a string");
        }
        return o->getValue<std::string>(key);
    };
    ColourProfileEntry p;
    p.id = field("id");
    p.description = field("description");
    p.file = field("file");
    p.package = field("package");
    p.package_version = field("packageVersion");
    p.sha256 = field("sha256");
    p.licence = field("licence");
    return p;
}

const ColourProfileEntry& bundled_output_intent() {
    static const ColourProfileEntry profile = parse_output_intent(embedded::font_manifest_json());
    return profile;
}

FontCheck verify_output_intent(const ColourProfileEntry& p) {
    return check_file(p.id, p.file, p.package, p.package_version, p.sha256);
}

const std::string& output_intent_profile() {
    // Read once: every PDF embeds it, and a file that changed under a running process
    // would be caught by the next start's check.
    static const std::string bytes = [] {
        const ColourProfileEntry& p = bundled_output_intent();
        const FontCheck check = verify_output_intent(p);
        if (!check.ok)
            throw std::runtime_error("the colour profile " + p.id + " is " + check.detail);
        std::ifstream in(p.file, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        if (!in) throw std::runtime_error("the colour profile " + p.id + " cannot be read");
        return std::move(content).str();
    }();
    return bytes;
}

}  // namespace examdocs::fonts
