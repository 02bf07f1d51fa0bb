// image_doors: the hostile images of issue 11 through every door of the service that
// takes an image, one request at a time, printing the answer, the wall time and the
// growth of the process's peak RSS during the request. The service runs in this process
// (a real HTTP server on port 0, as `examdocs serve` runs it) and the files are made
// before the first request, so the peak is the request's own.
//
//   cmake --preset release && cmake --build --preset release --target image_doors
//   build/release/bench/image_doors [repetitions [door]]   (default 3; the worst is printed;
//                                                          door: only doors whose name has it)
//
// Budget (issue 11): at most 2 s and +100 MB for any request.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "examdocs/core/base64.h"
#include "examdocs/service/service.h"
#include "support/image_files.h"

namespace {

const std::string kKey = "image-doors-bench-key";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// kB from /proc/self/status.
long status_kb(const std::string& field) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    }
    return 0;
}

// Resets VmHWM to the current RSS (Linux ≥ 4.0).
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

struct Reply {
    int status = 0;
    std::string body;
};

Reply request(std::uint16_t port, const std::string& method, const std::string& path,
              const std::string& body, const std::string& type,
              const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(120, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + kKey);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST") {
        req.setContentType(type);
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    Reply r;
    r.status = res.getStatus();
    Poco::StreamCopier::copyToString(in, r.body);
    return r;
}

// "422 truncated-image", "200 fail", "201", …
std::string answer(const Reply& r) {
    std::string out = r.status == 0 ? "record refused:" : std::to_string(r.status);
    try {
        Poco::JSON::Parser parser;
        auto o = parser.parse(r.body).extract<Poco::JSON::Object::Ptr>();
        std::string what;
        if (o->has("errors") && o->getArray("errors")->size() > 0)
            what = o->getArray("errors")->getObject(0)->getValue<std::string>("code");
        else if (o->has("verdict"))
            what = o->getValue<std::string>("verdict");
        else if (o->has("state"))
            what = o->getValue<std::string>("state");
        if (!what.empty()) out.append(1, ' ').append(what);
    } catch (const std::exception&) {
    }
    return out;
}

std::string ticket(const std::string& photo, int n) {
    Poco::JSON::Parser parser;
    auto root =
        parser.parse(read_file(std::string(EXAMDOCS_SOURCE_DIR) + "/samples/admission-ticket.json"))
            .extract<Poco::JSON::Object::Ptr>();
    root->getObject("candidate")->set("photo", examdocs::base64_encode(photo));
    root->set("ticketNumber", "20261101" + std::to_string(40000 + n));
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(root, out);
    return out.str();
}

std::string certificate(const std::string& photo) {
    return R"({"holder":{"name":"张晓明","idNumber":"120105199003071230","photo":")" +
           examdocs::base64_encode(photo) +
           R"("},"occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员","job":"网络运行管理"},)"
           R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-12-31"})";
}

std::string sha256_hex(const std::string& text) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(text);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

}  // namespace

int main(int argc, char** argv) {
    const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const std::string only = argc > 2 ? argv[2] : "";
    const std::string good =
        read_file(std::string(EXAMDOCS_SOURCE_DIR) + "/tests/data/photos/good_413x579.jpg");
    const std::string png = examdocs::test::png_from_mat(examdocs::test::decode_to_mat(good));
    struct File {
        std::string name;
        std::string bytes;
    };
    const std::vector<File> files = {
        {"good 413×579 JPEG (reference)", good},
        {"progressive JPEG, 2,090 scans", examdocs::test::many_scan_jpeg(640, 480)},
        {"6300×6300 RGBA PNG", examdocs::test::big_rgba_png(6300)},
        {"JPEG cut in the middle", good.substr(0, good.size() / 2)},
        {"JPEG cut at 85 % + FF D9", examdocs::test::cut_with_end_marker(good, 0.85)},
        {"PNG without IEND", examdocs::test::png_without_iend(png)},
    };

    Poco::TemporaryFile data_dir;
    std::ostringstream log_text;
    examdocs::service::Log log(log_text, examdocs::service::LogFormat::json);
    examdocs::service::Settings settings;
    settings.port = 0;
    settings.threads = 4;
    settings.data_dir = data_dir.path();
    settings.api_keys = "bench:" + sha256_hex(kKey) + ":print+issue+read+render";
    settings.public_rate_per_minute = 1'000'000;
    settings.job_threads = 1;
    settings.job_poll = std::chrono::milliseconds(10);
    examdocs::service::Service service(settings, log);
    service.start();
    const std::uint16_t port = service.port();

    int issued = 0, printed = 0;
    struct Door {
        std::string name;
        std::function<Reply(const std::string&)> send;
    };
    const std::vector<Door> doors = {
        {"POST /v1/documents/admission-ticket",
         [&](const std::string& b) {
             return request(port, "POST", "/v1/documents/admission-ticket", ticket(b, 0),
                            "application/json");
         }},
        {"POST /v1/photos/check?profile=ruankao",
         [&](const std::string& b) {
             return request(port, "POST", "/v1/photos/check?profile=ruankao", b,
                            "application/octet-stream");
         }},
        {"POST /v1/photos/normalize?profile=skill-cert",
         [&](const std::string& b) {
             return request(port, "POST", "/v1/photos/normalize?profile=skill-cert", b,
                            "application/octet-stream");
         }},
        {"POST /v1/verify (picture)",
         [&](const std::string& b) {
             return request(port, "POST", "/v1/verify", b,
                            b.rfind("\x89PNG", 0) == 0 ? "image/png" : "image/jpeg");
         }},
        {"POST /v1/certificates (photo)",
         [&](const std::string& b) {
             return request(port, "POST", "/v1/certificates", certificate(b), "application/json",
                            {{"Idempotency-Key", "bench-" + std::to_string(++issued)}});
         }},
        {"POST /v1/jobs (one bulk record)",
         [&](const std::string& b) {
             auto created = request(port, "POST", "/v1/jobs?layout=admission-ticket",
                                    ticket(b, ++printed) + "\n", "application/x-ndjson");
             Poco::JSON::Parser parser;
             const auto id = parser.parse(created.body)
                                 .extract<Poco::JSON::Object::Ptr>()
                                 ->getValue<std::string>("id");
             for (;;) {
                 auto job = request(port, "GET", "/v1/jobs/" + id, "", "");
                 Poco::JSON::Parser p2;
                 auto o = p2.parse(job.body).extract<Poco::JSON::Object::Ptr>();
                 const auto state = o->getValue<std::string>("state");
                 if (state != "queued" && state != "running") {
                     auto failures = o->getArray("failures");
                     if (failures && failures->size() > 0) {
                         // Status 0: the job ran and refused the record.
                         Reply r{0, "{\"errors\":" + [&] {
                                     std::ostringstream s;
                                     failures->getObject(0)->getArray("errors")->stringify(s);
                                     return s.str();
                                 }() + "}"};
                         return r;
                     }
                     return job;
                 }
                 std::this_thread::sleep_for(std::chrono::milliseconds(5));
             }
         }},
    };

    std::printf("| door | file | answer | time (worst of %d) | peak RSS growth |\n", repetitions);
    std::printf("|---|---|---|---|---|\n");
    for (const auto& door : doors) {
        if (door.name.find(only) == std::string::npos) continue;
        door.send(good);  // warm: fonts, layouts, the face model, the registry
        for (const auto& f : files) {
            double worst_s = 0;
            long worst_kb = 0;
            std::string what;
            for (int i = 0; i < repetitions; ++i) {
                reset_peak();
                const long before = status_kb("VmRSS");
                const auto start = std::chrono::steady_clock::now();
                const Reply r = door.send(f.bytes);
                const double s =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                worst_s = std::max(worst_s, s);
                worst_kb = std::max(worst_kb, status_kb("VmHWM") - before);
                what = answer(r);
            }
            std::printf("| %s | %s, %zu KB | %s | %.3f s | +%.1f MB |\n", door.name.c_str(),
                        f.name.c_str(), f.bytes.size() / 1000, what.c_str(), worst_s,
                        static_cast<double>(worst_kb) / 1024.0);
            std::fflush(stdout);
        }
    }
    service.shutdown();
    return 0;
}
