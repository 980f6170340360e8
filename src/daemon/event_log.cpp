// SPDX-License-Identifier: Apache-2.0
#include "daemon/event_log.h"

#include <algorithm>
#include <chrono>

namespace hafd::daemon {

void EventLog::record(std::string type, ctl::EventFields fields) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    ctl::Event e;
    e.seq = next_++;
    e.unixMillis = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
    e.type = std::move(type);
    e.fields = std::move(fields);
    std::string line = ctl::formatEvent(e);
    std::erase_if(followers_, [](const Follower& f) { return !f.reply.waiting(); });
    for (Follower& f : followers_)
        deliver(f, e.seq, line);
    history_.emplace_back(e.seq, std::move(line));
    if (history_.size() > kHistory)
        history_.pop_front();
}

void EventLog::deliver(Follower& f, uint64_t seq, const std::string& line) {
    if (f.missed > 0) {
        // The notice and the event go together or not at all, so the notice is never late.
        const std::string notice = ctl::formatMissed(f.missed, f.firstMissed, f.lastMissed);
        if (f.reply.stream(notice + line, kBacklog)) {
            f.missed = 0;
            return;
        }
    } else if (f.reply.stream(line, kBacklog)) {
        return;
    }
    if (f.missed++ == 0)
        f.firstMissed = seq;
    f.lastMissed = seq;
}

void EventLog::serve(std::optional<uint64_t> since, bool follow,
                     const ControlServer::Responder& reply) {
    const uint64_t oldest = history_.empty() ? next_ : history_.front().first;
    std::string out = ctl::formatEventsStart(oldest, next_);
    const uint64_t from = since.value_or(oldest);
    if (from < oldest && oldest > 1)
        out += ctl::formatMissed(oldest - std::max<uint64_t>(from, 1), std::max<uint64_t>(from, 1),
                                 oldest - 1);
    for (const auto& [seq, line] : history_)
        if (seq >= from)
            out += line;
    if (!follow) {
        reply.send(std::move(out));
        return;
    }
    // The history is at most kHistory lines; it is queued whole whatever the backlog limit.
    if (!reply.stream(out, out.size() + kBacklog))
        return;
    followers_.push_back(Follower{reply});
}

void EventLog::close(const std::string& reason) {
    for (Follower& f : followers_)
        f.reply.send(ctl::formatEventsEnd(reason));
    followers_.clear();
}

} // namespace hafd::daemon
