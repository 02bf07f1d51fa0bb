#pragma once
// The entries of an uploaded ZIP archive (an .xlsx workbook, a folder of photos), read in
// place: an entry is inflated only when asked for, never unpacked to disk, and every
// limit an upload needs is checked while reading (how many entries, how large an entry
// is once inflated, how far it inflates beyond its compressed size).
//
// Not thread-safe: entries are read through the one stream, which must be seekable and
// must outlive the object. Faults of the archive (not a ZIP, too many entries, an entry
// over a limit, corrupt or encrypted data) throw InputError.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace Poco::Zip {
class ZipArchive;
class ZipInputStream;
}  // namespace Poco::Zip

namespace examdocs::bulk {

struct ZipLimits {
    std::size_t max_entries = 10'000;
    std::uint64_t max_entry_bytes = 256ULL * 1024 * 1024;
    // A ZIP bomb inflates a kilobyte to gigabytes; XML compresses about 10:1, photos not
    // at all. Entries under a megabyte are not held to it.
    std::uint64_t max_ratio = 200;
};

class ZipEntries {
  public:
    // Reads the archive's directory. `what` names the archive in messages ("the workbook",
    // "the photos ZIP").
    ZipEntries(std::istream& in, std::string what, ZipLimits limits = {});
    ~ZipEntries();
    ZipEntries(const ZipEntries&) = delete;
    ZipEntries& operator=(const ZipEntries&) = delete;

    // Names of the file entries (not directories), in the archive's order of names.
    std::vector<std::string> names() const;
    bool has(const std::string& name) const;

    // One entry being inflated; read it to its end before opening another.
    class Reader {
      public:
        ~Reader();
        Reader(Reader&&) noexcept;
        // Up to `size` bytes; 0 at the end. Throws InputError past a limit or on bad data.
        std::size_t read(char* data, std::size_t size);

      private:
        friend class ZipEntries;
        Reader(std::istream& archive, const void* header, std::string name, std::string what,
               std::uint64_t limit);
        std::unique_ptr<Poco::Zip::ZipInputStream> stream_;
        std::string name_, what_;
        std::uint64_t limit_ = 0, read_ = 0;
    };
    // Throws InputError when there is no such entry.
    Reader open(const std::string& name) const;
    // The whole entry; `max_bytes` (when smaller than the limits) bounds it further.
    std::string read(const std::string& name,
                     std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max()) const;

  private:
    std::istream& in_;
    std::string what_;
    ZipLimits limits_;
    std::unique_ptr<Poco::Zip::ZipArchive> archive_;
};

}  // namespace examdocs::bulk
