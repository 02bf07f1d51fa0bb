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

// Checks that every file exists and has its sha256. Reads each file (~60 MB in all) once
// per process while it stays the same file (device, inode, size, modification time).
std::vector<FontCheck> verify_fonts(const std::vector<FontEntry>& fonts);

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
FontCheck verify_output_intent(const ColourProfileEntry& profile);
// The bytes of the bundled profile, read and checked once per process. Throws
// std::runtime_error (naming the package, never a path) when it is missing or altered.
const std::string& output_intent_profile();

}  // namespace examdocs::fonts
