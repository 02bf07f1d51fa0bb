#include "examdocs/service/startup_warnings.h"

#include <Poco/URI.h>
#include <sys/vfs.h>

namespace examdocs::service {

std::string_view network_file_system_name(long long statfs_type) {
    // Magic numbers of linux/magic.h (and fs/smb for SMB2), for the file systems whose
    // byte-range locks SQLite cannot rely on.
    switch (statfs_type) {
        case 0x6969:
            return "nfs";
        case 0x517B:
            return "smb";
        case 0xFF534D42:
            return "cifs";
        case 0xFE534D42:
            return "smb2";
        case 0x65735546:
            return "fuse";
        case 0x00C36400:
            return "ceph";
        case 0x01021997:
            return "9p";
        case 0x5346414F:
            return "afs";
        case 0x47504653:
            return "gpfs";
        case 0x0BD00BD0:
            return "lustre";
        default:
            return {};
    }
}

std::vector<StartupWarning> startup_warnings(const Settings& settings) {
    std::vector<StartupWarning> warnings;
    std::string base_host;
    try {
        base_host = Poco::URI(settings.public_base_url).getHost();
    } catch (const std::exception&) {
    }
    if (base_host == "127.0.0.1" || base_host == "localhost" || base_host == "::1" ||
        base_host == "[::1]") {
        warnings.push_back(
            {"public.base-url points at this machine: every certificate's QR code will open "
             "a verification page only this machine can reach; set it to the public address",
             {{"key", "public.base-url"}, {"value", settings.public_base_url}}});
    }
    if (settings.api_keys.empty()) {
        warnings.push_back(
            {"no auth.api-keys: every backend route (issuing, revoking, reading "
             "certificates, bulk jobs) answers 401; 'examdocs api-key new' "
             "makes one",
             {{"key", "auth.api-keys"}}});
    }
    const registry::IssuerIdentity example;
    if (settings.issuer.name == example.name && settings.issuer.body_code == example.body_code &&
        settings.issuer.province_code == example.province_code &&
        settings.issuer.site_code == example.site_code) {
        warnings.push_back(
            {"the issuer (issuer.name, issuer.body-code, issuer.province-code, issuer.site-code) "
             "is the built-in example: certificates are numbered and signed as " +
                 example.name + "'s; set your body's name and codes",
             {{"key", "issuer.name"}, {"value", settings.issuer.name}}});
    }
    // With trusted proxies configured the operator has said who stands in front.
    const bool every_interface =
        settings.host == "0.0.0.0" || settings.host == "::" || settings.host == "[::]";
    if (every_interface && settings.trusted_proxies.empty()) {
        warnings.push_back(
            {"server.host listens on every interface: clients reach the service directly, "
             "without the TLS front, and the rate limits count each client address as seen "
             "here; listen on 127.0.0.1 behind a proxy",
             {{"key", "server.host"}, {"value", settings.host}}});
    }
    if (settings.registry_url.empty()) {
        struct statfs fs {};
        if (statfs(settings.data_dir.c_str(), &fs) == 0) {
            const auto name = network_file_system_name(static_cast<long long>(fs.f_type));
            if (!name.empty()) {
                warnings.push_back(
                    {"the SQLite registry is on a network file system: its locks are not "
                     "reliable there and the database can be corrupted; keep data.dir on a "
                     "local disk or use PostgreSQL (registry.url)",
                     {{"key", "data.dir"},
                      {"value", settings.data_dir},
                      {"fileSystem", std::string(name)}}});
            }
        }
    }
    return warnings;
}

}  // namespace examdocs::service
