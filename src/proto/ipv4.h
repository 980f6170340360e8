// SPDX-License-Identifier: Apache-2.0
// The IPv4 header of VRRP adverts: built by hafd (IP_HDRINCL, so the source address is pinned
// without bind(), DESIGN.md §10) and parsed on receipt (raw IPv4 sockets deliver the header).
#pragma once

#include "common/address.h"
#include "common/result.h"
#include "proto/advert.h"

#include <cstdint>
#include <span>

namespace hafd::proto {

inline constexpr std::size_t kIpv4HeaderLength = 20;
inline constexpr uint8_t kVrrpTos = 0xc0; // network control, as keepalived

struct Ipv4Packet {
    RxMeta meta;                      // source, destination, TTL (ifindex left 0)
    uint8_t protocol = 0;
    std::span<const uint8_t> payload; // exactly total length - header length bytes
};

// Parses an IPv4 header. The payload ends at the header's total length, so Ethernet padding is
// never taken for data. TooShort / BadIpHeader on malformed input.
Result<Ipv4Packet, DropReason> parseIpv4(std::span<const uint8_t> packet);

// Writes a 20-byte header (no options, DF clear, TOS 0xc0, `ttl`, protocol 112, checksum set)
// for a payload of `payloadLength` bytes. `out` holds at least kIpv4HeaderLength bytes.
void buildIpv4Header(std::span<uint8_t> out, const IpAddress& source, const IpAddress& destination,
                     std::size_t payloadLength, uint16_t id, uint8_t ttl = kVrrpTtl);

} // namespace hafd::proto
