#pragma once
// The font manifest: every font examdocs draws with, where Debian installs it, and the
// sha256 it must have; and, in the same way, the ICC colour profile of every PDF's output
// intent (PDF/A-2b wants one). The manifest is compiled into the binary (fonts/manifest.json);
// verify_fonts() is run once at start and decides readiness. Pure functions, thread-safe.
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::fonts {

struct FontEntry {
    std::string id;      // stable name used by layouts, e.g. "zenhei"
    std::string family;  // e.g. "WenQuanYi Zen Hei"
    std::string role;    // "primary" or "fallback"
    std::string file;    // absolute path as installed by the Debian package
    int face = 0;        // face index inside a .ttc collection
    std::string package;
    std::string package_version;
    std::string sha256;  // lower-case hex
    std::string licence;
};

// Parses a manifest; throws std::invalid_argument naming the entry and field at fault.
std::vector<FontEntry> parse_font_manifest(std::string_view json);

// The manifest built into this binary.
const std::vector<FontEntry>& bundled_fonts();

struct FontCheck {
    std::string id;
    bool ok = false;
    // "ok", "missing: install the Debian package fonts-wqy-zenhei", "sha256 mismatch: …".
    // Safe to show to callers: it names packages, never paths of this machine.
    std::string detail;
};

// How a file's sha256 is known. Either way a file is read at most once per process while
// it stays the same file (device, inode, size, modification and change times).
enum class HashCheck {
    // Read and hash every file (~60 MB in all): `examdocs serve` at start, `examdocs
    // doctor`. What it finds is recorded in the hash cache.
    full,
    // Trust the hash cache's record for the very same file, and hash (and record) only a
    // file it has no record for: the one-shot commands (render, bulk), whose start would
    // otherwise take ~150 ms of hashing.
    cached,
};

// Checks that every file exists and has its sha256.
std::vector<FontCheck> verify_fonts(const std::vector<FontEntry>& fonts,
                                    HashCheck how = HashCheck::full);

// The hash cache: one line per file hashed, "sha256 device inode size mtime ctime path".
// $EXAMDOCS_CACHE_DIR/font-sha256, else $XDG_CACHE_HOME/examdocs/font-sha256, else
// ~/.cache/examdocs/font-sha256; empty when none of these can be named. A record only
// counts for a file with the same device, inode, size and times; the change time (ctime)
// cannot be set back by anyone but the kernel, so a font rewritten in place does not
// match its old record. A cache that cannot be read or written costs time, never a check.
std::string hash_cache_file();

// The colour profile a PDF's OutputIntent embeds (sRGB: every colour we draw is DeviceRGB).
struct ColourProfileEntry {
    std::string id;           // "srgb"
    std::string description;  // the OutputConditionIdentifier, e.g. "sRGB IEC61966-2.1"
    std::string file;
    std::string package;
    std::string package_version;
    std::string sha256;
    std::string licence;
};

// Parses the manifest's "outputIntent"; throws std::invalid_argument naming the field.
ColourProfileEntry parse_output_intent(std::string_view json);
const ColourProfileEntry& bundled_output_intent();
// The same check as verify_fonts(): present, and with its sha256.
FontCheck verify_output_intent(const ColourProfileEntry& profile, HashCheck how = HashCheck::full);
// The bytes of the bundled profile, read and checked once per process. Throws
// std::runtime_error (naming the package, never a path) when it is missing or altered.
const std::string& output_intent_profile();

}  // namespace examdocs::fonts
