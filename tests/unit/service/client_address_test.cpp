#include "examdocs/service/client_address.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using examdocs::service::forwarded_hops;
using examdocs::service::ForwardingHeader;
using examdocs::service::TrustedProxies;

TEST(TrustedProxies, ParsesAddressesAndRangesOfBothFamilies) {
    const auto p = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8 fd00::/8,::1",
                                         ForwardingHeader::x_forwarded_for);
    EXPECT_TRUE(p.trusts("127.0.0.1"));
    EXPECT_FALSE(p.trusts("127.0.0.2"));
    EXPECT_TRUE(p.trusts("10.200.3.4"));
    EXPECT_FALSE(p.trusts("11.0.0.1"));
    EXPECT_TRUE(p.trusts("fd12:3456::1"));
    EXPECT_FALSE(p.trusts("fe80::1"));
    EXPECT_TRUE(p.trusts("::1"));
    EXPECT_TRUE(p.trusts("::ffff:10.1.2.3"));  // IPv4 seen through an IPv6 socket
    EXPECT_FALSE(p.trusts("not an address"));
    EXPECT_TRUE(TrustedProxies::parse("", ForwardingHeader::x_forwarded_for).empty());
    EXPECT_TRUE(TrustedProxies::parse("0.0.0.0/0", ForwardingHeader::x_forwarded_for)
                    .trusts("198.51.100.1"));
}

TEST(TrustedProxies, RefusesWhatIsNotAnAddressOrRange) {
    for (const char* bad : {"localhost", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x",
                            "300.1.1.1", "10.0.0.0/8/8"}) {
        EXPECT_THROW(TrustedProxies::parse(bad, ForwardingHeader::x_forwarded_for),
                     std::invalid_argument)
            << bad;
    }
}

TEST(TrustedProxies, TheClientIsTheRightmostHopThatIsNoTrustedProxy) {
    const auto p =
        TrustedProxies::parse("127.0.0.1, 10.0.0.0/8", ForwardingHeader::x_forwarded_for);
    // Straight from the proxy.
    EXPECT_EQ(p.client_address("127.0.0.1", "203.0.113.7", ""), "203.0.113.7");
    // A client that wrote its own header first: only what our proxies added counts.
    EXPECT_EQ(p.client_address("127.0.0.1", "1.2.3.4, 203.0.113.7", ""), "203.0.113.7");
    // Through two proxies of ours.
    EXPECT_EQ(p.client_address("127.0.0.1", "203.0.113.7, 10.1.1.1", ""), "203.0.113.7");
    // With ports, IPv6 in brackets, spaces.
    EXPECT_EQ(p.client_address("127.0.0.1", " 203.0.113.7:5123 ", ""), "203.0.113.7");
    EXPECT_EQ(p.client_address("127.0.0.1", "[2001:db8::7]:443", ""), "2001:db8::7");
    EXPECT_EQ(p.client_address("127.0.0.1", "2001:DB8:0::7", ""), "2001:db8::7");
    // No header, or one that names no address: the proxy itself.
    EXPECT_EQ(p.client_address("127.0.0.1", "", ""), "127.0.0.1");
    EXPECT_EQ(p.client_address("127.0.0.1", "unknown", ""), "127.0.0.1");
    EXPECT_EQ(p.client_address("127.0.0.1", "203.0.113.7, garbage", ""), "127.0.0.1");
    // Every hop a proxy of ours: the leftmost.
    EXPECT_EQ(p.client_address("127.0.0.1", "10.0.0.5, 10.0.0.6", ""), "10.0.0.5");
    // Not from a trusted proxy: the header is the client's own word, and ignored.
    EXPECT_EQ(p.client_address("198.51.100.9", "203.0.113.7", ""), "198.51.100.9");
    // IPv4 through an IPv6 socket is the same client as without.
    EXPECT_EQ(p.client_address("::ffff:198.51.100.9", "", ""), "198.51.100.9");
    // The other header is not read.
    EXPECT_EQ(p.client_address("127.0.0.1", "", "for=203.0.113.7"), "127.0.0.1");
}

TEST(TrustedProxies, ReadsForwardedWhenConfiguredSo) {
    const auto p = TrustedProxies::parse("127.0.0.1", ForwardingHeader::forwarded);
    EXPECT_EQ(p.client_address("127.0.0.1", "", "for=203.0.113.7;proto=https"), "203.0.113.7");
    EXPECT_EQ(p.client_address("127.0.0.1", "", R"(For="[2001:db8:cafe::17]:4711")"),
              "2001:db8:cafe::17");
    EXPECT_EQ(p.client_address("127.0.0.1", "", "for=1.2.3.4, for=203.0.113.7;by=127.0.0.1"),
              "203.0.113.7");
    EXPECT_EQ(p.client_address("127.0.0.1", "", "for=_hidden"), "127.0.0.1");
    EXPECT_EQ(p.client_address("127.0.0.1", "9.9.9.9", ""), "127.0.0.1");
}

TEST(ForwardedHops, SplitsBothHeaders) {
    EXPECT_EQ(forwarded_hops("a, b,,c", ForwardingHeader::x_forwarded_for),
              (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(forwarded_hops("for=a;proto=http, by=x, FOR = \"[b]\"", ForwardingHeader::forwarded),
              (std::vector<std::string>{"a", "", "\"[b]\""}));
    EXPECT_TRUE(forwarded_hops("", ForwardingHeader::forwarded).empty());
}

}  // namespace
