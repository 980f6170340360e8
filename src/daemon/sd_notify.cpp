// SPDX-License-Identifier: Apache-2.0
#include "daemon/sd_notify.h"

#include <systemd/sd-daemon.h>

namespace hafd::daemon {

void SystemdNotifier::ready(const std::string& status) {
    lastStatus_ = status;
    sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
}

void SystemdNotifier::status(const std::string& status) {
    if (status == lastStatus_)
        return;
    lastStatus_ = status;
    sd_notifyf(0, "STATUS=%s", status.c_str());
}

void SystemdNotifier::reloading(TimePoint now) {
    sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
               static_cast<unsigned long long>(now.time_since_epoch().count()));
}

void SystemdNotifier::stopping() {
    sd_notify(0, "STOPPING=1");
}

std::optional<Duration> SystemdNotifier::watchdogInterval() const {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return std::nullopt;
    return Duration(static_cast<int64_t>(usec / 2));
}

void SystemdNotifier::watchdog() {
    sd_notify(0, "WATCHDOG=1");
}

} // namespace hafd::daemon
