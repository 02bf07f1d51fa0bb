// `examdocs verify [--server URL] FILE|TEXT...`: an office checking a pile of scanned
// certificates. Each argument is a picture of a certificate (its QR code is read here,
// with ZXing) or the QR text itself; the registry's verdict comes from the service's
// POST /v1/verify. One line per argument: the verdict, the number, the holder.
//
// Exit status: 0 every certificate valid; 1 some are not (revoked, expired, unknown,
// forged); 65 a picture has no readable QR code; 66 a file is missing; 69 the service
// cannot be reached or answers with an error; 64 usage.
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli_support.h"
#include "commands.h"
#include "examdocs/certificates/qr_reader.h"

namespace examdocs::cli {

namespace {

struct Asked {
    int status = 0;
    std::string body;
};

Asked ask(const Poco::URI& server, const std::string& qr) {
    Poco::Net::HTTPClientSession session(server.getHost(), server.getPort());
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::JSON::Object request;
    request.set("qr", qr);
    std::ostringstream body;
    request.stringify(body);
    Poco::Net::HTTPRequest post(
        Poco::Net::HTTPRequest::HTTP_POST,
        server.getPath().empty() ? "/v1/verify" : server.getPath() + "/v1/verify",
        Poco::Net::HTTPMessage::HTTP_1_1);
    post.setContentType("application/json");
    post.setContentLength(static_cast<std::streamsize>(body.str().size()));
    session.sendRequest(post) << body.str();
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Asked asked;
    asked.status = response.getStatus();
    Poco::StreamCopier::copyToString(in, asked.body);
    return asked;
}

int verify_each(const std::string& server, Poco::URI server_uri, bool json,
                const std::vector<std::string>& inputs);

}  // namespace

const CommandSpec& verify_spec() {
    static const CommandSpec spec{
        "verify",
        "FILE|TEXT...",
        "Check certificates (pictures or QR texts) against the registry.",
        "FILE is a photo or scan of a certificate (JPEG or PNG); its QR code is read here.\n"
        "TEXT is the text of a certificate's QR code (https://…/verify/…). The verdict\n"
        "(valid, revoked, expired, unknown, forged) comes from the service's POST /v1/verify.",
        {{"server", 's', "URL", "the examdocs service to ask (default http://127.0.0.1:8080)"},
         {"json", 0, "", "print the service's answer, one JSON object per line"}},
        "0 every certificate is valid, 1 some are not, 64 usage, 65 a picture has no readable "
        "QR code, 66 a file is missing, 69 the service cannot be reached or answers with an "
        "error.",
        1,
        SIZE_MAX};
    return spec;
}

int verify_command(int argc, char** argv) {
    return run_command(verify_spec(), argc, argv, [](const ParsedArguments& args) {
        const std::string server = args.value("server", "http://127.0.0.1:8080");
        const bool json = args.has("json");
        Poco::URI server_uri;
        try {
            server_uri = Poco::URI(server);
        } catch (const Poco::Exception&) {
            throw UsageError("--server takes a URL like http://127.0.0.1:8080, not '" + server +
                             "'");
        }
        if (server_uri.getScheme() != "http" || server_uri.getHost().empty()) {
            throw UsageError("--server takes an http:// URL, not '" + server + "'");
        }
        return verify_each(server, server_uri, json, args.operands());
    });
}

namespace {

int verify_each(const std::string& server, Poco::URI server_uri, bool json,
                const std::vector<std::string>& inputs) {
    int worst = 0;
    auto note = [&](int status) { worst = std::max(worst, status); };
    for (const auto& input : inputs) {
        std::string qr;
        const bool looks_like_qr =
            input.rfind("http://", 0) == 0 || input.rfind("https://", 0) == 0;
        if (looks_like_qr) {
            qr = input;
        } else {
            std::ifstream file(input, std::ios::binary);
            if (!file) {
                std::cout << input
                          << ": no such file (and not the text of a QR code, which starts "
                             "with https://)\n";
                note(66);
                continue;
            }
            const std::string bytes((std::istreambuf_iterator<char>(file)),
                                    std::istreambuf_iterator<char>());
            auto reading =
                certificates::read_qr_code(std::as_bytes(std::span(bytes.data(), bytes.size())));
            if (reading.error) {
                std::cout << input << ": " << images::to_string(reading.error->code) << ": "
                          << reading.error->message_en << '\n';
                note(65);
                continue;
            }
            if (!reading.text) {
                std::cout << input << ": no QR code could be read\n";
                note(65);
                continue;
            }
            qr = *reading.text;
        }
        Asked asked;
        try {
            asked = ask(server_uri, qr);
        } catch (const Poco::Exception& e) {
            std::cerr << "examdocs verify: cannot reach " << server << ": " << e.displayText()
                      << '\n';
            return 69;  // EX_UNAVAILABLE
        }
        if (asked.status != 200) {
            // A problem+json answer says why in its detail; say that rather than the JSON.
            std::string detail;
            try {
                Poco::JSON::Parser parser;
                auto o = parser.parse(asked.body).extract<Poco::JSON::Object::Ptr>();
                detail = o->optValue<std::string>("detail", "");
            } catch (const std::exception&) {
            }
            std::cout << input << ": the service answered " << asked.status
                      << (detail.empty() ? "" : ": " + detail) << '\n';
            note(69);
            continue;
        }
        if (json) {
            std::cout << asked.body << '\n';
        }
        std::string verdict = "?", number, holder;
        try {
            Poco::JSON::Parser parser;
            auto o = parser.parse(asked.body).extract<Poco::JSON::Object::Ptr>();
            verdict = o->optValue<std::string>("verdict", "?");
            if (auto c = o->getObject("certificate")) {
                number = c->optValue<std::string>("number", "");
                holder = c->optValue<std::string>("holderName", "");
            }
        } catch (const Poco::Exception&) {
            note(69);
        }
        if (!json) {
            std::cout << input << ": " << verdict;
            if (!number.empty()) std::cout << "  " << number << "  " << holder;
            std::cout << '\n';
        }
        if (verdict != "valid") note(1);
    }
    return worst;
}

}  // namespace

}  // namespace examdocs::cli
