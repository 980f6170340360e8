// SPDX-License-Identifier: Apache-2.0
// Cluster heartbeats (DESIGN.md §4): hafd's own UDP message between the nodes of `cluster.nodes`,
// carrying the sender's name, a per-start id, a counter, and each instance's state, priority and
// the settings peers compare. hafd-heartbeat(7) documents the format for other implementations.
//
// Layout (all multi-byte fields big-endian):
//   0  4  magic "HAFH"
//   4  1  format version, 1
//   5  1  flags: bit 0 quorum (the sender has quorum), bit 1 witness, bit 2 leaving (a graceful
//         stop: the sender has released its addresses); other bits sent 0, ignored
//   6  2  length of the message (header + instances), without the trailer
//   8  8  start id: random, drawn at each start of hafd (a restart is a new one)
//  16  8  counter: 1 for the first heartbeat after a start, +1 for each one sent
//  24  4  lease in milliseconds (the sender's cluster.lease)
//  28  1  name length N (1..64), then N bytes of name (A-Z a-z 0-9 _ . -)
//  29+N 2 instance count M (0..kMaxInstances), then M entries of 16 bytes:
//     0 1 family (4 or 6)     1 1 VRID (1..255)        2 1 state (0 INIT 1 BACKUP 2 MASTER 3 FAULT)
//     3 1 effective priority  4 1 configured priority  5 1 VRRP version (2 or 3)
//     6 2 advert interval, centiseconds                8 2 VIP count
//    10 4 VIP digest: the first 4 bytes of SHA-256 over the sorted VIPs' address bytes and
//         prefix lengths (each address 4 or 16 bytes, then its length)
//    14 2 successor: 0, or the tag (successorTag) of the node the sender has just handed this
//         VRID over to: it was master, has removed the VIPs, and names who claims at once.
//         (Reserved in hafd 0.1's first heartbeats, which send 0 and ignore it.)
// With `auth` keys, the 28-byte trailer of proto/auth.h follows the message: ext_type 1, key id,
// reserved 0, the 64-bit sequence, and the first 16 bytes of HMAC-SHA256 over
//   "hafd-heartbeat" (14 bytes) | the sender's address (4 or 16 bytes) | the message |
//   the trailer with its HMAC field zero.
// A receiver in auth mode enforce drops a heartbeat without a trailer; one without keys drops
// one with a trailer (it cannot judge it). The anti-replay rules are those of adverts
// (auth::ReplayTable).
#pragma once

#include "common/address.h"
#include "common/result.h"
#include "proto/auth.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hafd::proto::heartbeat {

inline constexpr std::array<uint8_t, 4> kMagic{'H', 'A', 'F', 'H'};
inline constexpr uint8_t kFormatVersion = 1;
inline constexpr std::size_t kFixedLength = 29; // up to and including the name length
inline constexpr std::size_t kMaxNameLength = 64;
inline constexpr std::size_t kEntryLength = 16;
inline constexpr std::size_t kMaxInstances = 1024;
// The largest message: header, name, count, every entry, the trailer (a single UDP datagram;
// above the path MTU the kernel fragments it).
inline constexpr std::size_t kMaxLength =
    kFixedLength + kMaxNameLength + 2 + kMaxInstances * kEntryLength + auth::kTrailerLength;

struct InstanceEntry {
    Family family = Family::V4;
    uint8_t vrid = 0;
    uint8_t state = 0; // core::State's values: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT
    uint8_t priority = 0;
    uint8_t basePriority = 0;
    uint8_t version = 3;
    uint16_t intervalCs = 100;
    uint16_t vipCount = 0;
    uint32_t vipDigest = 0;
    uint16_t successor = 0; // successorTag() of the node this VRID was handed over to; 0 none

    bool operator==(const InstanceEntry&) const = default;
};

struct Heartbeat {
    bool quorum = false;
    bool witness = false;
    bool leaving = false;
    uint64_t startId = 0;
    uint64_t counter = 0;
    uint32_t leaseMs = 0;
    std::string name;
    std::vector<InstanceEntry> instances;

    bool operator==(const Heartbeat&) const = default;
};

// A node name as the successor field carries it: the first 2 bytes of SHA-256 over the name,
// big-endian, 1 in place of 0. The configuration refuses node names whose tags are equal.
uint16_t successorTag(std::string_view name);

// The VIP digest of an entry: order-independent (the VIPs are sorted first).
uint32_t vipDigest(std::span<const Prefix> vips);

// The message without a trailer. Preconditions: name 1..64 bytes, at most kMaxInstances entries.
std::vector<uint8_t> encode(const Heartbeat& hb);

// Why a datagram was not a heartbeat, or not one to trust. Stable names for status and counters.
enum class Drop : uint8_t {
    Malformed,   // too short, bad magic or version, lengths that do not add up, bad field values
    Missing,     // keys configured, no trailer
    Unexpected,  // no keys configured, a trailer present
    UnknownKey,  // the trailer's key id is not one of ours
    BadHmac,     // the HMAC does not match
    Stale,       // outside the time window
    Replay,      // not after the last sequence accepted from this sender
    UnknownNode, // from an address that is not in cluster.nodes, or with another node's name
};
inline constexpr std::size_t kDropCount = static_cast<std::size_t>(Drop::UnknownNode) + 1;
const char* dropName(Drop d); // "malformed", "auth_missing", "auth_unexpected", ...

// Parses a message without a trailer (`bytes` is exactly the message).
Result<Heartbeat> decode(std::span<const uint8_t> bytes);

// Signs: returns `message` with the trailer appended.
std::vector<uint8_t> sign(std::span<const uint8_t> message, const IpAddress& source, uint8_t keyId,
                          const auth::Key& key, uint64_t sequence);

// A received datagram checked and parsed: with `keys`, a trailer is verified (format,
// freshness, key, HMAC, then `replay`, in that order, as for adverts) and a heartbeat without
// one is accepted unless `requireTrailer` (auth modes: enforce requires, permissive and
// receive-only accept plain heartbeats); without keys, a trailer is refused. The replay mark
// moves only for a heartbeat that passes everything else.
struct Received {
    bool ok = false;
    Drop drop = Drop::Malformed; // when !ok
    Heartbeat heartbeat;         // when ok
    std::string detail;          // when !ok and Malformed: what was wrong
};
Received receive(std::span<const uint8_t> datagram, const IpAddress& source,
                 const auth::KeyRing* keys, bool requireTrailer, const auth::Policy& policy,
                 int64_t nowSeconds, auth::ReplayTable& replay);

} // namespace hafd::proto::heartbeat
