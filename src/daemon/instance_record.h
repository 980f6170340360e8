// SPDX-License-Identifier: Apache-2.0
// What an instance keeps for `hafctl status` as it runs, apart from executing its router's
// actions: its last transitions, the peers it hears, and the counters of what the kernel did
// with its actions. Bounded: a ring of kTransitionsKept transitions and at most kPeersShown peers
// (the least recently heard is forgotten first: advert sources are not authenticated), so an
// instance costs no allocation per transition or per advert (250 instances are a memory budget).
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "core/actions.h"
#include "core/events.h"
#include "proto/advert.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hafd::daemon {

class InstanceRecord {
public:
    static constexpr std::size_t kPeersShown = 8;
    static constexpr std::size_t kTransitionsKept = 8;

    struct Transition {
        core::StateChanged change;
        TimePoint at;
    };
    struct Peer {
        IpAddress address;
        proto::Advertisement advert;
        proto::ChecksumForm form = proto::ChecksumForm::PseudoHeader;
        TimePoint lastSeen;
    };

    void transition(const core::StateChanged& change, TimePoint at);
    void heard(const core::AdvertReceived& advert, TimePoint at);

    // The last transitions, newest first (at most the ring's size).
    std::vector<const Transition*> transitions() const;
    const std::vector<Peer>& peers() const { return peers_; }

    // Outcomes of the instance's actions.
    uint64_t sendErrors = 0;    // adverts and probes the socket refused
    uint64_t announcements = 0; // GARP / NA frames sent
    uint64_t vipRemoveFailures = 0;
    uint64_t strayVipsRemoved = 0;   // marked VIPs found and removed outside MASTER
    uint64_t leaseRenewFailures = 0; // renewals of the kernel lease on its VIPs that failed
    uint64_t vipsExpired = 0;        // VIPs whose kernel lease ran out while held
    uint64_t probes = 0;      // ARP probes before a claim (probe_before_claim), verdicts given
    uint64_t probeErrors = 0; // of them, those that could not run (the claim went ahead)

private:
    std::array<Transition, kTransitionsKept> history_{};
    std::size_t historyCount_ = 0; // newest at history_[(historyCount_ - 1) % size]
    std::vector<Peer> peers_;
};

} // namespace hafd::daemon
