// SPDX-License-Identifier: Apache-2.0
#include "daemon/instance.h"

#include "common/log.h"
#include "proto/advert.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <type_traits>

namespace hafd::daemon {

namespace {

constexpr std::size_t kPeersShown = 8;

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

double seconds(Duration d) {
    return toSeconds(d);
}

} // namespace

Instance::Instance(config::Instance cfg, Scheduler& scheduler, VipManager& vips,
                   Announcer& announcer, StateHook onStateChange)
    : router_(std::move(cfg)), vips_(vips), announcer_(announcer),
      onStateChange_(std::move(onStateChange)),
      protocolTimer_(scheduler, [this](TimePoint now) { onTimer(now); }),
      announceTimer_(scheduler, [this](TimePoint now) { announceRound(now); }) {
    for (const auto& p : router_.instance().addresses)
        vipAddresses_.push_back(p.address);
}

void Instance::handle(const core::Event& event, TimePoint now) {
    if (const auto* a = std::get_if<core::AdvertReceived>(&event))
        rememberPeer(*a, now);
    run(router_.handle(event, now), now, std::holds_alternative<core::VipsLost>(event));
}

void Instance::onTimer(TimePoint now) {
    run(router_.onTimeout(now), now);
}

void Instance::run(std::vector<core::Action> actions, TimePoint now, bool restoring) {
    for (const auto& action : actions) {
        // A queued advert leaves before this instance's VIPs change (a new master's first advert
        // precedes its GARPs; a resigning one's priority 0 precedes the removal).
        if (binding_.sender && !std::holds_alternative<core::SendAdvert>(action))
            binding_.sender->flush();
        std::visit(
            Overloaded{
                [&](const core::SendAdvert& a) { sendAdvert(a.priority); },
                [&](const core::InstallVips&) { installVips(restoring); },
                [&](const core::RemoveVips&) { removeVips(); },
                [&](const core::ChangeVips& c) { changeVips(c, now); },
                [&](const core::Announce& a) { startAnnouncing(a.count, vipAddresses_, now); },
                [&](const core::StateChanged& c) { logTransition(c, now); },
                [&](const core::Dropped& d) {
                    log::debug("instance %s: advert from %s dropped: %s", name().c_str(),
                               d.source.toString().c_str(), proto::dropReasonName(d.reason));
                },
                [&](const core::PeerDifference& d) { logPeerDifference(d); },
            },
            action);
    }
    protocolTimer_.set(router_.nextDeadline());
}

// SendAdvert: one advert to the group, or one per unicast peer with the checksum for that peer
// (the IPv4 v3 pseudo-header holds the destination, PROTOCOL.md §2.4).
void Instance::sendAdvert(uint8_t priority) {
    if (!binding_.sender)
        return;
    ensureVmacSource();
    const auto& cfg = config();
    const proto::Advertisement advert = router_.advertisement(priority);
    const IpAddress& source = router_.sourceAddress();
    std::array<uint8_t, 4096> buf;
    auto sendTo = [&](const IpAddress& destination) {
        const std::size_t n = proto::encode(advert, cfg.checksum, source, destination, buf);
        if (n == 0) {
            ++sendErrors_;
            ++sendErrorStreak_;
            log::error("instance %s: advert cannot be encoded (version %d, interval %u cs)",
                       name().c_str(), static_cast<int>(cfg.version), advert.intervalCs);
            return;
        }
        binding_.sender->send({buf.data(), n}, source, destination, binding_.vipIfindex, *this);
    };
    if (cfg.isUnicast())
        for (const auto& peer : cfg.unicastPeers)
            sendTo(peer);
    else
        sendTo(vrrpMulticastGroup(cfg.family));
}

void Instance::advertSent(const IpAddress& destination, int result) {
    if (result < 0) {
        // Counted always, logged once per streak: a link that is down for a moment would
        // otherwise fill the log at the advert rate.
        ++sendErrors_;
        if (sendErrorStreak_++ == 0)
            log::warning("instance %s: sending advert to %s failed: %s", name().c_str(),
                         destination.toString().c_str(), std::strerror(-result));
    } else if (sendErrorStreak_ > 0) {
        log::info("instance %s: adverts leave again after %llu failed sends", name().c_str(),
                  static_cast<unsigned long long>(sendErrorStreak_));
        sendErrorStreak_ = 0;
    }
}

// `restoring`: the VIPs are put back after a netlink event said one was removed while we are
// master. The event may be the echo of our own earlier removal (IPv6 address events carry no
// port id), so only an address that really was missing is reported.
void Instance::installVips(bool restoring) {
    if (binding_.vipIfindex == 0) {
        log::error("instance %s: cannot install VIPs: interface %s is not present", name().c_str(),
                   config().interface.c_str());
        return;
    }
    auto r = vips_.install(binding_.vipIfindex, config().addresses);
    if (!r)
        log::error("instance %s: installing VIPs: %s", name().c_str(), r.error().message.c_str());
    else if (restoring && *r > 0)
        log::warning("instance %s: %u VIP(s) removed by someone else while master: restored",
                     name().c_str(), *r);
    vipsOn_ = binding_.vipIfindex;
}

// The source address of an IPv6 VMAC's adverts goes on the VMAC before its first advert
// (ports.h: Binding::vmacSource).
void Instance::ensureVmacSource() {
    if (!binding_.vmacSource || vmacSourceOn_)
        return;
    const Prefix ll = *binding_.vmacSource;
    if (auto r = vips_.install(binding_.vipIfindex, {&ll, 1}); !r)
        log::error("instance %s: link-local %s on the VMAC: %s", name().c_str(),
                   ll.toString().c_str(), r.error().message.c_str());
    else
        vmacSourceOn_.emplace(binding_.vipIfindex, ll);
}

// Removes the VIPs from where they were installed, even if the binding has changed since (the
// interface went down or away: its addresses may still be there).
void Instance::removeVips() {
    announceTimer_.cancel();
    announceRoundsLeft_ = 0;
    announceOffset_ = 0;
    if (vipsOn_ != 0) {
        if (auto r = vips_.remove(vipsOn_, config().addresses); !r)
            log::error("instance %s: removing VIPs: %s", name().c_str(), r.error().message.c_str());
        vipsOn_ = 0;
    }
    if (vmacSourceOn_) {
        const auto [ifindex, ll] = *vmacSourceOn_;
        if (auto r = vips_.remove(ifindex, {&ll, 1}); !r)
            log::error("instance %s: link-local %s on the VMAC: %s", name().c_str(),
                       ll.toString().c_str(), r.error().message.c_str());
        vmacSourceOn_.reset();
    }
}

// Reload on a master: the VIPs that went are removed and the new ones installed and announced;
// the VIPs that stay are not touched (DESIGN.md §6).
void Instance::changeVips(const core::ChangeVips& c, TimePoint now) {
    if (vipsOn_ == 0)
        return;
    if (!c.removed.empty()) {
        if (auto r = vips_.remove(vipsOn_, c.removed); !r)
            log::error("instance %s: removing VIPs: %s", name().c_str(), r.error().message.c_str());
    }
    if (c.added.empty())
        return;
    if (auto r = vips_.install(vipsOn_, c.added); !r)
        log::error("instance %s: installing VIPs: %s", name().c_str(), r.error().message.c_str());
    std::vector<IpAddress> added;
    for (const auto& p : c.added)
        added.push_back(p.address);
    startAnnouncing(config().announce.count, added, now);
}

// Announce{count}: the first round of every VIP in `vips` leaves now; the rest are paced by
// announce.interval so a switch is not flooded (DESIGN.md §3). A burst under way covers the
// union of both lists.
void Instance::startAnnouncing(unsigned count, const std::vector<IpAddress>& vips, TimePoint now) {
    if (announceRoundsLeft_ == 0) {
        announceList_ = vips;
        announceOffset_ = 0;
    } else {
        for (const auto& v : vips)
            if (std::find(announceList_.begin(), announceList_.end(), v) == announceList_.end())
                announceList_.push_back(v);
    }
    announceRoundsLeft_ = std::max(announceRoundsLeft_, count);
    announceRound(now);
}

// Reload, in place: the router takes the new settings; the announcements follow the new VIPs.
void Instance::reconfigure(const config::Instance& cfg, TimePoint now) {
    vipAddresses_.clear();
    for (const auto& p : cfg.addresses)
        vipAddresses_.push_back(p.address);
    handle(core::Reconfigure{cfg}, now);
}

// One round: a frame per VIP. A round the device queue could not take whole is finished 1 ms
// later from where it stopped; the next round follows announce.interval after a whole one.
void Instance::announceRound(TimePoint now) {
    if (announceRoundsLeft_ == 0 || binding_.vipIfindex == 0)
        return;
    const Duration interval = config().announce.interval;
    while (announceRoundsLeft_ > 0) {
        const std::span<const IpAddress> rest =
            std::span<const IpAddress>(announceList_).subspan(announceOffset_);
        const int n =
            announcer_.announce(binding_.vipIfindex, binding_.mac, rest, binding_.routerFlag);
        if (n < 0) {
            log::warning("instance %s: announcing VIPs failed: %s", name().c_str(),
                         std::strerror(-n));
        } else {
            announcements_ += static_cast<uint64_t>(n);
            if (static_cast<std::size_t>(n) < rest.size()) {
                announceOffset_ += static_cast<std::size_t>(n);
                announceTimer_.arm(now + 1ms);
                return;
            }
        }
        announceOffset_ = 0;
        --announceRoundsLeft_;
        if (interval > Duration::zero())
            break;
    }
    if (announceRoundsLeft_ > 0)
        announceTimer_.arm(now + interval);
}

void Instance::logTransition(const core::StateChanged& c, TimePoint now) {
    if (c.to != core::State::Master) {
        announceTimer_.cancel();
        announceRoundsLeft_ = 0;
        announceOffset_ = 0;
    }
    // STYLE.md habit 2: one line per transition: instance, old -> new, priority, reason.
    log::notice("instance %s: %s -> %s (%s), priority %u", name().c_str(), core::stateName(c.from),
                core::stateName(c.to), core::reasonName(c.reason), c.priority);
    history_[historyCount_++ % history_.size()] = {c, now};
    if (onStateChange_)
        onStateChange_(*this, c);
}

void Instance::logPeerDifference(const core::PeerDifference& d) {
    using F = core::PeerDifference::Field;
    const char* field = core::fieldName(d.field);
    const std::string peer = d.peer.toString();
    if (d.theirs.empty()) {
        log::notice("instance %s: peer %s now agrees on %s (%s)", name().c_str(), peer.c_str(),
                    field, d.ours.c_str());
        return;
    }
    const char* hint = "";
    switch (d.field) {
    case F::Version:
        hint = ": each side drops the other's adverts and both become master (keepalived "
               "defaults IPv4 to VRRPv2: set vrrp_version 3 there, or version here)";
        break;
    case F::Interval:
        hint = config().version == proto::Version::V2
                   ? ": VRRPv2 peers drop adverts with another interval: dual master"
                   : "";
        break;
    case F::Addresses:
        hint = ": keepalived drops adverts whose address list differs from its own: list the "
               "same VIPs on every node";
        break;
    case F::ChecksumForm:
        hint = ": accepted here, but a peer that checks only its own form drops ours (set "
               "`checksum` to match)";
        break;
    case F::Owner:
        hint = ": two address owners (priority 255) both stay master; give one a lower priority";
        break;
    }
    log::warning("instance %s: peer %s sends %s %s, we send %s%s", name().c_str(), peer.c_str(),
                 field, d.theirs.c_str(), d.ours.c_str(), hint);
}

void Instance::rememberPeer(const core::AdvertReceived& a, TimePoint now) {
    auto it = std::find_if(peers_.begin(), peers_.end(),
                           [&](const PeerRecord& p) { return p.address == a.meta.source; });
    if (it == peers_.end()) {
        if (peers_.size() >= kPeersShown) {
            // Forget the one heard least recently.
            it = std::min_element(
                peers_.begin(), peers_.end(),
                [](const PeerRecord& x, const PeerRecord& y) { return x.lastSeen < y.lastSeen; });
        } else {
            it = peers_.insert(peers_.end(), PeerRecord{});
        }
    }
    // Assigned field by field: the address list reuses its storage (one advert per interval per
    // peer must not allocate).
    it->address = a.meta.source;
    it->advert = a.decoded.advert;
    it->form = a.decoded.checksumForm;
    it->lastSeen = now;
}

ctl::InstanceStatus Instance::status(TimePoint now) const {
    const auto& cfg = config();
    const auto& c = router_.counters();
    ctl::InstanceStatus s;
    s.name = cfg.name;
    s.interface = cfg.interface;
    s.vrid = cfg.vrid;
    s.family = cfg.family == Family::V4 ? "ipv4" : "ipv6";
    s.version = static_cast<uint32_t>(cfg.version);
    s.mode = cfg.isUnicast() ? "unicast" : "multicast";
    s.state = core::stateName(router_.state());
    s.priority = router_.priority();
    s.basePriority = cfg.priority;
    s.advertInterval = seconds(router_.advertisementInterval());
    s.masterAdverInterval = seconds(router_.masterAdverInterval());
    s.masterDownInterval = seconds(router_.masterDownInterval());
    if (!router_.sourceAddress().isUnspecified())
        s.source = router_.sourceAddress().toString();
    s.checksumForm = proto::checksumFormName(cfg.checksum);
    for (const auto& p : cfg.addresses)
        s.vips.push_back(p.toString());
    s.vipsInstalled = vipsInstalled();
    for (std::size_t k = 1; k <= std::min(historyCount_, history_.size()); ++k) {
        const auto& t = history_[(historyCount_ - k) % history_.size()];
        s.lastTransitions.push_back({core::stateName(t.change.from), core::stateName(t.change.to),
                                     core::reasonName(t.change.reason), seconds(now - t.at)});
    }
    s.counters = {{"adverts_in", c.advertsIn},
                  {"adverts_out", c.advertsOut},
                  {"transitions", c.transitions},
                  {"became_master", c.becameMaster},
                  {"priority_zero_in", c.priorityZeroIn},
                  {"priority_zero_out", c.priorityZeroOut},
                  {"send_errors", sendErrors_},
                  {"announcements", announcements_}};
    for (std::size_t i = 0; i < proto::kDropReasonCount; ++i)
        s.drops[proto::dropReasonName(static_cast<proto::DropReason>(i))] = c.drops[i];
    for (const auto& p : peers_) {
        ctl::PeerStatus ps;
        ps.address = p.address.toString();
        ps.priority = p.advert.priority;
        ps.version = static_cast<uint32_t>(p.advert.version);
        ps.advertInterval = p.advert.intervalCs / 100.0;
        ps.checksumForm = proto::checksumFormName(p.form);
        for (const auto& a : p.advert.addresses)
            ps.addresses.push_back(a.toString());
        ps.lastSeenSecondsAgo = seconds(now - p.lastSeen);
        s.peers.push_back(std::move(ps));
    }
    return s;
}

} // namespace hafd::daemon
