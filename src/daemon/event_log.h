// SPDX-License-Identifier: Apache-2.0
// The event history behind hafctl events (DESIGN.md §7, ctl/events.h for the format): the
// daemon records transitions, check changes, quorum changes, maintenance and reloads here;
// the last kHistory are kept, and every follower gets each new one as it happens.
//
// A reliable replacement for a notify FIFO: a follower that does not read is never waited for.
// Its unread backlog is bounded (kBacklog bytes); an event that does not fit is counted as
// missed, and the follower is told how many (and which sequence numbers) before the next one
// that fits. Nothing here blocks or grows without bound.
#pragma once

#include "ctl/events.h"
#include "daemon/control.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace hafd::daemon {

class EventLog {
public:
    static constexpr std::size_t kHistory = 1000;      // events kept for a new reader
    static constexpr std::size_t kBacklog = 64 * 1024; // bytes a follower may leave unread

    // Records an event now (wall clock) with the next sequence number.
    void record(std::string type, ctl::EventFields fields);

    // Answers an events request: the history from `since` (everything kept when absent; a
    // `since` older than the history is told as missed), then, when `follow`, every new event
    // until the client leaves or close().
    void serve(std::optional<uint64_t> since, bool follow, const ControlServer::Responder& reply);

    // Ends every stream with an "end" line (the daemon stops).
    void close(const std::string& reason);

    uint64_t next() const { return next_; }
    std::size_t followers() const { return followers_.size(); }

private:
    struct Follower {
        ControlServer::Responder reply;
        uint64_t missed = 0; // events not queued since the last one that was
        uint64_t firstMissed = 0;
        uint64_t lastMissed = 0;
    };
    void deliver(Follower& f, uint64_t seq, const std::string& line);

    std::deque<std::pair<uint64_t, std::string>> history_; // seq, formatted line
    uint64_t next_ = 1;
    std::vector<Follower> followers_;
};

} // namespace hafd::daemon
