// SPDX-License-Identifier: Apache-2.0
// Link-layer announcements a new master sends (PROTOCOL.md §5): the gratuitous ARP request for an
// IPv4 VIP and the unsolicited Neighbour Advertisement for an IPv6 VIP, as whole Ethernet frames
// for a PF_PACKET socket; and the RFC 5227 ARP probe a backup sends before a claim
// (probe_before_claim), with the parser for the ARP it then hears. Pure: no sockets here.
#pragma once

#include "common/address.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace hafd::proto {

using MacAddress = std::array<uint8_t, 6>;

// "00:00:5e:00:01:33": lower-case hex, colon-separated.
std::string formatMac(const MacAddress& mac);

// 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6 (RFC 9568 §7.3).
MacAddress virtualMac(Family family, uint8_t vrid);

inline constexpr std::size_t kGarpFrameLength = 42; // not padded: the NIC pads to 60
inline constexpr std::size_t kNaFrameLength = 86;

// Gratuitous ARP as keepalived sends it (TV12): broadcast, op 1 (request), sender = target =
// `vip`, sender hardware = `mac`, target hardware ff:ff:ff:ff:ff:ff. Returns kGarpFrameLength,
// or 0 (nothing written) if `out` is shorter or `vip` is not IPv4.
std::size_t buildGratuitousArp(std::span<uint8_t> out, const MacAddress& mac, const IpAddress& vip);

// Unsolicited NA (TV14/TV15): to 33:33:00:00:00:01 / ff02::1 from `vip`, hop limit 255, ICMPv6
// 136 with S=0, O=1, R=`router`, target `vip`, target link-layer option `mac`, checksum set.
// Returns kNaFrameLength, or 0 (nothing written) if `out` is shorter or `vip` is not IPv6.
std::size_t buildUnsolicitedNa(std::span<uint8_t> out, const MacAddress& mac, const IpAddress& vip,
                               bool router);

inline constexpr std::size_t kArpFrameLength = 42; // every Ethernet/IPv4 ARP frame, unpadded

// RFC 5227 §2.1.1 ARP Probe: broadcast, op 1 (request), sender hardware = `mac`, sender IP
// 0.0.0.0 (so that no neighbour's cache learns anything from it), target hardware 0, target IP
// `vip`. Returns kArpFrameLength, or 0 (nothing written) if `out` is shorter or `vip` is not
// IPv4.
std::size_t buildArpProbe(std::span<uint8_t> out, const MacAddress& mac, const IpAddress& vip);

// An Ethernet/IPv4 ARP request or reply (RFC 826).
struct ArpPacket {
    enum class Op : uint8_t { Request = 1, Reply = 2 };
    Op op = Op::Request;
    MacAddress sourceMac{}; // the Ethernet header's source
    MacAddress senderMac{}; // ar_sha
    IpAddress senderIp;     // ar_spa
    MacAddress targetMac{}; // ar_tha
    IpAddress targetIp;     // ar_tpa
};

// Reads an ARP request or reply from a whole Ethernet frame (at least kArpFrameLength bytes;
// padding after them is ignored). nullopt for anything else: another EtherType, a hardware type
// other than Ethernet, a protocol type other than IPv4, other address lengths or operations.
std::optional<ArpPacket> parseArp(std::span<const uint8_t> frame);

} // namespace hafd::proto
