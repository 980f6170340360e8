// SPDX-License-Identifier: Apache-2.0
// The fork/exec half of io::Runner: a child set up exactly as RunSpec says, with nothing of the
// daemon left in it (signal handlers and mask, file descriptors, environment, identity). What
// fails in the child before execve comes back through a close-on-exec status pipe as the step and
// its errno, never as an exit status a command could also produce.
#pragma once

#include "io/runner.h"
#include "io/sys_error.h"
#include "io/unique_fd.h"

#include <sys/types.h>

#include <optional>

namespace hafd::io {

struct Spawned {
    pid_t pid = -1;  // also its process group id
    UniqueFd output; // read end of the child's stdout and stderr: non-blocking, close-on-exec
    UniqueFd status; // read end of the status pipe: non-blocking, close-on-exec
};

// Forks and execs spec.argv[0]. Fails only for what happens before the fork: an argv that is
// empty or not absolute (EINVAL, "argv"), pipe2, fork. The caller must watch the pid
// (ChildWatcher) before the loop runs again: libev reaps every child, and a child nobody watches
// is reaped without a word.
SysResult<Spawned> spawn(const RunSpec& spec);

// Once the child has been reaped: the step that failed in it before execve ("setuid: Operation
// not permitted"), or nullopt when execve succeeded or the child was killed before that.
std::optional<SysError> spawnFailure(int statusFd);

} // namespace hafd::io
