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
    RxMeta meta; // source, destination, TTL (ifindex left 0)
    uint8_t protocol = 0;
    std::span<const uint8_t> payload; // exactly total length - header length bytes
};

// Parses an IPv4 header. The payload ends at the header's total length, so Ethernet padding is
// never taken for data. Options are skipped. The protocol is reported, not checked (AH, 51,
// is the caller's to count). TooShort: fewer than 20 bytes, or fewer than the total length.
// BadIpHeader: version != 4, IHL < 5, total length < header length, or a fragment (MF set or
// offset != 0: the kernel reassembles before raw delivery). The header checksum is not
// verified (the kernel has).
Result<Ipv4Packet, DropReason> parseIpv4(std::span<const uint8_t> packet);

// Writes a 20-byte header (no options, DF clear, TOS 0xc0, `ttl`, protocol 112, checksum set)
// for a payload of `payloadLength` bytes. Returns kIpv4HeaderLength, or 0 (nothing written) if
// `out` holds fewer bytes, an address is not IPv4, or the total length would exceed 65535.
std::size_t buildIpv4Header(std::span<uint8_t> out, const IpAddress& source,
                            const IpAddress& destination, std::size_t payloadLength, uint16_t id,
                            uint8_t ttl = kVrrpTtl);

} // namespace hafd::proto
