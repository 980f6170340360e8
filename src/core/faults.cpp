// SPDX-License-Identifier: Apache-2.0
// The FAULT side of the state machine (DESIGN.md §5): the events that raise and clear fault
// causes, the router's own causes fed by the results of its actions (vips, send), and the
// timers that run in Fault. The transitions themselves are in transitions.cpp.
#include "core/virtual_router.h"

#include <algorithm>

namespace hafd::core {

void VirtualRouter::on(const BindingChanged& e, TimePoint now, Actions& out) {
    const FaultSet binding = e.faults & kBindingFaults;
    // A new primary / link-local address takes effect at once; without one the last is kept.
    if (!binding.has(FaultCause::Link) && !binding.has(FaultCause::Source))
        source_ = e.source;
    latestOwner_ = e.owner;
    if (state_ != State::Master)
        owner_ = e.owner;
    // Adverts may leave again: probe now rather than at the next tick.
    if (faults_.has(FaultCause::Send) && binding.empty() && !(faults_ & kBindingFaults).empty())
        probeAt_ = now;
    setFaults(faults_.without(kBindingFaults) | binding, now, out);
}

void VirtualRouter::on(const FaultChanged& e, TimePoint now, Actions& out) {
    FaultSet next = faults_;
    next.set(e.cause, e.present);
    setFaults(next, now, out);
}

// The send cause: adverts failing for one Advertisement_Interval while master; cleared by the
// first advert or probe that leaves.
void VirtualRouter::on(const AdvertSent& e, TimePoint now, Actions& out) {
    if (e.ok) {
        sendFailingSince_.reset();
        if (faults_.has(FaultCause::Send))
            setFaults(faults_.without({FaultCause::Send}), now, out);
        return;
    }
    ++counters_.sendFailures;
    if (state_ != State::Master)
        return; // a resigning advert or a probe: nothing more to lose
    if (!sendFailingSince_) {
        sendFailingSince_ = now;
        return;
    }
    if (now - *sendFailingSince_ >= advertisementInterval()) {
        sendFailingSince_.reset();
        setFaults(faults_ | FaultSet{FaultCause::Send}, now, out);
    }
}

// The vips cause: a failed install is retried, then the master resigns so that a node that can
// install them serves (virtual_router.h).
void VirtualRouter::on(const VipsInstalled& e, TimePoint now, Actions& out) {
    if (e.ok) {
        // A retry that worked: the VIPs are announced now (the daemon announces nothing it
        // failed to install).
        if (vipAttempts_ > 0 && state_ == State::Master)
            out.emplace_back(Announce{instance_.announce.count});
        vipAttempts_ = 0;
        vipRetryAt_.reset();
        vipFaults_ = 0;
        return;
    }
    ++counters_.vipInstallFailures;
    if (state_ != State::Master || owner_)
        return;
    if (vipAttempts_ < kVipRetries) {
        // 10, 40, 160 ms: long enough for a transient refusal (a busy kernel, ENOBUFS) to pass,
        // short enough that the VIP is not absent much longer than a failover.
        vipRetryAt_ = now + kVipRetryFirst * (1 << (2 * vipAttempts_));
        ++vipAttempts_;
        return;
    }
    setFaults(faults_ | FaultSet{FaultCause::Vips}, now, out);
}

void VirtualRouter::on(const StrayVips& e, TimePoint, Actions& out) {
    if (state_ != State::Master && !owner_ && !e.vips.empty())
        out.emplace_back(RemoveStrayVips{e.vips});
}

void VirtualRouter::setFaults(FaultSet next, TimePoint now, Actions& out) {
    const FaultSet before = faults_;
    if (next == before)
        return;
    for (std::size_t i = 0; i < kFaultCauseCount; ++i) {
        const auto c = static_cast<FaultCause>(i);
        if (next.has(c) && !before.has(c))
            ++counters_.faultsRaised[i];
    }
    faults_ = next;
    // The timers that clear the router's own causes.
    if (next.has(FaultCause::Vips) && !before.has(FaultCause::Vips)) {
        const Duration hold =
            std::min<Duration>(kVipsHoldFirst * (1LL << std::min(vipFaults_, 10U)), kVipsHoldMax);
        ++vipFaults_;
        vipsClearAt_ = now + hold;
    } else if (!next.has(FaultCause::Vips)) {
        vipsClearAt_.reset();
    }
    if (next.has(FaultCause::Send) && !before.has(FaultCause::Send))
        probeAt_ = now + kProbeInterval;
    else if (!next.has(FaultCause::Send))
        probeAt_.reset();

    switch (state_) {
    case State::Initialize:
        return; // Startup decides
    case State::Backup:
    case State::Master:
        if (!next.empty())
            enterFault(out);
        return;
    case State::Fault:
        if (!next.empty()) {
            out.emplace_back(FaultCausesChanged{before, next});
            return;
        }
        // Every cause is gone: Backup with a fresh Master_Down timer; at priority 255 straight
        // to Master, as at start-up (I1).
        if (priority_ == 255)
            enterMaster(Reason::FaultCleared, now, out);
        else
            enterBackup(Reason::FaultCleared, now, advertisementInterval(), out);
        return;
    }
}

void VirtualRouter::faultTimers(TimePoint now, Actions& out) {
    if (probeAt_ && now >= *probeAt_) {
        out.emplace_back(SendProbe{});
        probeAt_ = now + kProbeInterval;
    }
    if (vipsClearAt_ && now >= *vipsClearAt_)
        setFaults(faults_.without({FaultCause::Vips}), now, out);
}

} // namespace hafd::core
