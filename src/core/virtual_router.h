// SPDX-License-Identifier: Apache-2.0
// One VRRP virtual router (RFC 9568 §6) as a pure state machine: events in, actions out. No
// clock, no sockets, no logging above debug. The daemon calls handle() for events and
// onTimeout() once nextDeadline() has passed; both return the actions to carry out in order.
//
// Contracts the daemon relies on:
// - Every transition ends with exactly one StateChanged, emitted LAST, after the exit actions of
//   the old state and the entry actions of the new one (entering Master: SendAdvert, InstallVips,
//   Announce, StateChanged). A notify script started from it therefore sees the VIPs in place.
// - Feed the interface's state (LinkChanged) before Startup. Startup without a usable link goes
//   to Fault (reason link_down: "no usable source address"), and the first usable LinkChanged
//   then moves on to Backup (or Master for an owner). In Initialize LinkChanged is only recorded.
// - An owner (configured priority 255) never gets InstallVips/RemoveVips: its VIPs are real
//   interface addresses (DESIGN.md §10). It does get Announce.
// - While Master the router schedules the second announcement burst (announce.delay after
//   becoming master: Announce{announce.count}) and the periodic refresh (every announce.refresh:
//   Announce{1}); the daemon only paces the rounds within one Announce.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "core/actions.h"
#include "core/events.h"
#include "core/peer_watch.h"
#include "core/state.h"
#include "proto/advert.h"

#include <optional>
#include <vector>

namespace hafd::core {

struct Counters {
    uint64_t advertsIn = 0;  // accepted by the router
    uint64_t advertsOut = 0; // SendAdvert actions issued
    uint64_t transitions = 0;
    uint64_t becameMaster = 0;
    uint64_t priorityZeroIn = 0;
    uint64_t priorityZeroOut = 0;
    proto::DropCounters drops{};
};

class VirtualRouter {
public:
    // The MTU an advert is sized for (DESIGN.md §3: VIPs beyond what fits are claimed, not
    // advertised).
    static constexpr std::size_t kAdvertMtu = 1500;

    explicit VirtualRouter(config::Instance instance);

    std::vector<Action> handle(const Event& event, TimePoint now);
    std::vector<Action> onTimeout(TimePoint now);
    // The earliest time onTimeout() has work to do; nullopt when no timer runs.
    std::optional<TimePoint> nextDeadline() const;

    // The advert this router sends at `priority` (SendAdvert::priority): our version, VRID,
    // interval and the VIPs that fit in one advert (DESIGN.md §3).
    proto::Advertisement advertisement(uint8_t priority) const;

    State state() const { return state_; }
    uint8_t priority() const { return priority_; } // effective priority
    const config::Instance& instance() const { return instance_; }
    Duration advertisementInterval() const; // ours, as carried on the wire
    Duration masterAdverInterval() const;   // learned from the master (v3)
    Duration skewTime() const;              // ((256 - Priority) * Master_Adver_Interval) / 256
    Duration masterDownInterval() const;    // 3 * Master_Adver_Interval + Skew_Time
    const Counters& counters() const { return counters_; }
    // The address adverts are sent from (from LinkChanged); unspecified until known. Kept when the
    // link goes down, so that a resigning master can still name it.
    const IpAddress& sourceAddress() const { return source_; }
    bool linkUsable() const { return linkUsable_; }

private:
    using Actions = std::vector<Action>;

    void on(const Startup&, TimePoint now, Actions& out);
    void on(const Shutdown&, TimePoint now, Actions& out);
    void on(const AdvertReceived&, TimePoint now, Actions& out);
    void on(const LinkChanged&, TimePoint now, Actions& out);
    void on(const PriorityChanged&, TimePoint now, Actions& out);
    void on(const VipsLost&, TimePoint now, Actions& out);
    void on(const Reconfigure&, TimePoint now, Actions& out);

    void advertAsBackup(const proto::Advertisement& a, TimePoint now);
    void advertAsMaster(const proto::Advertisement& a, const IpAddress& sender, TimePoint now,
                        Actions& out);
    void drop(proto::DropReason reason, const IpAddress& source, Actions& out);

    // Transitions: exit actions of the old state, entry actions of the new one, StateChanged.
    void enterMaster(Reason reason, TimePoint now, Actions& out);
    void enterBackup(Reason reason, TimePoint now, Duration masterAdverInterval, Actions& out);
    void enterFault(Reason reason, Actions& out);
    void enterInitialize(Reason reason, Actions& out);
    void leaveMaster(bool resign, Actions& out);
    void changeState(State to, Reason reason, Actions& out);

    void sendAdvert(uint8_t priority, Actions& out);
    bool preemptMode() const;

    void applySettings(); // derived state from instance_: advertised_, profile_

    config::Instance instance_;
    std::vector<IpAddress> advertised_; // the VIPs one advert carries, in configured order
    OwnProfile profile_;                // what peers are compared with
    State state_ = State::Initialize;
    uint8_t priority_;
    IpAddress source_;
    bool linkUsable_ = false;
    Duration masterAdverInterval_;

    // Backup timers (RFC 9568 §6.2).
    std::optional<TimePoint> masterDownAt_;  // Master_Down_Timer
    Reason downReason_ = Reason::MasterDown; // what its expiry means (B3/B4/B5 history)
    TimePoint preemptHoldUntil_{};           // preempt_delay: B5 acts as B4 until then
    // Master timers.
    std::optional<TimePoint> adverAt_;       // Adver_Timer
    std::optional<TimePoint> secondBurstAt_; // announce.delay after becoming master
    std::optional<TimePoint> refreshAt_;     // every announce.refresh while master
    std::optional<TimePoint> reannouncedAt_; // last M5 re-announcement (rate limit)

    PeerWatch peers_;
    Counters counters_;
};

} // namespace hafd::core
