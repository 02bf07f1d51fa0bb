#include "job_view.h"

#include <Poco/DateTimeParser.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/SHA2Engine.h>
#include <Poco/URI.h>

#include <cmath>
#include <memory>

#include "json_text.h"

namespace examdocs::service {

namespace {

using Poco::JSON::Object;

// SHA-256 as a Poco HMAC engine: Poco's HMACEngine wants the block and digest sizes as
// members, which SHA2Engine256 has under other names.
class Sha256 : public Poco::SHA2Engine {
  public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256() : Poco::SHA2Engine(SHA_256) {}
};

double seconds_since(const std::string& iso) {
    if (iso.empty()) return 0;
    int tz = 0;
    const Poco::DateTime then = Poco::DateTimeParser::parse(iso, tz);
    return static_cast<double>((Poco::Timestamp() - then.timestamp())) / 1e6;
}

void send_signed(const std::string& url, const std::string& job_id, const std::string& body,
                 const std::string& secret) {
    const Poco::URI uri(url);
    Poco::HMACEngine<Sha256> hmac(secret);
    hmac.update(body);
    const std::string signature = Poco::DigestEngine::digestToHex(hmac.digest());

    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                   Poco::Net::Context::VERIFY_RELAXED, 9, true);
        session =
            std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    }
    session->setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST,
                                   uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("X-Examdocs-Signature", "sha256=" + signature);
    request.set("X-Examdocs-Job", job_id);
    session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    session->receiveResponse(response).ignore(1 << 20);
    if (response.getStatus() >= 300) {
        throw std::runtime_error("the callback URL answered " +
                                 std::to_string(response.getStatus()));
    }
}

}  // namespace

jobs::CallbackSender signed_callback_sender(jobs::JobStore& store, std::string secret,
                                            std::string base_url) {
    return [&store, secret = std::move(secret), base_url = std::move(base_url)](
               const jobs::JobRow& job, const std::string& url) {
        send_signed(url, job.id, json_text(job_view(store, job, base_url, false)), secret);
    };
}

Object job_view(jobs::JobStore& store, const jobs::JobRow& job, const std::string& base_url,
                bool with_failures) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("id", job.id);
    o.set("layout", job.layout);
    o.set("state", std::string(jobs::to_string(job.state)));
    Object records(Poco::JSON_PRESERVE_KEY_ORDER);
    if (job.total >= 0) records.set("total", job.total);
    records.set("done", job.done);
    records.set("printed", job.printed);
    records.set("refused", job.refused);
    o.set("records", records);
    if (job.state == jobs::JobState::running && job.done > 0) {
        const double elapsed = seconds_since(job.started_at);
        if (elapsed > 0) {
            const double rate = static_cast<double>(job.done) / elapsed;
            o.set("recordsPerSecond", std::round(rate * 10) / 10);
            if (job.total >= job.done && rate > 0) {
                o.set("secondsLeft", std::ceil(static_cast<double>(job.total - job.done) / rate));
            }
        }
    }
    if (job.state == jobs::JobState::done) {
        o.set("pages", job.pages);
        o.set("bytes", job.bytes);
        o.set("result", base_url + "/v1/jobs/" + job.id + "/result");
    }
    if (job.chunks >= 0) o.set("chunks", job.chunks);  // shared between instances
    if (!job.error.empty()) o.set("error", job.error);
    if (job.callback != jobs::CallbackState::none) {
        Object callback(Poco::JSON_PRESERVE_KEY_ORDER);
        callback.set("state", std::string(to_string(job.callback)));
        callback.set("attempts", job.callback_attempts);
        o.set("callback", callback);
    }
    o.set("attempts", job.attempts);
    o.set("createdAt", job.created_at);
    if (!job.started_at.empty()) o.set("startedAt", job.started_at);
    if (!job.finished_at.empty()) o.set("finishedAt", job.finished_at);
    if (with_failures) {
        constexpr int kShown = 100;
        Poco::JSON::Array list;
        for (const auto& f : store.failures(job.id, kShown)) {
            Object item(Poco::JSON_PRESERVE_KEY_ORDER);
            item.set("record", f.record);
            if (f.line > 0) item.set("line", f.line);
            Poco::JSON::Parser parser;
            item.set("errors", parser.parse(f.errors));
            list.add(item);
        }
        o.set("failures", list);
        if (job.refused > kShown) o.set("failuresShown", kShown);
    }
    return o;
}

}  // namespace examdocs::service
