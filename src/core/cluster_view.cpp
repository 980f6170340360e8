// SPDX-License-Identifier: Apache-2.0
#include "core/cluster_view.h"

#include "core/state.h"

#include <algorithm>
#include <cstdio>

namespace hafd::core {

namespace {

std::vector<NodeView> nodesOf(const config::Cluster& cluster, const std::string& self,
                              std::size_t& selfIndex) {
    std::vector<NodeView> out;
    for (const config::ClusterNode& n : cluster.nodes) {
        NodeView v;
        v.name = n.name;
        v.address = n.address;
        v.witness = n.witness;
        v.self = n.name == self;
        if (v.self)
            selfIndex = out.size();
        out.push_back(std::move(v));
    }
    return out;
}

std::string intervalText(uint16_t cs) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%u.%02u s", cs / 100U, cs % 100U);
    return buf;
}

std::string digestText(const proto::heartbeat::InstanceEntry& e) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%u VIPs, digest %08x", e.vipCount, e.vipDigest);
    return buf;
}

// A heartbeat entry's state is core::State's value (hafd-heartbeat(7)).
constexpr uint8_t kBackup = static_cast<uint8_t>(State::Backup);
constexpr uint8_t kMaster = static_cast<uint8_t>(State::Master);

// Whether two instance lists name the same families and VRIDs in the same order.
bool sameKeys(const std::vector<proto::heartbeat::InstanceEntry>& a,
              const std::vector<proto::heartbeat::InstanceEntry>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.family == y.family && x.vrid == y.vrid;
    });
}

} // namespace

ClusterView::ClusterView(const config::Cluster& cluster, const std::string& self) {
    reconfigure(cluster, self);
}

void ClusterView::reconfigure(const config::Cluster& cluster, const std::string& self) {
    std::vector<NodeView> next = nodesOf(cluster, self, self_);
    for (NodeView& n : next) {
        const auto old = std::find_if(nodes_.begin(), nodes_.end(), [&](const NodeView& o) {
            return o.name == n.name && o.address == n.address;
        });
        if (old != nodes_.end() && !n.self) {
            const bool witness = n.witness;
            n = std::move(*old);
            n.witness = witness;
            n.self = false;
        }
    }
    nodes_ = std::move(next);
    lease_ = cluster.lease;
    hook_ = cluster.quorumHook.has_value();
    if (!hook_)
        hookValidUntil_.reset();
    rebuildIndex();
}

void ClusterView::rebuildIndex() {
    byVrid_.clear();
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        for (std::size_t k = 0; k < nodes_[i].instances.size(); ++k)
            byVrid_.emplace(std::pair(nodes_[i].instances[k].family, nodes_[i].instances[k].vrid),
                            std::pair(i, k));
}

bool ClusterView::heard(std::size_t index, const proto::heartbeat::Heartbeat& hb, TimePoint now) {
    NodeView& n = nodes_.at(index);
    if (n.heartbeats > 0 && hb.startId == n.startId && hb.counter <= n.counter) {
        ++n.outOfOrder;
        return false;
    }
    if (n.heartbeats > 0 && hb.startId != n.startId)
        ++n.restarts;
    ++n.heartbeats;
    n.lastHeard = now;
    n.startId = hb.startId;
    n.counter = hb.counter;
    n.quorum = hb.quorum;
    n.leaving = hb.leaving;
    n.leaseMs = hb.leaseMs;
    const bool reindex = !sameKeys(n.instances, hb.instances);
    n.instances = hb.instances;
    if (reindex)
        rebuildIndex();
    return true;
}

void ClusterView::hookAnswer(bool ok, TimePoint startedAt) {
    if (!hook_)
        return;
    if (ok)
        hookValidUntil_ = std::max(hookValidUntil_.value_or(startedAt), startedAt + lease_);
    else
        hookValidUntil_.reset();
}

std::optional<bool> ClusterView::hookOk(TimePoint now) const {
    if (!hook_)
        return std::nullopt;
    return hookValidUntil_ && now < *hookValidUntil_;
}

bool ClusterView::fresh(const NodeView& n, TimePoint now) const {
    // A node that said it is leaving (a graceful stop) no longer votes.
    return n.self || (n.lastHeard && now < *n.lastHeard + lease_ && !n.leaving);
}

unsigned ClusterView::votes() const {
    return static_cast<unsigned>(nodes_.size()) + (hook_ ? 1U : 0U);
}

unsigned ClusterView::votesHeard(TimePoint now) const {
    unsigned heard = 0;
    for (const NodeView& n : nodes_)
        heard += fresh(n, now) ? 1U : 0U;
    if (hookOk(now).value_or(false))
        ++heard;
    return heard;
}

bool ClusterView::quorum(TimePoint now) const {
    if (hook_ && !hookOk(now).value_or(false))
        return false;
    return votesHeard(now) >= needed();
}

std::optional<TimePoint> ClusterView::nextChange(TimePoint now) const {
    std::optional<TimePoint> next;
    const auto consider = [&](TimePoint t) {
        if (t > now && (!next || t < *next))
            next = t;
    };
    for (const NodeView& n : nodes_)
        if (!n.self && n.lastHeard && !n.leaving)
            consider(*n.lastHeard + lease_);
    if (hookValidUntil_)
        consider(*hookValidUntil_);
    return next;
}

std::optional<std::size_t> ClusterView::indexOf(const IpAddress& a) const {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].address == a)
            return i;
    return std::nullopt;
}

const NodeView* ClusterView::masterOf(Family family, uint8_t vrid) const {
    const NodeView* best = nullptr;
    const auto [from, to] = byVrid_.equal_range({family, vrid});
    for (auto it = from; it != to; ++it) {
        const NodeView& n = nodes_[it->second.first];
        if (n.self || !n.lastHeard || n.instances[it->second.second].state != kMaster)
            continue;
        if (!best || *n.lastHeard > *best->lastHeard)
            best = &n;
    }
    return best;
}

const NodeView* ClusterView::backupAhead(Family family, uint8_t vrid, uint8_t priority,
                                         TimePoint now) const {
    const std::string& self = nodes_[self_].name;
    const NodeView* best = nullptr;
    uint8_t bestPriority = 0;
    const auto [from, to] = byVrid_.equal_range({family, vrid});
    for (auto it = from; it != to; ++it) {
        const NodeView& n = nodes_[it->second.first];
        const proto::heartbeat::InstanceEntry& e = n.instances[it->second.second];
        if (n.self || !fresh(n, now) || e.state != kBackup)
            continue;
        if (e.priority < priority || (e.priority == priority && n.name < self))
            continue;
        if (!best || e.priority > bestPriority ||
            (e.priority == bestPriority && n.name > best->name)) {
            best = &n;
            bestPriority = e.priority;
        }
    }
    return best;
}

std::vector<SettingDifference> ClusterView::compare(const std::string& node,
                                                    const proto::heartbeat::InstanceEntry& ours,
                                                    const proto::heartbeat::InstanceEntry& theirs) {
    std::vector<SettingDifference> out;
    const auto add = [&](const char* field, std::string a, std::string b) {
        out.push_back({node, ours.family, ours.vrid, field, std::move(a), std::move(b)});
    };
    if (ours.version != theirs.version)
        add("version", std::to_string(ours.version), std::to_string(theirs.version));
    if (ours.intervalCs != theirs.intervalCs)
        add("interval", intervalText(ours.intervalCs), intervalText(theirs.intervalCs));
    if (ours.vipCount != theirs.vipCount || ours.vipDigest != theirs.vipDigest)
        add("addresses", digestText(ours), digestText(theirs));
    return out;
}

} // namespace hafd::core
