// SPDX-License-Identifier: Apache-2.0
#include "daemon/fence.h"

#include "common/log.h"
#include "daemon/cluster.h"
#include "daemon/instance.h"

#include <algorithm>

namespace hafd::daemon {

Fencer::~Fencer() {
    for (const auto& [name, r] : runs_)
        if (r.job != 0)
            commands_.cancel(r.job);
}

void Fencer::run(const Instance& instance, const core::RunFence& f, TimePoint now) {
    const std::string name = instance.name();
    Run& r = runs_[name];
    if (r.job != 0)
        commands_.cancel(r.job); // a newer request replaces it
    r.job = 0;
    if (!fence_) {
        // The rules and the configuration changed together: no fence is configured any more.
        r.outcome = "no fence configured";
        for (auto& i : instances_)
            if (i->name() == name)
                i->handle(core::FenceDone{f.id, true}, now);
        return;
    }
    const config::Instance& c = instance.config();
    const core::NodeView* node = cluster_.masterNode(c.family, c.vrid, f.master);
    const std::string nodeName = node ? node->name : "";
    const std::string nodeAddress = node ? node->address.toString() : "";
    const std::string address = f.master.isUnspecified() ? "" : f.master.toString();
    log::notice("instance %s: fencing the old master%s%s%s before claiming", name.c_str(),
                nodeName.empty() ? "" : " (node ", nodeName.c_str(), nodeName.empty() ? "" : ")");
    std::vector<std::string> env = {
        "HAFD_INSTANCE=" + name,
        "HAFD_VRID=" + std::to_string(c.vrid),
        "HAFD_FAMILY=" + std::string(c.family == Family::V4 ? "ipv4" : "ipv6"),
        "HAFD_NODE=" + self_,
        "HAFD_MASTER_NODE=" + nodeName,
        "HAFD_MASTER_NODE_ADDRESS=" + nodeAddress,
        "HAFD_MASTER_ADDRESS=" + address,
    };
    r.outcome = "running";
    r.job = commands_.run(fence_->command, fence_->timeout, std::move(env),
                          [this, name, id = f.id](const io::RunOutcome& o) {
                              Run& run = runs_[name];
                              run.job = 0;
                              run.outcome = o.ok() ? "ok" : o.describe();
                              run.duration = o.elapsed;
                              if (o.ok())
                                  log::notice("instance %s: fence succeeded", name.c_str());
                              else
                                  log::warning("instance %s: fence failed: %s; staying backup",
                                               name.c_str(), run.outcome.c_str());
                              const TimePoint t = io::monotonicNow();
                              for (auto& i : instances_)
                                  if (i->name() == name)
                                      i->handle(core::FenceDone{id, o.ok()}, t);
                          });
}

std::string Fencer::lastOutcome(const std::string& instance) const {
    const auto it = runs_.find(instance);
    return it == runs_.end() ? "" : it->second.outcome;
}

std::optional<Duration> Fencer::lastDuration(const std::string& instance) const {
    const auto it = runs_.find(instance);
    return it == runs_.end() ? std::nullopt : it->second.duration;
}

} // namespace hafd::daemon
