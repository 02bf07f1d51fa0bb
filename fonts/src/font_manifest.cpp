#include "examdocs/fonts/font_manifest.h"

#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/JSON/Parser.h>

#include <openssl/evp.h>
#include <sys/stat.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

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

// OpenSSL's SHA-256 rather than Poco's: Poco's is plain C without the CPU's SHA
// instructions, ~0.2 s of CPU for the ~60 MB every `examdocs serve` start hashes, which
// OpenSSL does in a fraction of that.
std::string hash_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open");
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                          &EVP_MD_CTX_free);
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 is not available");
    std::vector<char> buffer(1 << 16);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got > 0 && EVP_DigestUpdate(context.get(), buffer.data(), got) != 1)
            throw std::runtime_error("SHA-256 failed");
    }
    if (in.bad()) throw std::runtime_error("cannot read");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1)
        throw std::runtime_error("SHA-256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0f];
    }
    return hex;
}

// The identity of a file's content as far as the kernel knows: the same key, the same
// bytes (short of someone resetting the clock and the change time, which takes root).
std::string file_key(const struct stat& st) {
    return std::to_string(st.st_dev) + ' ' + std::to_string(st.st_ino) + ' ' +
           std::to_string(st.st_size) + ' ' + std::to_string(st.st_mtim.tv_sec) + '.' +
           std::to_string(st.st_mtim.tv_nsec) + ' ' + std::to_string(st.st_ctim.tv_sec) + '.' +
           std::to_string(st.st_ctim.tv_nsec);
}

// "sha256 key path" lines; a line that does not parse is ignored.
std::map<std::string, std::string> read_hash_cache(const std::string& file) {
    std::map<std::string, std::string> records;  // key + '\n' + path → sha256
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        // sha256, five fields of the key, then the path (which may hold spaces).
        std::size_t at = 0;
        std::vector<std::string> fields;
        for (int i = 0; i < 6 && at != std::string::npos; ++i) {
            const std::size_t space = line.find(' ', at);
            if (space == std::string::npos) break;
            fields.push_back(line.substr(at, space - at));
            at = space + 1;
        }
        if (fields.size() != 6 || fields[0].size() != 64 || at >= line.size()) continue;
        const std::string key =
            fields[1] + ' ' + fields[2] + ' ' + fields[3] + ' ' + fields[4] + ' ' + fields[5];
        records[key + '\n' + line.substr(at)] = fields[0];
    }
    return records;
}

// Replaces the cache with `records`, through a temporary file and a rename, so that a
// reader never sees half a file. Failure is ignored: the cache only saves time.
void write_hash_cache(const std::string& file, const std::map<std::string, std::string>& records) {
    std::error_code ec;
    const std::filesystem::path path(file);
    std::filesystem::create_directories(path.parent_path(), ec);
    const std::string temporary = file + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::trunc);
        for (const auto& [key_path, sha256] : records) {
            const std::size_t newline = key_path.find('\n');
            out << sha256 << ' ' << key_path.substr(0, newline) << ' '
                << key_path.substr(newline + 1) << '\n';
        }
        if (!out) {
            std::filesystem::remove(temporary, ec);
            return;
        }
    }
    std::filesystem::rename(temporary, path, ec);
    if (ec) std::filesystem::remove(temporary, ec);
}

std::mutex hash_mutex;
// Hashes this process computed from the files, by key + path: a process that starts several
// services (the HTTP tests start one per case) or checks again reads ~60 MB once, not each time.
std::map<std::string, std::string>& hashed_in_process() {
    static std::map<std::string, std::string> hashed;
    return hashed;
}

std::string sha256_of_file(const std::string& path, HashCheck how) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat");
    const std::string id = file_key(st) + '\n' + path;
    {
        std::lock_guard lock(hash_mutex);
        if (auto it = hashed_in_process().find(id); it != hashed_in_process().end())
            return it->second;
    }
    const std::string cache = hash_cache_file();
    if (how == HashCheck::cached && !cache.empty()) {
        const auto records = read_hash_cache(cache);
        // Not kept in this process's map: that holds only hashes read from the files
        // themselves, which a full check may reuse.
        if (auto it = records.find(id); it != records.end()) return it->second;
    }
    std::string sha256 = hash_file(path);
    std::lock_guard lock(hash_mutex);
    hashed_in_process()[id] = sha256;
    if (!cache.empty()) {
        // Records of files that are gone or changed are dropped with the rewrite.
        auto records = read_hash_cache(cache);
        for (auto it = records.begin(); it != records.end();) {
            const std::string p = it->first.substr(it->first.find('\n') + 1);
            struct stat now {};
            const bool same = ::stat(p.c_str(), &now) == 0 && it->first == file_key(now) + '\n' + p;
            it = same ? std::next(it) : records.erase(it);
        }
        records[id] = sha256;
        write_hash_cache(cache, records);
    }
    return sha256;
}

}  // namespace

std::string hash_cache_file() {
    // Poco::Environment reads the environment under a lock; std::getenv is not thread safe.
    if (auto dir = Poco::Environment::get("EXAMDOCS_CACHE_DIR", ""); !dir.empty())
        return dir + "/font-sha256";
    if (auto dir = Poco::Environment::get("XDG_CACHE_HOME", ""); dir.starts_with('/'))
        return dir + "/examdocs/font-sha256";
    if (auto home = Poco::Environment::get("HOME", ""); home.starts_with('/'))
        return home + "/.cache/examdocs/font-sha256";
    return {};
}

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
                     const std::string& package_version, const std::string& sha256, HashCheck how) {
    FontCheck c{id, false, {}};
    if (!Poco::File(file).exists()) {
        c.detail = "missing: install the Debian package " + package;
        return c;
    }
    try {
        std::string actual = sha256_of_file(file, how);
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

std::vector<FontCheck> verify_fonts(const std::vector<FontEntry>& fonts, HashCheck how) {
    std::vector<FontCheck> checks;
    checks.reserve(fonts.size());
    for (const auto& f : fonts) {
        checks.push_back(check_file(f.id, f.file, f.package, f.package_version, f.sha256, how));
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

FontCheck verify_output_intent(const ColourProfileEntry& p, HashCheck how) {
    return check_file(p.id, p.file, p.package, p.package_version, p.sha256, how);
}

const std::string& output_intent_profile() {
    // Read once: every PDF embeds it, and a file that changed under a running process
    // would be caught by the next start's check.
    static const std::string bytes = [] {
        const ColourProfileEntry& p = bundled_output_intent();
        const FontCheck check = verify_output_intent(p, HashCheck::cached);
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
