// SPDX-License-Identifier: Apache-2.0
// Per-peer tracking of how a peer's adverts differ from ours (DESIGN.md §3; PROTOCOL.md §6 items
// 1, 3, 4, 5, 8). Each of these differences is legal on the wire or only logged by the RFC, yet
// each splits the brain beside keepalived, so the operator is told once per change, per peer and
// per field, and once more when the difference goes away.
#pragma once

#include "common/address.h"
#include "core/actions.h"
#include "proto/advert.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hafd::core {

// What this router puts on the wire, for the comparison.
struct OwnProfile {
    proto::Version version = proto::Version::V3;
    Family family = Family::V4;
    uint16_t intervalCs = 100;        // our Advertisement_Interval
    std::vector<IpAddress> addresses; // the advertised VIPs, sorted and unique
    proto::ChecksumForm checksumForm = proto::ChecksumForm::PseudoHeader; // IPv4 v3 transmit form
    uint8_t priority = 100;                                               // effective priority
};

class PeerWatch {
public:
    // Bound on remembered peers: source addresses are not authenticated, so a flood of spoofed
    // sources must not grow memory. The least recently heard peer is forgotten first (with it,
    // its open differences; they are reported again if it comes back).
    static constexpr std::size_t kMaxPeers = 16;

    // Compares one advert from `peer` with `ours` and appends a PeerDifference to `out` for every
    // field whose difference changed since that peer's previous advert (empty `theirs`: the
    // difference went away).
    void observe(const IpAddress& peer, const proto::Decoded& decoded, const OwnProfile& ours,
                 std::vector<Action>& out);

    std::size_t size() const { return peers_.size(); }
    void clear() { peers_.clear(); }

private:
    static constexpr std::size_t kFields = 5; // PeerDifference::Field values

    struct Peer {
        IpAddress address;
        uint64_t lastUse = 0;
        // Per field: a difference is open (reported, not yet reported gone).
        std::array<bool, kFields> open{};
        // What they sent when an open difference was last reported (the field's value only
        // counts while it is open).
        proto::Version version = proto::Version::V3;
        uint16_t intervalCs = 0;
        std::vector<IpAddress> addresses;
        proto::ChecksumForm checksumForm = proto::ChecksumForm::PseudoHeader;
    };

    Peer& lookup(const IpAddress& peer);

    std::vector<Peer> peers_;
    uint64_t useClock_ = 0; // orders lookups for the LRU
};

// Sorted, duplicate-free copy of `addresses` (the address list compare is a set compare: RFC 9568
// §5.2.9 only recommends the same order everywhere).
std::vector<IpAddress> sortedAddresses(std::vector<IpAddress> addresses);

} // namespace hafd::core
