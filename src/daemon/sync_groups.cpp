// SPDX-License-Identifier: Apache-2.0
#include "daemon/sync_groups.h"

#include "common/log.h"
#include "daemon/instance.h"

#include <algorithm>

namespace hafd::daemon {

SyncGroups::SyncGroups(Scheduler& scheduler, Instances& instances, NotifyQueues& notify)
    : instances_(instances), notify_(notify),
      timer_(scheduler, [this](TimePoint now) { evaluate(now); }) {}

void SyncGroups::configure(const std::vector<config::SyncGroup>& groups, TimePoint now) {
    groups_ = groups;
    std::map<std::string, std::string> kept;
    for (const auto& g : groups_)
        if (const auto it = states_.find(g.name); it != states_.end())
            kept.insert(*it);
    states_ = std::move(kept);
    // An instance that left its group keeps no sync_group fault.
    for (const auto& i : instances_)
        if (groupOf(i->name()) == nullptr && i->router().faults().has(core::FaultCause::SyncGroup))
            i->handle(core::FaultChanged{core::FaultCause::SyncGroup, false}, now);
    changed(now);
}

const config::SyncGroup* SyncGroups::groupOf(const std::string& instance) const {
    for (const auto& g : groups_)
        if (std::find(g.instances.begin(), g.instances.end(), instance) != g.instances.end())
            return &g;
    return nullptr;
}

std::string SyncGroups::state(const std::string& group) const {
    const auto it = states_.find(group);
    return it == states_.end() ? "INIT" : it->second;
}

void SyncGroups::evaluate(TimePoint now) {
    for (const auto& g : groups_) {
        std::vector<Instance*> members;
        for (const auto& i : instances_)
            if (std::find(g.instances.begin(), g.instances.end(), i->name()) != g.instances.end())
                members.push_back(i.get());
        // A member at fault for a cause of its own (not the group's).
        std::vector<std::string> faulty;
        for (Instance* m : members)
            if (!m->router().faults().without({core::FaultCause::SyncGroup}).empty())
                faulty.push_back(m->name());
        // A member that follows a live master elsewhere: the group belongs there.
        std::vector<std::string> following;
        for (Instance* m : members)
            if (m->router().followsLiveMaster())
                following.push_back(m->name());
        for (Instance* m : members) {
            const bool hold = std::any_of(following.begin(), following.end(),
                                          [&](const std::string& n) { return n != m->name(); });
            if (hold != m->router().held()) {
                if (hold && m->router().state() == core::State::Master)
                    log::notice("instance %s: resigns with its sync group %s (%s follows a "
                                "master elsewhere)",
                                m->name().c_str(), g.name.c_str(), following.front().c_str());
                m->handle(core::GroupHold{hold}, now);
            }
            const bool others = std::any_of(faulty.begin(), faulty.end(),
                                            [&](const std::string& n) { return n != m->name(); });
            if (others != m->router().faults().has(core::FaultCause::SyncGroup)) {
                if (others)
                    log::notice("instance %s: FAULT with its sync group %s (%s)", m->name().c_str(),
                                g.name.c_str(), faulty.front().c_str());
                m->handle(core::FaultChanged{core::FaultCause::SyncGroup, others}, now);
            }
        }
        // The group's own state, for its notify commands.
        std::string to;
        auto all = [&](core::State s) {
            return !members.empty() &&
                   std::all_of(members.begin(), members.end(),
                               [&](Instance* m) { return m->router().state() == s; });
        };
        if (std::any_of(members.begin(), members.end(),
                        [](Instance* m) { return m->router().state() == core::State::Fault; }))
            to = "FAULT";
        else if (all(core::State::Master))
            to = "MASTER";
        else if (all(core::State::Backup))
            to = "BACKUP";
        else if (all(core::State::Initialize))
            to = "STOP";
        else
            continue; // members on their way: the group keeps its state
        const std::string from = state(g.name);
        if (to == from || (to == "STOP" && from == "INIT"))
            continue;
        states_[g.name] = to;
        log::notice("group %s: %s -> %s", g.name.c_str(), from.c_str(), to.c_str());
        notify_.groupChanged(g, from, to, faulty.empty() ? "members" : "fault " + faulty.front());
    }
}

} // namespace hafd::daemon
