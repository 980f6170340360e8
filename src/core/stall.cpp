// SPDX-License-Identifier: Apache-2.0
// Freeze (DESIGN.md §4): the daemon's loop did not run for a while (SIGSTOP, an overloaded host,
// a suspended VM) and has just woken. Its peers kept running, and what it finds on waking is
// stale: adverts queued in its socket, timers long expired. The daemon feeds Stalled to every
// router before anything else of that wake-up, and each decides here:
// - A master silent for at least the shortest Master_Down_Interval any peer can use (3 x our
//   interval + the Skew_Time of priority 255) may have been replaced: a backup may hold the VIPs
//   and send adverts already. It steps down to Backup at once, releasing its VIPs, and sends
//   nothing first: no advert (it would contest, or with priority 0 hand over to, a master it
//   has not heard yet) and no announcement (it would point neighbours back at itself). Pending
//   announcement bursts go with the state (leaveMaster; the daemon stops its paced rounds on
//   RemoveVips and on leaving Master). Then it is a backup like any other: if no master is
//   heard within its Master_Down_Interval it claims again by the usual rules.
// - A backup stalled for at least its Master_Down_Interval restarts the timer from now. The
//   adverts the master sent meanwhile may be waiting in the socket, unread: claiming before
//   reading them would make it master for a moment, with an advert and announcements on the
//   wire, only to yield again; and after a stall that long they may be old, so it listens for a
//   whole interval before it believes the master gone.
// - A backup whose timer fell due during a shorter stall (a loaded host waking it late) only
//   puts the claim after what is queued now: kReadFirst from now, so the loop reads its
//   sockets first. An advert among them restarts the timer as usual; with none, the master has
//   been silent for the whole interval and the claim goes ahead at once. Restarting the whole
//   interval here would add a Master_Down_Interval to a failover whenever the host is busy.
// - Initialize and Fault have nothing running that a stall makes stale.
#include "common/stall.h"
#include "core/timers.h"
#include "core/virtual_router.h"

#include <algorithm>

namespace hafd::core {

Duration VirtualRouter::shortestPeerMasterDown() const {
    return core::masterDownInterval(instance_.version, 255, advertisementInterval());
}

void VirtualRouter::on(const Stalled& e, TimePoint now, Actions& out) {
    switch (state_) {
    case State::Initialize:
    case State::Fault:
        return;
    case State::Master: {
        // How long the peers have not heard us: the stall, and before it the time since our
        // last scheduled advert (the Adver_Timer runs one interval after it). An extra advert
        // (M3, M5) since makes this longer than the truth, which errs on the safe side.
        Duration silence = e.length;
        if (adverAt_)
            silence = std::max(silence, now - (*adverAt_ - advertisementInterval()));
        if (silence < shortestPeerMasterDown())
            return;
        enterBackup(Reason::Stalled, now, advertisementInterval(), out); // no SendAdvert
        return;
    }
    case State::Backup:
        if (!masterDownAt_)
            return;
        if (e.length >= masterDownInterval()) {
            // RFC 9568 §6.4.2 B4 as if an advert had just arrived: the adverts that did arrive
            // are read next and decide.
            masterDownAt_ = now + masterDownInterval();
            downReason_ = Reason::MasterDown;
        } else if (*masterDownAt_ <= now) {
            masterDownAt_ = now + kReadFirst;
        }
        return;
    }
}

// The kernel lease ran out under a master: it did not renew in time (a stall the loop did not
// see as one, renewals that failed), so a peer may hold the VIPs by now. Step down as after a
// stall, without an advert; the VIPs that remain go too.
void VirtualRouter::on(const VipsExpired&, TimePoint now, Actions& out) {
    if (state_ != State::Master || owner_)
        return;
    enterBackup(Reason::LeaseExpired, now, advertisementInterval(), out);
}

} // namespace hafd::core
