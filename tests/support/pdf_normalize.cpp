#include "support/pdf_normalize.h"

#include <zlib.h>

#include <stdexcept>

namespace examdocs::test {

namespace {

std::string inflate(const std::string& data) {
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) throw std::runtime_error("inflateInit failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buffer[65536];
    int rc = Z_OK;
    do {
        zs.next_out = reinterpret_cast<Bytef*>(buffer);
        zs.avail_out = sizeof buffer;
        rc = ::inflate(&zs, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - zs.avail_out);
    } while (rc == Z_OK);
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("a stream does not inflate");
    return out;
}

// "/Length 123" and "/Length 7 0 R" (also /Length1 …) become "/Length *". Hand-written
// rather than std::regex, which trips GCC 12's -Wmaybe-uninitialized under ASan.
std::string blank_lengths(const std::string& dict) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
        const auto at = dict.find("/Length", pos);
        if (at == std::string::npos) {
            out += dict.substr(pos);
            return out;
        }
        std::size_t i = at + 7;
        if (i < dict.size() && dict[i] >= '1' && dict[i] <= '3') ++i;
        out += dict.substr(pos, i - pos) + " *";
        // Skip " <digits>" and an optional " 0 R".
        std::size_t j = i;
        while (j < dict.size() && dict[j] == ' ') ++j;
        while (j < dict.size() && dict[j] >= '0' && dict[j] <= '9') ++j;
        if (dict.compare(j, 4, " 0 R") == 0) j += 4;
        pos = j;
    }
}

std::string drop_between(std::string text, const std::string& start, const std::string& end) {
    const auto a = text.find(start);
    if (a == std::string::npos) return text;
    const auto b = text.find(end, a + start.size());
    if (b == std::string::npos) return text;
    return text.erase(a, b + end.size() - a);
}

}  // namespace

std::string normalize_pdf(const std::string& pdf) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
        const auto obj = pdf.find(" 0 obj", pos);
        if (obj == std::string::npos) break;
        const auto line_start = pdf.rfind('\n', obj) + 1;
        const auto end = pdf.find("endobj", obj);
        if (end == std::string::npos) break;
        std::string body = pdf.substr(line_start, end - line_start);
        const auto stream = body.find(">>\nstream\n");
        if (stream == std::string::npos) {
            // A bare integer object is a stream length.
            const auto first_newline = body.find('\n');
            const std::string rest = body.substr(first_newline + 1);
            if (rest.find_first_not_of("0123456789\n") == std::string::npos) {
                out += body.substr(0, first_newline) + "\n*\n";
            } else {
                out += blank_lengths(body);
            }
        } else {
            const std::string dict = body.substr(0, stream + 3);
            const auto data_start = stream + 10;
            auto data_end = body.rfind("endstream");
            std::string data = body.substr(data_start, data_end - data_start);
            // The writer ends the data with one line feed before "endstream"; compressed
            // data may itself end in 0x0A or 0x0D, so only that one is taken off.
            if (!data.empty() && data.back() == '\n') data.pop_back();
            out += blank_lengths(dict);
            if (dict.find("/Subtype /Image") != std::string::npos) {
                out += "stream <image data>\n";
            } else if (dict.find("/Length1") != std::string::npos) {
                out += "stream <font program>\n";
            } else if (dict.find("/FlateDecode") != std::string::npos) {
                const std::string text = inflate(data);
                // Binary streams (the CIDToGIDMap) hold glyph ids of the font subset.
                if (text.find('\0') != std::string::npos) {
                    out += "stream <binary data>\n";
                } else {
                    out += "stream\n" + text + "\nendstream\n";
                }
            } else {
                out += "stream\n" + data + "\nendstream\n";
            }
        }
        out += "endobj\n";
        pos = end + 6;
    }
    const auto trailer = pdf.rfind("trailer");
    if (trailer != std::string::npos) {
        std::string tail = pdf.substr(trailer);
        tail = drop_between(tail, "/ID [", "]\n");
        // The xref offset moves with every byte before it; keep only the keyword.
        const auto startxref = tail.find("startxref\n");
        if (startxref != std::string::npos) tail = tail.substr(0, startxref) + "startxref\n*\n";
        out += tail;
    }
    return out;
}

}  // namespace examdocs::test
