// SPDX-License-Identifier: Apache-2.0
#include "common/address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace hafd {

IpAddress::IpAddress(Family family, std::span<const uint8_t> bytes) : family_(family) {
    std::copy_n(bytes.begin(), std::min(bytes.size(), addressLength(family)), bytes_.begin());
}

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    const uint8_t raw[4] = {a, b, c, d};
    return IpAddress(Family::V4, raw);
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
        return std::nullopt;
    char buf[INET6_ADDRSTRLEN];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    uint8_t raw[16];
    if (inet_pton(AF_INET, buf, raw) == 1)
        return IpAddress(Family::V4, {raw, 4});
    if (inet_pton(AF_INET6, buf, raw) == 1)
        return IpAddress(Family::V6, {raw, 16});
    return std::nullopt;
}

std::string hostPort(const IpAddress& address, uint16_t port) {
    const std::string a = address.toString();
    return (address.family() == Family::V6 ? "[" + a + "]" : a) + ":" + std::to_string(port);
}

std::string IpAddress::toString() const {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(family_ == Family::V4 ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
    return buf;
}

bool IpAddress::isUnspecified() const {
    const auto b = bytes();
    return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

bool IpAddress::isMulticast() const {
    return family_ == Family::V4 ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddress::isLinkLocal() const {
    if (family_ == Family::V4)
        return bytes_[0] == 169 && bytes_[1] == 254;
    return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

std::strong_ordering IpAddress::operator<=>(const IpAddress& o) const {
    if (family_ != o.family_)
        return family_ <=> o.family_;
    const int c = std::memcmp(bytes_.data(), o.bytes_.data(), addressLength(family_));
    return c <=> 0;
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr)
        return std::nullopt;
    const unsigned max = addressLength(addr->family()) * 8;
    unsigned len = max;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
            len > max)
            return std::nullopt;
    }
    return Prefix{*addr, static_cast<uint8_t>(len)};
}

std::string Prefix::toString() const {
    return address.toString() + "/" + std::to_string(length);
}

namespace {
// Whether a and b agree on their first `bits` bits.
bool samePrefix(const IpAddress& a, const IpAddress& b, unsigned bits) {
    const auto x = a.bytes(), y = b.bytes();
    unsigned i = 0;
    for (; bits >= 8; bits -= 8, ++i)
        if (x[i] != y[i])
            return false;
    if (bits == 0)
        return true;
    const auto mask = static_cast<uint8_t>(0xff << (8 - bits));
    return (x[i] & mask) == (y[i] & mask);
}
} // namespace

bool Prefix::contains(const IpAddress& a) const {
    return a.family() == address.family() && samePrefix(address, a, length);
}

bool Prefix::overlaps(const Prefix& o) const {
    return o.address.family() == address.family() &&
           samePrefix(address, o.address, std::min(length, o.length));
}

IpAddress vrrpMulticastGroup(Family f) {
    if (f == Family::V4)
        return IpAddress::v4(224, 0, 0, 18);
    const uint8_t raw[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};
    return IpAddress(Family::V6, raw);
}

} // namespace hafd
