// SPDX-License-Identifier: Apache-2.0
// Tracks to instances (DESIGN.md §5): what each instance's tracks see (its checks' health, its
// tracked interfaces' state) becomes its effective priority and its `track` fault cause through
// core::evaluate(), whenever a check or a link changes.
//
// An instance starts (leaves INIT) only once every track is known, so that the first results
// obey fall and rise: a node that boots with a failing check is not FAULT before `fall`
// failures, and a healthy one does not claim before `rise` successes.
#pragma once

#include "common/time.h"
#include "daemon/binder.h"
#include "daemon/checks.h"
#include "daemon/instance.h"
#include "daemon/links.h"

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace hafd::daemon {

class Tracker {
public:
    using Start = std::function<void(Instance&, TimePoint)>;

    Tracker(const Checks& checks, const LinkTable& links, Instances& instances, Start start);

    // Starts `instance` now when its tracks are known, else when they are.
    void startWhenKnown(Instance& instance, TimePoint now);
    // Re-evaluates every instance that tracks `check`; "" re-evaluates all (links changed, reload).
    void update(const std::string& check, TimePoint now);
    // The instance is gone (reload): it no longer waits.
    void forget(const std::string& instance) { waiting_.erase(instance); }
    // The graceful stop: nothing starts or changes any more.
    void stop() {
        stopped_ = true;
        waiting_.clear();
    }
    bool waiting(const std::string& instance) const { return waiting_.contains(instance); }
    // "nginx, interface eth1": the tracks of `instance` not known yet.
    std::string unknownTracks(const Instance& instance) const;

    // The check names the instances' tracks use, with what their k_of_n checks count.
    static std::set<std::string> usedChecks(const std::vector<config::Check>& checks,
                                            const std::vector<const config::Instance*>& instances);

private:
    void apply(Instance& instance, TimePoint now);
    std::vector<core::TrackView> views(const config::Instance& cfg) const;

    const Checks& checks_;
    const LinkTable& links_;
    Instances& instances_;
    Start start_;
    std::set<std::string> waiting_; // instances held in INIT until their tracks are known
    bool stopped_ = false;
};

// "nginx" for a check, "interface eth1" for an interface tracked directly.
std::string trackName(const config::Track& t);

} // namespace hafd::daemon
