// Reading bulk records: CSV as spreadsheets write it, NDJSON, JSON arrays, defaults, and
// what happens to one bad record among good ones.
#include "examdocs/bulk/records.h"

#include "examdocs/bulk/chunks.h"

#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Zip/Compress.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "examdocs/core/base64.h"
#include "examdocs/core/json_pointer.h"
#include "examdocs/renderers/layout_catalog.h"

namespace {

using examdocs::bulk::InputError;
using examdocs::bulk::InputFormat;
using examdocs::bulk::Record;

const examdocs::renderers::Layout& ticket() {
    static const auto catalog = examdocs::renderers::LayoutCatalog::bundled();
    return *catalog.find("admission-ticket");
}

std::vector<Record> read_all(const std::string& text, InputFormat format,
                             examdocs::bulk::ReadOptions options = {}) {
    std::istringstream in(text);
    auto reader = examdocs::bulk::open_records(in, format, ticket(), std::move(options));
    std::vector<Record> records;
    while (auto r = reader->next()) records.push_back(std::move(*r));
    return records;
}

std::string at(const Record& r, const std::string& pointer) {
    auto v = examdocs::resolve_pointer(r.data, pointer);
    return v ? v->convert<std::string>() : "<absent>";
}

TEST(CsvRecords, QuotesCommasLineBreaksAndTheByteOrderMark) {
    const std::string csv =
        "\xEF\xBB\xBF"
        "candidate/name,centre/address,notes/0\r\n"
        "张三,\"天津市南开区卫津路94号, 科技大厦5层\",\"他说\"\"带笔\"\"\n再进场\"\r\n"
        "李四,北京,\r\n";
    auto records = read_all(csv, InputFormat::csv);
    ASSERT_EQ(records.size(), 2U);
    EXPECT_TRUE(records[0].errors.empty());
    EXPECT_EQ(at(records[0], "/candidate/name"), "张三");  // the BOM is not part of the name
    EXPECT_EQ(at(records[0], "/centre/address"), "天津市南开区卫津路94号, 科技大厦5层");
    EXPECT_EQ(at(records[0], "/notes/0"), "他说\"带笔\"\n再进场");
    EXPECT_EQ(records[0].line, 2U);
    EXPECT_EQ(records[1].line, 4U) << "the quoted line break counts";
    EXPECT_EQ(at(records[1], "/notes/0"), "<absent>") << "an empty cell leaves the field out";
}

TEST(CsvRecords, CellsTakeTheTypesTheLayoutDeclares) {
    auto records = read_all(
        "ticketNumber,level,sessions/0/seat,sessions/1/seat\n"
        "0012,4,07,08\n"
        "0013,four,1,2\n",
        InputFormat::csv);
    ASSERT_EQ(records.size(), 2U);
    // The level is a level of the layout's scheme (rule level), a number or a word
    // (专项能力): its cell stays text, and the rule takes "4" as it takes 4.
    const auto level = examdocs::resolve_pointer(records[0].data, "/level");
    ASSERT_TRUE(level);
    EXPECT_TRUE(level->isString());
    EXPECT_EQ(at(records[0], "/level"), "4");
    EXPECT_EQ(at(records[0], "/ticketNumber"), "0012") << "text stays text, zeros and all";
    EXPECT_EQ(at(records[0], "/sessions/0/seat"), "07");
    EXPECT_EQ(at(records[0], "/sessions/1/seat"), "08");
    // Not a number: left as text, for the input check to name the field and the rule.
    EXPECT_TRUE(examdocs::resolve_pointer(records[1].data, "/level")->isString());
}

TEST(CsvRecords, ARowWithTheWrongCellCountFailsAlone) {
    auto records =
        read_all("candidate/name,ticketNumber\n张三,1\n李四\n王五,3\n", InputFormat::csv);
    ASSERT_EQ(records.size(), 3U);
    EXPECT_TRUE(records[0].errors.empty());
    ASSERT_EQ(records[1].errors.size(), 1U);
    EXPECT_EQ(records[1].errors[0].code, "csv-columns");
    EXPECT_EQ(records[1].number, 2U);
    EXPECT_EQ(records[1].line, 3U);
    EXPECT_EQ(at(records[2], "/candidate/name"), "王五");
}

TEST(CsvRecords, WholeInputProblemsAreInputErrors) {
    EXPECT_THROW(read_all("", InputFormat::csv), InputError);
    EXPECT_THROW(read_all("candidate/name,,level\n1,2,3\n", InputFormat::csv),
                 InputError);                                                    // empty name
    EXPECT_THROW(read_all("level,level\n1,2\n", InputFormat::csv), InputError);  // twice
    EXPECT_THROW(read_all("notes,notes/0\n1,2\n", InputFormat::csv),
                 InputError);  // through a value
    // A list and an object at once (found by fuzzing: it used to throw from stoul).
    EXPECT_THROW(read_all("sessions/0/seat,sessions/m\n1,2\n", InputFormat::csv), InputError);
    try {
        read_all("candidate/name\n\"never closed\n", InputFormat::csv);
        FAIL() << "an unterminated quote must be refused";
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 2U);
    }
    examdocs::bulk::ReadOptions small;
    small.max_record_bytes = 100;
    EXPECT_THROW(read_all("organizer\n" + std::string(500, 'x') + "\n", InputFormat::csv, small),
                 InputError);
}

TEST(CsvRecords, AMisspeltHeaderIsRefusedBeforeAnyRecordNamingTheNearestField) {
    try {
        read_all("candidate/name,candidate/nmae\n张三,李四\n", InputFormat::csv);
        FAIL() << "a header the layout does not know must be refused";
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 1U);
        const std::string message = e.what();
        EXPECT_NE(message.find("candidate/nmae"), std::string::npos) << message;
        EXPECT_NE(message.find("did you mean candidate/name?"), std::string::npos) << message;
    }
    EXPECT_THROW(read_all("sessions/0/rooom\n101\n", InputFormat::csv), InputError);
    EXPECT_EQ(read_all("sessions/0/room,notes/1\n101,带笔\n", InputFormat::csv).size(), 1U);
}

TEST(CsvRecords, DefaultsGoUnderEveryRecordAndTheRecordWins) {
    Poco::JSON::Parser parser;
    examdocs::bulk::ReadOptions options;
    options.defaults = parser.parse(
        R"({"organizer":"天津市软件行业协会","centre":{"name":"评价中心","address":"卫津路94号"}})");
    auto records = read_all("candidate/name,centre/address\n张三,\n李四,南京路1号\n",
                            InputFormat::csv, options);
    ASSERT_EQ(records.size(), 2U);
    EXPECT_EQ(at(records[0], "/organizer"), "天津市软件行业协会");
    EXPECT_EQ(at(records[0], "/centre/address"), "卫津路94号");
    EXPECT_EQ(at(records[1], "/centre/address"), "南京路1号");
    EXPECT_EQ(at(records[1], "/centre/name"), "评价中心") << "objects merge key by key";
}

TEST(CsvRecords, PhotoFilesOnlyFromInsideTheInputsDirectory) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    std::ofstream(dir.path() + "/a.jpg", std::ios::binary) << "\xFF\xD8 not really";
    const std::string csv =
        "candidate/name,candidate/photo\n"
        "张三,@a.jpg\n李四,@../a.jpg\n王五,@/etc/passwd\n赵六,@missing.jpg\n";

    auto refused = read_all(csv, InputFormat::csv);  // no files directory: no files at all
    EXPECT_EQ(refused[0].errors.at(0).code, "file-reference");

    examdocs::bulk::ReadOptions options;
    options.files_dir = dir.path();
    auto records = read_all(csv, InputFormat::csv, options);
    ASSERT_EQ(records.size(), 4U);
    EXPECT_TRUE(records[0].errors.empty());
    EXPECT_EQ(examdocs::base64_decode(at(records[0], "/candidate/photo")),
              std::string("\xFF\xD8 not really"));
    EXPECT_EQ(records[1].errors.at(0).code, "file-reference");
    EXPECT_EQ(records[2].errors.at(0).code, "file-reference");
    EXPECT_EQ(records[3].errors.at(0).code, "file-missing");
    EXPECT_EQ(records[3].errors.at(0).pointer, "/candidate/photo");
}

TEST(CsvRecords, PhotoFilesFromAZipFoundByNameOrByTheirLastPart) {
    Poco::TemporaryFile zip_path;
    {
        std::ofstream out(zip_path.path(), std::ios::binary);
        Poco::Zip::Compress compress(out, true);
        for (const char* name : {"photos/a.jpg", "b.jpg", "x/c.jpg", "y/c.jpg"}) {
            std::istringstream photo(std::string("\xFF\xD8 ") + name);
            compress.addFile(photo, Poco::DateTime(2026, 1, 1), name);
        }
        std::istringstream big(std::string(3 * 1024 * 1024, 'x'));
        compress.addFile(big, Poco::DateTime(2026, 1, 1), "big.jpg");
        compress.close();
    }
    const std::string csv =
        "candidate/name,candidate/photo\n"
        "张三,@photos/a.jpg\n李四,@photos/b.jpg\n王五,@c.jpg\n赵六,@none.jpg\n"
        "钱七,@../a.jpg\n孙八,@big.jpg\n";
    examdocs::bulk::ReadOptions options;
    options.files_zip = zip_path.path();
    auto records = read_all(csv, InputFormat::csv, options);
    ASSERT_EQ(records.size(), 6U);
    EXPECT_EQ(examdocs::base64_decode(at(records[0], "/candidate/photo")),
              std::string("\xFF\xD8 photos/a.jpg"));
    EXPECT_EQ(examdocs::base64_decode(at(records[1], "/candidate/photo")),
              std::string("\xFF\xD8 b.jpg"))
        << "found at the top by its last part";
    EXPECT_EQ(records[2].errors.at(0).code, "file-missing") << "two c.jpg: which one?";
    EXPECT_EQ(records[3].errors.at(0).code, "file-missing");
    EXPECT_EQ(records[4].errors.at(0).code, "file-reference");
    EXPECT_EQ(records[5].errors.at(0).code, "file-unreadable") << "over the photo size limit";
}

TEST(NdjsonRecords, ABadLineFailsAloneAndBlankLinesAreSkipped) {
    auto records = read_all("{\"ticketNumber\":\"1\"}\n\n{oops\n[1]\n{\"ticketNumber\":\"4\"}",
                            InputFormat::ndjson);
    ASSERT_EQ(records.size(), 4U);
    EXPECT_EQ(at(records[0], "/ticketNumber"), "1");
    EXPECT_EQ(records[1].errors.at(0).code, "json-syntax");
    EXPECT_EQ(records[1].line, 3U);
    EXPECT_EQ(records[2].errors.at(0).code, "type");
    EXPECT_EQ(at(records[3], "/ticketNumber"), "4");
    EXPECT_EQ(records[3].number, 4U);
}

TEST(JsonArrayRecords, EachItemIsARecord) {
    auto records =
        read_all(R"([{"ticketNumber":"1"}, 7, {"ticketNumber":"3"}])", InputFormat::json_array);
    ASSERT_EQ(records.size(), 3U);
    EXPECT_EQ(records[1].errors.at(0).pointer, "/1");
    EXPECT_EQ(at(records[2], "/ticketNumber"), "3");
    EXPECT_THROW(read_all(R"({"not":"an array"})", InputFormat::json_array), InputError);
}

TEST(InputFormats, FromNamesAndMediaTypes) {
    using examdocs::bulk::format_from_media_type;
    using examdocs::bulk::format_from_name;
    EXPECT_EQ(format_from_name("考生.CSV"), InputFormat::csv);
    EXPECT_EQ(format_from_name("a.jsonl"), InputFormat::ndjson);
    EXPECT_EQ(format_from_name("a.json"), InputFormat::json_array);
    EXPECT_EQ(format_from_name("考生名单.xlsx"), InputFormat::xlsx);
    EXPECT_FALSE(format_from_name("a.xls")) << "the binary format of Excel 97-2003";
    EXPECT_EQ(format_from_media_type("text/csv; charset=utf-8"), InputFormat::csv);
    EXPECT_EQ(format_from_media_type("application/x-ndjson"), InputFormat::ndjson);
    EXPECT_EQ(
        format_from_media_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        InputFormat::xlsx);
    EXPECT_FALSE(format_from_media_type("text/plain"));
}

TEST(ChunkRecords, KeepNumbersLinesTypedCellsDefaultsAndErrors) {
    examdocs::bulk::ReadOptions options;
    Poco::JSON::Parser parser;
    options.defaults = parser.parse(R"({"exam":{"title":"2026年第二批"}})");
    const auto records = read_all(
        "ticketNumber,candidate/name,level\n"
        "0012,\"张,三\",4\n"
        "too,many,cells,here\n"
        "0013,李四,3\n",
        InputFormat::csv, options);
    ASSERT_EQ(records.size(), 3U);
    std::string chunk;
    for (const auto& r : records) chunk += examdocs::bulk::encode_record(r);
    std::istringstream in(chunk);
    auto reader = examdocs::bulk::open_encoded_records(in);
    std::vector<Record> decoded;
    while (auto r = reader->next()) decoded.push_back(std::move(*r));
    ASSERT_EQ(decoded.size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(decoded[i].number, records[i].number);
        EXPECT_EQ(decoded[i].line, records[i].line);
    }
    EXPECT_EQ(at(decoded[0], "/ticketNumber"), "0012");
    EXPECT_EQ(at(decoded[0], "/candidate/name"), "张,三");
    EXPECT_EQ(at(decoded[0], "/exam/title"), "2026年第二批");
    // The level rule takes words (专项能力) as well as numbers: a level cell stays text.
    EXPECT_EQ(at(decoded[2], "/level"), "3");
    ASSERT_FALSE(decoded[1].errors.empty());
    EXPECT_EQ(decoded[1].errors[0].code, records[1].errors[0].code);
    EXPECT_EQ(decoded[1].errors[0].message, records[1].errors[0].message);

    std::istringstream damaged("{\"n\":1,\n");
    EXPECT_THROW(examdocs::bulk::open_encoded_records(damaged)->next(), InputError);
}

// Cut into chunks and read back chunk by chunk, an input gives the records of one read:
// the same numbers, lines, data and errors, whatever the chunk size.
void expect_chunks_read_as_whole(const std::string& text, InputFormat format) {
    examdocs::bulk::ReadOptions options;
    Poco::JSON::Parser parser;
    options.defaults = parser.parse(R"({"exam":{"title":"第二批"}})");
    const auto whole = read_all(text, format, options);
    ASSERT_FALSE(whole.empty());
    for (std::size_t per_chunk : {1U, 2U, 3U, 100U}) {
        std::istringstream in(text);
        examdocs::bulk::ChunkSplitter splitter(in, format, ticket(), per_chunk);
        std::vector<Record> read;
        std::size_t chunks = 0;
        while (auto chunk = splitter.next()) {
            ++chunks;
            EXPECT_EQ(chunk->first_record, read.size() + 1);
            EXPECT_LE(chunk->records, per_chunk);
            std::istringstream chunk_in(chunk->text);
            auto chunk_options = options;
            chunk_options.number_offset = chunk->first_record - 1;
            auto reader = examdocs::bulk::open_chunk(chunk_in, ticket(), chunk_options);
            std::size_t n = 0;
            while (auto r = reader->next()) {
                read.push_back(std::move(*r));
                ++n;
            }
            EXPECT_EQ(n, chunk->records);
        }
        EXPECT_EQ(chunks, (whole.size() + per_chunk - 1) / per_chunk);
        ASSERT_EQ(read.size(), whole.size()) << per_chunk << " a chunk";
        if (format == InputFormat::csv || format == InputFormat::ndjson) {
            // The same chunks as byte ranges of the input, read from its own bytes.
            const auto kind = format == InputFormat::csv ? examdocs::bulk::ChunkKind::csv
                                                         : examdocs::bulk::ChunkKind::ndjson;
            std::istringstream scanned(text);
            examdocs::bulk::ChunkScanner scanner(scanned, kind, ticket(), per_chunk,
                                                 options.max_record_bytes);
            const std::string header = text.substr(0, scanner.header_bytes());
            std::size_t at = 0;
            while (auto range = scanner.next()) {
                EXPECT_EQ(range->first_record, at + 1);
                std::istringstream chunk_in(examdocs::bulk::chunk_text(
                    kind, range->line_offset, header, text.substr(range->offset, range->bytes)));
                auto chunk_options = options;
                chunk_options.number_offset = range->first_record - 1;
                auto reader = examdocs::bulk::open_chunk(chunk_in, ticket(), chunk_options);
                while (auto r = reader->next()) {
                    ASSERT_LT(at, whole.size());
                    EXPECT_EQ(r->number, whole[at].number);
                    EXPECT_EQ(r->line, whole[at].line) << "record " << at + 1 << ", " << per_chunk;
                    std::ostringstream a, b;
                    Poco::JSON::Stringifier::condense(r->data, a);
                    Poco::JSON::Stringifier::condense(whole[at].data, b);
                    EXPECT_EQ(a.str(), b.str()) << "record " << at + 1;
                    EXPECT_EQ(r->errors.size(), whole[at].errors.size()) << "record " << at + 1;
                    ++at;
                }
            }
            EXPECT_EQ(at, whole.size()) << per_chunk << " a chunk";
        }
        for (std::size_t i = 0; i < whole.size(); ++i) {
            EXPECT_EQ(read[i].number, whole[i].number);
            EXPECT_EQ(read[i].line, whole[i].line) << "record " << i + 1 << ", " << per_chunk;
            std::ostringstream a, b;
            Poco::JSON::Stringifier::condense(read[i].data, a);
            Poco::JSON::Stringifier::condense(whole[i].data, b);
            EXPECT_EQ(a.str(), b.str()) << "record " << i + 1;
            ASSERT_EQ(read[i].errors.size(), whole[i].errors.size()) << "record " << i + 1;
            for (std::size_t e = 0; e < whole[i].errors.size(); ++e) {
                EXPECT_EQ(read[i].errors[e].message, whole[i].errors[e].message);
            }
        }
    }
}

TEST(ChunkSplitter, CsvChunksReadAsTheWholeFile) {
    expect_chunks_read_as_whole(
        "\xEF\xBB\xBFticketNumber,candidate/name,level\r\n"
        "\r\n"
        "0012,\"张,\"\"三\"\"\",4\r\n"
        "0013,\"李\n四\",3\n"
        "\n"
        "  \n"
        "wrong,cell,count,here\n"
        "0014,王五,x\n"
        "\"\"\n"
        "0015,赵六,2",
        InputFormat::csv);
}

TEST(ChunkSplitter, NdjsonChunksReadAsTheWholeFile) {
    expect_chunks_read_as_whole(
        "\n"
        "{\"ticketNumber\":\"0012\",\"candidate\":{\"name\":\"张三\"}}\n"
        "   \n"
        "not json\n"
        "[1,2]\n"
        "{\"ticketNumber\":\"0013\"}\r\n"
        "\n"
        "{\"ticketNumber\":\"0014\"}",
        InputFormat::ndjson);
}

TEST(ChunkSplitter, JsonArrayChunksReadAsTheWholeArray) {
    expect_chunks_read_as_whole(
        R"([{"ticketNumber":"0012"},{"ticketNumber":"0013","level":3},{"ticketNumber":"0014"}])",
        InputFormat::json_array);
}

TEST(ChunkSplitter, WholeInputProblemsAreFoundWhenSplitting) {
    auto split_all = [](const std::string& text, InputFormat format) {
        std::istringstream in(text);
        examdocs::bulk::ReadOptions small;
        small.max_record_bytes = 64;
        examdocs::bulk::ChunkSplitter splitter(in, format, ticket(), 2, small);
        while (splitter.next()) {
        }
    };
    EXPECT_THROW(split_all("level,level\n1,2\n", InputFormat::csv), InputError) << "a column twice";
    EXPECT_THROW(split_all("ticketNumber\n\"0012\n", InputFormat::csv), InputError);
    EXPECT_THROW(split_all("{}\n" + std::string(100, 'x') + "\n", InputFormat::ndjson), InputError);
    EXPECT_THROW(split_all("{", InputFormat::json_array), InputError);
    auto scan_all = [](const std::string& text, examdocs::bulk::ChunkKind kind) {
        std::istringstream in(text);
        examdocs::bulk::ChunkScanner scanner(in, kind, ticket(), 2, 64);
        while (scanner.next()) {
        }
    };
    EXPECT_THROW(scan_all("level,level\n1,2\n", examdocs::bulk::ChunkKind::csv), InputError);
    EXPECT_THROW(scan_all("ticketNumber\n\"0012\n", examdocs::bulk::ChunkKind::csv), InputError);
    EXPECT_THROW(scan_all("{}\n" + std::string(100, 'x') + "\n", examdocs::bulk::ChunkKind::ndjson),
                 InputError);
    std::istringstream damaged("#examdocs-chunk 9 csv 0\n");
    EXPECT_THROW(examdocs::bulk::open_chunk(damaged, ticket()), InputError);
}

}  // namespace
