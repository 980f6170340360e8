// SPDX-License-Identifier: Apache-2.0
// hafctl events (DESIGN.md §7): what happened, as JSON lines. The reply to an events request is
// a first line {"ok": true, "oldest": S, "next": N} (the history kept holds sequence numbers S
// to N - 1), then one line per event, oldest first:
//   {"seq": 42, "time": "2026-12-03T08:42:28.626Z", "type": "transition", "instance": "vi", …}
// and, while following, the events as they happen. Sequence numbers count every event since
// the daemon started, with no gaps: a reader that sees one skipped missed it, and is told so by
//   {"type": "missed", "count": 7, "first": 43, "last": 49}
// (events older than the history, or dropped while it did not read). A stream the daemon ends
// (it stops) ends with {"type": "end", "reason": "…"}.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hafd::ctl {

using EventValue = std::variant<std::string, int64_t, bool, std::vector<std::string>>;
using EventFields = std::vector<std::pair<std::string, EventValue>>;

struct Event {
    uint64_t seq = 0;
    int64_t unixMillis = 0; // wall clock
    std::string type;       // transition, check, quorum, maintenance, reload
    EventFields fields;     // after seq, time and type, in this order
};

// Each with its trailing newline.
std::string formatEvent(const Event& event);
std::string formatEventsStart(uint64_t oldest, uint64_t next);
std::string formatMissed(uint64_t count, uint64_t first, uint64_t last);
std::string formatEventsEnd(const std::string& reason);

} // namespace hafd::ctl
