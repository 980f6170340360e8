// SPDX-License-Identifier: Apache-2.0
// One configured instance at run time: its core::VirtualRouter, the timers that drive it, and
// the execution of its actions through the ports (adverts, VIPs, announcements). The only place
// where a core action becomes a syscall.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "core/virtual_router.h"
#include "ctl/status.h"
#include "daemon/ports.h"
#include "daemon/scheduler.h"

#include <array>
#include <functional>
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

    const std::string& name() const { return router_.instance().name; }
    const config::Instance& config() const { return router_.instance(); }
    const core::VirtualRouter& router() const { return router_; }

    // Where the instance runs now; an unbound instance (ifindex 0) sends nothing.
    void bind(const Binding& binding) { binding_ = binding; }
    const Binding& binding() const { return binding_; }

    // Feeds one event to the router and carries out the actions it returns.
    void handle(const core::Event& event, TimePoint now);
    // Applies settings changed on reload in place (core::Reconfigure's precondition holds).
    void reconfigure(const config::Instance& cfg, TimePoint now);

    bool vipsInstalled() const { return vipsOn_ != 0; }
    // An advert's outcome (it may be reported after the pass that sent it).
    void advertSent(const IpAddress& destination, int result) override;
    ctl::InstanceStatus status(TimePoint now) const;

private:
    // `restoring`: the actions answer VipsLost (an InstallVips then restores VIPs).
    void run(std::vector<core::Action> actions, TimePoint now, bool restoring = false);
    void onTimer(TimePoint now);
    void sendAdvert(uint8_t priority);
    void installVips(bool restoring);
    void ensureVmacSource();
    void removeVips();
    void changeVips(const core::ChangeVips& c, TimePoint now);
    void startAnnouncing(unsigned count, const std::vector<IpAddress>& vips, TimePoint now);
    void announceRound(TimePoint now);
    void logTransition(const core::StateChanged& c, TimePoint now);
    void logPeerDifference(const core::PeerDifference& d);
    void rememberPeer(const core::AdvertReceived& a, TimePoint now);

    core::VirtualRouter router_;
    VipManager& vips_;
    Announcer& announcer_;
    StateHook onStateChange_;
    Binding binding_;
    Scheduler::Timer protocolTimer_;
    Scheduler::Timer announceTimer_;
    unsigned announceRoundsLeft_ = 0;
    std::vector<IpAddress> vipAddresses_; // the configured VIPs without prefix lengths
    std::vector<IpAddress> announceList_; // the VIPs the burst under way announces
    uint32_t vipsOn_ = 0; // the interface the VIPs were installed on; 0: not installed
    std::optional<std::pair<uint32_t, Prefix>> vmacSourceOn_; // Binding::vmacSource, where
    std::size_t announceOffset_ = 0; // VIPs of the current round already sent (a full queue)
    uint64_t sendErrors_ = 0;        // total
    uint64_t sendErrorStreak_ = 0;   // since the last successful send
    uint64_t announcements_ = 0;

    struct TransitionRecord {
        core::StateChanged change;
        TimePoint at;
    };
    // The last transitions, newest at history_[(historyCount_ - 1) % size]: a fixed ring, so an
    // instance costs no allocation per transition (250 instances are a memory budget).
    std::array<TransitionRecord, 8> history_{};
    std::size_t historyCount_ = 0;

    struct PeerRecord {
        IpAddress address;
        proto::Advertisement advert;
        proto::ChecksumForm form;
        TimePoint lastSeen;
    };
    std::vector<PeerRecord> peers_; // bounded; for status only
};

} // namespace hafd::daemon
