// SPDX-License-Identifier: Apache-2.0
// keepalived's scripts are one command line (`script "/usr/bin/check --port 80"`), which it
// splits into words itself, honouring quotes, and runs without a shell. hafd's commands are an
// argv: this splits the line the same way, and says what it cannot split (shell syntax such as
// pipes, redirections, variables, which keepalived would pass on as literal words).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hafd::import {

struct CommandLine {
    std::vector<std::string> argv;
    std::string problem; // non-empty: argv is not to be used
};

CommandLine splitCommandLine(std::string_view line);

} // namespace hafd::import
