// SPDX-License-Identifier: Apache-2.0
// Renews the kernel lease on VIPs (DESIGN.md §4, daemon/vip_leases.h): with `cluster` set, every
// lease/3 every held VIP whose lease has not run out is renewed, in one netlink batch per
// interface (NLM_F_REPLACE with a valid and preferred lifetime of `lease`). A master that is
// killed or frozen stops renewing, and its own kernel removes its VIPs.
//
// A renewal that fails is logged and counted by the instance holding the VIP, and goes to its
// router as a failed install (core::VipsInstalled{false}): retried, then the vips fault cause.
// The timer runs while a lease is configured, whether or not anything is held: a VIP installed
// just after a pass is renewed at most lease/3 later, long before its lease ends.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "daemon/binder.h"
#include "daemon/ports.h"
#include "daemon/scheduler.h"
#include "daemon/vip_leases.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace hafd::daemon {

class LeaseRenewal {
public:
    LeaseRenewal(Scheduler& scheduler, VipLeases& leases, VipManager& vips,
                 const Instances& instances);

    // The kernel lease a configuration asks for: `cluster.lease` (whole seconds), none without
    // `cluster` (permanent VIPs, as before).
    static std::optional<std::chrono::seconds> leaseOf(const config::Config& config);

    // The lease of the configuration in force (start, every reload). A change renews every held
    // VIP whose lease has not run out at once, with the new lifetime or permanent.
    void configure(std::optional<std::chrono::seconds> lease, TimePoint now);

    // The time between renewals: lease / 3.
    static Duration period(std::chrono::seconds lease) { return Duration(lease) / 3; }

    uint64_t batches() const { return batches_; }   // renewal batches sent
    uint64_t failures() const { return failures_; } // VIPs a renewal failed to renew

private:
    void pass(TimePoint now);
    void renew(const std::map<uint32_t, std::vector<Prefix>>& vips, TimePoint now);
    // The instance whose VIPs on `ifindex` include `vip`, or null.
    Instance* holder(uint32_t ifindex, const Prefix& vip) const;

    VipLeases& leases_;
    VipManager& vips_;
    const Instances& instances_;
    Scheduler::Timer timer_;
    uint64_t batches_ = 0;
    uint64_t failures_ = 0;
};

} // namespace hafd::daemon
