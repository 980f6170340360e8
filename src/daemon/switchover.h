// SPDX-License-Identifier: Apache-2.0
// hafctl switchover INSTANCE [--to NODE] (DESIGN.md §7): the master of an instance hands it over
// on the operator's word, to a named node or to the backup that comes first. Checked first: a
// cluster (heartbeats name the successor), quorum, this node the master, the target a live
// backup of the VRID by its heartbeats. Then the instance relinquishes (core/handover.cpp: VIPs
// removed, the target named, priority 0, Backup, yielding), and the reply waits until the
// target's heartbeats say it is master, or says why not after kWait. Each step is logged and
// recorded as an event.
#pragma once

#include "ctl/json.h"
#include "daemon/binder.h"
#include "daemon/cluster.h"
#include "daemon/control.h"
#include "daemon/event_log.h"
#include "daemon/scheduler.h"

#include <optional>
#include <string>

namespace hafd::daemon {

class Switchover {
public:
    static constexpr Duration kWait = 5s;   // for the target to say it is master
    static constexpr Duration kPoll = 20ms; // how often the view is looked at meanwhile

    Switchover(Scheduler& scheduler, Instances& instances, EventLog& events);

    // Checks and starts one; answers through `reply` now (refused) or when it is over.
    void start(const std::string& instance, const std::string& to, const Cluster* cluster,
               const ControlServer::Responder& reply);
    // The cluster room is going (reload without `cluster`, shutdown): a running one ends.
    void abandon(const std::string& why);

private:
    struct Running {
        std::string instance;
        std::string target;
        Family family = Family::V4;
        uint8_t vrid = 0;
        TimePoint started{};
        ControlServer::Responder reply;
    };
    void poll(TimePoint now);
    void finish(bool ok, const std::string& message);

    Instances& instances_;
    EventLog& events_;
    const Cluster* cluster_ = nullptr;
    std::optional<Running> running_;
    Scheduler::Timer timer_;
};

} // namespace hafd::daemon
