// SPDX-License-Identifier: Apache-2.0
// The health checks (DESIGN.md §5): each configured check that a track uses runs at its
// interval through io (commands through Commands, TCP connects, file reads, pidfds on
// processes, the link table for interfaces); each result goes into a core::CheckState, and a
// change of health or role is reported to the tracker (`changed`).
//
// - exec, role: a run still going at its timeout is killed with its process group and counts
//   as a failure; the next run starts at the next interval, never skipped.
// - process: a scan at each interval (a success when a match runs), plus a pidfd on every
//   matching process (up to kMaxWatched): when the last one ends the check is down at once.
// - interface: the link's state, as a fact (no fall/rise), whenever the link table changes.
// - k_of_n: follows its members at once.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "core/check_output.h"
#include "core/check_state.h"
#include "daemon/commands.h"
#include "daemon/links.h"
#include "daemon/scheduler.h"
#include "io/loop.h"
#include "io/process_watch.h"
#include "io/tcp_probe.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hafd::daemon {

// A check at run time: its settings, its state and what status shows.
struct RunningCheck {
    config::Check cfg;
    core::CheckState state;
    // Status.
    uint64_t runs = 0;
    uint64_t failures = 0;
    uint64_t timeouts = 0;
    std::string lastResult; // "ok", "exit 1", "timed out after 1 s", "no process", "0", ...
    std::string lastOutput; // the first line of the last run's output (exec, role)
    std::optional<TimePoint> lastRunAt;
    std::optional<TimePoint> changedAt; // health or role last changed
    // How long the last finished run took: exec and role from the runner (fork to report), tcp
    // from the start of the connect to its end.
    std::optional<Duration> lastDuration;

    // The work under way.
    std::unique_ptr<Scheduler::Timer> timer;
    uint64_t job = 0;                     // the running command (exec, role)
    std::optional<io::TcpProbe> probe;    // tcp: made at the first run
    std::vector<io::PidWatch> watched;    // process
    std::string scanError;                // process: why the last scan failed ("" when it did not)
    std::vector<std::string> dependents;  // k_of_n checks that count this one
    std::optional<core::Pattern> pattern; // role: role_pattern, compiled once
    // Exec and role checks: added once to the wait after the first run, so that their runs
    // spread over the interval instead of forking all at once (bench/checks: 30 checks forked
    // in one pass held the loop for 0.6 s).
    Duration phase{};
    std::optional<io::ProcessMatcher> matcher; // process: compiled once (see Checks::start)

    explicit RunningCheck(const config::Check& c)
        : cfg(c), state(c.rise, c.fall),
          pattern(c.kind == config::CheckKind::Role ? core::Pattern::compile(c.pattern)
                                                    : std::nullopt) {}
};

class Checks {
public:
    // Up to this many processes of one process check are watched through pidfds.
    static constexpr std::size_t kMaxWatched = 64;

    using Changed = std::function<void(const std::string& check, TimePoint now)>;

    Checks(io::Loop& loop, Scheduler& scheduler, Commands& commands, const LinkTable& links,
           Changed changed);
    ~Checks();

    // The checks `used` names (those some track uses, and what their k_of_n checks count) from
    // `checks`: new ones start unknown and run at once, removed ones stop, changed ones restart
    // (unknown again) unless only their interval, timeout, fall or rise changed, which apply
    // from the next run.
    void configure(const std::vector<config::Check>& checks, const std::set<std::string>& used,
                   TimePoint now);
    // The graceful stop: every check stops (running commands are killed), and none reports.
    void stopAll();
    // The link table changed: interface checks look again.
    void linksChanged(TimePoint now);

    // Null when the check does not run.
    const RunningCheck* find(const std::string& name) const;
    const std::map<std::string, std::unique_ptr<RunningCheck>>& all() const { return checks_; }

private:
    void start(RunningCheck& c, TimePoint now);
    void stop(RunningCheck& c);
    void run(RunningCheck& c, TimePoint now);
    void runCommand(RunningCheck& c, TimePoint now);
    void runTcp(RunningCheck& c, TimePoint now);
    void runFile(RunningCheck& c, TimePoint now);
    void scanProcess(RunningCheck& c, TimePoint now);
    // Opens a pidfd on every match not watched yet (up to kMaxWatched); how many opened.
    std::size_t watchMatches(RunningCheck& c);
    // Spreads the command checks' runs over their intervals (RunningCheck::phase).
    void spreadCommands();
    void processEnded(const std::string& name, pid_t pid);
    void interfaceState(RunningCheck& c, TimePoint now);
    void followMembers(RunningCheck& c, TimePoint now);
    // One result of a run: into the state, into status; reports a change.
    void result(RunningCheck& c, bool ok, std::string what, std::string role, TimePoint now);
    // A fact: health at once.
    void fact(RunningCheck& c, core::Health h, std::string what, TimePoint now);
    void report(RunningCheck& c, bool changed, TimePoint now);

    io::Loop& loop_;
    Scheduler& scheduler_;
    Commands& commands_;
    const LinkTable& links_;
    Changed changed_;
    std::map<std::string, std::unique_ptr<RunningCheck>> checks_;
};

} // namespace hafd::daemon
