#include "form_parts.h"

#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>

#include <limits>

#include "examdocs/core/problem.h"
#include "examdocs/service/exchange.h"

namespace examdocs::service {

namespace {

std::string lower_media_type(const std::string& value) {
    std::string base = value.substr(0, value.find(';'));
    Poco::trimInPlace(base);
    return Poco::toLower(base);
}

Problem malformed(const std::string& why) {
    Problem p = bad_request("The multipart form is malformed: " + why);
    p.slug = "malformed-form";
    return p;
}

}  // namespace

void read_form_parts(Exchange& ex, const std::function<void(FormPart&)>& on_part, int max_parts) {
    read_form_parts(ex.header("Content-Type"), ex.body_stream(), on_part, max_parts);
}

void read_form_parts(std::string_view content_type_text, std::istream& body,
                     const std::function<void(FormPart&)>& on_part, int max_parts) {
    const std::string content_type(content_type_text);
    if (lower_media_type(content_type) != "multipart/form-data") {
        throw ProblemError(unsupported_media_type("Send the form as multipart/form-data."));
    }
    Poco::Net::NameValueCollection params;
    std::string ignored;
    Poco::Net::MessageHeader::splitParameters(content_type, ignored, params);
    const std::string boundary = params.get("boundary", "");
    // RFC 2046: 1–70 characters. Poco would otherwise search a megabyte-long one.
    if (boundary.empty() || boundary.size() > 70) {
        throw ProblemError(malformed("the Content-Type names no boundary of 1–70 characters."));
    }
    Poco::Net::MultipartReader reader(body, boundary);
    int parts = 0;
    while (true) {
        Poco::Net::MessageHeader header;
        try {
            if (!reader.hasNextPart()) break;
            if (++parts > max_parts) {
                Problem p = bad_request("The form has more than " + std::to_string(max_parts) +
                                        " parts; send only the fields this route reads.");
                p.slug = "too-many-parts";
                throw ProblemError(p);
            }
            reader.nextPart(header);
        } catch (const Poco::Net::MessageException& e) {
            // MultipartException is one: no boundary line, a part without headers, too
            // many header fields in a part.
            throw ProblemError(malformed(e.message().empty() ? e.displayText() : e.message()));
        }
        std::string disposition;
        Poco::Net::NameValueCollection disp;
        Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""),
                                                  disposition, disp);
        if (Poco::toLower(disposition) != "form-data" || disp.get("name", "").empty()) {
            throw ProblemError(malformed("part " + std::to_string(parts) +
                                         " has no Content-Disposition: form-data; name=…"));
        }
        FormPart part{disp.get("name", ""), disp.get("filename", ""),
                      lower_media_type(header.get("Content-Type", "")), reader.stream()};
        on_part(part);
        // The reader finds the next part only after this one's end; the body as a whole
        // is bounded by the route's limit.
        part.body.ignore(std::numeric_limits<std::streamsize>::max());
    }
    if (parts == 0) throw ProblemError(malformed("it has no parts."));
}

}  // namespace examdocs::service
