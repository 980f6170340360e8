// SPDX-License-Identifier: Apache-2.0
// Log sinks. Under journald (stderr is the journal stream) every line carries its syslog
// priority as an sd-daemon "<N>" prefix; otherwise lines go to stderr with a timestamp.
// A line is at most kMaxLogLine bytes with its prefix and newline; a longer one (a message that
// quotes a peer's or a script's words at length) is cut and ends in kLogLineCut, so the next
// line still starts on a line of its own.
#pragma once

#include "common/log.h"

#include <cstddef>

namespace hafd::daemon {

inline constexpr std::size_t kMaxLogLine = 4096;
inline constexpr char kLogLineCut[] = "...\n";

// Chooses the sink from the environment (JOURNAL_STREAM) and sets the threshold.
void setupLogging(log::Level threshold);

} // namespace hafd::daemon
