// SPDX-License-Identifier: Apache-2.0
// The claim rule of DESIGN.md §4: with a cluster configured, a backup whose Master_Down_Timer
// expired after a master failure claims only once at least `lease + margin` (ClaimRules::wait)
// has passed since it last heard that master, by advert or heartbeat, and, with a fence
// command, once the fence has run and exited 0. Quorum is a fault cause (faults.cpp): without it
// the router is in FAULT and never gets here. A graceful release (priority 0: the old master has
// removed its VIPs first) and preemption of a live lower-priority master need neither the wait
// nor the fence. While another node's heartbeats show a live backup ahead of this one
// (BackupAhead), a claim that follows a failure waits for it: it claims first, and two backups
// fencing the same master could both go on to claim.
#include "core/virtual_router.h"

#include <algorithm>

namespace hafd::core {

void VirtualRouter::on(const RulesChanged& e, TimePoint now, Actions& out) {
    const bool wasOn = rules_.on;
    rules_ = e.rules;
    if (!rules_.on) {
        // Plain VRRP from now on: a held claim goes ahead.
        if (claimPending_) {
            cancelClaim();
            if (state_ == State::Backup && !held_)
                enterMaster(downReason_, now, out);
        }
        return;
    }
    if (!wasOn)
        lastHeard_ = now; // what happened before the rules applied is unknown
    if (claimPending_)
        tryClaim(now, out); // a shorter wait or a fence removed: re-judge
}

void VirtualRouter::on(const MasterHeard&, TimePoint now, Actions&) {
    heardMaster(now);
    // A held claim that waits for lease + margin waits from now on.
    if (claimPending_ && rules_.on && !fencing_ && !fenced_ && fenceFailures_ == 0 && !probing_) {
        claimAt_ = claimAllowedAt();
        deferring_ = false;
    }
}

void VirtualRouter::on(const BackupAhead& e, TimePoint now, Actions& out) {
    ahead_ = e.node;
    if (ahead_.empty() && deferring_) {
        deferring_ = false;
        tryClaim(now, out); // it claimed (and we hear it soon) or it is gone: re-judge
    }
}

void VirtualRouter::on(const FenceDone& e, TimePoint now, Actions& out) {
    if (!fencing_ || e.id != fenceId_)
        return; // an older run, or no claim pending any more
    fencing_ = false;
    if (e.ok) {
        fenced_ = true;
        fenceFailures_ = 0;
        tryClaim(now, out);
        return;
    }
    // Stay backup; try again later, the wait doubling with each failure.
    ++fenceFailures_;
    Duration retry = rules_.fenceRetry;
    for (unsigned i = 1; i < fenceFailures_ && retry < rules_.fenceRetryMax; ++i)
        retry *= 2;
    claimAt_ = now + std::min(retry, rules_.fenceRetryMax);
}

// lease + margin after the master was last heard, plus our Skew_Time: every backup counts from
// the same last advert, and the skew keeps RFC 9568's order among them (the highest priority
// claims first, and the others hear its advert before their own time comes).
TimePoint VirtualRouter::claimAllowedAt() const {
    return lastHeard_ + rules_.wait + skewTime();
}

void VirtualRouter::tryClaim(TimePoint now, Actions& out) {
    if (held_) {
        // A sync group holds us (sync_hold.cpp): no claim; the timer runs on.
        cancelClaim();
        masterDownAt_ = now + masterDownInterval();
        return;
    }
    const bool graceful = downReason_ == Reason::MasterResigned || downReason_ == Reason::Preempt;
    const bool probe = instance_.probeBeforeClaim && instance_.family == Family::V4 && !owner_;
    if (graceful || (!rules_.on && !probe)) {
        cancelClaim();
        enterMaster(downReason_, now, out);
        return;
    }
    claimPending_ = true;
    masterDownAt_.reset();
    if (rules_.on) {
        const TimePoint allowed = claimAllowedAt();
        if (now < allowed) {
            claimAt_ = allowed;
            return;
        }
        if (!ahead_.empty()) {
            // Before the fence and again before the claim: the backup ahead goes first.
            deferring_ = true;
            claimAt_.reset();
            return;
        }
        if (rules_.fence && !fenced_) {
            if (fencing_)
                return; // its outcome decides
            if (claimAt_ && now < *claimAt_)
                return; // a failed fence's retry is not due yet
            claimAt_.reset();
            fencing_ = true;
            out.emplace_back(RunFence{++fenceId_, lastMaster_});
            return;
        }
    }
    // Duplicate detection last, right before the claim: the answer is only as fresh as the
    // probe.
    if (probe && !probed_) {
        if (probing_ || (claimAt_ && now < *claimAt_))
            return;
        claimAt_.reset();
        probing_ = true;
        out.emplace_back(RunProbe{++probeId_});
        return;
    }
    cancelClaim();
    enterMaster(downReason_, now, out);
}

void VirtualRouter::on(const ProbeDone& e, TimePoint now, Actions& out) {
    if (!probing_ || e.id != probeId_)
        return;
    probing_ = false;
    if (!e.conflict) {
        conflict_ = false;
        probed_ = true;
        tryClaim(now, out);
        return;
    }
    // Another node still answers for a VIP: a dual holder. Stay backup and look again one
    // Master_Down_Interval later (its master, if it is one, is heard meanwhile).
    ++counters_.dualHolders;
    conflict_ = true;
    claimAt_ = now + masterDownInterval();
}

void VirtualRouter::cancelClaim() {
    claimPending_ = false;
    fenced_ = false;
    fencing_ = false; // a running fence's or probe's outcome is ignored from now on
    fenceFailures_ = 0;
    probed_ = false;
    probing_ = false;
    conflict_ = false;
    deferring_ = false;
    claimAt_.reset();
}

VirtualRouter::Claim VirtualRouter::claim() const {
    Claim c;
    if (!claimPending_ || state_ != State::Backup)
        return c;
    c.fenceFailures = fenceFailures_;
    if (probing_)
        c.stage = ClaimStage::Probing;
    else if (conflict_)
        c.stage = ClaimStage::Conflict;
    else if (deferring_)
        c.stage = ClaimStage::Deferring;
    else if (fencing_)
        c.stage = ClaimStage::Fencing;
    else if (fenceFailures_ > 0)
        c.stage = ClaimStage::FenceFailed;
    else
        c.stage = ClaimStage::Waiting;
    c.until = claimAt_;
    if (deferring_)
        c.aheadOf = ahead_;
    return c;
}

} // namespace hafd::core
