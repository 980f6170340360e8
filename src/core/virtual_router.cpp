// SPDX-License-Identifier: Apache-2.0
// The event side of the state machine: which RFC 9568 §6.4 row an event selects. The transitions
// themselves (exit and entry actions) are in transitions.cpp.
#include "core/virtual_router.h"

#include "core/timers.h"
#include "core/validation.h"

#include <algorithm>
#include <utility>

namespace hafd::core {

namespace {

// The VIPs one advert can carry within `mtu`, in configured order (DESIGN.md §3).
std::vector<IpAddress> advertisedAddresses(const config::Instance& instance, std::size_t mtu) {
    const std::size_t fit =
        proto::maxAddressesPerAdvert(instance.version, instance.family, mtu,
                                     instance.signsAdverts() ? proto::kAuthTrailerLength : 0);
    std::vector<IpAddress> out;
    for (std::size_t i = 0; i < instance.addresses.size() && i < fit; ++i)
        out.push_back(instance.addresses[i].address);
    return out;
}

} // namespace

VirtualRouter::VirtualRouter(config::Instance instance)
    : instance_(std::move(instance)), priority_(instance_.priority),
      masterAdverInterval_(advertisementInterval()) {
    applySettings();
}

void VirtualRouter::applySettings() {
    advertised_ = advertisedAddresses(instance_, kAdvertMtu);
    profile_.version = instance_.version;
    profile_.family = instance_.family;
    profile_.intervalCs = ownIntervalCs(instance_);
    profile_.addresses = sortedAddresses(advertised_);
    profile_.checksumForm = instance_.checksum;
    profile_.priority = priority_;
}

std::vector<Action> VirtualRouter::handle(const Event& event, TimePoint now) {
    Actions out;
    std::visit([&](const auto& e) { on(e, now, out); }, event);
    return out;
}

// RFC 9568 §6.4.1: Startup leaves Initialize (I1, I2). A second Startup is ignored.
void VirtualRouter::on(const Startup&, TimePoint now, Actions& out) {
    if (state_ != State::Initialize)
        return;
    if (!faults_.empty()) {
        // E.g. no source address to send from: FAULT until every cause is gone (DESIGN.md §10: a
        // missing interface at start is FAULT with a clear log line, not an exit).
        enterFault(out);
    } else if (priority_ == 255) {
        enterMaster(Reason::OwnerStartup, now, out); // I1
    } else {
        enterBackup(Reason::Startup, now, advertisementInterval(), out); // I2
    }
}

// M1 (master: priority-0 advert, release the VIPs), B1 (backup: cancel the timer). Fault has
// nothing to undo.
void VirtualRouter::on(const Shutdown&, TimePoint, Actions& out) {
    if (state_ == State::Initialize)
        return;
    enterInitialize(Reason::Shutdown, out);
}

// Effective priority from tracking. Applied in place: a master's next advert carries it; a
// backup's Skew_Time and Master_Down_Interval follow it (they are computed from priority_), and
// the running Master_Down_Timer keeps its deadline until the next advert resets it.
void VirtualRouter::on(const PriorityChanged& e, TimePoint, Actions&) {
    // 0 is reserved for "master leaving" (RFC 9568 §5.2.4) and never an effective priority.
    priority_ = std::max<uint8_t>(e.priority, 1);
    profile_.priority = priority_;
}

// A VIP vanished behind our back while we hold it: put it back (DESIGN.md §3). An owner's
// addresses are the operator's, not ours to re-add.
void VirtualRouter::on(const VipsLost&, TimePoint, Actions& out) {
    if (state_ == State::Master && !owner_)
        out.emplace_back(InstallVips{});
}

// Reload, in place (DESIGN.md §6): nothing restarts, so an unchanged router sends its adverts on
// the same schedule and keeps its VIPs. What did change takes effect as follows.
void VirtualRouter::on(const Reconfigure& e, TimePoint now, Actions& out) {
    const config::Instance old = std::exchange(instance_, e.instance);
    // The configured priority is the effective one until tracking adjusts it (later issue): like
    // PriorityChanged, a master's next advert carries it, and a backup's timers follow it (a
    // backup now above the master preempts through B5 when its next advert arrives).
    if (instance_.priority != old.priority)
        priority_ = instance_.priority;
    applySettings();
    if (state_ == State::Master) {
        // Our own interval: the next advert leaves at most one new interval from now.
        masterAdverInterval_ = advertisementInterval();
        if (adverAt_ && *adverAt_ > now + advertisementInterval())
            adverAt_ = now + advertisementInterval();
        // Announcement timers follow their new settings from now on.
        if (instance_.announce.refresh != old.announce.refresh)
            refreshAt_ = instance_.announce.refresh > Duration::zero()
                             ? std::optional<TimePoint>(now + instance_.announce.refresh)
                             : std::nullopt;
        // VIPs added or removed on a master, without touching the others (an owner's VIPs are
        // the interface's own addresses).
        if (!owner_) {
            ChangeVips change;
            for (const auto& p : instance_.addresses)
                if (std::find(old.addresses.begin(), old.addresses.end(), p) == old.addresses.end())
                    change.added.push_back(p);
            for (const auto& p : old.addresses)
                if (std::find(instance_.addresses.begin(), instance_.addresses.end(), p) ==
                    instance_.addresses.end())
                    change.removed.push_back(p);
            if (!change.added.empty() || !change.removed.empty())
                out.emplace_back(std::move(change));
        }
    }
}

void VirtualRouter::on(const AdvertReceived& e, TimePoint now, Actions& out) {
    const IpAddress& source = e.meta.source;
    const proto::Advertisement& a = e.decoded.advert;
    // keepalived ignores adverts in FAULT/INIT (PROTOCOL.md §3.3 K1).
    switch (state_) {
    case State::Initialize:
    case State::Fault:
        return drop(proto::DropReason::NotListening, source, out);
    case State::Backup:
    case State::Master:
        break;
    }
    if (auto reason = checkPath(instance_, source_, e.meta))
        return drop(*reason, source, out);
    // Differences are reported even for adverts dropped below for a version, auth or v2
    // interval mismatch: those are the ones that split the brain (PROTOCOL.md §6 items 4, 5).
    peers_.observe(source, e.decoded, profile_, out);
    if (auto reason = checkCompatible(instance_, a))
        return drop(*reason, source, out);

    ++counters_.advertsIn;
    if (a.priority == 0)
        ++counters_.priorityZeroIn;
    if (state_ == State::Backup)
        advertAsBackup(a, source, now, out);
    else
        advertAsMaster(a, source, now, out);
}

// RFC 9568 §6.4.2, rows B3-B5, with preempt_delay (DESIGN.md §10).
void VirtualRouter::advertAsBackup(const proto::Advertisement& a, const IpAddress& sender,
                                   TimePoint now, Actions& out) {
    // A master that speaks again while a claim is held (claim.cpp) cancels the claim; the rows
    // below take it from there, with the timer running.
    if (claimPending_) {
        cancelClaim();
        masterDownAt_ = now + masterDownInterval();
    }
    if (a.priority != 0) {
        heardMaster(now); // the claim rule counts from a live master's last advert
        lastMaster_ = sender;
    }
    if (a.priority == 0 && yielding_ && awaitingRelease_) {
        // The release of the master that named the successor (handover.cpp).
        awaitingRelease_ = false;
        yieldFrom_ = sender;
        masterDownAt_ = now + masterDownInterval();
        downReason_ = Reason::MasterDown;
        return;
    }
    if (a.priority == 0) {
        if (yieldFrom_ && sender != *yieldFrom_)
            yielding_ = false; // another master releases: a new election (handover.cpp)
        // B3: the master is leaving; the highest-priority backup (shortest skew) fires first.
        resigned_ = sender;
        masterDownAt_ = now + skewTime();
        downReason_ = Reason::MasterResigned;
        setMasterHeard(false, out);
        return;
    }
    // B5 applies to a lower-priority master when we may preempt, and once the preempt_delay that
    // follows start-up and every entry into Backup has run out. Before that, B4.
    const bool lower = a.priority < priority_;
    if (preemptMode() && lower && now >= preemptHoldUntil_ && !yielding_) {
        // B5: discard; the timer runs on and its expiry preempts.
        downReason_ = Reason::Preempt;
        return;
    }
    // B4: learn the master's interval (v3 only; v2 has no Master_Adver_Interval and its interval
    // matched ours or the advert was dropped) and restart the timer.
    if (instance_.version == proto::Version::V3)
        masterAdverInterval_ = advertInterval(a.intervalCs);
    masterDownAt_ = now + masterDownInterval();
    downReason_ = Reason::MasterDown;
    resigned_.reset();
    setMasterHeard(true, out);
}

// RFC 9568 §6.4.3, rows M3-M5.
void VirtualRouter::advertAsMaster(const proto::Advertisement& a, const IpAddress& sender,
                                   TimePoint now, Actions& out) {
    if (a.priority == 0) {
        // M3: another master is leaving; assert ourselves at once so no backup takes over after
        // its Skew_Time, and restart the Adver_Timer.
        sendAdvert(priority_, out);
        adverAt_ = now + advertisementInterval();
        return;
    }
    if (a.priority == 255 && priority_ == 255) {
        // Two owners: RFC 5798 §7.1 has the owner discard every advert, so both stay master. The
        // PeerDifference{Owner} already went out. No reply: two owners answering each other
        // would exchange adverts without end.
        return;
    }
    // M4: higher priority, or equal priority from a greater primary address (unsigned,
    // network order: RFC 9568 §6.4.3).
    // Before yielding, one advert of our own (as keepalived's higher_prio_send_advert): in a
    // transient dual master, the master that stays then hears a lower-priority master and
    // re-announces under M5 below, so that no neighbour keeps our MAC for the VIPs. RFC peers
    // that hear it as backups go on following the master that stays.
    const bool yields = a.priority > priority_ || (a.priority == priority_ && sender > source_);
    if (yields) {
        sendAdvert(priority_, out);
        const Duration learned = instance_.version == proto::Version::V3
                                     ? advertInterval(a.intervalCs)
                                     : advertisementInterval();
        enterBackup(Reason::HigherPriority, now, learned, out);
        return;
    }
    // M5 (RFC 9568): discard, send an advert at once so the sender yields, and re-announce so
    // no neighbour keeps the transient loser's MAC (DESIGN.md §4). The Adver_Timer keeps its
    // schedule. A sender that never yields (it does not hear us) would otherwise trigger a GARP
    // burst per advert: re-announce at most once per Master_Down_Interval, the time a peer that
    // hears us needs to have given up.
    sendAdvert(priority_, out);
    if (!reannouncedAt_ || now >= *reannouncedAt_ + masterDownInterval()) {
        out.emplace_back(Announce{instance_.announce.count});
        reannouncedAt_ = now;
    }
}

void VirtualRouter::drop(proto::DropReason reason, const IpAddress& source, Actions& out) {
    ++counters_.drops[static_cast<std::size_t>(reason)];
    out.emplace_back(Dropped{reason, source});
}

proto::Advertisement VirtualRouter::probeAdvertisement() const {
    proto::Advertisement a = advertisement(0);
    a.vrid = 0;
    return a;
}

proto::Advertisement VirtualRouter::advertisement(uint8_t priority) const {
    proto::Advertisement a;
    a.version = instance_.version;
    a.family = instance_.family;
    a.vrid = instance_.vrid;
    a.priority = priority;
    a.intervalCs = ownIntervalCs(instance_);
    a.addresses = advertised_;
    switch (instance_.version) {
    case proto::Version::V2:
        a.authType = instance_.v2AuthType;
        a.authData = v2AuthData(instance_);
        break;
    case proto::Version::V3:
        break;
    }
    return a;
}

Duration VirtualRouter::advertisementInterval() const {
    return advertInterval(ownIntervalCs(instance_));
}

Duration VirtualRouter::masterAdverInterval() const {
    // v2 has no learning (RFC 3768 §6.1): always our own interval.
    return instance_.version == proto::Version::V3 ? masterAdverInterval_ : advertisementInterval();
}

Duration VirtualRouter::skewTime() const {
    return core::skewTime(instance_.version, priority_, masterAdverInterval());
}

Duration VirtualRouter::masterDownInterval() const {
    return core::masterDownInterval(instance_.version, priority_, masterAdverInterval());
}

bool VirtualRouter::preemptMode() const {
    // RFC 9568 §6.1: the owner always preempts, whatever Preempt_Mode says.
    return instance_.preempt || priority_ == 255;
}

} // namespace hafd::core
