// SPDX-License-Identifier: Apache-2.0
// IPv4/IPv6 addresses and prefixes as values: parse, print, compare, classify.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hafd {

enum class Family : uint8_t { V4 = 4, V6 = 6 };

constexpr const char* familyName(Family f) {
    return f == Family::V4 ? "IPv4" : "IPv6";
}
// Address length in bytes: 4 or 16.
constexpr std::size_t addressLength(Family f) {
    return f == Family::V4 ? 4 : 16;
}

class IpAddress {
public:
    // 0.0.0.0: a placeholder until a real address is known.
    IpAddress() = default;
    // `bytes` holds addressLength(family) bytes in network order.
    IpAddress(Family family, std::span<const uint8_t> bytes);

    static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
    // Dotted quad or RFC 5952 text; nullopt on anything else (no scope ids, no prefixes).
    static std::optional<IpAddress> parse(std::string_view text);

    Family family() const { return family_; }
    // addressLength(family()) bytes, network order.
    std::span<const uint8_t> bytes() const { return {bytes_.data(), addressLength(family_)}; }
    std::string toString() const;

    bool isUnspecified() const;
    bool isMulticast() const;
    // fe80::/10 (IPv6) or 169.254/16 (IPv4).
    bool isLinkLocal() const;

    // Unsigned big-endian comparison within a family (RFC 9568 tie-break); IPv4 sorts before IPv6.
    std::strong_ordering operator<=>(const IpAddress& o) const;
    bool operator==(const IpAddress& o) const = default;

private:
    Family family_ = Family::V4;
    std::array<uint8_t, 16> bytes_{};
};

// An address with a prefix length, as an interface address is configured.
struct Prefix {
    IpAddress address;
    uint8_t length = 0;

    // "198.51.100.10/24", "2001:db8::1/64" or a bare address, which gets /32 or /128.
    static std::optional<Prefix> parse(std::string_view text);
    std::string toString() const;
    // Whether `a` lies inside this prefix (same family, same leading `length` bits).
    bool contains(const IpAddress& a) const;
    // Whether the two prefixes share any address.
    bool overlaps(const Prefix& o) const;
    auto operator<=>(const Prefix&) const = default;
};

// An address and a port as one writes them: "192.0.2.1:80", "[2001:db8::1]:443".
std::string hostPort(const IpAddress& address, uint16_t port);

// The well-known VRRP groups (RFC 9568 §5.1.1.2, §5.1.2.2).
IpAddress vrrpMulticastGroup(Family f);

} // namespace hafd
