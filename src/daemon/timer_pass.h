// SPDX-License-Identifier: Apache-2.0
// The timer pass: every timer due now runs (routers' protocol deadlines, paced announcements,
// the daemon's own), with the adverts of the whole pass queued per socket and sent at the end,
// one sendmmsg() per socket: 250 masters that started together send their 250 adverts in one
// system call instead of 250. An instance still flushes its socket before it touches its VIPs
// (daemon/instance.cpp), so no advert trails the address changes that follow it.
#pragma once

#include "common/time.h"
#include "daemon/binder.h"
#include "daemon/scheduler.h"

namespace hafd::daemon {

void runTimerPass(Scheduler& scheduler, const Binder::Channels& channels, TimePoint now);

} // namespace hafd::daemon
