// SPDX-License-Identifier: Apache-2.0
// The control socket speaks one JSON object per line each way (nlohmann/json does the JSON).
// Requests: {"command": "status"}. Replies: {"ok": true, …} or {"ok": false, "error": "…"}.
#pragma once

#include "ctl/status.h"

#include <optional>
#include <string>

namespace hafd::ctl {

struct Request {
    std::string command;
};

// A request line; nullopt with `error` set when it is not a JSON object with a string "command".
std::optional<Request> parseRequest(const std::string& line, std::string& error);
std::string formatRequest(const Request& request);

std::string formatStatusReply(const Status& status);
std::string formatErrorReply(const std::string& error);

// Parses a reply line into status; false with `error` set for an error reply or bad JSON.
bool parseStatusReply(const std::string& line, Status& status, std::string& error);

} // namespace hafd::ctl
