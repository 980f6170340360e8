// SPDX-License-Identifier: Apache-2.0
// Hearing ARP on one interface while a duplicate-address probe runs (probe_before_claim,
// DESIGN.md §4): an AF_PACKET socket bound to the interface and to ETH_P_ARP, with a classic BPF
// filter that passes only Ethernet/IPv4 ARP requests and replies whose sender IP is not 0.0.0.0
// (another node's probe claims nothing). Frames this host sends itself are skipped. Opened for
// one probe and closed after it: no ARP is read the rest of the time.
#pragma once

#include "io/loop.h"
#include "io/sys_error.h"
#include "proto/frames.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace hafd::io {

class ArpWatch {
public:
    // One ARP packet another host sent. It must not destroy the watch (the frames still queued
    // are read in the same call).
    using Heard = std::function<void(const proto::ArpPacket&)>;

    // Needs CAP_NET_RAW. Nothing is read before the filter is in place.
    static SysResult<ArpWatch> open(Loop& loop, uint32_t ifindex, Heard heard);

    ArpWatch(); // inactive: assign an opened one to it
    ArpWatch(ArpWatch&&) noexcept;
    ArpWatch& operator=(ArpWatch&&) noexcept;
    ~ArpWatch();

    // Reads what is queued now (the loop does this when the socket is readable); the probe's
    // last look before it decides.
    void drain();
    // Frames the filter passed that were not ARP from another host (ours, or unparsable).
    uint64_t ignored() const;

    struct State;

private:
    std::unique_ptr<State> s_;
};

} // namespace hafd::io
