// SPDX-License-Identifier: Apache-2.0
// Byte layout of the VRRP message shared by the encoder and the decoder (internal: not part of
// the proto interface). PROTOCOL.md §1.1 (v3) and §1.3 (v2).
#pragma once

#include "common/address.h"
#include "proto/advert.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace hafd::proto::advert_wire {

// Offsets into the message (RFC 9568 §5.2, RFC 3768 §5.3).
inline constexpr std::size_t kVersionType = 0; // version (high nibble), type (low nibble)
inline constexpr std::size_t kVrid = 1;
inline constexpr std::size_t kPriority = 2;
inline constexpr std::size_t kCount = 3;
inline constexpr std::size_t kV3Interval = 4; // 4 reserved bits + 12-bit Max Adver Int
inline constexpr std::size_t kV2AuthType = 4;
inline constexpr std::size_t kV2Interval = 5; // whole seconds
inline constexpr std::size_t kChecksum = 6;
inline constexpr std::size_t kAddresses = 8;

inline constexpr uint8_t kTypeAdvertisement = 1; // RFC 9568 §5.2.2: the only type
// RFC 9568 §5.2.6: the 4 bits above Max Adver Int are reserved, sent as 0, ignored on receipt.
inline constexpr uint16_t kV3IntervalMask = 0x0fff;
inline constexpr uint16_t kCentisecondsPerSecond = 100;

// The checksum of `message` as it stands (checksum field included) in the form that applies:
// VRRPv2 never has a pseudo-header (RFC 3768 §5.3.8); VRRPv3 over IPv6 always has one
// (RFC 9568 §5.2.8); VRRPv3 over IPv4 follows `form` (PROTOCOL.md §1.5). With the field zero
// this is the value to store; with the stored value in place, 0 means it verifies.
// Preconditions: source and destination are of `family`.
uint16_t messageChecksum(std::span<const uint8_t> message, Version version, Family family,
                         ChecksumForm form, const IpAddress& source, const IpAddress& destination);

// Whether the checksum in `form` needs the addresses (it does unless it is message-only).
bool usesPseudoHeader(Version version, Family family, ChecksumForm form);

} // namespace hafd::proto::advert_wire
