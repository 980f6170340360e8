// SPDX-License-Identifier: Apache-2.0
// The control socket speaks one JSON object per line each way (nlohmann/json does the JSON).
// Requests: ctl/request.h. Replies: {"ok": true, …} or
// {"ok": false, "error": "…"}; a reload reply carries "message" and, when rejected, "details"
// (every diagnostic, file:line: setting: problem).
#pragma once

#include "ctl/request.h"
#include "ctl/status.h"

#include <optional>
#include <string>
#include <vector>

namespace hafd::ctl {

// The verdict of a command that changes something (reload).
struct Verdict {
    bool ok = false;
    std::string message;              // one line
    std::vector<std::string> details; // e.g. every configuration diagnostic
};

std::string formatStatusReply(const Status& status);
std::string formatErrorReply(const std::string& error);
std::string formatVerdictReply(const Verdict& verdict);

// Parses a reply line into status; false with `error` set for an error reply or bad JSON.
bool parseStatusReply(const std::string& line, Status& status, std::string& error);
// Parses a verdict; false with `error` set only when the line is not a verdict at all.
bool parseVerdictReply(const std::string& line, Verdict& verdict, std::string& error);

} // namespace hafd::ctl
