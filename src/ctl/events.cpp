// SPDX-License-Identifier: Apache-2.0
#include "ctl/events.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

namespace hafd::ctl {

using nlohmann::ordered_json;

namespace {

// RFC 3339 in UTC with milliseconds: sorts as text, reads at a glance.
std::string rfc3339(int64_t unixMillis) {
    const std::time_t secs = static_cast<std::time_t>(unixMillis / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(unixMillis % 1000));
    return buf;
}

} // namespace

std::string formatEvent(const Event& event) {
    ordered_json j{{"seq", event.seq}, {"time", rfc3339(event.unixMillis)}, {"type", event.type}};
    for (const auto& [key, value] : event.fields)
        std::visit([&j, &k = key](const auto& v) { j[k] = v; }, value);
    return j.dump() + "\n";
}

std::string formatEventsStart(uint64_t oldest, uint64_t next) {
    return ordered_json{{"ok", true}, {"oldest", oldest}, {"next", next}}.dump() + "\n";
}

std::string formatMissed(uint64_t count, uint64_t first, uint64_t last) {
    return ordered_json{{"type", "missed"}, {"count", count}, {"first", first}, {"last", last}}
               .dump() +
           "\n";
}

std::string formatEventsEnd(const std::string& reason) {
    return ordered_json{{"type", "end"}, {"reason", reason}}.dump() + "\n";
}

} // namespace hafd::ctl
