// SPDX-License-Identifier: Apache-2.0
// The fence command (DESIGN.md §4): run through the runner before a claim that follows a master
// failure (core::RunFence), with the old master's name and address in its environment; its
// outcome goes back to the instance as core::FenceDone. Only exit 0 lets the claim go ahead.
#pragma once

#include "config/config.h"
#include "core/actions.h"
#include "daemon/binder.h"
#include "daemon/commands.h"

#include <map>
#include <optional>
#include <string>

namespace hafd::daemon {

class Cluster;

class Fencer {
public:
    Fencer(Commands& commands, Instances& instances, const Cluster& cluster, std::string self)
        : commands_(commands), instances_(instances), cluster_(cluster), self_(std::move(self)) {}
    ~Fencer();

    void setConfig(const std::optional<config::Fence>& fence) { fence_ = fence; }
    void run(const Instance& instance, const core::RunFence& f, TimePoint now);
    // The last outcome for an instance: "ok", "exit 1", ...; "running"; "" when none ran.
    std::string lastOutcome(const std::string& instance) const;
    // How long the last finished run for an instance took; nullopt when none finished.
    std::optional<Duration> lastDuration(const std::string& instance) const;

private:
    struct Run {
        uint64_t job = 0; // the runner's id while running
        std::string outcome;
        std::optional<Duration> duration; // of the last finished run
    };

    Commands& commands_;
    Instances& instances_;
    const Cluster& cluster_;
    std::string self_;
    std::optional<config::Fence> fence_;
    std::map<std::string, Run> runs_; // by instance name
};

} // namespace hafd::daemon
