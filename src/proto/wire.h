// SPDX-License-Identifier: Apache-2.0
// Big-endian field access for the codecs in proto/ (internal: not part of the proto interface).
// The layouts are defined byte by byte here rather than with system structs (no netinet/ in
// proto/, tests/lint/layering.sh).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hafd::proto::wire {

// Precondition for all: the span holds at least offset + 2 bytes.
inline uint16_t load16(std::span<const uint8_t> bytes, std::size_t offset) {
    return static_cast<uint16_t>((bytes[offset] << 8) | bytes[offset + 1]);
}

inline void store16(std::span<uint8_t> bytes, std::size_t offset, uint16_t value) {
    bytes[offset] = static_cast<uint8_t>(value >> 8);
    bytes[offset + 1] = static_cast<uint8_t>(value & 0xff);
}

// Precondition: the span holds at least offset + 4 bytes.
inline uint32_t load32(std::span<const uint8_t> bytes, std::size_t offset) {
    return static_cast<uint32_t>(load16(bytes, offset)) << 16 | load16(bytes, offset + 2);
}

inline void store32(std::span<uint8_t> bytes, std::size_t offset, uint32_t value) {
    store16(bytes, offset, static_cast<uint16_t>(value >> 16));
    store16(bytes, offset + 2, static_cast<uint16_t>(value & 0xffff));
}

// Precondition: the span holds at least offset + 8 bytes.
inline uint64_t load64(std::span<const uint8_t> bytes, std::size_t offset) {
    return static_cast<uint64_t>(load32(bytes, offset)) << 32 | load32(bytes, offset + 4);
}

inline void store64(std::span<uint8_t> bytes, std::size_t offset, uint64_t value) {
    store32(bytes, offset, static_cast<uint32_t>(value >> 32));
    store32(bytes, offset + 4, static_cast<uint32_t>(value));
}

// Copies `from` into `to` at `offset`; precondition: it fits.
inline void put(std::span<uint8_t> to, std::size_t offset, std::span<const uint8_t> from) {
    for (std::size_t i = 0; i < from.size(); ++i)
        to[offset + i] = from[i];
}

} // namespace hafd::proto::wire
