#include "examdocs/jobs/payload_store.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace examdocs::jobs {

namespace {

constexpr std::string_view kTemporary = ".tmp";

void require_key(std::string_view key) {
    if (!valid_payload_key(key)) {
        throw std::invalid_argument("not a payload key: '" + std::string(key.substr(0, 80)) + "'");
    }
}

// A file descriptor closed on every path out.
class Descriptor {
  public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    Descriptor(Descriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Descriptor& operator=(Descriptor&&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

// pread, asked again when a signal interrupts it: the bytes read, 0 at the file's end, -1
// on an error (errno says which).
ssize_t pread_at(int fd, char* into, std::size_t bytes, std::uint64_t offset) {
    ssize_t got = 0;
    do {
        got = ::pread(fd, into, bytes, static_cast<off_t>(offset));
    } while (got < 0 && errno == EINTR);
    return got;
}

// fsync of the file (or directory) at `path`: any descriptor of it flushes what every
// other wrote, so a closed stream's bytes reach the disk before the rename that publishes
// them, and the rename itself before a commit is reported.
void sync_path(const std::string& path, bool directory) {
    Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0)));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
        // Some shared file systems refuse fsync on a directory; the file's own is what counts.
        if (directory) return;
        throw std::runtime_error("cannot flush " + path +
                                 " to the disk: " + std::system_category().message(errno));
    }
}

std::string random_suffix() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    std::uint64_t bits = random();
    for (int i = 0; i < 16; ++i, bits >>= 4) out += hex[bits & 15];
    return out;
}

class DirectoryWriter : public PayloadWriter {
  public:
    explicit DirectoryWriter(std::string path)
        : path_(std::move(path)),
          temporary_(path_ + "." + random_suffix() + std::string(kTemporary)) {
        Poco::File(Poco::Path(path_).parent()).createDirectories();
        out_.open(temporary_, std::ios::binary | std::ios::trunc);
        if (!out_) throw std::runtime_error("cannot create " + temporary_);
    }
    ~DirectoryWriter() override {
        if (committed_) return;
        out_.close();
        std::remove(temporary_.c_str());
    }
    DirectoryWriter(const DirectoryWriter&) = delete;
    DirectoryWriter& operator=(const DirectoryWriter&) = delete;

    std::ostream& stream() override { return out_; }

    std::uint64_t commit() override {
        if (committed_) throw std::logic_error("a payload writer commits once");
        out_.flush();
        const auto bytes = static_cast<std::uint64_t>(out_.tellp());
        out_.close();
        if (!out_) throw std::ios_base::failure("writing " + temporary_ + " failed");
        sync_path(temporary_, false);
        if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
            throw std::runtime_error("cannot move " + temporary_ +
                                     " into place: " + std::system_category().message(errno));
        }
        committed_ = true;
        sync_path(Poco::Path(path_).parent().toString(), true);
        return bytes;
    }

  private:
    std::string path_, temporary_;
    std::ofstream out_;
    bool committed_ = false;
};

// `length` bytes of a file from `offset`, read with pread as they are consumed, a buffer at
// a time: a chunk's megabytes pass through one small buffer instead of a string of their
// own (which the kernel would first zero, page by page, and we then fill and copy).
class FileRangeBuffer : public std::streambuf {
  public:
    FileRangeBuffer(std::string path, Descriptor fd, std::uint64_t offset, std::uint64_t length)
        : path_(std::move(path)), fd_(std::move(fd)), offset_(offset), remaining_(length) {}

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (remaining_ == 0) return traits_type::eof();
        const auto want = static_cast<std::size_t>(
            std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(buffer_.size())));
        const ssize_t got = pread_at(fd_.get(), buffer_.data(), want, offset_);
        if (got <= 0) {
            throw std::runtime_error(
                "reading " + path_ + " failed at byte " + std::to_string(offset_) + ": " +
                (got == 0 ? std::string("it ended") : std::system_category().message(errno)));
        }
        offset_ += static_cast<std::uint64_t>(got);
        remaining_ -= static_cast<std::uint64_t>(got);
        setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
        return traits_type::to_int_type(*gptr());
    }

  private:
    std::string path_;
    Descriptor fd_;
    std::uint64_t offset_, remaining_;
    std::vector<char> buffer_ = std::vector<char>(std::size_t{256} << 10);
};

class FileRangeStream : public std::istream {
  public:
    FileRangeStream(std::string path, Descriptor fd, std::uint64_t offset, std::uint64_t length)
        : std::istream(nullptr), buffer_(std::move(path), std::move(fd), offset, length) {
        rdbuf(&buffer_);
    }

  private:
    FileRangeBuffer buffer_;
};

class DirectoryStore final : public PayloadStore {
  public:
    explicit DirectoryStore(std::string root) : root_(std::move(root)) {
        while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
        try {
            Poco::File(root_).createDirectories();
            // A store that cannot be written fails at the start, not in the first job.
            put("write-probe", "ok");
            if (read_all("write-probe") != "ok") throw std::runtime_error("a file read back wrong");
            remove_all("write-probe");
        } catch (const std::exception& e) {
            throw std::runtime_error("the job store directory " + root_ +
                                     " cannot be used: " + e.what());
        }
    }

    std::unique_ptr<PayloadWriter> write(const std::string& key) override {
        return std::make_unique<DirectoryWriter>(path_of(key));
    }

    void adopt(const std::string& key, const std::string& file) override {
        const std::string path = path_of(key);
        Poco::File(Poco::Path(path).parent()).createDirectories();
        sync_path(file, false);
        if (std::rename(file.c_str(), path.c_str()) == 0) {
            sync_path(Poco::Path(path).parent().toString(), true);
            return;
        }
        if (errno != EXDEV) {
            throw std::runtime_error("cannot move " + file + " to " + path + ": " +
                                     std::system_category().message(errno));
        }
        // Another file system (a shared volume): copied, then the original goes.
        std::ifstream in(file, std::ios::binary);
        auto writer = write(key);
        writer->stream() << in.rdbuf();
        writer->commit();
        std::remove(file.c_str());
    }

    std::optional<std::uint64_t> size(const std::string& key) override {
        const Poco::File f(path_of(key));
        if (!f.exists() || !f.isFile()) return std::nullopt;
        return static_cast<std::uint64_t>(f.getSize());
    }

    std::string read(const std::string& key, std::uint64_t offset, std::uint64_t length) override {
        std::ifstream in(path_of(key), std::ios::binary);
        if (!in) throw std::runtime_error("the job store has no " + key);
        std::string bytes(length, '\0');
        in.seekg(static_cast<std::streamoff>(offset));
        in.read(bytes.data(), static_cast<std::streamsize>(length));
        if (static_cast<std::uint64_t>(in.gcount()) != length) {
            throw std::runtime_error("the job store's " + key + " is shorter than " +
                                     std::to_string(offset + length) + " bytes");
        }
        return bytes;
    }

    std::string_view read_all_into(const std::string& key, std::string& buffer) override {
        const std::string path = path_of(key);
        Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        struct stat about {};
        if (fd.get() < 0 || ::fstat(fd.get(), &about) != 0) {
            throw std::runtime_error("the job store has no " + key);
        }
        const auto bytes = static_cast<std::size_t>(about.st_size);
        // Grown, never shrunk: the next part of about the same size reuses the memory.
        if (buffer.size() < bytes) buffer.resize(bytes);
        std::size_t done = 0;
        while (done < bytes) {
            const ssize_t got = pread_at(fd.get(), buffer.data() + done, bytes - done, done);
            if (got <= 0) {
                throw std::runtime_error("reading the job store's " + key + " failed: " +
                                         (got == 0 ? std::string("it ended early")
                                                   : std::system_category().message(errno)));
            }
            done += static_cast<std::size_t>(got);
        }
        return std::string_view(buffer.data(), bytes);
    }

    std::unique_ptr<std::istream> open_range(const std::string& key, std::uint64_t offset,
                                             std::uint64_t length) override {
        std::string path = path_of(key);
        Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        struct stat about {};
        if (fd.get() < 0 || ::fstat(fd.get(), &about) != 0) {
            throw std::runtime_error("the job store has no " + key);
        }
        if (static_cast<std::uint64_t>(about.st_size) < offset + length) {
            throw std::runtime_error("the job store's " + key + " is shorter than " +
                                     std::to_string(offset + length) + " bytes");
        }
        return std::make_unique<FileRangeStream>(std::move(path), std::move(fd), offset, length);
    }

    std::unique_ptr<std::istream> open(const std::string& key) override {
        auto in = std::make_unique<std::ifstream>(path_of(key), std::ios::binary);
        if (!*in) return nullptr;
        return in;
    }

    std::optional<std::string> local_file(const std::string& key) override {
        std::string path = path_of(key);
        if (!Poco::File(path).exists()) return std::nullopt;
        return path;
    }

    void remove_all(const std::string& prefix) override {
        Poco::File f(path_of(prefix));
        if (f.exists()) f.remove(true);
    }

    std::vector<PayloadGroup> groups() override {
        std::vector<PayloadGroup> out;
        for (Poco::DirectoryIterator it(root_), end; it != end; ++it) {
            // A probe's or writer's temporary file at the top is no group of keys.
            if (!valid_payload_key(it.name()) || !it->isDirectory()) continue;
            out.push_back({it.name(), newest_write(*it)});
        }
        return out;
    }

    std::string describe() const override { return "dir:" + root_; }

  private:
    // A directory's own time changes only when entries are added or removed directly in
    // it: a part written into a job's parts/ folder shows on that folder, not the job's.
    static std::int64_t newest_write(const Poco::File& f) {
        std::int64_t newest = f.getLastModified().epochTime();
        if (!f.isDirectory()) return newest;
        for (Poco::DirectoryIterator it(f), end; it != end; ++it) {
            newest = std::max(newest, newest_write(*it));
        }
        return newest;
    }

    std::string path_of(const std::string& key) const {
        require_key(key);
        return root_ + "/" + key;
    }

    std::string root_;
};

}  // namespace

void PayloadStore::put(const std::string& key, std::string_view bytes) {
    auto writer = write(key);
    writer->stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    writer->commit();
}

std::string PayloadStore::read_all(const std::string& key) {
    const auto bytes = size(key);
    if (!bytes) throw std::runtime_error("the job store has no " + key);
    return read(key, 0, *bytes);
}

std::string_view PayloadStore::read_all_into(const std::string& key, std::string& buffer) {
    buffer = read_all(key);
    return buffer;
}

std::unique_ptr<std::istream> PayloadStore::open_range(const std::string& key, std::uint64_t offset,
                                                       std::uint64_t length) {
    return std::make_unique<std::istringstream>(read(key, offset, length));
}

bool valid_payload_key(std::string_view key) {
    if (key.empty() || key.size() > 200) return false;
    std::size_t start = 0;
    while (true) {
        const auto end = key.find('/', start);
        const auto segment = key.substr(start, end == std::string_view::npos ? end : end - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        if (segment.size() >= kTemporary.size() &&
            segment.substr(segment.size() - kTemporary.size()) == kTemporary) {
            return false;
        }
        for (char c : segment) {
            const bool fits = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                              c == '_' || c == '-';
            if (!fits) return false;
        }
        if (end == std::string_view::npos) return true;
        start = end + 1;
    }
}

std::unique_ptr<PayloadStore> open_directory_store(const std::string& root) {
    return std::make_unique<DirectoryStore>(root);
}

std::unique_ptr<PayloadStore> open_payload_store(const std::string& spec) {
    if (spec.rfind("dir:", 0) == 0 && spec.size() > 4) return open_directory_store(spec.substr(4));
    // s3:// stores are opened by objectstore/ (open_s3_store), which needs an endpoint and
    // credentials from the configuration.
    throw std::invalid_argument("'" + spec + "': must be dir:PATH");
}

std::string input_key(const std::string& job_id) { return job_id + "/input"; }
std::string records_key(const std::string& job_id) { return job_id + "/records.ndjson"; }
std::string part_key(const std::string& job_id, std::int64_t chunk) {
    return parts_prefix(job_id) + "/" + std::to_string(chunk) + ".part";
}
std::string manifest_key(const std::string& job_id, std::int64_t chunk) {
    return parts_prefix(job_id) + "/" + std::to_string(chunk) + ".manifest";
}
std::string parts_prefix(const std::string& job_id) { return job_id + "/parts"; }
std::string result_key(const std::string& job_id, bool zip) {
    return job_id + (zip ? "/result.zip" : "/result.pdf");
}

}  // namespace examdocs::jobs
