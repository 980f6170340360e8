// SPDX-License-Identifier: Apache-2.0
// Sync groups in the router (DESIGN.md §5): members of a group on one node move together. The
// group (daemon/sync_groups.h) holds the other members back while one of them is a backup that
// follows a live master elsewhere, so the whole group lives where that master is (keepalived's
// sync groups, without their flapping: a held member neither claims nor preempts, and is told
// when it may again).
#include "core/virtual_router.h"

namespace hafd::core {

void VirtualRouter::on(const GroupHold& e, TimePoint now, Actions& out) {
    if (e.on == held_)
        return;
    held_ = e.on;
    if (held_) {
        if (state_ == State::Master) {
            // Resign as at shutdown (priority 0, so the peer claims after Skew_Time), then
            // wait in Backup.
            enterBackup(Reason::SyncGroup, now, advertisementInterval(), out, true);
        }
        return;
    }
    // Released: a backup that no longer follows a live master claims now rather than after a
    // whole Master_Down_Interval; one that does waits for its timer as usual.
    if (state_ == State::Backup && !masterHeard_)
        masterDownAt_ = now;
}

void VirtualRouter::setMasterHeard(bool heard, Actions& out) {
    if (heard == masterHeard_)
        return;
    masterHeard_ = heard;
    out.emplace_back(FollowingChanged{});
}

} // namespace hafd::core
