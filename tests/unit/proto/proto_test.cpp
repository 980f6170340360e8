// SPDX-License-Identifier: Apache-2.0
#include "proto_test.h"

#include <cstdio>
#include <cstdlib>

using hafd::Family;
using hafd::IpAddress;

namespace proto_test {

namespace {

int nibble(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

Bytes hex(std::string_view text) {
    Bytes out;
    int high = -1;
    for (char c : text) {
        if (c == ' ' || c == '\n' || c == '\t')
            continue;
        const int n = nibble(c);
        if (n < 0) {
            std::fprintf(stderr, "bad hex digit '%c' in test vector\n", c);
            std::abort();
        }
        if (high < 0) {
            high = n;
        } else {
            out.push_back(static_cast<uint8_t>(high << 4 | n));
            high = -1;
        }
    }
    if (high >= 0) {
        std::fprintf(stderr, "odd number of hex digits in test vector\n");
        std::abort();
    }
    return out;
}

IpAddress ip(const char* text) {
    const auto a = IpAddress::parse(text);
    if (!a) {
        std::fprintf(stderr, "bad address '%s' in test\n", text);
        std::abort();
    }
    return *a;
}

hafd::proto::RxMeta ipv6Meta(const Bytes& frame) {
    const auto h = ipPacket(frame);
    hafd::proto::RxMeta meta;
    meta.source = IpAddress(Family::V6, h.subspan(8, 16));
    meta.destination = IpAddress(Family::V6, h.subspan(24, 16));
    meta.hopLimit = h[7];
    return meta;
}

std::span<const uint8_t> ipv6Payload(const Bytes& frame) {
    const auto h = ipPacket(frame);
    const std::size_t length = static_cast<std::size_t>(h[4] << 8 | h[5]);
    return h.subspan(kIpv6Header, length);
}

namespace {

bool isIpv6(const Bytes& frame) {
    return frame[12] == 0x86 && frame[13] == 0xdd;
}

} // namespace

Bytes vrrpMessage(const Bytes& frame) {
    if (isIpv6(frame)) {
        const auto p = ipv6Payload(frame);
        return Bytes(p.begin(), p.end());
    }
    const auto h = ipPacket(frame);
    const std::size_t ihl = static_cast<std::size_t>(h[0] & 0x0f) * 4;
    const std::size_t total = static_cast<std::size_t>(h[2] << 8 | h[3]);
    return Bytes(h.begin() + static_cast<std::ptrdiff_t>(ihl),
                 h.begin() + static_cast<std::ptrdiff_t>(total));
}

hafd::proto::RxMeta rxMeta(const Bytes& frame) {
    if (isIpv6(frame))
        return ipv6Meta(frame);
    const auto h = ipPacket(frame);
    hafd::proto::RxMeta meta;
    meta.source = IpAddress(Family::V4, h.subspan(12, 4));
    meta.destination = IpAddress(Family::V4, h.subspan(16, 4));
    meta.hopLimit = h[8];
    return meta;
}

} // namespace proto_test
