#include "examdocs/bulk/chunks.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace examdocs::bulk {

namespace {

// {"n": number, "l": line, "d": data} or {"n": number, "l": line, "e": [errors]}.
class EncodedRecords : public RecordReader {
  public:
    explicit EncodedRecords(std::istream& in) : in_(in) {}

    std::optional<Record> next() override {
        std::string text;
        while (std::getline(in_, text)) {
            ++line_;
            if (!text.empty()) return decode(text);
        }
        return std::nullopt;
    }

  private:
    Record decode(const std::string& text) const {
        try {
            Poco::JSON::Parser parser;
            const auto o = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
            Record record;
            record.number = o->getValue<std::size_t>("n");
            record.line = o->getValue<std::size_t>("l");
            if (o->has("e")) {
                for (const auto& item : *o->getArray("e")) {
                    const auto e = item.extract<Poco::JSON::Object::Ptr>();
                    record.errors.push_back({e->getValue<std::string>("pointer"),
                                             e->getValue<std::string>("code"),
                                             e->getValue<std::string>("message")});
                }
            } else {
                record.data = o->get("d");
            }
            return record;
        } catch (const Poco::Exception& e) {
            throw InputError("a chunk's record is damaged: " + e.displayText(), line_);
        } catch (const std::exception& e) {
            throw InputError(std::string("a chunk's record is damaged: ") + e.what(), line_);
        }
    }

    std::istream& in_;
    std::size_t line_ = 0;
};

}  // namespace

std::string encode_record(const Record& record) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("n", static_cast<Poco::UInt64>(record.number));
    o.set("l", static_cast<Poco::UInt64>(record.line));
    if (!record.errors.empty()) {
        o.set("e", field_errors_json(record.errors));
    } else {
        o.set("d", record.data);
    }
    std::ostringstream out;
    o.stringify(out);
    out << '\n';
    return out.str();
}

std::unique_ptr<RecordReader> open_encoded_records(std::istream& in) {
    return std::make_unique<EncodedRecords>(in);
}

}  // namespace examdocs::bulk
