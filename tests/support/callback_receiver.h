#pragma once
// A real HTTP server on port 0 that receives job callbacks, for tests: it keeps the first
// accepted body and its signature, counts requests, and can refuse the first few (503) as
// a backend that is down.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>

namespace examdocs::test {

class CallbackReceiver {
  public:
    // `failures`: the first requests answered 503, as a backend that is down.
    explicit CallbackReceiver(int failures = 0)
        : failures_(failures),
          socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          server_(new Factory(*this), socket_, new Poco::Net::HTTPServerParams) {
        server_.start();
    }
    ~CallbackReceiver() { server_.stopAll(true); }
    std::uint16_t port() const { return socket_.address().port(); }

    int requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    // The first callback accepted: its body and signature header, waiting up to 30 s.
    std::pair<std::string, std::string> first() {
        std::unique_lock lock(mutex_);
        received_.wait_for(lock, std::chrono::seconds(30), [this] { return !body_.empty(); });
        return {body_, signature_};
    }

  private:
    struct Handler : Poco::Net::HTTPRequestHandler {
        explicit Handler(CallbackReceiver& r) : receiver(r) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            std::string body;
            Poco::StreamCopier::copyToString(request.stream(), body);
            {
                std::lock_guard lock(receiver.mutex_);
                if (++receiver.requests_ <= receiver.failures_) {
                    response.setStatus(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
                    response.send();
                    return;
                }
                if (receiver.body_.empty()) {
                    receiver.body_ = body;
                    receiver.signature_ = request.get("X-Examdocs-Signature", "");
                }
            }
            receiver.received_.notify_all();
            response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
            response.send();
        }
        CallbackReceiver& receiver;
    };
    struct Factory : Poco::Net::HTTPRequestHandlerFactory {
        explicit Factory(CallbackReceiver& r) : receiver(r) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new Handler(receiver);
        }
        CallbackReceiver& receiver;
    };

    int failures_ = 0;
    int requests_ = 0;
    Poco::Net::ServerSocket socket_;
    Poco::Net::HTTPServer server_;
    std::mutex mutex_;
    std::condition_variable received_;
    std::string body_, signature_;
};

}  // namespace examdocs::test
