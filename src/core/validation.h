// SPDX-License-Identifier: Apache-2.0
// Instance-level checks of a received advert (RFC 9568 §7.1, RFC 3768 §7.1, PROTOCOL.md §3.4),
// made after proto::decode() accepted the packet and the daemon matched it to this router by
// VRID. Packet-level checks (TTL, checksum, length, zero count/interval) are the codec's.
#pragma once

#include "common/address.h"
#include "config/config.h"
#include "proto/advert.h"
#include "proto/drop_reason.h"

#include <array>
#include <cstdint>
#include <optional>

namespace hafd::core {

// Whether the advert arrived by the path this instance listens on: the right mode (multicast or
// unicast), from a configured unicast peer with, over IPv4, a TTL of at least unicast_min_ttl,
// and not our own advert looped back. `ourSource` is
// the address we send from. A destination the io layer could not tell (unspecified) is not held
// against the packet.
std::optional<proto::DropReason> checkPath(const config::Instance& instance,
                                           const IpAddress& ourSource, const proto::RxMeta& meta);

// Whether the advert can take part in this instance's election: same version (RFC 9568 §7.1
// item 2; RFC 3768 §7.1), and for VRRPv2 the same auth type and password (RFC 3768 §7.1, RFC 2338
// §5.3.6) and the same Adver Int (RFC 3768 §7.1: MUST discard).
std::optional<proto::DropReason> checkCompatible(const config::Instance& instance,
                                                 const proto::Advertisement& advert);

// The 8 VRRPv2 authentication bytes for `instance`: the password zero-padded (only its first 8
// bytes count, as keepalived), or all zero without authentication.
std::array<uint8_t, proto::kV2AuthDataLength> v2AuthData(const config::Instance& instance);

// The interval the instance puts in its adverts, in centiseconds: v3 whole centiseconds
// (1..4095), v2 whole seconds times 100 (RFC 3768 carries seconds; the codec converts).
uint16_t ownIntervalCs(const config::Instance& instance);

} // namespace hafd::core
