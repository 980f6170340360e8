// SPDX-License-Identifier: Apache-2.0
// A control request: one JSON object on one line (hafctl(8) PROTOCOL). "command" names what to
// do; the other fields belong to some commands and are checked by name and type, so that a
// typo is an error rather than a request quietly done some other way:
//   {"command": "status"}   {"command": "reload"}
//   {"command": "events", "follow": true, "since": 120}
//   {"command": "maintenance", "on": true, "instance": "vi_web"}
//   {"command": "switchover", "instance": "vi_web", "to": "lb2"}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace hafd::ctl {

struct Request {
    explicit Request(std::string c = {}) : command(std::move(c)) {}

    std::string command;
    std::string instance;          // maintenance: one instance ("" = the whole node); switchover
    std::string to;                // switchover: the node to hand over to ("" = the first backup)
    std::optional<bool> on;        // maintenance: on or off
    bool follow = false;           // events: stream new events after the history
    std::optional<uint64_t> since; // events: from this sequence number (default: all kept)
};

// A request line; nullopt with `error` set when it is not a JSON object with a string
// "command", or a field is unknown or of the wrong type.
std::optional<Request> parseRequest(const std::string& line, std::string& error);
std::string formatRequest(const Request& request);

} // namespace hafd::ctl
