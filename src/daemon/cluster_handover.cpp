// SPDX-License-Identifier: Apache-2.0
// The cluster room's part in handovers (core/handover.cpp, hafd-heartbeat(7) "Handover"): the
// heartbeat that names a releasing master's successor, the request for a hand-back that a
// switchover's rollback sends, and what this node does with either when it hears them.
//
// An entry's successor tag says one of two things. Another node's tag: "I released this VRID;
// that node takes it now" (the named node claims, the others yield). The sender's own tag: "give
// this VRID back to me" (only the master acts on it, through HandBackAsked). A node never names
// itself successor, so the two cannot be mistaken for each other.
#include "common/log.h"
#include "daemon/cluster.h"
#include "daemon/instance.h"

namespace hafd::daemon {

namespace hb = proto::heartbeat;

// One heartbeat now, out of turn, whose entry for `instance` names `node` its successor: the
// instance has removed its VIPs and sends priority 0 next.
void Cluster::handOver(const Instance& instance, const std::string& node) {
    hb::Heartbeat h = heartbeat(false);
    for (std::size_t k = 0; k < h.instances.size(); ++k)
        if (instances_[k].get() == &instance)
            h.instances[k].successor = hb::successorTag(node);
    log::notice("instance %s: handed over to %s", instance.name().c_str(), node.c_str());
    transmit(h);
}

void Cluster::askHandBack(const Instance& instance, bool on) {
    if (on == handBacks_.contains(instance.name()))
        return;
    if (!on) {
        handBacks_.erase(instance.name());
        return;
    }
    handBacks_.insert(instance.name());
    log::notice("instance %s: asking its master to hand it back", instance.name().c_str());
    sendTimer_.arm(io::monotonicNow()); // at once, then in every heartbeat until told to stop
}

void Cluster::successorsNamed(const std::string& sender,
                              const std::vector<hb::InstanceEntry>& entries,
                              const std::multimap<std::pair<Family, uint8_t>, Instance*>& ours,
                              TimePoint now) {
    const uint16_t selfTag = hb::successorTag(self_);
    const uint16_t senderTag = hb::successorTag(sender);
    for (const hb::InstanceEntry& e : entries) {
        if (e.successor == 0)
            continue;
        const auto [from, to] = ours.equal_range({e.family, e.vrid});
        for (auto it = from; it != to; ++it) {
            Instance& instance = *it->second;
            if (e.successor == senderTag) {
                // A hand-back asked for: the master decides (switchover.h).
                if (instance.router().state() == core::State::Master && handBackAsked_)
                    handBackAsked_(instance.name(), sender);
            } else if (e.successor != selfTag) {
                instance.handle(core::Yield{}, now); // named another: do not preempt it
            } else {
                log::info("instance %s: %s handed it over to this node", instance.name().c_str(),
                          sender.c_str());
                instance.handle(core::HandedOver{}, now);
            }
        }
    }
}

} // namespace hafd::daemon
