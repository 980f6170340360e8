// SPDX-License-Identifier: Apache-2.0
#include "daemon/lease_renewal.h"

#include "common/log.h"
#include "daemon/instance.h"

#include <algorithm>
#include <string>
#include <utility>

namespace hafd::daemon {

LeaseRenewal::LeaseRenewal(Scheduler& scheduler, VipLeases& leases, VipManager& vips,
                           const Instances& instances)
    : leases_(leases), vips_(vips), instances_(instances),
      timer_(scheduler, [this](TimePoint now) { pass(now); }) {}

std::optional<std::chrono::seconds> LeaseRenewal::leaseOf(const config::Config& config) {
    if (!config.cluster)
        return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(config.cluster->lease);
}

void LeaseRenewal::configure(std::optional<std::chrono::seconds> lease, TimePoint now) {
    const bool changed = lease != leases_.lease();
    leases_.setLease(lease);
    if (!lease) {
        timer_.cancel();
        if (changed) {
            log::notice("VIPs are permanent now (no cluster lease)");
            renew(leases_.renewable(now), now); // each made permanent
        }
        return;
    }
    if (changed) {
        log::notice("VIPs get a kernel lease of %llds, renewed every %s",
                    static_cast<long long>(lease->count()), formatDuration(period(*lease)).c_str());
        renew(leases_.renewable(now), now); // each with the new lifetime
    }
    if (changed || !timer_.armed())
        timer_.arm(now + period(*lease));
}

void LeaseRenewal::pass(TimePoint now) {
    if (!leases_.lease())
        return;
    timer_.arm(now + period(*leases_.lease()));
    renew(leases_.renewable(now), now);
}

void LeaseRenewal::renew(const std::map<uint32_t, std::vector<Prefix>>& vips, TimePoint now) {
    // The failures, per instance, go to the instances only after every batch has left: what an
    // instance does about them (a retry, FAULT) must not delay another interface's renewal.
    std::vector<std::pair<Instance*, std::string>> failed;
    for (const auto& [ifindex, list] : vips) {
        ++batches_;
        for (const auto& f : vips_.renew(ifindex, list)) {
            ++failures_;
            Instance* i = holder(ifindex, f.vip);
            const std::string what = f.vip.toString() + ": " + f.reason;
            if (!i) {
                log::error("renewing the kernel lease of VIP %s on interface %u failed",
                           what.c_str(), ifindex);
                continue;
            }
            const auto it = std::find_if(failed.begin(), failed.end(),
                                         [&](const auto& x) { return x.first == i; });
            if (it == failed.end())
                failed.emplace_back(i, what);
            else
                it->second += ", " + what;
        }
    }
    for (auto& [instance, what] : failed)
        instance->leaseRenewFailed(what, now);
}

Instance* LeaseRenewal::holder(uint32_t ifindex, const Prefix& vip) const {
    for (const auto& i : instances_) {
        if (i->vipsOn() != ifindex)
            continue;
        const auto& a = i->config().addresses;
        if (std::find(a.begin(), a.end(), vip) != a.end())
            return i.get();
    }
    return nullptr;
}

} // namespace hafd::daemon
