// SPDX-License-Identifier: Apache-2.0
// Whom a releasing master names (core/handover.cpp): the live backup that comes first by the
// cluster's heartbeats, but only while every router heard on the VRID is one of the cluster's
// nodes. A router outside it (keepalived, a switch) waits Skew_Time after priority 0 as RFC 9568
// says; if it outranks the named node it would then preempt it, with both holding the VIPs for
// a moment. So one heard on the VRID turns naming off there, for good (until hafd restarts).
//
// The routers heard are the sources of adverts (an instance's peers). One is a cluster node
// when its source is that node's cluster address, or when it advertised while that node's
// heartbeats said it was master of the VRID (IPv6 adverts come from link-local addresses,
// which heartbeats do not carry). One left unexplained for longer than the lease (heartbeats
// saying "master" have had time to arrive) is outside the cluster.
//
// Bounded: advert sources are not authenticated, so only the routers an instance still lists
// among its peers (InstanceRecord::kPeersShown each) are judged and remembered; one it has
// forgotten is forgotten here too, and judged afresh if it is heard again. The VRIDs with a
// foreign router are at most two families of 255.
#pragma once

#include "core/cluster_view.h"
#include "daemon/binder.h"
#include "daemon/instance.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

namespace hafd::daemon {

class Successors {
public:
    // Re-judges the routers heard and tells every instance (SuccessorKnown) whom it would name.
    void update(Instances& instances, const core::ClusterView& view, Duration lease, TimePoint now);

    // Whether a router outside the cluster was heard on this instance's VRID.
    bool foreignHeard(const Instance& instance) const;
    // Routers remembered (at most the instances' peers).
    std::size_t remembered() const { return heard_.size(); }

private:
    using Key = std::tuple<Family, uint8_t, IpAddress>;
    struct Heard {
        std::optional<std::string> node; // the cluster node it is, once known
        TimePoint since{};               // when it was first heard unexplained
        bool foreign = false;
    };
    // Judges the instance's peers; adds the keys it judged to `listed`.
    void judge(const Instance& instance, const core::ClusterView& view, Duration lease,
               TimePoint now, std::set<Key>& listed);

    std::map<Key, Heard> heard_;
    std::set<std::pair<Family, uint8_t>> foreign_; // the VRIDs with a foreign router heard
};

} // namespace hafd::daemon
