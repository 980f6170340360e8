// SPDX-License-Identifier: Apache-2.0
// The kernel side of the `process` check (DESIGN.md §5): find the tracked process by a scan of
// /proc (or through its pid file), then hold a pidfd on it so that its end is seen at once,
// without polling. Both work in any network namespace (the proc connector, a netlink socket,
// delivers its events in the initial one only) and for processes that are not our children: a
// pidfd becomes readable when its process exits and never reaps it.
//
// A pid names a process only while that process lives. PidWatch::open(loop, pid, matcher, ...)
// checks again, with the pidfd already held, that the pid still matches, so a pid reused between
// the scan and pidfd_open() is never watched.
#pragma once

#include "common/result.h"
#include "io/loop.h"
#include "io/sys_error.h"

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hafd::io {

// What identifies the tracked process.
struct ProcessMatch {
    // Exact /proc/PID/comm (as pgrep -x): at most 15 characters, the kernel keeps no more. Empty
    // when pidFile is used.
    std::string name;
    // Optional POSIX extended regex, searched (not anchored) in the command line's arguments after
    // argv[0], joined by single spaces. Empty: any arguments.
    std::string argsPattern;
    // Alternative to name: the pid read from this file (its first integer); the process must
    // exist.
    std::string pidFile;
};

// A ProcessMatch validated once, its pattern compiled. Move-only.
class ProcessMatcher {
public:
    // Errors name what is wrong: both or neither of name and pidFile set, a name longer than 15
    // characters, a pattern regcomp() rejects (with its reason).
    static Result<ProcessMatcher> compile(ProcessMatch match);

    ProcessMatcher();
    ProcessMatcher(ProcessMatcher&&) noexcept;
    ProcessMatcher& operator=(ProcessMatcher&&) noexcept;
    ~ProcessMatcher();

    const ProcessMatch& match() const { return match_; }

    // Whether `pid` matches now: a live process (no zombie) that is not a thread of another
    // one, not the caller, with the name (or named by the pid file) and the arguments asked for.
    bool matches(pid_t pid) const;

    struct Regex;

private:
    friend SysResult<std::vector<pid_t>> findProcesses(const ProcessMatcher& matcher);

    ProcessMatch match_;
    std::unique_ptr<Regex> args_; // null: any arguments
};

// The pids that match now (ascending), from one /proc scan (or the pid file). Skips threads,
// zombies and the caller itself. A missing pid file, or one naming a process that is gone, gives
// none; a pid file whose first integer is not a pid (<= 0, too large, none at all) is an error
// (EINVAL), never followed.
SysResult<std::vector<pid_t>> findProcesses(const ProcessMatcher& matcher);
// Compiles `match` first: a bad match is an error (EINVAL) whose text names what is wrong.
SysResult<std::vector<pid_t>> findProcesses(const ProcessMatch& match);

// A pidfd (pidfd_open) on one process, watched by the loop: `onExit` runs once, from the loop,
// when the process ends (the pidfd becomes readable; a zombie counts as ended). Nothing is
// reaped: the parent, whoever it is, still collects the exit status. Movable; destroying it
// stops the watch without a call.
class PidWatch {
public:
    using Callback = std::function<void()>;

    // Errors: ESRCH when no process has that pid (any more); for the id of a thread that does not
    // lead its process, ENOENT (kernel 6.9 on) or EINVAL (before); EINVAL for pid <= 0.
    static SysResult<PidWatch> open(Loop& loop, pid_t pid, Callback onExit);
    // open(), then checks with the pidfd held that `pid` still matches and is still alive: ESRCH
    // when it is gone, or when its pid now belongs to another process.
    static SysResult<PidWatch> open(Loop& loop, pid_t pid, const ProcessMatcher& matcher,
                                    Callback onExit);
    // The lowest matching pid that open(loop, pid, matcher, ...) accepts, found by one
    // findProcesses(). Inactive (active() false, pid() 0) when none does: no process matched, or
    // each ended or changed before its pidfd was checked.
    static SysResult<PidWatch> openFirst(Loop& loop, const ProcessMatcher& matcher,
                                         Callback onExit);

    PidWatch(); // inactive
    PidWatch(PidWatch&&) noexcept;
    PidWatch& operator=(PidWatch&&) noexcept;
    ~PidWatch();

    // The watched pid (still known after the exit was reported); 0 when never opened.
    pid_t pid() const;
    // True from open() until onExit has been called.
    bool active() const;

    struct State;

private:
    std::unique_ptr<State> s_;
};

} // namespace hafd::io
