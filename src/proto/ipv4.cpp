// SPDX-License-Identifier: Apache-2.0
// The IPv4 header (RFC 791 §3.1) around VRRP adverts: parsed on receipt, built for IP_HDRINCL.
#include "proto/ipv4.h"

#include "proto/checksum.h"
#include "proto/wire.h"

namespace hafd::proto {

namespace {

// RFC 791 §3.1 offsets.
constexpr std::size_t kVersionIhl = 0;
constexpr std::size_t kTos = 1;
constexpr std::size_t kTotalLength = 2;
constexpr std::size_t kId = 4;
constexpr std::size_t kFlagsFragment = 6;
constexpr std::size_t kTtl = 8;
constexpr std::size_t kProtocol = 9;
constexpr std::size_t kHeaderChecksum = 10;
constexpr std::size_t kSource = 12;
constexpr std::size_t kDestination = 16;

constexpr uint16_t kMoreFragments = 0x2000;
constexpr uint16_t kFragmentOffsetMask = 0x1fff;
constexpr std::size_t kMaxTotalLength = 0xffff;

} // namespace

Result<Ipv4Packet, DropReason> parseIpv4(std::span<const uint8_t> packet) {
    if (packet.size() < kIpv4HeaderLength)
        return Unexpected{DropReason::TooShort};
    if (packet[kVersionIhl] >> 4 != 4)
        return Unexpected{DropReason::BadIpHeader};
    // IHL counts 32-bit words and is at least 5; options (if any) are skipped, not interpreted.
    const std::size_t headerLength = static_cast<std::size_t>(packet[kVersionIhl] & 0x0f) * 4;
    if (headerLength < kIpv4HeaderLength)
        return Unexpected{DropReason::BadIpHeader};
    const std::size_t totalLength = wire::load16(packet, kTotalLength);
    if (totalLength < headerLength)
        return Unexpected{DropReason::BadIpHeader};
    // Fewer bytes than the header claims: the packet was cut (a short read or capture).
    if (totalLength > packet.size())
        return Unexpected{DropReason::TooShort};
    // A fragment is not a whole VRRP message; the kernel reassembles before raw delivery, so
    // seeing one here means the input did not come from it.
    const uint16_t fragment = wire::load16(packet, kFlagsFragment);
    if ((fragment & kMoreFragments) != 0 || (fragment & kFragmentOffsetMask) != 0)
        return Unexpected{DropReason::BadIpHeader};
    // The header checksum is not verified: the kernel has done so before delivering.

    Ipv4Packet p;
    p.meta.source = IpAddress(Family::V4, packet.subspan(kSource, 4));
    p.meta.destination = IpAddress(Family::V4, packet.subspan(kDestination, 4));
    p.meta.hopLimit = packet[kTtl];
    p.protocol = packet[kProtocol];
    // Bytes past the total length (Ethernet padding of short frames) are never payload.
    p.payload = packet.subspan(headerLength, totalLength - headerLength);
    return p;
}

std::size_t buildIpv4Header(std::span<uint8_t> out, const IpAddress& source,
                            const IpAddress& destination, std::size_t payloadLength, uint16_t id,
                            uint8_t ttl) {
    if (out.size() < kIpv4HeaderLength || source.family() != Family::V4 ||
        destination.family() != Family::V4 || payloadLength > kMaxTotalLength - kIpv4HeaderLength)
        return 0;
    const auto h = out.first(kIpv4HeaderLength);
    h[kVersionIhl] = 0x45; // version 4, IHL 5: no options
    h[kTos] = kVrrpTos;
    wire::store16(h, kTotalLength, static_cast<uint16_t>(kIpv4HeaderLength + payloadLength));
    wire::store16(h, kId, id);
    wire::store16(h, kFlagsFragment, 0); // DF clear, as keepalived (TV1)
    h[kTtl] = ttl;
    h[kProtocol] = kIpProtoVrrp;
    wire::store16(h, kHeaderChecksum, 0);
    wire::put(h, kSource, source.bytes());
    wire::put(h, kDestination, destination.bytes());
    // RFC 791 §3.1: the checksum of the header alone.
    wire::store16(h, kHeaderChecksum, internetChecksum(h));
    return kIpv4HeaderLength;
}

} // namespace hafd::proto
