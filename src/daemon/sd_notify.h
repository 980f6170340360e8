// SPDX-License-Identifier: Apache-2.0
// sd-notify: READY=1 once sockets are open and instances started, STATUS= with a one-line
// summary, STOPPING=1, and WATCHDOG=1 when the unit asks for it. Harmless without systemd
// (NOTIFY_SOCKET unset: every call is a no-op).
#pragma once

#include "common/time.h"

#include <optional>
#include <string>

namespace hafd::daemon {

class SystemdNotifier {
public:
    void ready(const std::string& status);
    void status(const std::string& status);
    // RELOADING=1 with MONOTONIC_USEC (systemd 253's notify-reload wants it; 252 accepts it);
    // ready() ends the reload, whether the new file was taken or not.
    void reloading(TimePoint now);
    void stopping();
    // The interval to send WATCHDOG=1 at (half of WATCHDOG_USEC), if the watchdog is on.
    std::optional<Duration> watchdogInterval() const;
    void watchdog();

private:
    std::string lastStatus_;
};

} // namespace hafd::daemon
