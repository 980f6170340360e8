// SPDX-License-Identifier: Apache-2.0
// The cluster room (DESIGN.md §4): heartbeats to and from every node of `cluster.nodes` over
// UDP (proto/heartbeat.h, signed with the top-level `auth` keys when set), the cluster view and
// quorum they give (core/cluster_view.h), the quorum hook run through the runner, and what the
// instances learn from all that: the quorum fault cause, the claim rules, and that a master is
// alive when a node's heartbeat says it is master of their VRID.
#pragma once

#include "config/config.h"
#include "core/cluster_view.h"
#include "ctl/status.h"
#include "daemon/binder.h"
#include "daemon/commands.h"
#include "daemon/scheduler.h"
#include "daemon/successors.h"
#include "io/loop.h"
#include "io/netlink.h"
#include "io/udp_socket.h"
#include "proto/auth.h"
#include "proto/heartbeat.h"

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hafd::daemon {

class Cluster {
public:
    // `self`: this node's name (node.name or the host name), one of cluster.nodes.
    Cluster(io::Loop& loop, Scheduler& scheduler, Instances& instances, Commands& commands,
            const config::Config& config, std::string self);
    ~Cluster();

    // A reload: the new cluster section (same `self`), the new top-level keys (nullopt: none).
    void reconfigure(const config::Config& config, TimePoint now);
    void setKeys(std::optional<proto::auth::KeyRing> keys);

    // The rules and the quorum cause for an instance before its Startup, and for every
    // instance after a reload.
    void prime(Instance& instance, TimePoint now);

    // A graceful stop: one heartbeat that says this node is leaving, so peers stop counting its
    // vote at once.
    void leave();

    // An instance changed state: the next heartbeat goes now, not at its turn, so the others'
    // views (a switchover's checks, who comes first) are fresh within a datagram's time. The
    // changes of one pass of the loop share one heartbeat.
    void stateChanged() { sendTimer_.arm(io::monotonicNow()); }

    // A named handover (core/handover.cpp): one heartbeat now naming `node` the successor for
    // `instance`, which has just removed its VIPs.
    void handOver(const Instance& instance, const std::string& node);
    // A switchover's rollback: while on, this node's heartbeats ask the master of `instance`
    // to hand it back to this node (cluster_handover.cpp); the first goes at once.
    void askHandBack(const Instance& instance, bool on);
    // Told when a node asks for an instance this node is master of (instance, node).
    using HandBackAsked = std::function<void(const std::string&, const std::string&)>;
    void onHandBackAsked(HandBackAsked f) { handBackAsked_ = std::move(f); }

    bool quorum() const { return quorum_; }
    // Told of every change of quorum (for hafctl events), after the instances were.
    using QuorumChanged =
        std::function<void(bool quorum, unsigned heard, unsigned votes, unsigned needed)>;
    void onQuorumChanged(QuorumChanged f) { quorumChanged_ = std::move(f); }
    const core::ClusterView& view() const { return view_; }
    ctl::ClusterStatus status(TimePoint now) const;
    // The node a fence targets: the one whose heartbeats last said it is master of (family,
    // vrid), however long ago, or the node at `address`.
    const core::NodeView* masterNode(Family family, uint8_t vrid, const IpAddress& address) const;
    // `link` has carrier again (daemon/cluster_links.cpp): the kernel's unresolved ARP / ND
    // entries for the other nodes are forgotten and heartbeats leave now, so that peers count
    // this node's vote again at once rather than after the next ARP retransmission.
    void carrierUp(io::NetlinkClient& netlink, const io::LinkInfo& link);

private:
    void open(TimePoint now);
    void onReadable();
    void handle(std::span<const uint8_t> datagram, const IpAddress& source, TimePoint now);
    void send(TimePoint now, bool leaving = false);
    void transmit(const proto::heartbeat::Heartbeat& h);
    void evaluate(TimePoint now);
    // Tells each instance whose live backup comes before it (BackupAhead), when that changes.
    void rankBackups(TimePoint now);
    void runHook(TimePoint now);
    // Logs and keeps how node's instances differ from ours (`ours` by family and VRID).
    void compare(std::size_t node,
                 const std::multimap<std::pair<Family, uint8_t>, Instance*>& ours);
    // What a heartbeat's successor tags say to our instances (`ours` by family and VRID).
    void successorsNamed(const std::string& sender,
                         const std::vector<proto::heartbeat::InstanceEntry>& entries,
                         const std::multimap<std::pair<Family, uint8_t>, Instance*>& ours,
                         TimePoint now);
    core::ClaimRules rules() const;
    proto::heartbeat::Heartbeat heartbeat(bool leaving);

    io::Loop& loop_;
    Instances& instances_;
    Commands& commands_;
    config::Cluster config_;
    std::optional<config::Fence> fence_;
    std::optional<config::Auth> auth_;
    std::optional<proto::auth::KeyRing> keys_;
    std::string self_;
    core::ClusterView view_;
    std::optional<io::UdpSocket> socket_;
    io::IoWatcher watcher_;
    std::string socketError_;
    Scheduler::Timer sendTimer_;
    Scheduler::Timer quorumTimer_;
    Scheduler::Timer hookTimer_;
    Scheduler::Timer reopenTimer_;
    uint64_t hookRun_ = 0; // the runner id of the hook run under way (0: none)
    std::string hookOutcome_;
    std::optional<Duration> hookDuration_; // of the hook's last finished run
    bool quorum_ = false;
    Successors successors_;
    QuorumChanged quorumChanged_;
    HandBackAsked handBackAsked_;
    std::set<std::string> handBacks_; // instances whose hand-back this node asks for
    bool quorumFault_ = false;        // what the instances were told
    TimePoint graceUntil_{};          // no quorum is a fault from then on (or once quorum was had)
    uint64_t startId_ = 0;
    uint64_t counter_ = 0;
    proto::auth::Sequencer sequencer_;
    proto::auth::ReplayTable replay_;
    std::vector<uint8_t> buffer_;
    // Per node, the settings differences last logged (logged once per change).
    std::map<std::string, std::set<std::string>> differences_;
    // Per node, its instances' settings (state and priority zeroed) when last compared.
    std::map<std::string, std::vector<proto::heartbeat::InstanceEntry>> settingsSeen_;
    std::array<uint64_t, proto::heartbeat::kDropCount> drops_{};
    std::array<bool, proto::heartbeat::kDropCount> dropLogged_{};
    uint64_t sent_ = 0;
    uint64_t sendFailures_ = 0;
    uint64_t received_ = 0;
    int lastSendError_ = 0;
};

} // namespace hafd::daemon
