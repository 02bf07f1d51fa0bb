#pragma once
// The font manifest: every font examdocs draws with, where Debian installs it, and the
// sha256 it must have. The manifest is compiled into the binary (fonts/manifest.json);
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

// Checks that every file exists and has its sha256. Reads each file (~60 MB in all) once
// per process while it stays the same file (device, inode, size, modification time).
std::vector<FontCheck> verify_fonts(const std::vector<FontEntry>& fonts);

}  // namespace examdocs::fonts
