#pragma once
// Who is asking: the address that rate limits, the audit log and the access log name.
// Behind a reverse proxy the socket's peer is the proxy, so the proxies are configured
// (server.trusted-proxies) and only from them is a forwarding header believed. The
// header is read right to left, skipping trusted hops: the first address that is not a
// trusted proxy is the client, since everything left of it could be made up by the
// client itself. Immutable after parsing, so thread-safe.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::service {

enum class ForwardingHeader { x_forwarded_for, forwarded };

class TrustedProxies {
  public:
    // Nothing trusted: the client is always the socket's peer.
    TrustedProxies() = default;
    // "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8": addresses and CIDR ranges, IPv4 and IPv6,
    // separated by commas or spaces. Throws std::invalid_argument naming the entry at fault.
    static TrustedProxies parse(std::string_view text, ForwardingHeader header);

    bool empty() const { return ranges_.empty(); }
    bool trusts(std::string_view address) const;

    // The client's address for a request from `peer` carrying these forwarding headers
    // (either may be empty). Only the configured header is read; the other is ignored.
    std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                               std::string_view forwarded) const;

  private:
    struct Range {
        std::array<unsigned char, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
        int prefix_bits = 128;
    };
    std::vector<Range> ranges_;
    ForwardingHeader header_ = ForwardingHeader::x_forwarded_for;
};

// The hops a forwarding header lists, left (first client) to right (nearest proxy), as
// written: X-Forwarded-For "a, b" or Forwarded "for=a;proto=https, for=\"[b]:80\"". An
// element without a for= yields an empty hop.
std::vector<std::string> forwarded_hops(std::string_view value, ForwardingHeader header);

}  // namespace examdocs::service
