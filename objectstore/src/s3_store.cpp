#include "examdocs/objectstore/s3_store.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>

namespace examdocs::objectstore {

namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

constexpr std::uint64_t kMultipartFrom = 64ULL << 20;  // one PUT below; S3 allows 5 GB
constexpr std::uint64_t kPartBytes = 16ULL << 20;      // S3's minimum is 5 MiB

std::string hex(const unsigned char* bytes, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

// SHA-256 fed piece by piece (a file's parts are hashed as they are read).
class Sha256 {
  public:
    Sha256() : ctx_(EVP_MD_CTX_new()) {
        if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
            EVP_MD_CTX_free(ctx_);
            throw std::runtime_error("SHA-256 is not available");
        }
    }
    ~Sha256() { EVP_MD_CTX_free(ctx_); }
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void add(std::string_view bytes) {
        if (EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1) {
            throw std::runtime_error("SHA-256 failed");
        }
    }
    std::string hex_digest() {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        if (EVP_DigestFinal_ex(ctx_, out, &n) != 1) throw std::runtime_error("SHA-256 failed");
        return hex(out, n);
    }

  private:
    EVP_MD_CTX* ctx_;
};

std::string sha256_hex(std::string_view bytes) {
    Sha256 h;
    h.add(bytes);
    return h.hex_digest();
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n)) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(out), n);
}

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, '/' kept in
// paths and encoded in query values.
std::string uri_encode(std::string_view text, bool keep_slash) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            out += ch;
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

bool plain_segment(std::string_view s, std::string_view allowed) {
    return !s.empty() && s != "." && s != ".." && s.find_first_not_of(allowed) == std::string::npos;
}

// The text of every <tag>…</tag> in an S3 answer, entities decoded. S3's answers are
// flat enough (ListBucketResult, InitiateMultipartUploadResult, Error) for this.
std::vector<std::string> xml_values(const std::string& xml, const std::string& tag) {
    std::vector<std::string> out;
    const std::string open = "<" + tag + ">", close = "</" + tag + ">";
    std::size_t at = 0;
    while ((at = xml.find(open, at)) != std::string::npos) {
        const auto start = at + open.size();
        const auto end = xml.find(close, start);
        if (end == std::string::npos) break;
        std::string value;
        for (std::size_t i = start; i < end; ++i) {
            if (xml[i] != '&') {
                value += xml[i];
                continue;
            }
            static const std::pair<const char*, char> entities[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
            bool known = false;
            for (const auto& [name, ch] : entities) {
                if (xml.compare(i, std::strlen(name), name) == 0) {
                    value += ch;
                    i += std::strlen(name) - 1;
                    known = true;
                    break;
                }
            }
            if (!known) value += '&';
        }
        out.push_back(std::move(value));
        at = end + close.size();
    }
    return out;
}

std::string random_name() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    const std::uint64_t bits = random();
    return hex(reinterpret_cast<const unsigned char*>(&bits), sizeof bits);
}

struct Reply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // the few read: content-length, etag
};

// What a request sends: nothing, a string, or a range of a file.
struct Body {
    std::string_view bytes;
    const std::string* file = nullptr;
    std::uint64_t offset = 0, length = 0;
};

class S3Store : public jobs::PayloadStore {
  public:
    explicit S3Store(S3Location location) : at_(std::move(location)) {
        const Poco::URI uri(at_.endpoint);
        if ((uri.getScheme() != "http" && uri.getScheme() != "https") || uri.getHost().empty()) {
            throw std::invalid_argument("the S3 endpoint '" + at_.endpoint +
                                        "' must be http://host[:port] or https://host[:port]");
        }
        https_ = uri.getScheme() == "https";
        host_ = uri.getHost();
        port_ = uri.getPort();
        host_header_ = host_ + (uri.getSpecifiedPort() != 0 ? ":" + std::to_string(port_) : "");
        if (at_.access_key_id.empty() || at_.secret_access_key.empty()) {
            throw std::invalid_argument("an S3 store needs an access key id and a secret key");
        }
        Poco::File(at_.cache_dir).createDirectories();
        try {
            // A store that cannot be written fails at the start, not in the first job.
            put("write-probe-" + random_name(), "ok");
            for (const auto& group : groups()) {
                if (group.name.rfind("write-probe-", 0) == 0) remove_all(group.name);
            }
        } catch (const std::exception& e) {
            throw std::runtime_error(describe() + " cannot be used: " + e.what());
        }
    }

    std::unique_ptr<jobs::PayloadWriter> write(const std::string& key) override {
        require_key(key);
        return std::make_unique<Writer>(*this, key);
    }

    void adopt(const std::string& key, const std::string& file) override {
        require_key(key);
        upload(key, file);
        std::remove(file.c_str());
    }

    std::optional<std::uint64_t> size(const std::string& key) override {
        const Reply r = request(HTTPRequest::HTTP_HEAD, object(key), "", {}, {});
        if (r.status == 404) return std::nullopt;
        expect(r, 200, key);
        const auto length = r.headers.find("content-length");
        if (length == r.headers.end()) throw std::runtime_error("S3 gave no size for " + key);
        return std::stoull(length->second);
    }

    std::string read(const std::string& key, std::uint64_t offset, std::uint64_t length) override {
        if (length == 0) {
            if (!size(key)) throw std::runtime_error("the job store has no " + key);
            return {};
        }
        const Reply r = request(HTTPRequest::HTTP_GET, object(key), "",
                                {{"Range", "bytes=" + std::to_string(offset) + "-" +
                                               std::to_string(offset + length - 1)}},
                                {});
        if (r.status == 404) throw std::runtime_error("the job store has no " + key);
        if (r.status == 416 || ((r.status == 206 || r.status == 200) && r.body.size() < length)) {
            throw std::runtime_error("the job store's " + key + " is shorter than " +
                                     std::to_string(offset + length) + " bytes");
        }
        expect(r, 206, key, 200);
        if (r.status == 200) return r.body.substr(offset, length);  // a server ignoring Range
        return r.body;
    }

    std::unique_ptr<std::istream> open(const std::string& key) override {
        // Downloaded to a temporary file that is unlinked at once: read as a file, gone
        // with the stream.
        const std::string temporary = temporary_file();
        if (!download(key, temporary)) return nullptr;
        auto in = std::make_unique<std::ifstream>(temporary, std::ios::binary);
        std::remove(temporary.c_str());
        if (!*in) throw std::runtime_error("cannot read back the download of " + key);
        return in;
    }

    std::optional<std::string> local_file(const std::string& key) override {
        require_key(key);
        const std::string path = at_.cache_dir + "/" + key;
        if (Poco::File(path).exists()) return path;
        Poco::File(Poco::Path(path).parent()).createDirectories();
        const std::string temporary = path + "." + random_name() + ".tmp";
        if (!download(key, temporary)) return std::nullopt;
        if (std::rename(temporary.c_str(), path.c_str()) != 0) {
            std::remove(temporary.c_str());
            throw std::runtime_error("cannot keep the download of " + key + " in " + path);
        }
        return path;
    }

    void remove_all(const std::string& prefix) override {
        require_key(prefix);
        for (const auto& object_key : list(prefix)) {
            if (object_key != prefix && object_key.rfind(prefix + "/", 0) != 0) continue;
            const Reply r = request(HTTPRequest::HTTP_DELETE, object(object_key), "", {}, {});
            if (r.status != 404) expect(r, 204, object_key, 200);
        }
        const Poco::File cached(at_.cache_dir + "/" + prefix);
        if (cached.exists()) Poco::File(cached).remove(true);
    }

    std::vector<jobs::PayloadGroup> groups() override {
        std::map<std::string, std::int64_t> newest;
        std::string token;
        do {
            const std::string xml = list_page(at_.prefix.empty() ? "" : at_.prefix + "/", token);
            const auto keys = xml_values(xml, "Key");
            const auto times = xml_values(xml, "LastModified");
            for (std::size_t i = 0; i < keys.size() && i < times.size(); ++i) {
                const std::string key =
                    keys[i].substr(at_.prefix.empty() ? 0 : at_.prefix.size() + 1);
                const std::string group = key.substr(0, key.find('/'));
                int zone = 0;
                const auto when = Poco::DateTimeParser::parse(times[i], zone).timestamp();
                auto& n = newest[group];
                n = std::max<std::int64_t>(n, when.epochTime());
            }
        } while (!token.empty());
        // Downloads cached here whose objects are gone (removed by another instance).
        for (Poco::DirectoryIterator it(at_.cache_dir), end; it != end; ++it) {
            if (!it->isDirectory() || !jobs::valid_payload_key(it.name())) continue;
            auto& n = newest[it.name()];
            n = std::max<std::int64_t>(n, it->getLastModified().epochTime());
        }
        std::vector<jobs::PayloadGroup> out;
        for (const auto& [name, when] : newest) {
            if (jobs::valid_payload_key(name)) out.push_back({name, when});
        }
        return out;
    }

    std::string describe() const override {
        return "s3://" + at_.bucket + (at_.prefix.empty() ? "" : "/" + at_.prefix) + " at " +
               at_.endpoint;
    }

  private:
    // Bytes gathered in a temporary file of this machine, uploaded at commit.
    class Writer : public jobs::PayloadWriter {
      public:
        Writer(S3Store& store, std::string key)
            : store_(store), key_(std::move(key)), temporary_(store.temporary_file()) {
            out_.open(temporary_, std::ios::binary | std::ios::trunc);
            if (!out_) throw std::runtime_error("cannot create " + temporary_);
        }
        ~Writer() override {
            out_.close();
            std::remove(temporary_.c_str());
        }
        Writer(const Writer&) = delete;
        Writer& operator=(const Writer&) = delete;
        std::ostream& stream() override { return out_; }
        std::uint64_t commit() override {
            out_.close();
            if (out_.fail()) throw std::runtime_error("cannot write " + temporary_);
            const auto bytes = static_cast<std::uint64_t>(Poco::File(temporary_).getSize());
            store_.upload(key_, temporary_);
            return bytes;
        }

      private:
        S3Store& store_;
        std::string key_, temporary_;
        std::ofstream out_;
    };

    static void require_key(const std::string& key) {
        if (!jobs::valid_payload_key(key)) {
            throw std::invalid_argument("not a payload key: '" + key.substr(0, 80) + "'");
        }
    }

    std::string temporary_file() const {
        return at_.cache_dir + "/upload-" + random_name() + ".tmp";
    }

    // The object's path: /bucket/prefix/key.
    std::string object(const std::string& key) const {
        return "/" + at_.bucket + "/" + (at_.prefix.empty() ? "" : at_.prefix + "/") + key;
    }

    static void expect(const Reply& r, int status, const std::string& key, int or_status = 0) {
        if (r.status == status || (or_status != 0 && r.status == or_status)) return;
        const auto code = xml_values(r.body, "Code");
        const auto message = xml_values(r.body, "Message");
        throw std::runtime_error("S3 answered " + std::to_string(r.status) + " for " + key +
                                 (code.empty() ? "" : ": " + code[0]) +
                                 (message.empty() ? "" : " (" + message[0] + ")"));
    }

    void upload(const std::string& key, const std::string& file) {
        const auto bytes = static_cast<std::uint64_t>(Poco::File(file).getSize());
        if (bytes < kMultipartFrom) {
            Body body;
            body.file = &file;
            body.length = bytes;
            expect(request(HTTPRequest::HTTP_PUT, object(key), "", {}, body), 200, key);
            return;
        }
        // Multipart: parts of kPartBytes, then one request that makes them the object.
        const Reply started = request(HTTPRequest::HTTP_POST, object(key), "uploads=", {}, {});
        expect(started, 200, key);
        const auto ids = xml_values(started.body, "UploadId");
        if (ids.empty()) throw std::runtime_error("S3 started no multipart upload for " + key);
        const std::string upload_id = ids[0];
        std::string done = "<CompleteMultipartUpload>";
        try {
            int number = 1;
            for (std::uint64_t offset = 0; offset < bytes; offset += kPartBytes, ++number) {
                Body body;
                body.file = &file;
                body.offset = offset;
                body.length = std::min(kPartBytes, bytes - offset);
                const Reply part = request(HTTPRequest::HTTP_PUT, object(key),
                                           "partNumber=" + std::to_string(number) +
                                               "&uploadId=" + uri_encode(upload_id, false),
                                           {}, body);
                expect(part, 200, key);
                done += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" +
                        part.headers.at("etag") + "</ETag></Part>";
            }
            done += "</CompleteMultipartUpload>";
            Body body;
            body.bytes = done;
            const Reply finished = request(HTTPRequest::HTTP_POST, object(key),
                                           "uploadId=" + uri_encode(upload_id, false), {}, body);
            expect(finished, 200, key);
            // S3 can answer 200 and put an error in the body of a completion.
            if (!xml_values(finished.body, "Code").empty())
                expect({500, finished.body, {}}, 200, key);
        } catch (...) {
            try {
                request(HTTPRequest::HTTP_DELETE, object(key),
                        "uploadId=" + uri_encode(upload_id, false), {}, {});
            } catch (...) {
            }
            throw;
        }
    }

    // The object into `path`; false when there is none.
    bool download(const std::string& key, const std::string& path) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot create " + path);
        const Reply r = request(HTTPRequest::HTTP_GET, object(key), "", {}, {}, &out);
        out.close();
        if (r.status == 404) {
            std::remove(path.c_str());
            return false;
        }
        if (r.status != 200 || out.fail()) {
            std::remove(path.c_str());
            expect(r, 200, key);
            throw std::runtime_error("cannot write the download of " + key + " to " + path);
        }
        return true;
    }

    // One page of ListObjectsV2 under `prefix` (of the whole bucket); `token` in: where to
    // go on from, out: where the next page starts ("" at the end).
    std::string list_page(const std::string& prefix, std::string& token) {
        // Sorted by name, as SigV4 wants the canonical query.
        std::string query;
        if (!token.empty()) query += "continuation-token=" + uri_encode(token, false) + "&";
        query += "list-type=2&prefix=" + uri_encode(prefix, false);
        const Reply r = request(HTTPRequest::HTTP_GET, "/" + at_.bucket, query, {}, {});
        expect(r, 200, prefix.empty() ? at_.bucket : prefix);
        const auto truncated = xml_values(r.body, "IsTruncated");
        const auto next = xml_values(r.body, "NextContinuationToken");
        token = !truncated.empty() && truncated[0] == "true" && !next.empty() ? next[0] : "";
        return r.body;
    }

    // Keys (relative to the store's prefix) starting with `key_prefix`.
    std::vector<std::string> list(const std::string& key_prefix) {
        std::vector<std::string> keys;
        const std::string full = at_.prefix.empty() ? key_prefix : at_.prefix + "/" + key_prefix;
        std::string token;
        do {
            for (auto& key : xml_values(list_page(full, token), "Key")) {
                keys.push_back(key.substr(at_.prefix.empty() ? 0 : at_.prefix.size() + 1));
            }
        } while (!token.empty());
        return keys;
    }

    Reply request(const std::string& method, const std::string& path, const std::string& query,
                  const std::vector<std::pair<std::string, std::string>>& extra, const Body& body,
                  std::ostream* sink = nullptr) {
        // The body's hash goes into the signature: a file's range is read twice (hashed,
        // then sent), which costs far less than the upload itself.
        std::string payload_hash;
        if (body.file) {
            std::ifstream in(*body.file, std::ios::binary);
            in.seekg(static_cast<std::streamoff>(body.offset));
            Sha256 h;
            std::string buffer(1 << 16, '\0');
            std::uint64_t left = body.length;
            while (left > 0 && in) {
                in.read(buffer.data(),
                        static_cast<std::streamsize>(std::min<std::uint64_t>(left, buffer.size())));
                h.add(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
                left -= static_cast<std::uint64_t>(in.gcount());
            }
            if (left > 0) throw std::runtime_error("cannot read " + *body.file);
            payload_hash = h.hex_digest();
        } else {
            payload_hash = sha256_hex(body.bytes);
        }
        const std::string amz_date =
            Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y%m%dT%H%M%SZ");
        SignedRequest signing;
        signing.method = method;
        signing.canonical_uri = uri_encode(path, true);
        signing.canonical_query = query;
        signing.headers = {{"host", host_header_},
                           {"x-amz-content-sha256", payload_hash},
                           {"x-amz-date", amz_date}};
        signing.payload_sha256 = payload_hash;
        signing.amz_date = amz_date;

        HTTPRequest req(method, signing.canonical_uri + (query.empty() ? "" : "?" + query),
                        HTTPRequest::HTTP_1_1);
        req.setHost(host_header_);
        req.set("x-amz-content-sha256", payload_hash);
        req.set("x-amz-date", amz_date);
        req.set("Authorization", sigv4_authorization(signing, at_.region, "s3", at_.access_key_id,
                                                     at_.secret_access_key));
        for (const auto& [name, value] : extra) req.set(name, value);
        const std::uint64_t length = body.file ? body.length : body.bytes.size();
        if (method == HTTPRequest::HTTP_PUT || method == HTTPRequest::HTTP_POST) {
            req.setContentLength(static_cast<std::streamsize>(length));
        }
        try {
            std::unique_ptr<Poco::Net::HTTPClientSession> session;
            if (https_) {
                // The system's certificate authorities, the peer's certificate checked.
                static const Poco::Net::Context::Ptr context =
                    new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                           Poco::Net::Context::VERIFY_RELAXED, 9, true);
                session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, context);
            } else {
                session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
            }
            session->setTimeout(Poco::Timespan(60, 0));
            std::ostream& out = session->sendRequest(req);
            if (body.file) {
                std::ifstream in(*body.file, std::ios::binary);
                in.seekg(static_cast<std::streamoff>(body.offset));
                std::string buffer(1 << 16, '\0');
                std::uint64_t left = body.length;
                while (left > 0 && in) {
                    in.read(buffer.data(), static_cast<std::streamsize>(
                                               std::min<std::uint64_t>(left, buffer.size())));
                    out.write(buffer.data(), in.gcount());
                    left -= static_cast<std::uint64_t>(in.gcount());
                }
            } else {
                out.write(body.bytes.data(), static_cast<std::streamsize>(body.bytes.size()));
            }
            HTTPResponse response;
            std::istream& in = session->receiveResponse(response);
            Reply reply;
            reply.status = static_cast<int>(response.getStatus());
            for (const char* name : {"Content-Length", "ETag"}) {
                if (response.has(name))
                    reply.headers[Poco::toLower(std::string(name))] = response.get(name);
            }
            if (sink && reply.status == 200) {
                Poco::StreamCopier::copyStream64(in, *sink);
            } else if (method != HTTPRequest::HTTP_HEAD) {
                Poco::StreamCopier::copyToString64(in, reply.body);
            }
            return reply;
        } catch (const Poco::Exception& e) {
            throw std::runtime_error(describe() + ": " + method + " " + path +
                                     " failed: " + e.displayText());
        }
    }

    S3Location at_;
    bool https_ = false;
    std::string host_, host_header_;
    std::uint16_t port_ = 0;
};

}  // namespace

void parse_s3_url(std::string_view url, S3Location& into) {
    constexpr std::string_view scheme = "s3://";
    if (url.substr(0, scheme.size()) != scheme) {
        throw std::invalid_argument("'" + std::string(url) + "' is not s3://bucket[/prefix]");
    }
    std::string_view rest = url.substr(scheme.size());
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    const auto slash = rest.find('/');
    const std::string_view bucket = rest.substr(0, slash);
    const std::string_view prefix = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    if (bucket.size() < 3 || bucket.size() > 63 ||
        !plain_segment(bucket, "abcdefghijklmnopqrstuvwxyz0123456789.-")) {
        throw std::invalid_argument("'" + std::string(url) +
                                    "': the bucket must be 3 to 63 of a-z, 0-9, '.' and '-'");
    }
    std::size_t start = 0;
    while (!prefix.empty() && start <= prefix.size()) {
        const auto end = prefix.find('/', start);
        const auto segment =
            prefix.substr(start, end == std::string_view::npos ? end : end - start);
        if (!plain_segment(segment, "abcdefghijklmnopqrstuvwxyz0123456789._-")) {
            throw std::invalid_argument("'" + std::string(url) +
                                        "': the prefix must be segments of a-z, 0-9, '.', '_' "
                                        "and '-' between single slashes");
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    into.bucket = std::string(bucket);
    into.prefix = std::string(prefix);
}

std::unique_ptr<jobs::PayloadStore> open_s3_store(const S3Location& location) {
    return std::make_unique<S3Store>(location);
}

std::string sigv4_authorization(const SignedRequest& request, std::string_view region,
                                std::string_view service, std::string_view access_key_id,
                                std::string_view secret_access_key) {
    std::string canonical_headers, signed_headers;
    for (const auto& [name, value] : request.headers) {
        canonical_headers += name + ":" + value + "\n";
        signed_headers += (signed_headers.empty() ? "" : ";") + name;
    }
    const std::string canonical_request = request.method + "\n" + request.canonical_uri + "\n" +
                                          request.canonical_query + "\n" + canonical_headers +
                                          "\n" + signed_headers + "\n" + request.payload_sha256;
    const std::string day = request.amz_date.substr(0, 8);
    const std::string scope =
        day + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
    const std::string to_sign = "AWS4-HMAC-SHA256\n" + request.amz_date + "\n" + scope + "\n" +
                                sha256_hex(canonical_request);
    std::string key = hmac_sha256("AWS4" + std::string(secret_access_key), day);
    key = hmac_sha256(key, region);
    key = hmac_sha256(key, service);
    key = hmac_sha256(key, "aws4_request");
    const std::string signature = hmac_sha256(key, to_sign);
    return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key_id) + "/" + scope +
           ", SignedHeaders=" + signed_headers + ", Signature=" +
           hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace examdocs::objectstore
