// SPDX-License-Identifier: Apache-2.0
// The log lines a test causes: while a LogCapture lives, every line goes to it instead of the
// log's sink, so a test can count how often something was said.
#pragma once

#include "common/log.h"

#include <string>
#include <string_view>
#include <vector>

namespace hafd::daemon::test {

class LogCapture {
public:
    LogCapture() {
        lines().clear();
        log::setSink([](log::Level, std::string_view m) { lines().emplace_back(m); });
    }
    ~LogCapture() { log::setSink(nullptr); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    // The lines captured that contain `needle`.
    int count(const std::string& needle) const {
        int n = 0;
        for (const auto& l : lines())
            n += l.find(needle) != std::string::npos;
        return n;
    }

private:
    static std::vector<std::string>& lines() {
        static std::vector<std::string> captured;
        return captured;
    }
};

} // namespace hafd::daemon::test
