// SPDX-License-Identifier: Apache-2.0
// Why a received advertisement was discarded. One counter per reason (STYLE.md habit 3); the
// status output and the metrics name them with dropReasonName().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace hafd::proto {

enum class DropReason : uint8_t {
    // Packet-level: decided by proto::decode() before any instance is known.
    TooShort,       // fewer bytes than an IP header or the 8-byte VRRP header
    BadIpHeader,    // IPv4 header malformed (IHL, total length, protocol)
    BadTtl,         // multicast advert with TTL / hop limit != 255 (RFC 9568 §7.1); also, decided
                    // by the core, an IPv4 unicast advert below the instance's unicast_min_ttl
    BadVersion,     // version neither 2 nor 3, or v2 over IPv6
    BadType,        // type != 1 (ADVERTISEMENT)
    LengthMismatch, // length != header + count x address size (+ 8 auth bytes in v2)
    BadChecksum,    // no accepted checksum form verifies
    ZeroCount,      // count of addresses is 0 (RFC 9568 erratum)
    ZeroInterval,   // Max Adver Int / Adver Int is 0 (RFC 9568 erratum)
    // Demultiplexing: decided by the daemon.
    UnknownVrid, // no instance for this VRID on this interface and family
    // Instance-level: decided by core::VirtualRouter against its configuration.
    VersionMismatch,  // advert version differs from the instance's
    IntervalMismatch, // VRRPv2 only: Adver Int differs from ours (RFC 3768 §7.1)
    AuthMismatch,     // VRRPv2 only: auth type or password differs from ours. decode() also
                      // uses it for auth types other than 0 and 1, which no instance can have
    ModeMismatch,     // multicast advert on a unicast instance or the reverse
    NotAPeer,         // unicast instance: source is not one of unicast_peers
    OwnAdvert,        // our own advert looped back (source is our address)
    NotListening,     // instance in Initialize or Fault: adverts are ignored
    // Authentication (AUTH_HMAC.md §6.2, §7): decided with the instance's keys before its router
    // sees the advert, which then never moves a timer. keepalived's names in brackets.
    AuthMissing,    // no trailer, mode enforce [Missing]
    AuthMalformed,  // unknown scheme or reserved bytes not zero [Malformed]
    AuthUnknownKey, // no key with the trailer's id [Unknown Key]
    AuthBadHmac,    // the HMAC does not verify [Invalid HMAC]
    AuthStale,      // time anti-replay: more than time_window from our clock [Stale]
    AuthReplay,     // the sender's sequence did not grow [Replay]
};

inline constexpr std::size_t kDropReasonCount =
    static_cast<std::size_t>(DropReason::AuthReplay) + 1;

// snake_case names, stable: they appear in status JSON and metrics.
const char* dropReasonName(DropReason reason);

// A counter per reason.
using DropCounters = std::array<uint64_t, kDropReasonCount>;

} // namespace hafd::proto
