// SPDX-License-Identifier: Apache-2.0
// The kernel lease on VIPs (DESIGN.md §4): which VIPs hafd holds on which interface, and when the
// kernel lease of each runs out. With `cluster` configured every VIP hafd adds carries a valid
// lifetime of `cluster.lease` and is renewed every lease/3 (daemon/lease_renewal.h); a master
// that is killed or frozen stops renewing and its own kernel removes the VIPs. Without `cluster`
// the VIPs are permanent and their entries have no end.
//
// The table answers two questions: what a renewal pass renews, and whether a VIP that vanished
// was removed by someone else (it is put back) or expired (it is not: the node was not renewing,
// and a peer may hold the VIP by now). Plain data: no clock, no syscalls; `now` comes in.
#pragma once

#include "common/address.h"
#include "common/time.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace hafd::daemon {

class VipLeases {
public:
    // The kernel may remove an address this much before the end of its lease as hafd counts it:
    // it compares the address's age plus HZ/50 (20 ms at any HZ >= 64) with the lifetime, in
    // jiffies (up to 10 ms each at HZ = 100), from a stamp it takes while handling the request,
    // after hafd read its clock. A removal at or after end - kExpiryTolerance is an expiry; a
    // healthy node renews every lease/3, so its leases always have at least 2/3 of `lease` left
    // and an operator's removal is never mistaken for one.
    static constexpr Duration kExpiryTolerance = 50ms;

    // How a VIP that vanished from the kernel is to be understood (vanished()).
    enum class Gone {
        NotHeld, // not a VIP hafd holds (an operator's address, or one hafd already removed)
        Removed, // hafd held it and its lease had not run out: someone else removed it
        Expired, // its lease had run out: the kernel removed it
    };

    // The lifetime VIPs get from now on: `cluster.lease`, or nullopt (no `cluster`): permanent.
    void setLease(std::optional<std::chrono::seconds> lease) { lease_ = lease; }
    const std::optional<std::chrono::seconds>& lease() const { return lease_; }

    // `vip` on `ifindex` was added or renewed with lease() by a request sent at or after
    // `sentAt` (the kernel stamps it while handling the request: never earlier).
    void renewed(uint32_t ifindex, const Prefix& vip, TimePoint sentAt);
    // hafd removed `vip` (whatever the outcome: if it stayed, its lease still ends).
    void forget(uint32_t ifindex, const Prefix& vip);
    // The interface is gone, and its addresses with it.
    void forgetInterface(uint32_t ifindex);

    // The kernel says `vip` vanished from `ifindex` (an RTM_DELADDR hafd did not ask for, or
    // missing from a fresh dump) at `now`. Forgets it.
    Gone vanished(uint32_t ifindex, const Prefix& vip, TimePoint now);

    bool held(uint32_t ifindex, const Prefix& vip) const;
    // Whether the lease of held `vip` has run out at `now` (the kernel removes it, or has).
    bool ranOut(uint32_t ifindex, const Prefix& vip, TimePoint now) const;

    // What a renewal at `now` renews, by interface: every held VIP whose lease has not run out.
    // One that has is left to the kernel: renewing it (NLM_F_REPLACE also creates) could put
    // back an address a peer already holds.
    std::map<uint32_t, std::vector<Prefix>> renewable(TimePoint now) const;
    // Every held VIP, by interface.
    std::map<uint32_t, std::vector<Prefix>> all() const;
    // The held VIPs on `ifindex`.
    std::vector<Prefix> on(uint32_t ifindex) const;
    // When the first lease among `vips` held on `ifindex` ends: nullopt when none of them is
    // held or every one held is permanent (status: the lease remaining).
    std::optional<TimePoint> firstEnd(uint32_t ifindex, const std::vector<Prefix>& vips) const;

    std::size_t size() const { return held_.size(); }

private:
    bool runOut(const std::optional<TimePoint>& end, TimePoint now) const {
        return end && now >= *end - kExpiryTolerance;
    }

    std::optional<std::chrono::seconds> lease_;
    // (interface, VIP) -> when its lease ends; nullopt: permanent.
    std::map<std::pair<uint32_t, Prefix>, std::optional<TimePoint>> held_;
};

const char* goneName(VipLeases::Gone g);

} // namespace hafd::daemon
