// SPDX-License-Identifier: Apache-2.0
// RFC 1071 Internet checksum and the IPv4 / IPv6 pseudo-headers (PROTOCOL.md §1.5).
#include "proto/checksum.h"

#include <array>

namespace hafd::proto {

void ChecksumAccumulator::add(std::span<const uint8_t> bytes) {
    // RFC 1071 §1: sum 16-bit big-endian words; a trailing odd byte is the high half of a word
    // whose low half is zero. A 64-bit sum cannot overflow for any packet we handle, so the
    // carries are folded once, in finish().
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2)
        sum_ += static_cast<uint64_t>((bytes[i] << 8) | bytes[i + 1]);
    if (i < bytes.size())
        sum_ += static_cast<uint64_t>(bytes[i]) << 8;
}

void ChecksumAccumulator::addWord(uint16_t word) {
    sum_ += word;
}

uint16_t ChecksumAccumulator::finish() const {
    uint64_t sum = sum_;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

uint16_t internetChecksum(std::span<const uint8_t> bytes) {
    ChecksumAccumulator acc;
    acc.add(bytes);
    return acc.finish();
}

uint16_t pseudoHeaderChecksum(const IpAddress& source, const IpAddress& destination,
                              uint8_t protocol, std::span<const uint8_t> payload) {
    ChecksumAccumulator acc;
    acc.add(source.bytes());
    acc.add(destination.bytes());
    const auto length = static_cast<uint32_t>(payload.size());
    if (source.family() == Family::V4) {
        // RFC 768 / RFC 793 layout: zero byte, protocol, 16-bit length.
        acc.addWord(protocol);
        acc.addWord(static_cast<uint16_t>(length & 0xffff));
    } else {
        // RFC 8200 §8.1: 32-bit upper-layer length, three zero bytes, next header.
        acc.addWord(static_cast<uint16_t>(length >> 16));
        acc.addWord(static_cast<uint16_t>(length & 0xffff));
        acc.addWord(protocol);
    }
    acc.add(payload);
    return acc.finish();
}

} // namespace hafd::proto
