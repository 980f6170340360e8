// SPDX-License-Identifier: Apache-2.0
// The one way the daemon runs an external command (DESIGN.md §1, STYLE.md habit 9): checks,
// notify scripts, fence and quorum hooks. A command runs from an argv with execve (no shell), with
// a fixed environment, as a given user, in its own process group, with its output bounded and a
// timeout after which the whole group is killed. Children are reaped through the loop (ev_child),
// output is read through the loop; nothing here blocks.
//
// Contract for callbacks: `done` runs from a loop callback, never from inside run() or cancel().
// It may call run() and cancel(); it must not destroy the Runner.
#pragma once

#include "common/time.h"
#include "io/loop.h"
#include "io/sys_error.h"

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hafd::io {

// Who a child runs as. nullopt in RunSpec: the daemon's own identity (the caller decides that
// root is allowed). `groups` replaces the supplementary groups (empty: none).
struct Credentials {
    uid_t uid;
    gid_t gid;
    std::vector<gid_t> groups;
};

struct RunSpec {
    // Bytes of a command's output kept by default: enough for a status line and a role
    // pattern, small enough that 32 children flooding their pipes cost nothing.
    static constexpr std::size_t kOutputLimit = 4096;

    std::vector<std::string> argv; // argv[0] an absolute path; executed with execve, never a shell
    std::vector<std::string> env; // "NAME=value": the child's whole environment (nothing inherited)
    std::optional<Credentials> as;
    // From the start of the child. At the timeout: SIGTERM to the whole process group, SIGKILL
    // to the group killGrace later.
    Duration timeout{};
    std::size_t outputLimit = kOutputLimit; // bytes of stdout+stderr kept; the rest is read and
                                            // discarded (counted in outputBytes)
};

struct RunOutcome {
    enum class End : uint8_t { Exited, Signaled, TimedOut, SpawnFailed };
    End end = End::SpawnFailed;
    int exitCode = -1;     // Exited
    int signal = 0;        // Signaled
    int spawnError = 0;    // SpawnFailed: errno of the step that failed (fork, setuid, execve...)
    std::string spawnStep; // SpawnFailed: that step, "execve", "setgid", "fork"...
    std::string output;    // the first outputLimit bytes of stdout and stderr, interleaved
    std::size_t outputBytes = 0; // all bytes read, kept or not
    bool truncated = false;      // outputBytes > output.size()
    Duration elapsed{};          // from the start of the child to the report

    // Exited with 0.
    bool ok() const;
    // "exit 1", "killed by signal 9", "timed out after 1.0 s",
    // "could not start: execve: No such file or directory".
    std::string describe() const;
};

class Runner {
public:
    using Done = std::function<void(const RunOutcome&)>;

    // How long the outcome waits for the end of output once the child has exited: a grandchild
    // (`sleep 100 &`) may hold the pipe open for ever.
    static constexpr Duration kEofWait = 100ms;
    // The most read from one child's pipe per loop callback, so a flood cannot starve the loop.
    static constexpr std::size_t kReadChunk = 64 * 1024;

    // Children alive at once by default. The queue behind them is bounded by its callers, each
    // of which keeps at most one job queued or running (a check, a notify queue, a fence per
    // instance, the quorum hook, the switchover).
    static constexpr std::size_t kMaxChildren = 32;

    // maxChildren: children alive at once (0 counts as 1); the rest wait in a queue.
    Runner(Loop& loop, std::size_t maxChildren = kMaxChildren, Duration killGrace = 1s);
    // SIGKILLs every process group still running (the loop reaps the leaders later, if it runs);
    // never runs callbacks.
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    // nullptr, or why this runner cannot work: the timerfd behind its deadlines could not be
    // created (EMFILE, ENOMEM). run() then queues and never starts anything; check it once after
    // construction.
    const SysError* error() const;

    // Starts now, or queues FIFO until a child slot frees. `done` runs exactly once, from a loop
    // callback, never from inside run() (also for spawn failures). Returns an id > 0.
    uint64_t run(RunSpec spec, Done done);
    // Forgets a queued or running job: `done` will not run. A running child's group gets SIGTERM,
    // then SIGKILL killGrace later; it keeps its slot until reaped. Unknown or finished ids: no-op.
    void cancel(uint64_t id);

    std::size_t running() const; // children alive (including timed-out ones being killed)
    std::size_t queued() const;

    struct Counters {
        uint64_t started = 0;       // children forked
        uint64_t timedOut = 0;      // outcomes TimedOut
        uint64_t spawnFailures = 0; // outcomes SpawnFailed (before or after fork)
        uint64_t queuedMax = 0;     // the longest the queue has been
    };
    const Counters& counters() const;

private:
    struct Job;

    void start(std::unique_ptr<Job> job);
    void startQueued();
    void onReadable(uint64_t id);
    void onReaped(uint64_t id, int status);
    void onTimer();
    bool readOutput(Job& job); // false once the pipe reached its end
    void report(Job& job);     // job.outcome is complete but for elapsed
    void beginKill(Job& job, TimePoint now);
    void retireIfDone(Job& job);
    void rearm();
    Job* find(uint64_t id);

    Loop& loop_;
    std::size_t maxChildren_;
    Duration killGrace_;
    std::optional<SysError> error_;
    PreciseTimer timer_; // the earliest deadline of all jobs; "now" for deferred reports
    uint64_t nextId_ = 1;
    std::map<uint64_t, std::unique_ptr<Job>> running_; // holding a child slot
    std::deque<std::unique_ptr<Job>> queued_;
    std::deque<std::unique_ptr<Job>> failed_; // failed before fork: reported from the timer
    // Finished jobs, freed on the next entry from the loop: a job may finish inside one of its
    // own watchers' callbacks, which must not destroy that watcher under its feet.
    std::vector<std::unique_ptr<Job>> retired_;
    std::vector<char> scratch_; // kReadChunk bytes
    Counters counters_;
};

} // namespace hafd::io
