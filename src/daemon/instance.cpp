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

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string listed(std::span<const Prefix> vips) {
    std::string s;
    for (const auto& p : vips)
        s += (s.empty() ? "" : " ") + p.toString();
    return s;
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
        record_.heard(*a, now);
    lastNow_ = now;
    run(router_.handle(event, now), now, std::holds_alternative<core::VipsLost>(event));
}

void Instance::receive(std::span<const uint8_t> payload, const proto::Decoded& decoded,
                       const proto::RxMeta& meta, TimePoint now) {
    if (auth_) {
        if (auth_->admit(config(), payload, decoded, meta))
            return;
    } else if (decoded.trailer) {
        // keepalived drops it as too long; a signing peer next to one without auth is a
        // misconfiguration that elects two masters, so say so once.
        if (unexpectedTrailers_++ == 0)
            log::warning("instance %s: advert from %s carries an authentication trailer but this "
                         "instance has no auth: dropped",
                         name().c_str(), meta.source.toString().c_str());
        return;
    }
    handle(core::AdvertReceived{decoded, meta}, now);
}

void Instance::setAuth(std::optional<proto::auth::KeyRing> keys) {
    if (!config().auth || !keys)
        auth_.reset();
    else if (auth_)
        auth_->update(config(), std::move(*keys));
    else
        auth_ = std::make_unique<AdvertAuth>(config(), std::move(*keys));
}

uint64_t Instance::dropsBeforeRouter(proto::DropReason reason) const {
    if (reason == proto::DropReason::LengthMismatch)
        return unexpectedTrailers_;
    return auth_ ? auth_->drops(reason) : 0;
}

void Instance::onTimer(TimePoint now) {
    lastNow_ = now;
    run(router_.onTimeout(now), now);
}

// Executes the actions in order; what the kernel made of them goes back to the router once the
// whole list is done (never in the middle: the rest of the list was decided before).
void Instance::run(const std::vector<core::Action>& actions, TimePoint now, bool restoring) {
    executing_ = true;
    for (const auto& action : actions)
        execute(action, now, restoring);
    for (std::size_t i = 0; i < results_.size(); ++i) { // the list may grow meanwhile
        const Result r = results_[i];
        const core::Event e = r.installed ? core::Event(core::VipsInstalled{r.ok})
                                          : core::Event(core::AdvertSent{r.ok});
        for (const auto& action : router_.handle(e, now))
            execute(action, now, false);
    }
    results_.clear();
    executing_ = false;
    protocolTimer_.set(router_.nextDeadline());
}

void Instance::execute(const core::Action& action, TimePoint now, bool restoring) {
    // A queued advert leaves before this instance's VIPs change (a new master's first advert
    // precedes its GARPs; a resigning one's priority 0 precedes the removal).
    if (binding_.sender && !std::holds_alternative<core::SendAdvert>(action))
        binding_.sender->flush();
    std::visit(
        Overloaded{
            [&](const core::SendAdvert& a) { send(router_.advertisement(a.priority), false); },
            [&](const core::SendProbe&) { send(router_.probeAdvertisement(), true); },
            [&](const core::InstallVips&) { installVips(restoring); },
            [&](const core::RemoveVips&) { removeVips(); },
            [&](const core::ChangeVips& c) { changeVips(c, now); },
            [&](const core::Announce& a) {
                // Never point neighbours at VIPs this node failed to install (an owner's are
                // always there).
                if (!installFailed_ || router_.owner())
                    startAnnouncing(a.count, vipAddresses_, now);
            },
            [&](const core::StateChanged& c) { logTransition(c, now); },
            [&](const core::FaultCausesChanged& c) {
                log::notice("instance %s: still FAULT, causes now %s (were %s)", name().c_str(),
                            c.to.toString().c_str(), c.from.toString().c_str());
            },
            [&](const core::FollowingChanged&) {
                if (onFollowing_)
                    onFollowing_(*this);
            },
            [&](const core::RemoveStrayVips& r) { removeStray(r.vips); },
            [&](const core::Dropped& d) {
                log::debug("instance %s: advert from %s dropped: %s", name().c_str(),
                           d.source.toString().c_str(), proto::dropReasonName(d.reason));
            },
            [&](const core::PeerDifference& d) { logPeerDifference(d); },
            [&](const core::RunFence& f) {
                if (onFence_)
                    onFence_(*this, f);
            },
            [&](const core::RunProbe& p) {
                if (onProbe_)
                    onProbe_(*this, p);
            },
            [&](const core::NameSuccessor& s) {
                if (onSuccessor_)
                    onSuccessor_(*this, s);
            },
        },
        action);
}

// One advert (or probe) to the group, or one per unicast peer with the checksum for that peer
// (the IPv4 v3 pseudo-header holds the destination, PROTOCOL.md §2.4).
void Instance::send(const proto::Advertisement& advert, bool probe) {
    if (!binding_.sender)
        return;
    // Adverts leave through the VMAC, whose source address goes on it first; a probe leaves
    // through the interface itself, so that a node in FAULT puts no address on its VMAC.
    if (!probe)
        ensureVmacSource();
    const uint32_t egress = probe ? binding_.ifindex : binding_.vipIfindex;
    const auto& cfg = config();
    const IpAddress& source = router_.sourceAddress();
    std::array<uint8_t, 4096> buf;
    // Signed once per advert: every unicast peer gets the same trailer (AUTH_HMAC.md §4).
    std::optional<std::array<uint8_t, proto::auth::kTrailerLength>> trailer;
    auto sendTo = [&](const IpAddress& destination) {
        std::size_t n = proto::encode(advert, cfg.checksum, source, destination,
                                      std::span(buf).first(buf.size() - proto::kAuthTrailerLength));
        if (n == 0) {
            log::error("instance %s: advert cannot be encoded (version %d, interval %u cs)",
                       name().c_str(), static_cast<int>(cfg.version), advert.intervalCs);
            advertSent(destination, -EINVAL);
            return;
        }
        if (auth_ && auth_->signs()) {
            if (!trailer)
                trailer = auth_->sign(buf, n, source);
            else
                std::copy(trailer->begin(), trailer->end(), buf.begin() + n);
            n += proto::kAuthTrailerLength;
        }
        binding_.sender->send({buf.data(), n}, source, destination, egress, *this);
    };
    if (cfg.isUnicast())
        for (const auto& peer : cfg.unicastPeers)
            sendTo(peer);
    else
        sendTo(vrrpMulticastGroup(cfg.family));
}

// Failures and the first success after them go back to the router (core::AdvertSent); the
// common success does not, on the hot path.
void Instance::advertSent(const IpAddress& destination, int result) {
    std::optional<bool> event; // AdvertSent{ok}
    if (result == -ESTALE)
        return; // withheld after a stall (SocketSender::flush): not a failure of the link
    if (result < 0) {
        // Counted always, logged once per streak: a link that is down for a moment would
        // otherwise fill the log at the advert rate.
        ++record_.sendErrors;
        if (sendErrorStreak_++ == 0)
            log::warning("instance %s: sending advert to %s failed: %s", name().c_str(),
                         destination.toString().c_str(), std::strerror(-result));
        event = false;
    } else if (sendErrorStreak_ > 0) {
        log::info("instance %s: adverts leave again after %llu failed sends", name().c_str(),
                  static_cast<unsigned long long>(sendErrorStreak_));
        sendErrorStreak_ = 0;
        event = true;
    }
    if (!event)
        return;
    if (executing_)
        results_.push_back({false, *event});
    else // reported after the pass that sent it
        run(router_.handle(core::AdvertSent{*event}, lastNow_), lastNow_);
}

// `restoring`: the VIPs are put back after a netlink event said one was removed while we are
// master. The event may be the echo of our own earlier removal (IPv6 address events carry no
// port id), so only an address that really was missing is reported.
void Instance::installVips(bool restoring) {
    if (binding_.vipIfindex == 0) {
        log::error("instance %s: cannot install VIPs: interface %s is not present", name().c_str(),
                   config().interface.c_str());
        installFailed_ = true;
        results_.push_back({true, false});
        return;
    }
    auto r = vips_.install(binding_.vipIfindex, config().addresses);
    vipsOn_ = binding_.vipIfindex;
    installFailed_ = !r.ok();
    results_.push_back({true, r.ok()});
    if (!r)
        log::error("instance %s: installing VIPs: %s", name().c_str(), r.error().message.c_str());
    else if (restoring && *r > 0)
        log::warning("instance %s: %u VIP(s) removed by someone else while master: restored",
                     name().c_str(), *r);
}

void Instance::leaseRenewFailed(const std::string& failures, TimePoint now) {
    ++record_.leaseRenewFailures;
    log::error("instance %s: renewing the kernel lease of its VIPs failed: %s", name().c_str(),
               failures.c_str());
    installFailed_ = true; // as after a failed install: nothing announced until one works
    handle(core::VipsInstalled{false}, now);
}

// The source address of an IPv6 VMAC's adverts goes on the VMAC before its first advert
// (ports.h: Binding::vmacSource).
void Instance::ensureVmacSource() {
    if (!binding_.vmacSource || vmacSourceOn_)
        return;
    const Prefix ll = *binding_.vmacSource;
    if (auto r = vips_.installSource(binding_.vipIfindex, ll); !r)
        log::error("instance %s: link-local %s on the VMAC: %s", name().c_str(),
                   ll.toString().c_str(), r.error().message.c_str());
    else
        vmacSourceOn_.emplace(binding_.vipIfindex, ll);
}

// Removes the VIPs from where they were installed, even if the binding has changed since (the
// interface went down or away: its addresses may still be there).
void Instance::removeVips() {
    stopAnnouncing();
    if (vipsOn_ != 0) {
        if (auto r = vips_.remove(vipsOn_, config().addresses); !r) {
            ++record_.vipRemoveFailures;
            log::error("instance %s: removing VIPs: %s", name().c_str(), r.error().message.c_str());
        }
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

// Marked VIPs found on the interface outside Master (core::StrayVips): a removal that failed,
// or a leftover. Said only when something was really there.
void Instance::removeStray(const std::vector<Prefix>& vips) {
    if (binding_.vipIfindex == 0)
        return;
    auto r = vips_.remove(binding_.vipIfindex, vips);
    if (!r) {
        ++record_.vipRemoveFailures;
        log::error("instance %s: removing VIPs found outside MASTER: %s", name().c_str(),
                   r.error().message.c_str());
    } else if (*r > 0) {
        record_.strayVipsRemoved += *r;
        log::warning("instance %s: %u VIP(s) of ours found on %s while %s: removed (%s)",
                     name().c_str(), *r, config().interface.c_str(),
                     core::stateName(router_.state()), listed(vips).c_str());
    }
}

// Reload on a master: the VIPs that went are removed and the new ones installed and announced;
// the VIPs that stay are not touched (DESIGN.md §6).
void Instance::changeVips(const core::ChangeVips& c, TimePoint now) {
    if (vipsOn_ == 0)
        return;
    if (!c.removed.empty()) {
        if (auto r = vips_.remove(vipsOn_, c.removed); !r) {
            ++record_.vipRemoveFailures;
            log::error("instance %s: removing VIPs: %s", name().c_str(), r.error().message.c_str());
        }
    }
    if (c.added.empty())
        return;
    auto r = vips_.install(vipsOn_, c.added);
    installFailed_ = !r.ok();
    results_.push_back({true, r.ok()});
    if (!r) {
        log::error("instance %s: installing VIPs: %s", name().c_str(), r.error().message.c_str());
        return; // announced once a retry works (core: VipsInstalled)
    }
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
            record_.announcements += static_cast<uint64_t>(n);
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

void Instance::stopAnnouncing() {
    announceTimer_.cancel();
    announceRoundsLeft_ = 0;
    announceOffset_ = 0;
}

void Instance::logTransition(const core::StateChanged& c, TimePoint now) {
    if (c.to != core::State::Master)
        stopAnnouncing();
    // STYLE.md habit 2: one line per transition: instance, old -> new, reason (entering FAULT:
    // its causes), priority.
    std::string causes;
    if (c.to == core::State::Fault)
        for (const std::string& cause : c.faults.names()) {
            causes += (causes.empty() ? ": " : ", ") + cause;
            if (cause == core::faultCauseName(core::FaultCause::Track))
                for (std::size_t i = 0; i < trackFaults().size(); ++i)
                    causes += (i == 0 ? " " : "+") + trackFaults()[i];
        }
    log::notice("instance %s: %s -> %s (%s%s), priority %u", name().c_str(),
                core::stateName(c.from), core::stateName(c.to), core::reasonName(c.reason),
                causes.c_str(), c.priority);
    record_.transition(c, now);
    if (auth_ && (c.to == core::State::Master || c.to == core::State::Backup))
        auth_->rearmLogs();
    if (onStateChange_)
        onStateChange_(*this, c);
}

const core::TrackEffect& Instance::tracks() const {
    static const core::TrackEffect kNone;
    return tracked_ ? tracked_->effect : kNone;
}

const std::vector<std::string>& Instance::trackFaults() const {
    static const std::vector<std::string> kNone;
    return tracked_ ? tracked_->faults : kNone;
}

void Instance::track(core::TrackEffect effect, std::vector<std::string> faulting, TimePoint now) {
    const bool fault = !effect.faulting.empty();
    const bool wasFault = router_.faults().has(core::FaultCause::Track);
    const uint8_t priority = effect.priority;
    if (config().tracks.empty())
        tracked_.reset(); // tracks gone on reload: nothing to keep
    else if (!tracked_)
        tracked_ = std::make_unique<Tracked>();
    if (tracked_) {
        tracked_->effect = std::move(effect);
        tracked_->faults = std::move(faulting);
    }
    if (priority != router_.priority())
        handle(core::PriorityChanged{priority}, now);
    if (fault != wasFault)
        handle(core::FaultChanged{core::FaultCause::Track, fault}, now);
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

} // namespace hafd::daemon
