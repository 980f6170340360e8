// SPDX-License-Identifier: Apache-2.0
// The cluster as this node hears it (DESIGN.md §4): every node of `cluster.nodes`, when its last
// heartbeat came, what it said (start id, counter, its instances' state and priority), and from
// that the quorum: a strict majority of the votes heard within `lease`, this node's own included,
// and, with a quorum hook, the hook's last answer. Pure: heartbeats and hook answers come in with
// `now`; the caller asks quorum(now) and re-asks at nextChange().
//
// Votes: every node is one (witnesses too), and a quorum hook is one more, which it must give:
// with a hook a node has quorum only while its last answer is a success, so two nodes and a hook
// survive the loss of either node (the survivor has its own vote and the hook's, 2 of 3).
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "config/config.h"
#include "proto/heartbeat.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hafd::core {

struct NodeView {
    std::string name;
    IpAddress address;
    bool witness = false;
    bool self = false;
    std::optional<TimePoint> lastHeard; // the last accepted heartbeat
    uint64_t startId = 0;
    uint64_t counter = 0;
    uint64_t heartbeats = 0; // accepted
    uint64_t restarts = 0;   // start id changes after the first heartbeat
    uint64_t outOfOrder = 0; // same start id, counter not above the last: ignored
    bool quorum = false;     // what it said of itself
    bool leaving = false;
    uint32_t leaseMs = 0;
    std::vector<proto::heartbeat::InstanceEntry> instances;
};

// A setting in which a node's instance differs from ours for the same family and VRID.
struct SettingDifference {
    std::string node;
    Family family = Family::V4;
    uint8_t vrid = 0;
    std::string field; // "version", "interval", "addresses"
    std::string ours;
    std::string theirs;
    bool operator==(const SettingDifference&) const = default;
};

class ClusterView {
public:
    // `self`: this node's name, one of `cluster.nodes` (config checks that).
    ClusterView(const config::Cluster& cluster, const std::string& self);

    // A reload: nodes that stay keep what was heard of them (matched by name and address).
    void reconfigure(const config::Cluster& cluster, const std::string& self);

    // An accepted heartbeat from nodes()[index]. False when it was out of order (ignored).
    bool heard(std::size_t index, const proto::heartbeat::Heartbeat& hb, TimePoint now);
    // The quorum hook's outcome for the run that started at `startedAt`: a success is a vote
    // for one lease from then, like a node's heartbeat (a hook that stops answering stops
    // counting, and a node cut off loses the hook's vote within the lease, whatever it said).
    void hookAnswer(bool ok, TimePoint startedAt);

    bool quorum(TimePoint now) const;
    unsigned votes() const;                   // all votes: nodes, plus one for a hook
    unsigned votesHeard(TimePoint now) const; // ours, nodes heard within lease, the hook's
    unsigned needed() const { return votes() / 2 + 1; }
    bool hook() const { return hook_; }
    std::optional<bool> hookOk(TimePoint now) const; // nullopt: no hook or no valid answer
    // The earliest time after `now` at which quorum(now) could change by itself (a vote
    // expiring); nullopt when none can.
    std::optional<TimePoint> nextChange(TimePoint now) const;

    const std::vector<NodeView>& nodes() const { return nodes_; }
    // The index of the node whose address is `a`, if any.
    std::optional<std::size_t> indexOf(const IpAddress& a) const;
    std::size_t selfIndex() const { return self_; }
    Duration lease() const { return lease_; }

    // The node (not this one) whose latest heartbeat said it is master of (family, vrid); of
    // several, the one heard last. No time limit: the fence that asks runs lease + margin after
    // the master was last heard, so by then its last heartbeat is always older than the lease.
    const NodeView* masterOf(Family family, uint8_t vrid) const;

    // The live node (heard within the lease, not leaving) whose latest heartbeat says it is a
    // backup of (family, vrid) ahead of this node at `priority`: a higher priority, or the same
    // and a greater name. Of several, the first by that order. nullptr: none.
    const NodeView* backupAhead(Family family, uint8_t vrid, uint8_t priority, TimePoint now) const;

    // How `theirs` differs from `ours` (the same family and VRID): one entry per field.
    static std::vector<SettingDifference> compare(const std::string& node,
                                                  const proto::heartbeat::InstanceEntry& ours,
                                                  const proto::heartbeat::InstanceEntry& theirs);

private:
    bool fresh(const NodeView& n, TimePoint now) const;
    void rebuildIndex(); // byVrid_

    std::vector<NodeView> nodes_;
    std::size_t self_ = 0;
    Duration lease_{};
    bool hook_ = false;
    std::optional<TimePoint> hookValidUntil_; // the last successful answer's end
    // Every node's instances by family and VRID: (node, entry) indexes into nodes_ and its
    // instances. Rebuilt when a node's list of families and VRIDs changes (a reload there), so
    // the queries per heartbeat cost a lookup, not a scan of every node's instances.
    std::multimap<std::pair<Family, uint8_t>, std::pair<std::size_t, std::size_t>> byVrid_;
};

} // namespace hafd::core
