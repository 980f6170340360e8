// SPDX-License-Identifier: Apache-2.0
// One VRRP virtual router (RFC 9568 §6) as a pure state machine: events in, actions out. No
// clock, no sockets, no logging above debug. The daemon calls handle() for events and
// onTimeout() once nextDeadline() has passed; both return the actions to carry out in order.
//
// Contracts the daemon relies on:
// - Every transition ends with exactly one StateChanged, emitted LAST, after the exit actions of
//   the old state and the entry actions of the new one (entering Master: SendAdvert, InstallVips,
//   Announce, StateChanged). A notify script started from it therefore sees the VIPs in place.
// - Feed the binding (BindingChanged) before Startup. Startup with a fault cause present goes to
//   Fault, and the router leaves Fault, to Backup (priority 255: Master), only when every cause
//   is gone (core/fault.h). In Initialize BindingChanged is only recorded.
// - The results of actions come back as events: AdvertSent (failures, and the first success
//   after them), VipsInstalled (every InstallVips and ChangeVips addition). From them the router
//   raises and clears its own causes (DESIGN.md §5):
//   * vips: a failed install is retried kVipRetries times, kVipRetryFirst after the failure and
//     four times longer each time (10, 40, 160 ms), and a retry that works is followed by
//     Announce (the daemon skips announcing VIPs whose install failed, so that no neighbour is
//     pointed at a node that does not hold them); when the last retry fails too, the router
//     resigns (priority 0 first) and goes to Fault. The cause clears after a hold-down
//     (kVipsHoldFirst, doubling with each consecutive vips fault up to kVipsHoldMax; reset by
//     a successful install), and the router returns to Backup to try again when elected.
//   * send: when adverts have failed to leave for one Advertisement_Interval (two in a row at
//     the regular pace), the master releases its VIPs and goes to Fault without a priority-0
//     advert. In Fault it sends a SendProbe every kProbeInterval; the first that leaves clears
//     the cause.
// - A master entering Fault sends priority 0 first unless a cause keeps adverts from leaving
//   (kSilencingFaults: link, source, send), so a backup takes over after Skew_Time.
// - The address owner (BindingChanged::owner: priority 255 with every VIP already an address of
//   the interface) never gets InstallVips/RemoveVips: its VIPs are real interface addresses
//   (DESIGN.md §10). It does get Announce. At priority 255 without owning the addresses the
//   router installs and removes them like any master, and still becomes master at once.
// - While Master the router schedules the second announcement burst (announce.delay after
//   becoming master: Announce{announce.count}) and the periodic refresh (every announce.refresh:
//   Announce{1}); the daemon only paces the rounds within one Announce.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "core/actions.h"
#include "core/events.h"
#include "core/fault.h"
#include "core/peer_watch.h"
#include "core/state.h"
#include "proto/advert.h"

#include <array>
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
    uint64_t sendFailures = 0;       // AdvertSent{false}
    uint64_t dualHolders = 0;        // ARP probes another MAC answered (probe_before_claim)
    uint64_t vipInstallFailures = 0; // VipsInstalled{false}
    std::array<uint32_t, kFaultCauseCount> faultsRaised{}; // times each cause appeared
    proto::DropCounters drops{};
};

class VirtualRouter {
public:
    // The MTU an advert is sized for (DESIGN.md §3: VIPs beyond what fits are claimed, not
    // advertised).
    static constexpr std::size_t kAdvertMtu = 1500;
    // The bounds of the vips and send causes (see the contracts above; hafd(8) documents them).
    static constexpr unsigned kVipRetries = 3;
    static constexpr Duration kVipRetryFirst = 10ms;
    static constexpr Duration kVipsHoldFirst = 1s;
    static constexpr Duration kVipsHoldMax = 60s;
    static constexpr Duration kProbeInterval = 1s;

    explicit VirtualRouter(config::Instance instance);

    std::vector<Action> handle(const Event& event, TimePoint now);
    std::vector<Action> onTimeout(TimePoint now);
    // The earliest time onTimeout() has work to do; nullopt when no timer runs.
    std::optional<TimePoint> nextDeadline() const;

    // The advert this router sends at `priority` (SendAdvert::priority): our version, VRID,
    // interval and the VIPs that fit in one advert (DESIGN.md §3).
    proto::Advertisement advertisement(uint8_t priority) const;
    // The advert SendProbe sends: advertisement(0) for VRID 0.
    proto::Advertisement probeAdvertisement() const;

    State state() const { return state_; }
    uint8_t priority() const { return priority_; } // effective priority
    const config::Instance& instance() const { return instance_; }
    Duration advertisementInterval() const; // ours, as carried on the wire
    Duration masterAdverInterval() const;   // learned from the master (v3)
    Duration skewTime() const;              // ((256 - Priority) * Master_Adver_Interval) / 256
    Duration masterDownInterval() const;    // 3 * Master_Adver_Interval + Skew_Time
    // The shortest time any peer waits for our adverts before it claims: a Master_Down_Interval
    // computed from our Advertisement_Interval at priority 255 (the shortest Skew_Time). A
    // master silent this long may have been replaced (core/stall.cpp).
    Duration shortestPeerMasterDown() const;
    const Counters& counters() const { return counters_; }
    // The address adverts are sent from (from BindingChanged); unspecified until known. Kept when
    // the link goes down, so that a resigning master can still name it.
    const IpAddress& sourceAddress() const { return source_; }
    // The fault causes present (in Fault, why; in Initialize, what Startup will find).
    FaultSet faults() const { return faults_; }
    // Whether the router treats its VIPs as the interface's own (BindingChanged::owner).
    bool owner() const { return owner_; }
    // A backup that has accepted an advert from a live master since it entered Backup (and
    // whose Master_Down_Timer has not expired while held since): what holds its sync group.
    bool followsLiveMaster() const { return state_ == State::Backup && masterHeard_; }
    bool held() const { return held_; } // GroupHold

    // The claim rule (DESIGN.md §4, claim.cpp): where a backup whose Master_Down_Timer expired
    // stands. Idle: no claim pending (or plain VRRP).
    enum class ClaimStage : uint8_t {
        Idle,
        Waiting,
        Deferring, // a backup ahead of this one is alive (BackupAhead): it claims first
        Fencing,
        FenceFailed,
        Probing,
        Conflict
    };
    struct Claim {
        ClaimStage stage = ClaimStage::Idle;
        std::optional<TimePoint> until; // Waiting: the claim may go; FenceFailed: the next try
        unsigned fenceFailures = 0;     // in a row, for this pending claim
        std::string aheadOf;            // Deferring: the node that claims first
    };
    Claim claim() const;
    const std::string& backupAhead() const { return ahead_; }   // the last BackupAhead
    const std::string& successor() const { return successor_; } // the last SuccessorKnown
    bool yielding() const { return yielding_; }
    // The source of the last advert from a live master (priority above 0).
    const IpAddress& lastMaster() const { return lastMaster_; }
    const ClaimRules& claimRules() const { return rules_; }

private:
    using Actions = std::vector<Action>;

    void on(const Startup&, TimePoint now, Actions& out);
    void on(const Shutdown&, TimePoint now, Actions& out);
    void on(const AdvertReceived&, TimePoint now, Actions& out);
    void on(const BindingChanged&, TimePoint now, Actions& out);
    void on(const FaultChanged&, TimePoint now, Actions& out);
    void on(const AdvertSent&, TimePoint now, Actions& out);
    void on(const VipsInstalled&, TimePoint now, Actions& out);
    void on(const StrayVips&, TimePoint now, Actions& out);
    void on(const PriorityChanged&, TimePoint now, Actions& out);
    void on(const VipsLost&, TimePoint now, Actions& out);
    void on(const Reconfigure&, TimePoint now, Actions& out);
    void on(const GroupHold&, TimePoint now, Actions& out);
    void on(const RulesChanged&, TimePoint now, Actions& out);
    void on(const MasterHeard&, TimePoint now, Actions& out);
    void on(const BackupAhead&, TimePoint now, Actions& out);
    void on(const SuccessorKnown&, TimePoint now, Actions& out);
    void on(const HandedOver&, TimePoint now, Actions& out);
    void on(const Relinquish&, TimePoint now, Actions& out);
    void on(const Yield&, TimePoint now, Actions& out);
    void on(const FenceDone&, TimePoint now, Actions& out);
    void on(const ProbeDone&, TimePoint now, Actions& out);
    // Master_Down_Timer expired (or a pending claim's timer): claim, or hold the claim until
    // the rule allows it (claim.cpp).
    void tryClaim(TimePoint now, Actions& out);
    void cancelClaim();
    TimePoint claimAllowedAt() const;
    void heardMaster(TimePoint now) { lastHeard_ = now; }
    void on(const Stalled&, TimePoint now, Actions& out);
    void on(const VipsExpired&, TimePoint now, Actions& out);
    void setMasterHeard(bool heard, Actions& out);

    void advertAsBackup(const proto::Advertisement& a, const IpAddress& sender, TimePoint now,
                        Actions& out);
    void advertAsMaster(const proto::Advertisement& a, const IpAddress& sender, TimePoint now,
                        Actions& out);
    void drop(proto::DropReason reason, const IpAddress& source, Actions& out);

    // Transitions: exit actions of the old state, entry actions of the new one, StateChanged.
    void enterMaster(Reason reason, TimePoint now, Actions& out);
    // `resign`: a master leaving sends priority 0 (leaveMaster()).
    void enterBackup(Reason reason, TimePoint now, Duration masterAdverInterval, Actions& out,
                     bool resign = false);
    void enterFault(Actions& out);
    // Faults (faults.cpp): replaces the set; enters or leaves Fault as needed.
    void setFaults(FaultSet next, TimePoint now, Actions& out);
    void faultTimers(TimePoint now, Actions& out); // the Fault state's timers
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
    FaultSet faults_{FaultCause::Link}; // nothing is known of the link before BindingChanged
    bool owner_ = false;                // what the router acts on (frozen while master) ...
    bool latestOwner_ = false;          // ... and what the binding last said
    Duration masterAdverInterval_;

    // Backup timers (RFC 9568 §6.2).
    std::optional<TimePoint> masterDownAt_;  // Master_Down_Timer
    Reason downReason_ = Reason::MasterDown; // what its expiry means (B3/B4/B5 history)
    TimePoint preemptHoldUntil_{};           // preempt_delay: B5 acts as B4 until then
    bool masterHeard_ = false;               // followsLiveMaster()
    bool held_ = false;                      // GroupHold
    // Master timers.
    std::optional<TimePoint> adverAt_;          // Adver_Timer
    std::optional<TimePoint> secondBurstAt_;    // announce.delay after becoming master
    std::optional<TimePoint> refreshAt_;        // every announce.refresh while master
    std::optional<TimePoint> reannouncedAt_;    // last M5 re-announcement (rate limit)
    std::optional<TimePoint> vipRetryAt_;       // the next retry of a failed InstallVips
    unsigned vipAttempts_ = 0;                  // failed installs since the last success
    std::optional<TimePoint> sendFailingSince_; // the first of the failed sends in a row
    // Fault timers.
    std::optional<TimePoint> vipsClearAt_; // the vips cause's hold-down ends
    unsigned vipFaults_ = 0;               // consecutive vips faults (the hold-down doubles)
    std::optional<TimePoint> probeAt_;     // next SendProbe while the send cause is present

    // The claim rule (claim.cpp).
    ClaimRules rules_;
    TimePoint lastHeard_{};              // the master, by advert or heartbeat (or entering Backup)
    IpAddress lastMaster_;               // the source of the last master advert accepted
    bool claimPending_ = false;          // Master_Down expired, the claim is held
    bool fenced_ = false;                // the fence allowed this pending claim
    bool fencing_ = false;               // RunFence{fenceId_} is out
    uint64_t fenceId_ = 0;               // the latest RunFence
    unsigned fenceFailures_ = 0;         // in a row, for this pending claim
    std::optional<TimePoint> claimAt_;   // Waiting: lastHeard_ + wait; FenceFailed, Conflict: retry
    bool probed_ = false;                // the ARP probe found no other holder
    bool probing_ = false;               // RunProbe{probeId_} is out
    bool conflict_ = false;              // the last probe found another holder
    uint64_t probeId_ = 0;               // the latest RunProbe
    std::string ahead_;                  // BackupAhead: a live backup that claims before us
    std::string successor_;              // SuccessorKnown: who takes over if we release now
    bool yielding_ = false;              // Yield, Relinquish: no preemption (handover.cpp)
    std::optional<IpAddress> yieldFrom_; // the master that named the successor
    bool awaitingRelease_ = false;       // Yield before the namer's priority 0 (handover.cpp)
    std::optional<IpAddress> resigned_;  // a priority 0 since the last B4, from whom
    bool deferring_ = false;             // the claim waits for ahead_

    PeerWatch peers_;
    Counters counters_;
};

} // namespace hafd::core
