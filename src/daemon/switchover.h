// SPDX-License-Identifier: Apache-2.0
// hafctl switchover INSTANCE [--to NODE] (DESIGN.md §7): the master of an instance hands it over
// on the operator's word, in steps, each logged, recorded as an event and shown in status:
//   checks    this node the master (not the address owner); with a cluster, quorum and the
//             target a live backup of the VRID by its heartbeats. Without a cluster no node can
//             be named: the highest backup wins as RFC 9568 has it.
//   prepare   the instance's switchover.command (redis-cli failover...), through the runner;
//             a failure stops here with nothing changed.
//   handover  the instance relinquishes (core/handover.cpp: VIPs removed, the target named,
//             priority 0, Backup, yielding), and the step waits until the target's heartbeats
//             (or, without a cluster, a new master's adverts) say it is master.
//   verify    switchover.verify, its output matched against verify_pattern.
//   rollback  after a failed verification, at most switchover.rollbacks times in a row: this
//             node's heartbeats ask the new master for the instance back (Cluster::askHandBack),
//             and the step waits until this node is master again.
// The new master, asked for a hand-back, runs its own prepare step (HAFD_ROLLBACK=1) and hands
// over; that is handBack(). The operator's reply waits for the end (a deferred control reply).
#pragma once

#include "ctl/json.h"
#include "ctl/status.h"
#include "daemon/binder.h"
#include "daemon/cluster.h"
#include "daemon/commands.h"
#include "daemon/control.h"
#include "daemon/event_log.h"
#include "daemon/scheduler.h"

#include <map>
#include <optional>
#include <string>

namespace hafd::daemon {

class Switchover {
public:
    static constexpr Duration kWait = 5s;   // for a new master to say so (plus a prepare step's
                                            // timeout while a hand-back runs one)
    static constexpr Duration kPoll = 20ms; // how often the view is looked at meanwhile

    Switchover(Scheduler& scheduler, Instances& instances, EventLog& events, Commands& commands,
               std::string self);
    ~Switchover();
    Switchover(const Switchover&) = delete;
    Switchover& operator=(const Switchover&) = delete;

    // Checks and starts one; answers through `reply` now (refused) or when it is over.
    void start(const std::string& instance, const std::string& to, Cluster* cluster,
               const ControlServer::Responder& reply);
    // `node` asks for `instance` back (its verification failed): this node, the master, hands
    // it over to `node` after its prepare step. Ignored while a switchover runs here.
    void handBack(const std::string& instance, const std::string& node, Cluster* cluster);
    // The cluster room is going (reload without `cluster`, shutdown): a running one ends.
    void abandon(const std::string& why);
    // The switchover under way, if any.
    std::optional<ctl::SwitchoverStatus> status(TimePoint now) const;

private:
    enum class Step : uint8_t { Prepare, Handover, Verify, Rollback };
    struct Running {
        std::string instance;
        std::string target; // the node named; "" without a cluster
        bool handBack = false;
        Step step = Step::Prepare;
        TimePoint started{};
        TimePoint stepStarted{};
        uint64_t job = 0;          // the runner's id while a command runs
        std::string newMaster;     // who said it is master (the handover step's end)
        std::string verifyFailure; // the rollback step: why
        ControlServer::Responder reply;
    };

    Instance* find(const std::string& name) const;
    void begin(Running r, Instance& instance, TimePoint now);
    void enter(Step step, TimePoint now);
    void prepare(Instance& instance, TimePoint now);
    void handOver(Instance& instance, TimePoint now);
    void poll(TimePoint now);
    void handedOver(Instance& instance, TimePoint now);
    void verified(Instance& instance, const io::RunOutcome& o);
    void rollBack(Instance& instance, const std::string& why, TimePoint now);
    void finish(bool ok, const std::string& message);
    std::vector<std::string> environment(const Instance& instance, const char* step) const;

    Instances& instances_;
    EventLog& events_;
    Commands& commands_;
    std::string self_;
    Cluster* cluster_ = nullptr;
    std::optional<Running> running_;
    std::map<std::string, unsigned> rollbacksInRow_; // by instance
    Scheduler::Timer timer_;
};

} // namespace hafd::daemon
