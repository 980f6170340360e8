// SPDX-License-Identifier: Apache-2.0
// Shared by the proto unit tests: the keepalived 2.2.7 frames of PROTOCOL.md §1.6 and §5 as hex
// (TV1–TV15, whole Ethernet frames), and helpers to get at their IP header and VRRP message.
#pragma once

#include "common/address.h"
#include "proto/advert.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace proto_test {

using Bytes = std::vector<uint8_t>;

// "01 00 5e" -> {0x01, 0x00, 0x5e}; whitespace is ignored. Aborts on anything else, so a typo
// in a vector fails loudly rather than silently shortening it.
Bytes hex(std::string_view text);

hafd::IpAddress ip(const char* text);

inline constexpr std::size_t kEthernetHeader = 14;
inline constexpr std::size_t kIpv6Header = 40;

// The IPv4 packet or IPv6 header + payload of an Ethernet frame.
inline std::span<const uint8_t> ipPacket(const Bytes& frame) {
    return std::span<const uint8_t>(frame).subspan(kEthernetHeader);
}

// RxMeta and payload of an IPv6 frame, read from its fixed header (what the io layer gets from
// IPV6_RECVPKTINFO / IPV6_RECVHOPLIMIT).
hafd::proto::RxMeta ipv6Meta(const Bytes& frame);
std::span<const uint8_t> ipv6Payload(const Bytes& frame);

// Copy of the VRRP message of a frame (IPv4: after the IHL-sized header; IPv6: after 40 bytes).
Bytes vrrpMessage(const Bytes& frame);
// RxMeta of a frame of either family.
hafd::proto::RxMeta rxMeta(const Bytes& frame);

// PROTOCOL.md §1.6 (adverts) and §5 (GARP / NA), keepalived 2.2.7, node A = 192.0.2.1,
// 02:00:00:00:00:0a, fe80::ff:fe00:a; node B = .2 / :0b.
inline constexpr const char* kTv1 = // v3 IPv4 multicast, VRID 51, prio 150, 192.0.2.100
    "01 00 5e 00 00 12 02 00 00 00 00 0a 08 00 45 c0 00 20 00 01 00 00 ff 70 18 99 c0 00 02 01"
    "e0 00 00 12 31 33 96 01 00 64 d3 71 c0 00 02 64";
inline constexpr const char* kTv2 = // TV1 with priority 0, IP ID 0x16
    "01 00 5e 00 00 12 02 00 00 00 00 0a 08 00 45 c0 00 20 00 16 00 00 ff 70 18 84 c0 00 02 01"
    "e0 00 00 12 31 33 00 01 00 64 69 72 c0 00 02 64";
inline constexpr const char* kTv3 = // node B, prio 100
    "01 00 5e 00 00 12 02 00 00 00 00 0b 08 00 45 c0 00 20 00 01 00 00 ff 70 18 98 c0 00 02 02"
    "e0 00 00 12 31 33 64 01 00 64 05 71 c0 00 02 64";
inline constexpr const char* kTv4 = // v3 IPv6 multicast, VRID 52, fe80::52 and 2001:db8::100
    "33 33 00 00 00 12 02 00 00 00 00 0a 86 dd 6c 0a 3a 07 00 28 70 ff fe 80 00 00 00 00 00 00"
    "00 00 00 ff fe 00 00 0a ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 12 31 34 96 02 00 64"
    "0d a1 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 52 20 01 0d b8 00 00 00 00 00 00 00 00"
    "00 00 01 00";
inline constexpr const char* kTv5 = // v2 IPv4 multicast, VRID 53, auth none, .53 and .54
    "01 00 5e 00 00 12 02 00 00 00 00 0a 08 00 45 c0 00 2c 00 01 00 00 ff 70 18 8d c0 00 02 01"
    "e0 00 00 12 21 35 96 02 00 01 c4 5a c0 00 02 35 c0 00 02 36 00 00 00 00 00 00 00 00";
inline constexpr const char* kTv6 = // v3 IPv4 unicast .1 -> .2, VRID 61, pseudo-header dst .2
    "02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 c0 00 20 00 01 00 00 ff 70 36 a9 c0 00 02 01"
    "c0 00 02 02 31 3d 96 01 00 64 f1 3a c0 00 02 a1";
inline constexpr const char* kTv7 = // TV6 with old_unicast_checksum: pseudo-header dst 224.0.0.18
    "02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 c0 00 20 00 01 00 00 ff 70 36 a9 c0 00 02 01"
    "c0 00 02 02 31 3d 96 01 00 64 d3 2a c0 00 02 a1";
inline constexpr const char* kTv8 = // v3 IPv6 unicast 2001:db8::1 -> ::2, hop limit 64, VRID 62
    "02 00 00 00 00 0b 02 00 00 00 00 0a 86 dd 6c 0b fd fa 00 18 70 40 20 01 0d b8 00 00 00 00"
    "00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 31 3e 96 01 00 64"
    "ad 43 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 01 62";
inline constexpr const char* kTv9 = // v2 unicast, auth PASS "secret12", VRID 63
    "02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 c0 00 28 00 01 00 00 ff 70 36 a1 c0 00 02 01"
    "c0 00 02 02 21 3f 96 01 01 01 17 9c c0 00 02 a3 73 65 63 72 65 74 31 32";
inline constexpr const char* kTv10 = // v2 with AH: IP protocol 51
    "01 00 5e 00 00 12 02 00 00 00 00 0a 08 00 45 c0 00 40 00 01 00 00 ff 33 18 b6 c0 00 02 01"
    "e0 00 00 12 70 04 00 00 c0 00 02 01 00 00 00 01 05 09 9f 25 c0 de ac 0d bb 5b 83 40 21 60"
    "96 01 02 01 83 d8 c0 00 02 c4 00 00 00 00 00 00 00 00";
inline constexpr const char* kTv11 = // v3 IPv4 from the VMAC, priority 255, VRID 90
    "01 00 5e 00 00 12 00 00 5e 00 01 5a 08 00 45 c0 00 20 00 01 00 00 ff 70 18 99 c0 00 02 01"
    "e0 00 00 12 31 5a ff 01 00 64 69 f0 c0 00 02 be";
inline constexpr const char* kTv12 = // GARP, physical MAC, 192.0.2.100
    "ff ff ff ff ff ff 02 00 00 00 00 0a 08 06 00 01 08 00 06 04 00 01 02 00 00 00 00 0a c0 00"
    "02 64 ff ff ff ff ff ff c0 00 02 64";
inline constexpr const char* kTv13 = // GARP from the VMAC of VRID 90, 192.0.2.190
    "ff ff ff ff ff ff 00 00 5e 00 01 5a 08 06 00 01 08 00 06 04 00 01 00 00 5e 00 01 5a c0 00"
    "02 be ff ff ff ff ff ff c0 00 02 be";
inline constexpr const char* kTv14 = // unsolicited NA, fe80::52, O=1, physical MAC
    "33 33 00 00 00 01 02 00 00 00 00 0a 86 dd 60 00 00 00 00 20 3a ff fe 80 00 00 00 00 00 00"
    "00 00 00 00 00 00 00 52 ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01 88 00 56 f0 20 00"
    "00 00 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 52 02 01 02 00 00 00 00 0a";
inline constexpr const char* kTv15 = // unsolicited NA, fe80::90, R=1 O=1, VMAC of VRID 90
    "33 33 00 00 00 01 00 00 5e 00 02 5a 86 dd 60 00 00 00 00 20 3a ff fe 80 00 00 00 00 00 00"
    "00 00 00 00 00 00 00 90 ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01 88 00 78 23 a0 00"
    "00 00 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 90 02 01 00 00 5e 00 02 5a";

} // namespace proto_test
