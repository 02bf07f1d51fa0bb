// Untrusted: a multipart/form-data body (photo uploads, bulk job uploads, the verification
// page's form) and its Content-Type. A first line starting with '!' is the Content-Type;
// otherwise the body is read with the boundary "b". Every part is read as the routes read
// them (bounded) or left for the reader to skip. Only a ProblemError may come out.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "examdocs/core/problem.h"
#include "form_parts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    std::string content_type = "multipart/form-data; boundary=b";
    if (!text.empty() && text.front() == '!') {
        const auto end = text.find('\n');
        content_type = text.substr(1, end == std::string::npos ? std::string::npos : end - 1);
        text.erase(0, end == std::string::npos ? text.size() : end + 1);
    }
    std::istringstream body(text);
    int seen = 0;
    try {
        examdocs::service::read_form_parts(
            content_type, body, [&](examdocs::service::FormPart& part) {
                if (part.name.empty()) std::abort();  // the reader refuses nameless parts
                ++seen;
                if (seen % 2 == 1) {  // every other part read, at most 64 KB, like `defaults`
                    std::string bytes(64 * 1024, '\0');
                    part.body.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                }
            });
    } catch (const examdocs::ProblemError& e) {
        const int status = e.problem().status;
        if (status != 400 && status != 415) std::abort();
    }
    if (seen > examdocs::service::kMaxFormParts) std::abort();
    return 0;
}
