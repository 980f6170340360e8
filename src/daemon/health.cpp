// SPDX-License-Identifier: Apache-2.0
// The wiring of checks, tracks, notify commands and sync groups (DESIGN.md §5, §7) into the
// daemon's lifecycle: opened with the other rooms, configured at start and on every reload,
// told of every state change, closed before the instances they point at.
#include "common/log.h"
#include "daemon/daemon.h"

namespace hafd::daemon {

void Daemon::openHealth() {
    runner_ = std::make_unique<io::Runner>(loop_);
    scripts_ = std::make_unique<Commands>(*runner_);
    notify_ = std::make_unique<NotifyQueues>(*scripts_);
    checks_ = std::make_unique<Checks>(loop_, scheduler_, *scripts_, links_,
                                       [this](const std::string& check, TimePoint now) {
                                           recordCheck(check);
                                           tracker_->update(check, now);
                                       });
    tracker_ =
        std::make_unique<Tracker>(*checks_, links_, instances_,
                                  [this](Instance& i, TimePoint now) { startInstance(i, now); });
    groups_ = std::make_unique<SyncGroups>(scheduler_, instances_, *notify_);
}

void Daemon::configureHealth(TimePoint now) {
    scripts_->setIdentity(config_.scripts);
    notify_->setTimeout(config_.scripts.timeout);
    std::vector<const config::Instance*> running;
    for (const auto& i : instances_)
        running.push_back(&i->config());
    checks_->configure(config_.checks, Tracker::usedChecks(config_.checks, running), now);
    groups_->configure(config_.groups, now);
    tracker_->update("", now);
}

void Daemon::startTracked(Instance& instance, TimePoint now) {
    tracker_->startWhenKnown(instance, now);
}

void Daemon::stateChanged(const Instance& instance, const core::StateChanged& change) {
    notifier_.status(summary());
    recordTransition(instance, change);
    if (cluster_)
        cluster_->stateChanged();
    if (!notify_)
        return; // torn down
    notify_->instanceChanged(instance.config(), change, change.faults.names());
    groups_->changed(io::monotonicNow());
}

void Daemon::closeHealth() {
    groups_.reset();
    checks_.reset();
    tracker_.reset();
    notify_.reset();
    scripts_.reset();
    runner_.reset();
}

} // namespace hafd::daemon
