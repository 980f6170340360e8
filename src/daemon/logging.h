// SPDX-License-Identifier: Apache-2.0
// Log sinks. Under journald (stderr is the journal stream) every line carries its syslog
// priority as an sd-daemon "<N>" prefix; otherwise lines go to stderr with a timestamp.
#pragma once

#include "common/log.h"

namespace hafd::daemon {

// Chooses the sink from the environment (JOURNAL_STREAM) and sets the threshold.
void setupLogging(log::Level threshold);

} // namespace hafd::daemon
