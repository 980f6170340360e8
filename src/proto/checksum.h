// SPDX-License-Identifier: Apache-2.0
// The Internet checksum (RFC 1071) and the pseudo-headers VRRP and ICMPv6 put in front of it.
#pragma once

#include "common/address.h"

#include <cstdint>
#include <span>

namespace hafd::proto {

// A running one's-complement sum of big-endian 16-bit words; an odd final byte is padded with
// zero. Feed pieces in order; only the last piece may have an odd length.
class ChecksumAccumulator {
public:
    void add(std::span<const uint8_t> bytes);
    void addWord(uint16_t word);
    // The folded, complemented checksum, in host order.
    uint16_t finish() const;

private:
    uint64_t sum_ = 0;
};

// RFC 1071 over `bytes` (verification: 0 when `bytes` includes a correct checksum).
uint16_t internetChecksum(std::span<const uint8_t> bytes);

// Pseudo-header + `payload`: IPv4 (src, dst, 0, protocol, 16-bit length) or IPv6 (RFC 8200 §8.1:
// src, dst, 32-bit length, three zero bytes, next header), chosen by source's family; the
// destination must be of the same family. With the payload's checksum field zero this is the
// value to store; with the stored value in place, 0 means the checksum verifies.
uint16_t pseudoHeaderChecksum(const IpAddress& source, const IpAddress& destination,
                              uint8_t protocol, std::span<const uint8_t> payload);

} // namespace hafd::proto
