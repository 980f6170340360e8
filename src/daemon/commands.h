// SPDX-License-Identifier: Apache-2.0
// Every command hafd runs (checks, notify; later fence and hooks) goes through here, to the one
// io::Runner (DESIGN.md §1): argv without a shell, as scripts.user and its groups (root only
// when the file says user = "root"), in a clean environment that holds PATH and the caller's
// HAFD_* variables, with a timeout after which the command's process group is killed.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "io/runner.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hafd::daemon {

class Commands {
public:
    explicit Commands(io::Runner& runner) : runner_(runner) {}

    // Resolves scripts.user and scripts.group on the host. An error names what does not exist;
    // commands then refuse to start (the start-up host checks report it first).
    void setIdentity(const config::Scripts& scripts);

    // Runs `command` with `args` appended to its argv and `env` ("HAFD_X=value") added to the
    // clean environment. `done` runs exactly once from the loop, unless cancelled. Returns the
    // runner's id (0 when the command cannot run at all: `done` then gets SpawnFailed from the
    // loop as well).
    uint64_t run(const config::Command& command, Duration timeout, std::vector<std::string> env,
                 io::Runner::Done done, const std::vector<std::string>& args = {});
    void cancel(uint64_t id) { runner_.cancel(id); }

    io::Runner& runner() { return runner_; }
    const std::string& user() const { return user_; }

private:
    io::Runner& runner_;
    std::optional<io::Credentials> as_;
    std::string user_;
    std::string identityError_;
};

} // namespace hafd::daemon
