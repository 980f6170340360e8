// SPDX-License-Identifier: Apache-2.0
// Gratuitous ARP (RFC 826 layout, RFC 5227 §3 "ARP Announcement" style) and unsolicited
// Neighbour Advertisement (RFC 4861 §4.4, §7.2.6) frames, byte for byte as keepalived 2.2.7 sends
// them (PROTOCOL.md §5, TV12–TV15); the RFC 5227 §2.1.1 ARP probe and the ARP parser.
#include "proto/frames.h"

#include "proto/checksum.h"
#include "proto/wire.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace hafd::proto {

namespace {

constexpr std::size_t kEthDst = 0;
constexpr std::size_t kEthSrc = 6;
constexpr std::size_t kEthType = 12;
constexpr std::size_t kEthHeaderLength = 14;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;

constexpr MacAddress kBroadcastMac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
// RFC 2464 §7: 33:33 followed by the low 32 bits of ff02::1.
constexpr MacAddress kAllNodesMac{0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
constexpr std::array<uint8_t, 16> kAllNodes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

// ARP body offsets from the start of the frame (RFC 826).
constexpr std::size_t kArpHtype = 14;
constexpr std::size_t kArpPtype = 16;
constexpr std::size_t kArpHlen = 18;
constexpr std::size_t kArpPlen = 19;
constexpr std::size_t kArpOp = 20;
constexpr std::size_t kArpSenderMac = 22;
constexpr std::size_t kArpSenderIp = 28;
constexpr std::size_t kArpTargetMac = 32;
constexpr std::size_t kArpTargetIp = 38;
constexpr uint16_t kArpHwEthernet = 1;
constexpr uint16_t kArpProtoIpv4 = 0x0800;
constexpr uint16_t kArpOpRequest = 1;
constexpr uint16_t kArpOpReply = 2;
constexpr MacAddress kZeroMac{};

// IPv6 header (RFC 8200 §3) and ICMPv6 NA (RFC 4861 §4.4) offsets from the start of the frame.
constexpr std::size_t kIp6 = kEthHeaderLength;
constexpr std::size_t kIp6PayloadLength = kIp6 + 4;
constexpr std::size_t kIp6NextHeader = kIp6 + 6;
constexpr std::size_t kIp6HopLimit = kIp6 + 7;
constexpr std::size_t kIp6Source = kIp6 + 8;
constexpr std::size_t kIp6Destination = kIp6 + 24;
constexpr std::size_t kIp6HeaderLength = 40;
constexpr std::size_t kIcmp = kIp6 + kIp6HeaderLength;
constexpr std::size_t kIcmpChecksum = kIcmp + 2;
constexpr std::size_t kNaFlags = kIcmp + 4;
constexpr std::size_t kNaTarget = kIcmp + 8;
constexpr std::size_t kNaOption = kIcmp + 24;
constexpr std::size_t kIcmpLength = 32; // 24-byte NA + one 8-byte option
constexpr uint8_t kIpProtoIcmpv6 = 58;
constexpr uint8_t kIcmpNeighbourAdvert = 136;
constexpr uint8_t kNaRouter = 0x80;   // R
constexpr uint8_t kNaOverride = 0x20; // O (S, 0x40, stays clear: unsolicited)
constexpr uint8_t kOptTargetLinkLayer = 2;
constexpr uint8_t kNdHopLimit = 255; // RFC 4861 §7.1.2: receivers check it

static_assert(kNaOption + 8 == kNaFrameLength);
static_assert(kArpTargetIp + 4 == kGarpFrameLength);
static_assert(kArpFrameLength == kGarpFrameLength);

void putEthernet(std::span<uint8_t> f, const MacAddress& dst, const MacAddress& src,
                 uint16_t type) {
    wire::put(f, kEthDst, dst);
    wire::put(f, kEthSrc, src);
    wire::store16(f, kEthType, type);
}

// The Ethernet/IPv4 ARP header (RFC 826) with operation `op`.
std::span<uint8_t> putArp(std::span<uint8_t> out, const MacAddress& dst, const MacAddress& src,
                          uint16_t op) {
    const auto f = out.first(kArpFrameLength);
    putEthernet(f, dst, src, kEtherTypeArp);
    wire::store16(f, kArpHtype, kArpHwEthernet);
    wire::store16(f, kArpPtype, kArpProtoIpv4);
    f[kArpHlen] = 6;
    f[kArpPlen] = 4;
    wire::store16(f, kArpOp, op);
    return f;
}

MacAddress macAt(std::span<const uint8_t> f, std::size_t offset) {
    MacAddress m;
    std::copy_n(f.begin() + static_cast<std::ptrdiff_t>(offset), m.size(), m.begin());
    return m;
}

} // namespace

std::string formatMac(const MacAddress& mac) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                  mac[4], mac[5]);
    return buf;
}

MacAddress virtualMac(Family family, uint8_t vrid) {
    // RFC 9568 §7.3: IANA OUI 00-00-5E, then 00-01 (IPv4) or 00-02 (IPv6), then the VRID.
    return {0x00, 0x00, 0x5e, 0x00, static_cast<uint8_t>(family == Family::V4 ? 0x01 : 0x02), vrid};
}

std::size_t buildGratuitousArp(std::span<uint8_t> out, const MacAddress& mac,
                               const IpAddress& vip) {
    if (out.size() < kGarpFrameLength || vip.family() != Family::V4)
        return 0;
    // A request, not a reply, with sender = target = VIP and an all-ones target hardware address,
    // as keepalived sends it (TV12; PROTOCOL.md §5.1).
    const auto f = putArp(out, kBroadcastMac, mac, kArpOpRequest);
    wire::put(f, kArpSenderMac, mac);
    wire::put(f, kArpSenderIp, vip.bytes());
    wire::put(f, kArpTargetMac, kBroadcastMac);
    wire::put(f, kArpTargetIp, vip.bytes());
    return kGarpFrameLength;
}

std::size_t buildArpProbe(std::span<uint8_t> out, const MacAddress& mac, const IpAddress& vip) {
    if (out.size() < kArpFrameLength || vip.family() != Family::V4)
        return 0;
    // RFC 5227 §2.1.1: sender IP all zeroes, target hardware address all zeroes (it "SHOULD").
    const auto f = putArp(out, kBroadcastMac, mac, kArpOpRequest);
    wire::put(f, kArpSenderMac, mac);
    wire::store32(f, kArpSenderIp, 0);
    wire::put(f, kArpTargetMac, kZeroMac);
    wire::put(f, kArpTargetIp, vip.bytes());
    return kArpFrameLength;
}

std::optional<ArpPacket> parseArp(std::span<const uint8_t> frame) {
    if (frame.size() < kArpFrameLength || wire::load16(frame, kEthType) != kEtherTypeArp ||
        wire::load16(frame, kArpHtype) != kArpHwEthernet ||
        wire::load16(frame, kArpPtype) != kArpProtoIpv4 || frame[kArpHlen] != 6 ||
        frame[kArpPlen] != 4)
        return std::nullopt;
    const uint16_t op = wire::load16(frame, kArpOp);
    if (op != kArpOpRequest && op != kArpOpReply)
        return std::nullopt;
    ArpPacket p;
    p.op = op == kArpOpRequest ? ArpPacket::Op::Request : ArpPacket::Op::Reply;
    p.sourceMac = macAt(frame, kEthSrc);
    p.senderMac = macAt(frame, kArpSenderMac);
    p.senderIp = IpAddress(Family::V4, frame.subspan(kArpSenderIp, 4));
    p.targetMac = macAt(frame, kArpTargetMac);
    p.targetIp = IpAddress(Family::V4, frame.subspan(kArpTargetIp, 4));
    return p;
}

std::size_t buildUnsolicitedNa(std::span<uint8_t> out, const MacAddress& mac, const IpAddress& vip,
                               bool router) {
    if (out.size() < kNaFrameLength || vip.family() != Family::V6)
        return 0;
    const auto f = out.first(kNaFrameLength);
    std::fill(f.begin(), f.end(), uint8_t{0});
    putEthernet(f, kAllNodesMac, mac, kEtherTypeIpv6);
    // IPv6 header: version 6, traffic class 0, flow label 0 (TV14), from the VIP to ff02::1.
    f[kIp6] = 0x60;
    wire::store16(f, kIp6PayloadLength, kIcmpLength);
    f[kIp6NextHeader] = kIpProtoIcmpv6;
    f[kIp6HopLimit] = kNdHopLimit;
    wire::put(f, kIp6Source, vip.bytes());
    wire::put(f, kIp6Destination, kAllNodes);
    // RFC 4861 §7.2.6: unsolicited NA, S=0, O=1; R as the caller says (keepalived: set only when
    // the interface forwards IPv6; RFC 9568 §6.4 wants it set).
    f[kIcmp] = kIcmpNeighbourAdvert;
    f[kNaFlags] = static_cast<uint8_t>(kNaOverride | (router ? kNaRouter : 0));
    wire::put(f, kNaTarget, vip.bytes());
    f[kNaOption] = kOptTargetLinkLayer;
    f[kNaOption + 1] = 1; // length in units of 8 bytes
    wire::put(f, kNaOption + 2, mac);
    const IpAddress allNodes(Family::V6, kAllNodes);
    wire::store16(f, kIcmpChecksum,
                  pseudoHeaderChecksum(vip, allNodes, kIpProtoIcmpv6, f.subspan(kIcmp)));
    return kNaFrameLength;
}

} // namespace hafd::proto
