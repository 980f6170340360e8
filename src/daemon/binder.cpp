// SPDX-License-Identifier: Apache-2.0
#include "daemon/binder.h"

#include "common/log.h"
#include "io/announcer.h"
#include "proto/frames.h"

#include <algorithm>
#include <cstring>

namespace hafd::daemon {

namespace {

constexpr Duration kJoinRetryFirst = 100ms;
constexpr Duration kJoinRetryMax = 10s;

} // namespace

Binder::Binder(Scheduler& scheduler, LinkTable& links, const Instances& instances, OpenChannel open,
               Ours ours, IsVip isVip)
    : scheduler_(scheduler), links_(links), instances_(instances), open_(std::move(open)),
      ours_(std::move(ours)), isVip_(std::move(isVip)),
      joinRetry_(scheduler, [this](TimePoint now) { bindAll(now); }) {}

void Binder::bindAll(TimePoint now) {
    for (const auto& instance : instances_)
        bind(*instance, now);
    closeUnused();
}

void Binder::bind(Instance& instance, TimePoint now) {
    using core::FaultCause;
    const auto& cfg = instance.config();
    const Binding& old = instance.binding();
    Binding b; // faults {link} until shown otherwise
    b.source = old.source;
    const io::LinkInfo* link = links_.find(cfg.interface);
    AdvertChannel* channel = nullptr;
    if (link && link->adminUp() && link->carrier())
        channel = channelFor(*link, cfg.family);
    if (channel) {
        b.faults = {};
        auto src = links_.sourceFor(
            link->ifindex, cfg.family, old.source,
            [this](const IpAddress& a) { return isVip_(a, true); }, cfg.unicastPeers);
        // An owner whose interface has no address besides its VIPs sends from one of them.
        if (!src && cfg.isOwner())
            src = links_.sourceFor(
                link->ifindex, cfg.family, old.source,
                [this](const IpAddress& a) { return isVip_(a, false); }, cfg.unicastPeers);
        if (src)
            b.source = *src;
        else
            b.faults.set(FaultCause::Source);
        if (!cfg.isUnicast() && !join(*channel, link->name, now))
            b.faults.set(FaultCause::Join);
        b.ifindex = link->ifindex;
        b.vipIfindex = link->ifindex;
        if (link->mac.size() == 6)
            std::copy(link->mac.begin(), link->mac.end(), b.mac.begin());
        if (cfg.vmac) {
            if (auto v = vmacFor(instance, *link)) {
                b.vipIfindex = v->ifindex;
                b.mac = proto::virtualMac(cfg.family, cfg.vrid);
                // IPv6 adverts keep the parent's link-local as source (RFC 9568 §7.4).
                if (cfg.family == Family::V6 && src)
                    b.vmacSource = Prefix{*src, 64};
            } else {
                b.faults.set(FaultCause::Link); // logged by vmacFor()
            }
        }
        b.routerFlag = cfg.family == Family::V6 && io::ipv6Forwarding(link->name) == 1;
        // Without a link or a source nothing can leave: the instance gets no sender.
        if (!b.faults.has(FaultCause::Link) && !b.faults.has(FaultCause::Source))
            b.sender = &channel->sender();
    }
    b.owner = cfg.isOwner() && b.vipIfindex != 0 && ownsAddresses(cfg, b.vipIfindex);
    // DESIGN.md §10: said once; status shows it as owner: false.
    if (cfg.isOwner() && b.vipIfindex != 0 && !b.owner && notOwners_.insert(cfg.name).second)
        log::notice("instance %s: priority 255, but its VIPs are not all addresses of %s: hafd "
                    "installs and removes them as for any master (owner: false)",
                    cfg.name.c_str(), cfg.interface.c_str());

    const bool changed = b.faults != old.faults || b.source != old.source || b.owner != old.owner;
    const core::BindingChanged event{b.faults, b.source, b.owner};
    // A router that can no longer send resigns through the old binding (its priority-0 advert,
    // if the link still carries it); one that can send again needs the new one to claim.
    const bool silent = b.sender == nullptr;
    if (changed && silent)
        instance.handle(event, now);
    instance.bind(b);
    if (changed && !silent)
        instance.handle(event, now);
}

bool Binder::ownsAddresses(const config::Instance& cfg, uint32_t ifindex) const {
    const auto& present = links_.addresses(ifindex);
    const io::LinkInfo* link = links_.find(ifindex);
    const std::string ifname = link ? link->name : std::string();
    return std::all_of(cfg.addresses.begin(), cfg.addresses.end(), [&](const Prefix& vip) {
        return std::any_of(present.begin(), present.end(), [&](const io::AddressInfo& a) {
            return a.prefix.address == vip.address && !ours_(a, ifname);
        });
    });
}

bool Binder::join(AdvertChannel& channel, const std::string& ifname, TimePoint now) {
    if (channel.joined())
        return true;
    const int rc = channel.joinGroup();
    auto& streak = joinStreaks_[ifname];
    if (rc == 0) {
        if (streak > 0)
            log::notice("%s: joined the VRRP group after %llu failed attempt(s)", ifname.c_str(),
                        static_cast<unsigned long long>(streak));
        streak = 0;
        joinBackoff_ = Duration::zero();
        return true;
    }
    if (streak++ == 0)
        log::error("%s: joining the VRRP group: %s; its instances stay in FAULT (join) and the "
                   "join is retried",
                   ifname.c_str(), std::strerror(-rc));
    if (!joinRetry_.armed()) {
        joinBackoff_ = joinBackoff_ == Duration::zero() ? kJoinRetryFirst
                                                        : std::min(2 * joinBackoff_, kJoinRetryMax);
        joinRetry_.arm(now + joinBackoff_);
    }
    return false;
}

AdvertChannel* Binder::channelFor(const io::LinkInfo& link, Family family) {
    const ChannelKey key{link.ifindex, family};
    if (auto it = channels_.find(key); it != channels_.end())
        return it->second.get();
    auto channel = open_(link, family);
    if (!channel)
        return nullptr;
    return channels_.emplace(key, std::move(channel)).first->second.get();
}

// Closes channels no instance sends through (their interface went away or changed index).
void Binder::closeUnused() {
    for (auto it = channels_.begin(); it != channels_.end();) {
        AdvertSender* sender = &it->second->sender();
        const bool used = std::any_of(instances_.begin(), instances_.end(),
                                      [&](const auto& i) { return i->binding().sender == sender; });
        it = used ? std::next(it) : channels_.erase(it);
    }
}

std::optional<io::VmacLink> Binder::vmacFor(const Instance& instance, const io::LinkInfo& parent) {
    const auto& cfg = instance.config();
    if (auto it = vmacLinks_.find(cfg.name); it != vmacLinks_.end()) {
        const io::LinkInfo* l = links_.find(it->second.ifindex);
        if (l && l->name == it->second.name && l->parentIfindex == parent.ifindex)
            return it->second;
        vmacLinks_.erase(it); // gone or re-created: ensure again
    }
    if (!vmacs_) {
        auto vm = io::VmacManager::open();
        if (!vm) {
            log::error("instance %s: VMAC: %s", cfg.name.c_str(), vm.error().message().c_str());
            return std::nullopt;
        }
        vmacs_ = std::move(*vm);
    }
    // No address on the VMAC here: an IPv6 master puts the parent's link-local on it while it is
    // master (Binding::vmacSource), so a backup's VMAC stays silent.
    auto v = vmacs_->ensure(cfg.family, cfg.vrid, parent.ifindex);
    if (!v) {
        log::error("instance %s: VMAC %s: %s", cfg.name.c_str(),
                   io::vmacName(cfg.family, cfg.vrid).c_str(), v.error().message().c_str());
        return std::nullopt;
    }
    for (const auto& w : v->warnings)
        log::warning("instance %s: VMAC %s: %s", cfg.name.c_str(), v->name.c_str(), w.c_str());
    log::info("instance %s: VMAC %s %s on %s", cfg.name.c_str(), v->name.c_str(),
              v->created ? "created" : "adopted", parent.name.c_str());
    // The VMAC's own events will update the table; until then, record what we know.
    if (!links_.find(v->ifindex)) {
        io::LinkInfo info;
        info.ifindex = v->ifindex;
        info.name = v->name;
        info.parentIfindex = parent.ifindex;
        links_.upsertLink(info);
    }
    vmacLinks_[cfg.name] = *v;
    return *v;
}

void Binder::removeVmac(const std::string& instanceName) {
    const auto it = vmacLinks_.find(instanceName);
    if (it == vmacLinks_.end())
        return;
    if (auto r = vmacs_->remove(it->second.name); !r)
        log::warning("removing VMAC %s: %s", it->second.name.c_str(), r.error().message().c_str());
    vmacLinks_.erase(it);
}

void Binder::forget(const std::string& instanceName) {
    removeVmac(instanceName);
    notOwners_.erase(instanceName);
}

void Binder::removeAllVmacs() {
    while (!vmacLinks_.empty())
        removeVmac(vmacLinks_.begin()->first);
}

} // namespace hafd::daemon
