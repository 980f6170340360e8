// SPDX-License-Identifier: Apache-2.0
// Notify commands (DESIGN.md §7): on each state change of an instance or a sync group, its
// command for the new state (master, backup, fault, stop), then its `any` command, through
// Commands. keepalived runs these fire-and-forget, in no defined order, without a timeout
// (PEERS.md §1); here:
// - one queue per instance and per group: calls run one at a time, in transition order, each
//   killed (its process group) after scripts.timeout;
// - they never delay the transition: the state has changed, the VIPs are in place or gone,
//   before the first call starts;
// - a queue holds at most kQueueLimit calls waiting; beyond that the oldest waiting ones are
//   dropped, logged and counted (the newest state always runs);
// - every call carries the event in HAFD_* variables and HAFD_SEQ, a sequence number per
//   daemon; `any` also gets keepalived's positional arguments: INSTANCE|GROUP name STATE
//   priority.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "core/actions.h"
#include "daemon/commands.h"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace hafd::daemon {

class NotifyQueues {
public:
    static constexpr std::size_t kQueueLimit = 32;

    struct Counters {
        uint64_t started = 0;
        uint64_t failed = 0; // exit status not 0, killed, timed out or could not start
        uint64_t dropped = 0;
    };

    explicit NotifyQueues(Commands& commands) : commands_(commands) {}

    void setTimeout(Duration timeout) { timeout_ = timeout; }

    // An instance changed state (core::StateChanged); to INIT is its stop.
    void instanceChanged(const config::Instance& instance, const core::StateChanged& change,
                         const std::vector<std::string>& faults);
    // A sync group changed state ("MASTER", "BACKUP", "FAULT", "STOP").
    void groupChanged(const config::SyncGroup& group, const std::string& from,
                      const std::string& to, const std::string& reason);

    // Calls waiting or running, over all queues (the graceful stop waits for these).
    std::size_t pending() const;
    const Counters& counters() const { return counters_; }

private:
    struct Call {
        config::Command command;
        std::vector<std::string> env;
        std::vector<std::string> args;
        std::string what; // for the log: "instance web master"
    };
    struct Queue {
        std::deque<Call> waiting;
        uint64_t running = 0; // the runner's id of the call under way
    };

    // The state's own command, then `any`, with the event's variables.
    void enqueue(const std::string& key, const config::Notify& notify, const std::string& state,
                 std::vector<std::string> env, std::vector<std::string> anyArgs,
                 const std::string& what);
    void next(const std::string& key);

    Commands& commands_;
    Duration timeout_ = std::chrono::seconds(10);
    std::map<std::string, Queue> queues_; // "instance:web", "group:front"
    uint64_t seq_ = 0;
    Counters counters_;
};

} // namespace hafd::daemon
