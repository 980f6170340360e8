// SPDX-License-Identifier: Apache-2.0
// Sync groups (DESIGN.md §5): one member in FAULT for a cause of its own puts every other member
// in FAULT (the `sync_group` cause), and they leave it together when it clears; a group has a
// state of its own (FAULT when a member is, MASTER or BACKUP when every member is) and its own
// notify commands.
//
// The members' states are looked at after the actions under way are done (a timer due now),
// never in the middle of an instance's transition, so one member's change cannot re-enter
// another's.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "daemon/binder.h"
#include "daemon/notify.h"
#include "daemon/scheduler.h"

#include <map>
#include <string>
#include <vector>

namespace hafd::daemon {

class SyncGroups {
public:
    SyncGroups(Scheduler& scheduler, Instances& instances, NotifyQueues& notify);

    void configure(const std::vector<config::SyncGroup>& groups, TimePoint now);
    // A member (or any instance) changed state: the groups look again soon.
    void changed(TimePoint now) { timer_.arm(now); }
    // Looks now (outside any instance's actions: the graceful stop, once every instance
    // resigned).
    void settle(TimePoint now) {
        timer_.cancel();
        evaluate(now);
    }
    // The group of `instance`, or null.
    const config::SyncGroup* groupOf(const std::string& instance) const;
    // "MASTER", "BACKUP", "FAULT", or "INIT" (members in mixed or initial states).
    std::string state(const std::string& group) const;

private:
    void evaluate(TimePoint now);

    Instances& instances_;
    NotifyQueues& notify_;
    Scheduler::Timer timer_;
    std::vector<config::SyncGroup> groups_;
    std::map<std::string, std::string> states_; // group name -> its state
};

} // namespace hafd::daemon
