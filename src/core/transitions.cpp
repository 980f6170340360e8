// SPDX-License-Identifier: Apache-2.0
// The timer side of the state machine (RFC 9568 §6.4: M2 and B2) and every transition's exit
// and entry actions. Each transition ends with one StateChanged, after the other actions.
#include "core/timers.h"
#include "core/virtual_router.h"

#include <algorithm>

namespace hafd::core {

std::vector<Action> VirtualRouter::onTimeout(TimePoint now) {
    Actions out;
    switch (state_) {
    case State::Initialize:
        break;
    case State::Fault:
        faultTimers(now, out);
        break;
    case State::Backup:
        // B2: no advert for Master_Down_Interval (or Skew_Time after a priority-0 advert, or a
        // lower-priority master we preempt).
        if (claimPending_) {
            // A held claim (claim.cpp): its wait or its fence retry is due.
            if (claimAt_ && now >= *claimAt_ && !held_)
                tryClaim(now, out);
        } else if (masterDownAt_ && now >= *masterDownAt_) {
            if (!held_) {
                tryClaim(now, out);
            } else {
                // The group holds us: no claim. The master we followed is gone, which the
                // group learns; the timer runs on so that a later release finds it expired.
                masterDownAt_ = now + masterDownInterval();
                downReason_ = Reason::MasterDown;
                setMasterHeard(false, out);
            }
        }
        break;
    case State::Master:
        // M2: send and rearm from the ideal deadline, not from now (PROTOCOL.md §6 item 14).
        if (adverAt_ && now >= *adverAt_) {
            sendAdvert(priority_, out);
            adverAt_ = nextAdverDeadline(*adverAt_, advertisementInterval(), now);
        }
        // The second GARP/NA burst and the periodic refresh (PROTOCOL.md §5.3, DESIGN.md §10).
        if (secondBurstAt_ && now >= *secondBurstAt_) {
            out.emplace_back(Announce{instance_.announce.count});
            secondBurstAt_.reset();
        }
        if (refreshAt_ && now >= *refreshAt_) {
            out.emplace_back(Announce{1});
            refreshAt_ = nextAdverDeadline(*refreshAt_, instance_.announce.refresh, now);
        }
        // A failed install is tried again (the vips cause, faults.cpp).
        if (vipRetryAt_ && now >= *vipRetryAt_) {
            vipRetryAt_.reset();
            out.emplace_back(InstallVips{});
        }
        break;
    }
    return out;
}

std::optional<TimePoint> VirtualRouter::nextDeadline() const {
    // Only the timers onTimeout() serves in the current state, so a stale one can never make
    // the daemon spin.
    const auto earliest = [](std::initializer_list<std::optional<TimePoint>> timers) {
        std::optional<TimePoint> next;
        for (const auto& t : timers)
            if (t && (!next || *t < *next))
                next = t;
        return next;
    };
    switch (state_) {
    case State::Initialize:
        return std::nullopt;
    case State::Fault:
        return earliest({vipsClearAt_, probeAt_});
    case State::Backup:
        return claimPending_ ? (held_ ? std::nullopt : claimAt_) : masterDownAt_;
    case State::Master:
        break;
    }
    return earliest({adverAt_, secondBurstAt_, refreshAt_, vipRetryAt_});
}

// Entry to Master (B2, I1; PROTOCOL.md §3.6): the first advert before the VIPs, so the old
// master (if any) hears us and drops them first; then the VIPs; then the announcements.
void VirtualRouter::enterMaster(Reason reason, TimePoint now, Actions& out) {
    masterDownAt_.reset();
    cancelClaim();
    // RFC 9568 §6.4.3 / keepalived K11: a master sends at its own Advertisement_Interval; the
    // learned value matters only to a backup and starts afresh next time.
    masterAdverInterval_ = advertisementInterval();
    sendFailingSince_.reset();
    sendAdvert(priority_, out);
    adverAt_ = now + advertisementInterval();
    if (!owner_)
        out.emplace_back(InstallVips{});
    // RFC 9568 §6.4.2: one GARP / unsolicited NA per VIP at least; the count is configurable.
    out.emplace_back(Announce{instance_.announce.count});
    if (instance_.announce.delay > Duration::zero())
        secondBurstAt_ = now + instance_.announce.delay;
    if (instance_.announce.refresh > Duration::zero())
        refreshAt_ = now + instance_.announce.refresh;
    reannouncedAt_.reset();
    ++counters_.becameMaster;
    changeState(State::Master, reason, out);
}

// Entry to Backup (I2, M4, leaving Fault): Master_Down_Timer = Master_Down_Interval computed from
// `masterAdverInterval` (I2: our own; M4: the new master's), and the preempt_delay window opens.
void VirtualRouter::enterBackup(Reason reason, TimePoint now, Duration masterAdverInterval,
                                Actions& out, bool resign) {
    if (state_ == State::Master)
        leaveMaster(resign, out); // M4: cancel the Adver_Timer, release the VIPs
    masterAdverInterval_ = masterAdverInterval;
    masterDownAt_ = now + masterDownInterval();
    // The claim rule counts from now: a node that was not listening (start, Fault) or has just
    // yielded to a new master cannot know when a master was last alive.
    cancelClaim();
    heardMaster(now);
    downReason_ = Reason::MasterDown;
    preemptHoldUntil_ = now + instance_.preemptDelay;
    // M4: the advert that made us yield came from a live master.
    masterHeard_ = reason == Reason::HigherPriority;
    changeState(State::Backup, reason, out);
}

// FAULT (DESIGN.md §5, §10, keepalived K1): a master resigns with priority 0 when adverts can
// still leave (not for link, source or send), and releases the VIPs. Backup timers stop; the
// Fault state's own timers (faults.cpp) run.
void VirtualRouter::enterFault(Actions& out) {
    if (state_ == State::Master)
        leaveMaster((faults_ & kSilencingFaults).empty(), out);
    masterDownAt_.reset();
    cancelClaim();
    changeState(State::Fault, Reason::Fault, out);
}

// M1 / B1: a master sends priority 0 and releases; a backup cancels its timer.
void VirtualRouter::enterInitialize(Reason reason, Actions& out) {
    if (state_ == State::Master)
        leaveMaster((faults_ & kSilencingFaults).empty(), out);
    masterDownAt_.reset();
    cancelClaim();
    vipsClearAt_.reset();
    probeAt_.reset();
    changeState(State::Initialize, reason, out);
}

// Exit from Master: optionally the priority-0 advert (RFC 9568 §6.4.3 M1: backups then take
// over after Skew_Time instead of Master_Down_Interval), then the VIPs go, then the timers.
void VirtualRouter::leaveMaster(bool resign, Actions& out) {
    // With the claim rule on, a graceful release lets a backup claim without waiting (claim.cpp),
    // so the VIPs go before the priority-0 advert says they have: never two holders.
    const bool vipsFirst = rules_.on;
    if (!owner_ && vipsFirst)
        out.emplace_back(RemoveVips{});
    // A successor named (handover.cpp) claims as soon as it hears: only once the VIPs are gone.
    if (resign && vipsFirst && !owner_ && !successor_.empty())
        out.emplace_back(NameSuccessor{successor_});
    if (resign)
        sendAdvert(0, out);
    if (!owner_ && !vipsFirst)
        out.emplace_back(RemoveVips{});
    adverAt_.reset();
    secondBurstAt_.reset();
    refreshAt_.reset();
    reannouncedAt_.reset();
    vipRetryAt_.reset();
    vipAttempts_ = 0;
    sendFailingSince_.reset();
    owner_ = latestOwner_; // what the binding said while we were master
}

void VirtualRouter::changeState(State to, Reason reason, Actions& out) {
    const State from = state_;
    state_ = to;
    yielding_ = false; // a yield holds within one stay in Backup (handover.cpp)
    yieldFrom_.reset();
    awaitingRelease_ = false;
    resigned_.reset();
    ++counters_.transitions;
    out.emplace_back(StateChanged{from, to, reason, priority_, faults_});
}

void VirtualRouter::sendAdvert(uint8_t priority, Actions& out) {
    ++counters_.advertsOut;
    if (priority == 0)
        ++counters_.priorityZeroOut;
    out.emplace_back(SendAdvert{priority});
}

} // namespace hafd::core
