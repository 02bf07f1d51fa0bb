#include "examdocs/bulk/zip_entries.h"

#include <Poco/Exception.h>
#include <Poco/Zip/SkipCallback.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <algorithm>

#include "examdocs/bulk/records.h"

namespace examdocs::bulk {

namespace {

// Poco walks every local header while it reads the directory: stop it at the limit
// rather than hold a million headers of a hostile archive.
class CountingSkip : public Poco::Zip::SkipCallback {
  public:
    explicit CountingSkip(std::size_t max_entries) : max_entries_(max_entries) {}
    bool handleZipEntry(std::istream& in, const Poco::Zip::ZipLocalFileHeader& header) override {
        if (++count_ > max_entries_) throw TooManyEntries{};
        return SkipCallback::handleZipEntry(in, header);
    }
    struct TooManyEntries {};

  private:
    std::size_t max_entries_;
    std::size_t count_ = 0;
};

std::string megabytes(std::uint64_t bytes) {
    return std::to_string((bytes + 1024 * 1024 - 1) / (1024 * 1024)) + " MB";
}

}  // namespace

ZipEntries::ZipEntries(std::istream& in, std::string what, ZipLimits limits)
    : in_(in), what_(std::move(what)), limits_(limits) {
    CountingSkip counter(limits_.max_entries);
    try {
        archive_ = std::make_unique<Poco::Zip::ZipArchive>(in_, counter);
    } catch (const CountingSkip::TooManyEntries&) {
        throw InputError(
            what_ + " has more than " + std::to_string(limits_.max_entries) + " entries", 0);
    } catch (const Poco::Exception& e) {
        throw InputError(what_ + " is not a readable ZIP archive: " + e.displayText(), 0);
    }
    in_.clear();  // Poco leaves the stream failed once it has read the directory
    if (archive_->headerBegin() == archive_->headerEnd()) {
        throw InputError(what_ + " is not a ZIP archive (or an empty one)", 0);
    }
}

ZipEntries::~ZipEntries() = default;

std::vector<std::string> ZipEntries::names() const {
    std::vector<std::string> out;
    for (auto it = archive_->headerBegin(); it != archive_->headerEnd(); ++it) {
        if (it->second.isFile()) out.push_back(it->first);
    }
    return out;
}

bool ZipEntries::has(const std::string& name) const {
    auto it = archive_->findHeader(name);
    return it != archive_->headerEnd() && it->second.isFile();
}

ZipEntries::Reader ZipEntries::open(const std::string& name) const {
    auto it = archive_->findHeader(name);
    if (it == archive_->headerEnd() || !it->second.isFile()) {
        throw InputError(what_ + " has no entry " + name, 0);
    }
    const auto& header = it->second;
    if (header.isEncrypted()) throw InputError(what_ + "'s entry " + name + " is encrypted", 0);
    // Sizes from the central directory: a local header written while streaming says 0.
    std::uint64_t compressed = header.getCompressedSize();
    std::uint64_t declared = header.getUncompressedSize();
    auto info = archive_->fileInfoBegin();
    for (; info != archive_->fileInfoEnd(); ++info) {
        if (info->first == name) break;
    }
    if (info != archive_->fileInfoEnd()) {
        compressed = std::max<std::uint64_t>(compressed, info->second.getCompressedSize());
        declared = std::max<std::uint64_t>(declared, info->second.getUncompressedSize());
    }
    const std::uint64_t by_ratio =
        std::max<std::uint64_t>(1024 * 1024, compressed * limits_.max_ratio);
    const std::uint64_t limit = std::min(limits_.max_entry_bytes, by_ratio);
    if (declared > limit) {
        throw InputError(what_ + "'s entry " + name + " inflates to " + megabytes(declared) +
                             ", more than the limit of " + megabytes(limit),
                         0);
    }
    in_.clear();
    return Reader(in_, &header, name, what_, limit);
}

std::string ZipEntries::read(const std::string& name, std::uint64_t max_bytes) const {
    Reader reader = open(name);
    std::string out;
    char block[64 * 1024];
    while (const std::size_t n = reader.read(block, sizeof block)) {
        if (out.size() + n > max_bytes) {
            throw InputError(what_ + "'s entry " + name + " is larger than " + megabytes(max_bytes),
                             0);
        }
        out.append(block, n);
    }
    return out;
}

ZipEntries::Reader::Reader(std::istream& archive, const void* header, std::string name,
                           std::string what, std::uint64_t limit)
    : name_(std::move(name)), what_(std::move(what)), limit_(limit) {
    try {
        stream_ = std::make_unique<Poco::Zip::ZipInputStream>(
            archive, *static_cast<const Poco::Zip::ZipLocalFileHeader*>(header), true);
    } catch (const Poco::Exception& e) {
        throw InputError(what_ + "'s entry " + name_ + " cannot be read: " + e.displayText(), 0);
    }
}

ZipEntries::Reader::~Reader() = default;
ZipEntries::Reader::Reader(Reader&&) noexcept = default;

std::size_t ZipEntries::Reader::read(char* data, std::size_t size) {
    std::size_t n = 0;
    try {
        stream_->read(data, static_cast<std::streamsize>(size));
        n = static_cast<std::size_t>(stream_->gcount());
        if (stream_->bad()) throw InputError(what_ + "'s entry " + name_ + " is damaged", 0);
    } catch (const Poco::Exception& e) {
        throw InputError(what_ + "'s entry " + name_ + " is damaged: " + e.displayText(), 0);
    }
    read_ += n;
    if (read_ > limit_) {
        throw InputError(what_ + "'s entry " + name_ + " inflates to more than " +
                             megabytes(limit_) + " (a ZIP bomb?)",
                         0);
    }
    return n;
}

}  // namespace examdocs::bulk
