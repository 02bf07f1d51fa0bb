#include "examdocs/service/client_address.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>

#include <cstring>
#include <optional>
#include <stdexcept>

namespace examdocs::service {

namespace {

using Bytes = std::array<unsigned char, 16>;

// An address as sixteen bytes; IPv4 (and IPv4-mapped IPv6) as ::ffff:a.b.c.d, so that
// one range list serves both families whatever socket the peer came in on.
std::optional<Bytes> address_bytes(std::string_view text) {
    Poco::Net::IPAddress address;
    if (text.empty() || !Poco::Net::IPAddress::tryParse(std::string(text), address))
        return std::nullopt;
    Bytes bytes{};
    if (address.family() == Poco::Net::AddressFamily::IPv4) {
        bytes[10] = 0xff;
        bytes[11] = 0xff;
        std::memcpy(bytes.data() + 12, address.addr(), 4);
    } else {
        std::memcpy(bytes.data(), address.addr(), 16);
    }
    return bytes;
}

bool is_ipv4_mapped(const Bytes& b) {
    for (int i = 0; i < 10; ++i) {
        if (b[static_cast<std::size_t>(i)] != 0) return false;
    }
    return b[10] == 0xff && b[11] == 0xff;
}

// One spelling per address: dotted for IPv4 (also when it came IPv4-mapped), RFC 5952 for
// IPv6. A rate limit keyed on text must not count "::ffff:1.2.3.4" and "1.2.3.4" apart.
std::string canonical(const Bytes& b) {
    if (is_ipv4_mapped(b)) {
        return std::to_string(b[12]) + "." + std::to_string(b[13]) + "." + std::to_string(b[14]) +
               "." + std::to_string(b[15]);
    }
    return Poco::Net::IPAddress(b.data(), 16).toString();
}

// "[2001:db8::1]:4711" → "2001:db8::1", "192.0.2.1:80" → "192.0.2.1", quotes removed.
std::string_view strip_port(std::string_view hop) {
    if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"')
        hop = hop.substr(1, hop.size() - 2);
    if (!hop.empty() && hop.front() == '[') {
        const auto close = hop.find(']');
        return close == std::string_view::npos ? std::string_view{} : hop.substr(1, close - 1);
    }
    const auto colon = hop.find(':');
    if (colon != std::string_view::npos && hop.find(':', colon + 1) == std::string_view::npos)
        return hop.substr(0, colon);  // one colon: IPv4 with a port
    return hop;
}

bool in_range(const Bytes& address, const Bytes& range, int prefix_bits) {
    for (int bit = 0; bit < prefix_bits; bit += 8) {
        const auto i = static_cast<std::size_t>(bit / 8);
        const int bits = std::min(8, prefix_bits - bit);
        const auto mask = static_cast<unsigned char>(0xff << (8 - bits));
        if ((address[i] & mask) != (range[i] & mask)) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::vector<std::string> forwarded_hops(std::string_view value, ForwardingHeader header) {
    std::vector<std::string> hops;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        const std::string_view element = trim(value.substr(start, comma - start));
        start = comma + 1;
        if (element.empty()) continue;
        if (header == ForwardingHeader::x_forwarded_for) {
            hops.emplace_back(element);
            continue;
        }
        // RFC 7239: pairs separated by ";", names case-insensitive.
        std::string for_value;
        std::size_t pair_start = 0;
        while (pair_start <= element.size()) {
            auto semicolon = element.find(';', pair_start);
            if (semicolon == std::string_view::npos) semicolon = element.size();
            const std::string_view pair = trim(element.substr(pair_start, semicolon - pair_start));
            pair_start = semicolon + 1;
            const auto equals = pair.find('=');
            if (equals == std::string_view::npos) continue;
            if (Poco::icompare(std::string(trim(pair.substr(0, equals))), "for") == 0)
                for_value = std::string(trim(pair.substr(equals + 1)));
        }
        hops.push_back(std::move(for_value));
    }
    return hops;
}

TrustedProxies TrustedProxies::parse(std::string_view text, ForwardingHeader header) {
    TrustedProxies proxies;
    proxies.header_ = header;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find_first_of(", \t", start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view entry = text.substr(start, end - start);
        start = end + 1;
        if (entry.empty()) continue;
        const auto slash = entry.find('/');
        const auto bytes = address_bytes(entry.substr(0, slash));
        if (!bytes) {
            throw std::invalid_argument("'" + std::string(entry) +
                                        "' is not an IP address or CIDR range");
        }
        Range range{*bytes, 128};
        const bool ipv4 = entry.find(':') == std::string_view::npos;
        if (slash != std::string_view::npos) {
            const std::string bits(entry.substr(slash + 1));
            const int max_bits = ipv4 ? 32 : 128;
            if (bits.empty() || bits.size() > 3 ||
                bits.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(bits) > max_bits) {
                throw std::invalid_argument("'" + std::string(entry) + "' has a prefix length " +
                                            "outside 0-" + std::to_string(max_bits));
            }
            range.prefix_bits = std::stoi(bits) + (ipv4 ? 96 : 0);
        }
        proxies.ranges_.push_back(range);
    }
    return proxies;
}

bool TrustedProxies::trusts(std::string_view address) const {
    const auto bytes = address_bytes(strip_port(address));
    if (!bytes) return false;
    for (const auto& r : ranges_) {
        if (in_range(*bytes, r.bytes, r.prefix_bits)) return true;
    }
    return false;
}

std::string TrustedProxies::client_address(std::string_view peer, std::string_view x_forwarded_for,
                                           std::string_view forwarded) const {
    const auto peer_bytes = address_bytes(peer);
    std::string client = peer_bytes ? canonical(*peer_bytes) : std::string(peer);
    if (!trusts(peer)) return client;
    const auto hops = forwarded_hops(
        header_ == ForwardingHeader::x_forwarded_for ? x_forwarded_for : forwarded, header_);
    for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
        const auto bytes = address_bytes(strip_port(*hop));
        // A trusted proxy that passed on something unreadable ("unknown", an obfuscated
        // name): the client is as far as we can tell, the proxy that said so.
        if (!bytes) return client;
        client = canonical(*bytes);
        if (!trusts(client)) return client;
    }
    return client;  // every hop a trusted proxy: the leftmost one
}

}  // namespace examdocs::service
