// SPDX-License-Identifier: Apache-2.0
#include "daemon/successors.h"

#include "common/log.h"

namespace hafd::daemon {

void Successors::judge(const Instance& instance, const core::ClusterView& view, Duration lease,
                       TimePoint now, std::set<Key>& listed) {
    const config::Instance& cfg = instance.config();
    for (const InstanceRecord::Peer& p : instance.record().peers()) {
        const Key key{cfg.family, cfg.vrid, p.address};
        listed.insert(key);
        Heard& h = heard_.try_emplace(key, Heard{{}, now}).first->second;
        if (h.node || h.foreign)
            continue;
        if (const auto index = view.indexOf(p.address))
            h.node = view.nodes()[*index].name;
        // Advertising lately while a node's heartbeats, fresh, said it was master: that node.
        const Duration recent = 3 * Duration(std::chrono::milliseconds(p.advert.intervalCs * 10));
        const core::NodeView* m = view.masterOf(cfg.family, cfg.vrid);
        if (!h.node && p.advert.priority > 0 && now - p.lastSeen <= recent && m && m->lastHeard &&
            now - *m->lastHeard <= view.lease())
            h.node = m->name;
        if (!h.node && now - h.since > lease) {
            h.foreign = true;
            foreign_.emplace(cfg.family, cfg.vrid);
            log::warning("instance %s: router %s on VRID %u is not one of cluster.nodes: releases "
                         "name no successor, backups wait Skew_Time (RFC 9568)",
                         instance.name().c_str(), p.address.toString().c_str(), cfg.vrid);
        }
    }
}

bool Successors::foreignHeard(const Instance& instance) const {
    return foreign_.contains({instance.config().family, instance.config().vrid});
}

void Successors::update(Instances& instances, const core::ClusterView& view, Duration lease,
                        TimePoint now) {
    std::set<Key> listed;
    for (auto& i : instances) {
        judge(*i, view, lease, now, listed);
        std::string name;
        if (i->router().state() == core::State::Master && !foreignHeard(*i))
            if (const core::NodeView* n =
                    view.backupAhead(i->config().family, i->config().vrid, 0, now))
                name = n->name;
        if (name != i->router().successor())
            i->handle(core::SuccessorKnown{std::move(name)}, now);
    }
    // Forget the routers no instance lists any more (see the header: the bound).
    std::erase_if(heard_, [&](const auto& entry) { return !listed.contains(entry.first); });
}

} // namespace hafd::daemon
