// SPDX-License-Identifier: Apache-2.0
// One configured instance at run time: its core::VirtualRouter, the timers that drive it, and
// the execution of its actions through the ports (adverts, VIPs, announcements). The only place
// where a core action becomes a syscall. What the kernel makes of an action goes back to the
// router as an event (core/virtual_router.h): failed sends and the first success after them,
// every VIP install. Status and history live in InstanceRecord (daemon/status.h reads both).
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "core/tracking.h"
#include "core/virtual_router.h"
#include "daemon/advert_auth.h"
#include "daemon/instance_record.h"
#include "daemon/ports.h"
#include "daemon/scheduler.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hafd::daemon {

class Instance final : public SendReport {
public:
    // Called after every state change (the daemon refreshes sd-notify STATUS=).
    using StateHook = std::function<void(const Instance&, const core::StateChanged&)>;

    Instance(config::Instance cfg, Scheduler& scheduler, VipManager& vips, Announcer& announcer,
             StateHook onStateChange);

    // Called when the router starts or stops following a live master without a transition
    // (core::FollowingChanged): sync groups look again.
    void setFollowingHook(std::function<void(const Instance&)> hook) {
        onFollowing_ = std::move(hook);
    }

    // Called for core::RunFence (daemon/fence.h runs the command; FenceDone comes back).
    void setFenceHook(std::function<void(const Instance&, const core::RunFence&)> hook) {
        onFence_ = std::move(hook);
    }

    // Called for core::NameSuccessor (the cluster room sends the heartbeat naming it).
    void setSuccessorHook(std::function<void(const Instance&, const core::NameSuccessor&)> hook) {
        onSuccessor_ = std::move(hook);
    }
    // Called for core::RunProbe (the daemon probes the VIPs; ProbeDone comes back).
    void setProbeHook(std::function<void(const Instance&, const core::RunProbe&)> hook) {
        onProbe_ = std::move(hook);
    }

    const std::string& name() const { return router_.instance().name; }
    const config::Instance& config() const { return router_.instance(); }
    const core::VirtualRouter& router() const { return router_; }
    const InstanceRecord& record() const { return record_; }

    // Where the instance runs now (the binder's work); an unbound instance sends nothing.
    void bind(const Binding& binding) { binding_ = binding; }
    const Binding& binding() const { return binding_; }

    // Feeds one event to the router and carries out the actions it returns, then the events
    // their results make.
    void handle(const core::Event& event, TimePoint now);
    // An advert demultiplexed to this instance (`payload`: the whole VRRP payload it was decoded
    // from): judged by the instance's authentication before the router sees it.
    void receive(std::span<const uint8_t> payload, const proto::Decoded& decoded,
                 const proto::RxMeta& meta, TimePoint now);
    // The keys of config().auth, at start and after every reload (nullopt: no auth). Settings
    // and keys change in place: no transition, and the sequence keeps growing.
    void setAuth(std::optional<proto::auth::KeyRing> keys);
    const AdvertAuth* auth() const { return auth_.get(); }
    // Adverts dropped for `reason` before the router saw them (authentication; a trailer at an
    // instance without auth counts as length_mismatch, as keepalived counts it).
    uint64_t dropsBeforeRouter(proto::DropReason reason) const;
    // Applies settings changed on reload in place (core::Reconfigure's precondition holds).
    void reconfigure(const config::Instance& cfg, TimePoint now);

    bool vipsInstalled() const { return vipsOn_ != 0; }
    // The interface the VIPs were installed on; 0: not installed.
    uint32_t vipsOn() const { return vipsOn_; }

    // The kernel lease on VIPs (daemon/lease_renewal.h). A renewal of this instance's VIPs
    // failed (`failures`: "VIP: reason, ..."): logged, counted, and told to the router as a
    // failed install (core::VipsInstalled{false}: retried, then the vips fault cause).
    void leaseRenewFailed(const std::string& failures, TimePoint now);
    // One of its VIPs expired (its lease ran out and the kernel removed it): counted for status.
    void countExpiredVip() { ++record_.vipsExpired; }
    // An ARP probe before a claim ran (daemon/dup_probe.h); `failed`: it could not, and the
    // claim goes ahead without it. Counted for status.
    void probed(bool failed) {
        ++record_.probes;
        record_.probeErrors += failed ? 1 : 0;
    }

    // What the tracks make now (daemon/tracker.h): the effective priority goes to the router
    // when it changed, and the `track` fault cause when weight-0 tracks start or stop being
    // down. `faulting` names those tracks, for the transition line and status.
    void track(core::TrackEffect effect, std::vector<std::string> faulting, TimePoint now);
    const core::TrackEffect& tracks() const;
    const std::vector<std::string>& trackFaults() const;
    // An advert's outcome (it may be reported after the pass that sent it).
    void advertSent(const IpAddress& destination, int result) override;
    Duration staleAfter() const override { return router_.shortestPeerMasterDown(); }

private:
    // `restoring`: the actions answer VipsLost (an InstallVips then restores VIPs).
    void run(const std::vector<core::Action>& actions, TimePoint now, bool restoring = false);
    void execute(const core::Action& action, TimePoint now, bool restoring);
    void onTimer(TimePoint now);
    void send(const proto::Advertisement& advert, bool probe);
    void installVips(bool restoring);
    void ensureVmacSource();
    void removeVips();
    void removeStray(const std::vector<Prefix>& vips);
    void changeVips(const core::ChangeVips& c, TimePoint now);
    void startAnnouncing(unsigned count, const std::vector<IpAddress>& vips, TimePoint now);
    void stopAnnouncing();
    void announceRound(TimePoint now);
    void logTransition(const core::StateChanged& c, TimePoint now);
    void logPeerDifference(const core::PeerDifference& d);

    core::VirtualRouter router_;
    VipManager& vips_;
    Announcer& announcer_;
    StateHook onStateChange_;
    std::function<void(const Instance&)> onFollowing_;
    std::function<void(const Instance&, const core::RunFence&)> onFence_;
    std::function<void(const Instance&, const core::RunProbe&)> onProbe_;
    std::function<void(const Instance&, const core::NameSuccessor&)> onSuccessor_;
    Binding binding_;
    Scheduler::Timer protocolTimer_;
    Scheduler::Timer announceTimer_;
    unsigned announceRoundsLeft_ = 0;
    std::vector<IpAddress> vipAddresses_; // the configured VIPs without prefix lengths
    std::vector<IpAddress> announceList_; // the VIPs the burst under way announces
    // What the tracks make, on the heap only for instances that track something (most of
    // 1000 instances do not, and every byte of an instance counts there).
    struct Tracked {
        core::TrackEffect effect;
        std::vector<std::string> faults; // the weight-0 tracks that are down, by name
    };
    std::unique_ptr<Tracked> tracked_;
    std::unique_ptr<AdvertAuth> auth_; // only with auth, for the same reason
    uint64_t unexpectedTrailers_ = 0;  // signed adverts at an instance without auth
    uint32_t vipsOn_ = 0;              // the interface the VIPs were installed on; 0: not installed
    bool installFailed_ = false; // the last install failed: nothing is announced until one works
    std::optional<std::pair<uint32_t, Prefix>> vmacSourceOn_; // Binding::vmacSource, where
    std::size_t announceOffset_ = 0;                          // VIPs of the round already sent
    uint64_t sendErrorStreak_ = 0;                            // since the last successful send

    // Results of the actions under way, for the router once the list is done: only ever
    // core::AdvertSent and core::VipsInstalled, kept as two bytes each (a core::Event is a few
    // hundred, and the queue's capacity stays with the instance).
    struct Result {
        bool installed; // VipsInstalled, else AdvertSent
        bool ok;
    };
    std::vector<Result> results_;
    bool executing_ = false;
    TimePoint lastNow_{}; // the time of the last event or timer: results reported later use it

    InstanceRecord record_;
};

} // namespace hafd::daemon
