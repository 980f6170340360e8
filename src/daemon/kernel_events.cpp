// SPDX-License-Identifier: Apache-2.0
#include "daemon/kernel_events.h"

#include "common/log.h"
#include "io/loop.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace hafd::daemon {

KernelEvents::KernelEvents(io::LinkMonitor& monitor, io::NetlinkClient& netlink, LinkTable& links,
                           const Instances& instances, NetlinkVips& vips, VipLeases& leases,
                           StaleVips& stale, Scheduler& scheduler,
                           std::function<void(TimePoint)> changed)
    : monitor_(monitor), netlink_(netlink), links_(links), instances_(instances), vips_(vips),
      leases_(leases), stale_(stale), changed_(std::move(changed)),
      resyncTimer_(scheduler, [this](TimePoint now) {
          resync(now);
          changed_(now);
      }) {}

namespace {

bool before(uint32_t ifindexA, const IpAddress& a, uint32_t ifindexB, const IpAddress& b) {
    return ifindexA != ifindexB ? ifindexA < ifindexB : a < b;
}

} // namespace

void KernelEvents::reindex() {
    byVip_.clear();
    for (const auto& i : instances_)
        if (const uint32_t ifindex = i->binding().vipIfindex)
            for (const auto& p : i->config().addresses)
                byVip_.push_back({ifindex, p.address, i.get()});
    std::sort(byVip_.begin(), byVip_.end(), [](const VipEntry& x, const VipEntry& y) {
        return before(x.ifindex, x.address, y.ifindex, y.address);
    });
    byVip_.shrink_to_fit();
}

Instance* KernelEvents::instanceWith(uint32_t ifindex, const IpAddress& address) const {
    const auto it = std::lower_bound(byVip_.begin(), byVip_.end(), 0, [&](const VipEntry& e, int) {
        return before(e.ifindex, e.address, ifindex, address);
    });
    return it != byVip_.end() && it->ifindex == ifindex && it->address == address ? it->instance
                                                                                  : nullptr;
}

bool KernelEvents::ours(const io::AddressInfo& a) const {
    const io::LinkInfo* link = links_.find(a.ifindex);
    return vips_.installedByUs(a, link ? link->name : std::string());
}

void KernelEvents::onReadable() {
    std::vector<io::NetlinkEvent> events;
    const int n = monitor_.read(events);
    if (n < 0) {
        log::error("netlink monitor: %s", std::strerror(-n));
        return;
    }
    const TimePoint now = io::monotonicNow();
    bool resyncNeeded = false;
    for (const auto& e : events) {
        if (std::holds_alternative<io::ResyncEvent>(e)) {
            resyncNeeded = true;
        } else if (const auto* l = std::get_if<io::LinkEvent>(&e)) {
            if (l->removed) {
                links_.removeLink(l->link.ifindex);
                leases_.forgetInterface(l->link.ifindex);
            } else {
                const io::LinkInfo* before = links_.find(l->link.ifindex);
                const bool hadCarrier = before && before->carrier();
                links_.upsertLink(l->link);
                stale_.onLink(l->link, held());
                if (!hadCarrier && l->link.carrier() && carrierUp_)
                    carrierUp_(l->link);
            }
        } else if (const auto* a = std::get_if<io::AddressEvent>(&e)) {
            if (a->removed)
                removed(*a, now);
            else
                added(a->address, now);
        }
    }
    if (resyncNeeded)
        resync(now);
    changed_(now);
}

StaleVips::Held KernelEvents::held() const {
    return [this](const std::string& ifname, const Prefix& vip) {
        const io::LinkInfo* link = links_.find(ifname);
        const Instance* i = link ? instanceWith(link->ifindex, vip.address) : nullptr;
        return i && i->router().state() == core::State::Master;
    };
}

void KernelEvents::added(const io::AddressInfo& a, TimePoint now) {
    links_.addAddress(a);
    stale_.onAddressAdded(a, held());
    if (!ours(a))
        return; // an operator's address (an owner's VIP among them) is never touched
    Instance* i = instanceWith(a.ifindex, a.prefix.address);
    if (i && i->router().state() != core::State::Master)
        i->handle(core::StrayVips{{a.prefix}}, now);
}

void KernelEvents::removed(const io::AddressEvent& e, TimePoint now) {
    links_.removeAddress(e.address);
    // Our own removals (IPv4 carries our port id) are expected; anything else that takes a VIP
    // from a master is put back (the instance logs it if the VIP really was gone), unless the
    // kernel removed it because its lease ran out.
    if (e.requesterPortId != 0 && e.requesterPortId == netlink_.portId())
        return;
    Instance* i = instanceWith(e.address.ifindex, e.address.prefix.address);
    const auto gone = leases_.vanished(e.address.ifindex, e.address.prefix, now);
    if (gone == VipLeases::Gone::Expired) {
        expired(i, e.address.ifindex, e.address.prefix);
        if (i && i->router().state() == core::State::Master)
            i->handle(core::VipsExpired{}, now);
        return;
    }
    if (i && i->router().state() == core::State::Master)
        i->handle(core::VipsLost{}, now);
}

void KernelEvents::expired(Instance* instance, uint32_t ifindex, const Prefix& vip) {
    const io::LinkInfo* link = links_.find(ifindex);
    const std::string where = link ? link->name : std::to_string(ifindex);
    if (!instance) {
        log::warning("VIP %s on %s expired: its kernel lease ran out; this node was not "
                     "refreshing",
                     vip.toString().c_str(), where.c_str());
        return;
    }
    log::warning("instance %s: VIP %s on %s expired: its kernel lease ran out; this node was not "
                 "refreshing (not restored)",
                 instance->name().c_str(), vip.toString().c_str(), where.c_str());
    instance->countExpiredVip();
}

// A fresh dump (lost events): every held VIP it lacks vanished meanwhile, as if its RTM_DELADDR
// had been read now.
std::vector<const Instance*> KernelEvents::reconcileLeases(TimePoint now) {
    std::vector<const Instance*> lapsed;
    for (const auto& [ifindex, vips] : leases_.all()) {
        const auto& present = links_.addresses(ifindex);
        for (const auto& vip : vips) {
            Instance* i = instanceWith(ifindex, vip.address);
            const bool there =
                std::any_of(present.begin(), present.end(),
                            [&](const io::AddressInfo& a) { return a.prefix == vip; });
            if (there ? leases_.ranOut(ifindex, vip, now)
                      : leases_.vanished(ifindex, vip, now) == VipLeases::Gone::Expired) {
                if (!there)
                    expired(i, ifindex, vip);
                if (i && std::find(lapsed.begin(), lapsed.end(), i) == lapsed.end())
                    lapsed.push_back(i);
            }
        }
    }
    return lapsed;
}

void KernelEvents::resyncSoon() {
    if (!resyncTimer_.armed())
        resyncTimer_.arm(io::monotonicNow());
}

// The table is rebuilt from a fresh dump; every master checks that its VIPs are still there, and
// every other instance removes what it should not hold.
void KernelEvents::resync(TimePoint now) {
    auto links = netlink_.dumpLinks();
    auto addresses = netlink_.dumpAddresses();
    if (!links || !addresses) {
        log::error("netlink re-dump: %s",
                   (!links ? links.error() : addresses.error()).message().c_str());
        return;
    }
    log::info("netlink: re-read links and addresses");
    links_.reset(std::move(*links), std::move(*addresses));
    const auto lapsed = reconcileLeases(now);
    for (const auto& i : instances_) {
        if (i->router().state() == core::State::Master) {
            // A master whose lease ran out does not put its VIPs back (removed() says why): it
            // was not running, and may have been replaced.
            if (std::find(lapsed.begin(), lapsed.end(), i.get()) == lapsed.end())
                i->handle(core::VipsLost{}, now);
            else
                i->handle(core::VipsExpired{}, now);
            continue;
        }
        const uint32_t ifindex = i->binding().vipIfindex;
        if (ifindex == 0)
            continue;
        std::vector<Prefix> stray;
        for (const auto& a : links_.addresses(ifindex))
            if (instanceWith(ifindex, a.prefix.address) == i.get() && ours(a))
                stray.push_back(a.prefix);
        if (!stray.empty())
            i->handle(core::StrayVips{std::move(stray)}, now);
    }
}

} // namespace hafd::daemon
