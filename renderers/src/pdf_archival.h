#pragma once
// Private to renderers/: what makes our PDFs PDF/A-2b (ISO 19005-2, level B) beyond the
// syntax the writer already keeps to: the XMP metadata packet that repeats the
// information dictionary and names the conformance (6.6.2, 6.6.4), and the colour profile
// of the output intent (6.2.2), which every DeviceRGB colour we draw is read against
// (6.2.4.3). Pure functions; thread-safe.
#include <chrono>
#include <string>

namespace examdocs::renderers {

struct XmpFields {
    std::string title, author, subject;  // UTF-8; empty author/subject: left out
    std::string tool;                    // Creator and Producer of the information dictionary
    std::chrono::system_clock::time_point created;
};

// The XMP packet (UTF-8, no byte count, no encoding attribute: 6.6.2.1) with dc:title,
// dc:creator, dc:description, xmp:CreatorTool, xmp:CreateDate, xmp:ModifyDate,
// pdf:Producer, pdfaid:part 2 and pdfaid:conformance B. Deterministic for fixed fields.
std::string xmp_packet(const XmpFields& fields);

// "2026-11-18T11:06:40Z": the XMP form of the information dictionary's date.
std::string xmp_date(std::chrono::system_clock::time_point t);

// The colour profile's stream, deflated once per process (it is the same in every PDF).
// Throws std::runtime_error when the profile of the manifest is missing or altered.
const std::string& deflated_output_profile();

}  // namespace examdocs::renderers
