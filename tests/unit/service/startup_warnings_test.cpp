#include "examdocs/service/startup_warnings.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using examdocs::service::Settings;
using examdocs::service::startup_warnings;

// The `key` field of each warning.
std::vector<std::string> keys_warned(const Settings& settings) {
    std::vector<std::string> keys;
    for (const auto& w : startup_warnings(settings)) {
        for (const auto& [name, value] : w.fields) {
            if (name == "key") keys.push_back(value.text());
        }
    }
    return keys;
}

TEST(StartupWarnings, DefaultsThatAreWrongInProduction) {
    Settings defaults;
    defaults.data_dir = ".";
    EXPECT_EQ(keys_warned(defaults),
              (std::vector<std::string>{"public.base-url", "auth.api-keys", "issuer.name"}));

    Settings production = defaults;
    production.public_base_url = "https://verify.example.org";
    production.api_keys = "backend:" + std::string(64, 'a') + ":read";
    production.issuer.body_code = "000034";  // any one of the issuer's values set
    EXPECT_TRUE(keys_warned(production).empty());

    production.host = "0.0.0.0";
    EXPECT_EQ(keys_warned(production), std::vector<std::string>{"server.host"});
    production.public_base_url = "http://localhost:8080";
    EXPECT_EQ(keys_warned(production).front(), "public.base-url");
}

TEST(StartupWarnings, NetworkFileSystemsAreKnownByTheirMagic) {
    using examdocs::service::network_file_system_name;
    EXPECT_EQ(network_file_system_name(0x6969), "nfs");
    EXPECT_EQ(network_file_system_name(0xFF534D42), "cifs");
    EXPECT_EQ(network_file_system_name(0xEF53), "");      // ext4
    EXPECT_EQ(network_file_system_name(0x01021994), "");  // tmpfs
}

}  // namespace
