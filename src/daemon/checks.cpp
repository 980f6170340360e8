// SPDX-License-Identifier: Apache-2.0
#include "daemon/checks.h"

#include "common/log.h"
#include "core/check_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace hafd::daemon {

namespace {

using config::CheckKind;

// Only these differences keep a check's state across a reload: they change when and how hard it
// looks, not what it looks at.
bool sameTarget(const config::Check& a, const config::Check& b) {
    config::Check x = a;
    x.interval = b.interval;
    x.timeout = b.timeout;
    x.fall = b.fall;
    x.rise = b.rise;
    return x == b;
}

// A file check's file: at most 4 KiB of it (the number is at the start).
std::optional<std::string> readSmallFile(const std::string& path, int& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        error = errno;
        return std::nullopt;
    }
    std::array<char, 4096> buf;
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    error = n < 0 ? errno : 0;
    ::close(fd);
    if (n < 0)
        return std::nullopt;
    return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string seconds(Duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", toSeconds(d));
    return buf;
}

} // namespace

Checks::Checks(io::Loop& loop, Scheduler& scheduler, Commands& commands, const LinkTable& links,
               Changed changed)
    : loop_(loop), scheduler_(scheduler), commands_(commands), links_(links),
      changed_(std::move(changed)) {}

Checks::~Checks() {
    for (auto& [name, c] : checks_)
        stop(*c);
}

void Checks::configure(const std::vector<config::Check>& checks, const std::set<std::string>& used,
                       TimePoint now) {
    std::map<std::string, std::unique_ptr<RunningCheck>> next;
    for (const config::Check& cfg : checks) {
        if (!used.contains(cfg.name))
            continue;
        const auto it = checks_.find(cfg.name);
        if (it != checks_.end() && sameTarget(it->second->cfg, cfg)) {
            RunningCheck& c = *it->second;
            c.cfg = cfg;
            c.state.setThresholds(cfg.rise, cfg.fall);
            c.dependents.clear();
            next.emplace(cfg.name, std::move(it->second));
            checks_.erase(it);
            continue;
        }
        next.emplace(cfg.name, std::make_unique<RunningCheck>(cfg));
    }
    for (auto& [name, c] : checks_)
        stop(*c); // removed, or changed what it looks at
    checks_ = std::move(next);
    for (auto& [name, c] : checks_)
        if (c->cfg.kind == CheckKind::KOfN)
            for (const std::string& m : c->cfg.members)
                if (const auto it = checks_.find(m); it != checks_.end())
                    it->second->dependents.push_back(name);
    spreadCommands();
    for (auto& [name, c] : checks_)
        if (!c->timer && c->cfg.kind != CheckKind::KOfN && c->cfg.kind != CheckKind::Interface)
            start(*c, now);
    // Interface and k_of_n checks follow what they depend on, at once.
    linksChanged(now);
    for (auto& [name, c] : checks_)
        if (c->cfg.kind == CheckKind::KOfN)
            followMembers(*c, now);
}

void Checks::spreadCommands() {
    std::vector<RunningCheck*> commands;
    for (auto& [name, c] : checks_)
        if (c->cfg.kind == CheckKind::Exec || c->cfg.kind == CheckKind::Role)
            commands.push_back(c.get());
    const auto n = static_cast<int64_t>(commands.size());
    for (int64_t k = 0; k < n; ++k) {
        RunningCheck& c = *commands[static_cast<std::size_t>(k)];
        if (!c.timer) // a running check keeps its rhythm
            c.phase = c.cfg.interval * k / n;
    }
}

void Checks::stopAll() {
    for (auto& [name, c] : checks_)
        stop(*c);
    checks_.clear();
}

void Checks::linksChanged(TimePoint now) {
    for (auto& [name, c] : checks_)
        if (c->cfg.kind == CheckKind::Interface)
            interfaceState(*c, now);
}

const RunningCheck* Checks::find(const std::string& name) const {
    const auto it = checks_.find(name);
    return it == checks_.end() ? nullptr : it->second.get();
}

// The first run goes at once: a check starts unknown, and the instances that track it wait
// for it to be known (fall or rise results) before they start.
void Checks::start(RunningCheck& c, TimePoint now) {
    if (c.cfg.kind == CheckKind::Process) {
        io::ProcessMatch m;
        m.name = c.cfg.process;
        m.argsPattern = c.cfg.processArgs;
        m.pidFile = c.cfg.pidFile;
        auto matcher = io::ProcessMatcher::compile(std::move(m));
        if (matcher)
            c.matcher = std::move(*matcher);
        else
            log::error("check %s: %s", c.cfg.name.c_str(), matcher.error().message.c_str());
    }
    c.timer = std::make_unique<Scheduler::Timer>(scheduler_, [this, &c](TimePoint t) {
        c.timer->arm(t + c.cfg.interval + std::exchange(c.phase, Duration::zero()));
        run(c, t);
    });
    c.timer->arm(now);
}

void Checks::stop(RunningCheck& c) {
    c.timer.reset();
    if (c.job != 0)
        commands_.cancel(c.job); // its process group is killed
    c.job = 0;
    if (c.probe)
        c.probe->cancel();
    c.watched.clear();
}

void Checks::run(RunningCheck& c, TimePoint now) {
    switch (c.cfg.kind) {
    case CheckKind::Exec:
    case CheckKind::Role:
        runCommand(c, now);
        return;
    case CheckKind::Tcp:
        runTcp(c, now);
        return;
    case CheckKind::File:
        runFile(c, now);
        return;
    case CheckKind::Process:
        scanProcess(c, now);
        return;
    case CheckKind::Interface:
    case CheckKind::KOfN:
        return; // they follow events
    }
}

void Checks::runCommand(RunningCheck& c, TimePoint now) {
    if (c.job != 0) {
        // The runner still holds it back (every child slot busy): this interval is a failure,
        // not a silent skip.
        result(c, false, "not started: too many commands at once", "", now);
        return;
    }
    const std::string name = c.cfg.name;
    c.job = commands_.run(
        c.cfg.exec, c.cfg.timeout, {"HAFD_CHECK=" + name}, [this, name](const io::RunOutcome& o) {
            const auto it = checks_.find(name);
            if (it == checks_.end())
                return;
            RunningCheck& rc = *it->second;
            rc.job = 0;
            const TimePoint t = io::monotonicNow();
            rc.lastDuration = o.elapsed;
            rc.lastOutput = core::firstLine(o.output);
            if (o.end == io::RunOutcome::End::TimedOut)
                ++rc.timeouts;
            std::string role;
            bool ok = o.ok();
            std::string what = ok ? "ok" : o.describe();
            if (ok && rc.cfg.kind == CheckKind::Role) {
                const auto r = rc.pattern ? rc.pattern->role(o.output) : std::nullopt;
                ok = r.has_value();
                role = r.value_or("");
                what = ok ? "role " + role : "output does not match";
            }
            result(rc, ok, std::move(what), std::move(role), t);
        });
}

void Checks::runTcp(RunningCheck& c, TimePoint now) {
    if (c.probe && c.probe->running())
        return; // timeout < interval: cannot happen
    if (!c.probe) {
        auto probe = io::TcpProbe::create(loop_);
        if (!probe) {
            result(c, false, probe.error().message(), "", now);
            return;
        }
        c.probe = std::move(*probe);
    }
    const std::string name = c.cfg.name;
    c.probe->start(c.cfg.tcpAddress, c.cfg.tcpPort, c.cfg.timeout, [this, name, now](int rc) {
        const auto it = checks_.find(name);
        if (it == checks_.end())
            return;
        RunningCheck& r = *it->second;
        const TimePoint t = io::monotonicNow();
        r.lastDuration = t - now;
        if (rc == -ETIMEDOUT)
            ++r.timeouts;
        result(r, rc == 0,
               rc == 0            ? "connected"
               : rc == -ETIMEDOUT ? "timed out after " + seconds(r.cfg.timeout)
                                  : std::string("connect: ") + std::strerror(-rc),
               "", t);
    });
}

void Checks::runFile(RunningCheck& c, TimePoint now) {
    int error = 0;
    const auto text = readSmallFile(c.cfg.file, error);
    if (!text) {
        result(c, false, std::string("cannot read: ") + std::strerror(error), "", now);
        return;
    }
    const auto n = core::fileNumber(*text);
    if (!n) {
        result(c, false, "holds no number", "", now);
        return;
    }
    result(c, *n == 0, std::to_string(*n), "", now);
}

void Checks::scanProcess(RunningCheck& c, TimePoint now) {
    // While a pidfd watches a match, it runs: its end is reported at once, so no scan is needed
    // to know (scans cost a read of every /proc/PID/comm).
    if (!c.watched.empty()) {
        result(c, true, "pid " + std::to_string(c.watched.front().pid()), "", now);
        return;
    }
    if (!c.matcher) {
        result(c, false, "invalid process match", "", now);
        return;
    }
    const std::size_t alive = watchMatches(c);
    if (alive == 0)
        result(c, false, c.scanError.empty() ? "no process" : c.scanError, "", now);
    else
        result(c, true, "pid " + std::to_string(c.watched.front().pid()), "", now);
}

// A pidfd on each match not watched yet, so that the end of the last one is seen at once; one
// that ended (or whose pid was reused) since the scan does not count.
std::size_t Checks::watchMatches(RunningCheck& c) {
    const auto found = io::findProcesses(*c.matcher);
    c.scanError = found ? "" : found.error().message();
    if (!found)
        return 0;
    const std::string name = c.cfg.name;
    std::size_t opened = 0;
    for (const pid_t pid : *found) {
        if (c.watched.size() >= kMaxWatched)
            break;
        auto w = io::PidWatch::open(loop_, pid, *c.matcher,
                                    [this, name, pid] { processEnded(name, pid); });
        if (w) {
            c.watched.push_back(std::move(*w));
            ++opened;
        }
    }
    return opened;
}

// A watched process ended: if no other match runs, the check is down now (a fact, not a sample:
// fall does not apply). A restarted process is found by the next scans, through rise.
void Checks::processEnded(const std::string& name, pid_t pid) {
    const auto it = checks_.find(name);
    if (it == checks_.end())
        return;
    RunningCheck& c = *it->second;
    log::debug("check %s: process %d ended", name.c_str(), static_cast<int>(pid));
    std::erase_if(c.watched, [&](const io::PidWatch& w) { return w.pid() == pid; });
    // The others may be dying with it (killed with its process group, a SIGKILL pending):
    // they no longer count.
    if (c.matcher)
        std::erase_if(c.watched,
                      [&](const io::PidWatch& w) { return !c.matcher->matches(w.pid()); });
    if (!c.watched.empty())
        return;
    const TimePoint now = io::monotonicNow();
    // One that started since the last scan counts too (no run is recorded for this look).
    if (c.matcher && watchMatches(c) > 0)
        return;
    fact(c, core::Health::Down, "process " + std::to_string(pid) + " ended", now);
}

void Checks::interfaceState(RunningCheck& c, TimePoint now) {
    const io::LinkInfo* link = links_.find(c.cfg.interface);
    const bool up = link != nullptr && link->adminUp() && link->carrier();
    const char* what = link == nullptr ? "missing" : up ? "up" : "down";
    if (c.lastResult == what && c.state.health() != core::Health::Unknown)
        return;
    fact(c, up ? core::Health::Up : core::Health::Down, what, now);
}

void Checks::followMembers(RunningCheck& c, TimePoint now) {
    std::vector<core::Health> members;
    unsigned up = 0;
    for (const std::string& m : c.cfg.members) {
        const RunningCheck* r = find(m);
        members.push_back(r ? r->state.health() : core::Health::Unknown);
        up += members.back() == core::Health::Up ? 1U : 0U;
    }
    const core::Health h = core::kOfN(members, c.cfg.minUp);
    const std::string what = std::to_string(up) + " of " + std::to_string(members.size()) + " up";
    if (h == c.state.health() && what == c.lastResult)
        return;
    fact(c, h, what, now);
}

void Checks::result(RunningCheck& c, bool ok, std::string what, std::string role, TimePoint now) {
    ++c.runs;
    if (!ok)
        ++c.failures;
    c.lastRunAt = now;
    c.lastResult = std::move(what);
    report(c, c.state.record(ok, role), now);
}

void Checks::fact(RunningCheck& c, core::Health h, std::string what, TimePoint now) {
    if (c.cfg.kind != CheckKind::KOfN)
        ++c.runs;
    if (h == core::Health::Down)
        ++c.failures;
    c.lastRunAt = now;
    c.lastResult = std::move(what);
    report(c, c.state.force(h), now);
}

void Checks::report(RunningCheck& c, bool changed, TimePoint now) {
    if (!changed)
        return;
    c.changedAt = now;
    const std::string role = c.state.role().empty() ? "" : " (role " + c.state.role() + ")";
    log::notice("check %s: %s%s: %s", c.cfg.name.c_str(), core::healthName(c.state.health()),
                role.c_str(), c.lastResult.c_str());
    const std::vector<std::string> dependents = c.dependents;
    const std::string name = c.cfg.name;
    for (const std::string& d : dependents)
        if (const auto it = checks_.find(d); it != checks_.end())
            followMembers(*it->second, now);
    changed_(name, now);
}

} // namespace hafd::daemon
