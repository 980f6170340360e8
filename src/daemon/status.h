// SPDX-License-Identifier: Apache-2.0
// What `hafctl status` shows (ctl/status.h), from the daemon's running objects: an instance's
// router, binding and record, and an advert socket's counters.
#pragma once

#include "common/time.h"
#include "ctl/status.h"
#include "daemon/checks.h"
#include "daemon/instance.h"
#include "daemon/links.h"
#include "daemon/sockets.h"
#include "daemon/stall_watch.h"
#include "daemon/vip_leases.h"

namespace hafd::daemon {

ctl::InstanceStatus instanceStatus(const Instance& instance, TimePoint now);
ctl::SocketStatus socketStatus(const Socket& socket);
// The health each track of `s` sees now (instanceStatus() fills what the instance knows).
void addTrackHealth(ctl::InstanceStatus& s, const config::Instance& cfg, const Checks& checks,
                    const LinkTable& links);
// The kernel lease left on the VIPs `s`'s instance installed (ctl::InstanceStatus::leaseRemaining).
void addLeaseRemaining(ctl::InstanceStatus& s, const Instance& instance, const VipLeases& leases,
                       TimePoint now);
ctl::CheckStatus checkStatus(const RunningCheck& check, TimePoint now);
ctl::StallStatus stallStatus(const StallWatch& stalls, TimePoint now);

} // namespace hafd::daemon
