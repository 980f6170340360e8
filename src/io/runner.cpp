// SPDX-License-Identifier: Apache-2.0
#include "io/runner.h"

#include "io/spawn.h"
#include "io/unique_fd.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hafd::io {

bool RunOutcome::ok() const {
    return end == End::Exited && exitCode == 0;
}

std::string RunOutcome::describe() const {
    char text[64];
    switch (end) {
    case End::Exited:
        std::snprintf(text, sizeof text, "exit %d", exitCode);
        return text;
    case End::Signaled:
        std::snprintf(text, sizeof text, "killed by signal %d", signal);
        return text;
    case End::TimedOut: {
        const double s = toSeconds(elapsed);
        std::snprintf(text, sizeof text,
                      s < 1 ? "timed out after %.2f s" : "timed out after %.1f s", s);
        return text;
    }
    case End::SpawnFailed:
        return "could not start: " + spawnStep + ": " + std::strerror(spawnError);
    }
    return "?";
}

// One command from run() to its report, and on until its slot is free: the leader reaped and
// the kill sequence, if any, over.
struct Runner::Job {
    uint64_t id = 0;
    RunSpec spec;
    Done done;
    RunOutcome outcome; // output as it arrives; the end once known
    pid_t pid = -1;     // and process group id
    UniqueFd output;    // closed at the end of output or at the report
    UniqueFd status;    // spawn.h: what failed before execve
    IoWatcher reader;
    ChildWatcher child;
    TimePoint started{};
    TimePoint deadline{};    // the timeout, while not reaped
    TimePoint eofDeadline{}; // reaped while the output is still open: report by then
    TimePoint killAt{};      // SIGKILL to the group, while killing
    TimePoint probeAt{};     // killing, leader reaped: whether the group is empty yet
    int waitStatus = 0;
    bool reaped = false;   // the leader is gone
    bool reported = false; // done ran, or never will (cancelled)
    bool killing = false;  // SIGTERM sent to the group, SIGKILL still to come
};

namespace {

void setEnd(RunOutcome& o, int waitStatus) {
    if (WIFSIGNALED(waitStatus)) {
        o.end = RunOutcome::End::Signaled;
        o.signal = WTERMSIG(waitStatus);
    } else {
        o.end = RunOutcome::End::Exited;
        o.exitCode = WEXITSTATUS(waitStatus);
    }
}

void setSpawnFailure(RunOutcome& o, const SysError& e) {
    o.end = RunOutcome::End::SpawnFailed;
    o.spawnError = e.code;
    o.spawnStep = e.what;
}

// Whether anything is left in process group `pgid`: a member we may not signal counts.
bool groupExists(pid_t pgid) {
    return kill(-pgid, 0) == 0 || errno != ESRCH;
}

// How often a group whose leader is gone is checked during the grace. Its other members may be
// zombies for a while (until their new parent reaps them), and they count.
constexpr Duration kGroupProbe = 20ms;

} // namespace

Runner::Runner(Loop& loop, std::size_t maxChildren, Duration killGrace)
    : loop_(loop), maxChildren_(std::max<std::size_t>(maxChildren, 1)), killGrace_(killGrace),
      scratch_(kReadChunk) {
    auto timer = PreciseTimer::create(loop, [this] { onTimer(); });
    if (timer)
        timer_ = std::move(*timer);
    else
        error_ = timer.error();
}

Runner::~Runner() {
    // A reaped leader whose group is not being killed finished normally: what it left behind
    // (a daemonized helper) is left alone, as it would be after the report.
    for (auto& [id, job] : running_)
        if (!job->reaped || job->killing)
            kill(-job->pid, SIGKILL);
}

const SysError* Runner::error() const {
    return error_ ? &*error_ : nullptr;
}

uint64_t Runner::run(RunSpec spec, Done done) {
    auto job = std::make_unique<Job>();
    job->id = nextId_++;
    job->spec = std::move(spec);
    job->done = std::move(done);
    const uint64_t id = job->id;
    if (!error_ && queued_.empty() && running_.size() < maxChildren_) {
        start(std::move(job));
    } else {
        queued_.push_back(std::move(job));
        counters_.queuedMax = std::max<uint64_t>(counters_.queuedMax, queued_.size());
    }
    return id;
}

void Runner::cancel(uint64_t id) {
    for (auto* list : {&queued_, &failed_}) {
        auto it = std::find_if(list->begin(), list->end(), [id](auto& j) { return j->id == id; });
        if (it != list->end()) {
            list->erase(it);
            return;
        }
    }
    Job* job = find(id);
    if (!job || job->reported)
        return;
    job->reported = true;
    job->done = nullptr;
    job->reader.stop();
    job->output.reset();
    if (!job->reaped)
        beginKill(*job, monotonicNow());
    retireIfDone(*job);
    rearm();
}

std::size_t Runner::running() const {
    return running_.size();
}
std::size_t Runner::queued() const {
    return queued_.size();
}
const Runner::Counters& Runner::counters() const {
    return counters_;
}

void Runner::start(std::unique_ptr<Job> job) {
    Job& j = *job;
    j.started = monotonicNow();
    auto child = spawn(j.spec);
    if (!child) {
        setSpawnFailure(j.outcome, child.error());
        failed_.push_back(std::move(job));
        rearm();
        return;
    }
    ++counters_.started;
    j.pid = child->pid;
    const uint64_t id = j.id;
    // Watched before the loop runs again: libev reaps every child it hears of, and a child
    // nobody watches is reaped without a word.
    j.child = ChildWatcher(loop_, j.pid, [this, id](pid_t, int status) { onReaped(id, status); });
    j.output = std::move(child->output);
    j.status = std::move(child->status);
    j.reader =
        IoWatcher(loop_, j.output.get(), IoWatcher::Read, [this, id](int) { onReadable(id); });
    j.deadline = j.started + j.spec.timeout;
    running_.emplace(id, std::move(job));
    rearm();
}

void Runner::startQueued() {
    while (!error_ && !queued_.empty() && running_.size() < maxChildren_) {
        auto job = std::move(queued_.front());
        queued_.pop_front();
        start(std::move(job));
    }
}

Runner::Job* Runner::find(uint64_t id) {
    auto it = running_.find(id);
    return it == running_.end() ? nullptr : it->second.get();
}

bool Runner::readOutput(Job& j) {
    if (!j.output)
        return false;
    const ssize_t n = ::read(j.output.get(), scratch_.data(), scratch_.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (n <= 0) {
        j.reader.stop(); // before the close: libev must not watch a closed descriptor
        j.output.reset();
        return false;
    }
    RunOutcome& o = j.outcome;
    const auto got = static_cast<std::size_t>(n);
    const std::size_t room = j.spec.outputLimit - std::min(o.output.size(), j.spec.outputLimit);
    o.output.append(scratch_.data(), std::min(got, room));
    o.outputBytes += got;
    o.truncated = o.outputBytes > o.output.size();
    return true;
}

void Runner::onReadable(uint64_t id) {
    retired_.clear();
    Job* j = find(id);
    if (!j || readOutput(*j))
        return;
    if (j->reaped && !j->reported) {
        setEnd(j->outcome, j->waitStatus);
        report(*j);
    }
}

void Runner::onReaped(uint64_t id, int status) {
    retired_.clear();
    Job* j = find(id);
    if (!j)
        return;
    j->reaped = true;
    j->waitStatus = status;
    // Nothing left to kill: the slot need not wait for the SIGKILL. While the leader lived, its
    // pid held the group id; from now on only the other members do, so the group is checked
    // again every kGroupProbe and, once empty, never signalled again (its id may be reused).
    if (j->killing) {
        j->killing = groupExists(j->pid);
        j->probeAt = monotonicNow() + kGroupProbe;
    }
    if (j->reported) {
        retireIfDone(*j);
        rearm();
        return;
    }
    if (auto failure = spawnFailure(j->status.get())) {
        setSpawnFailure(j->outcome, *failure);
        report(*j);
        return;
    }
    if (!readOutput(*j)) {
        setEnd(j->outcome, status);
        report(*j);
        return;
    }
    // Output still open: the rest is likely in flight, but a grandchild may hold the pipe for ever.
    j->eofDeadline = monotonicNow() + kEofWait;
    rearm();
}

void Runner::onTimer() {
    retired_.clear();
    // Failures before fork, oldest first; a `done` that tries again is reported on the next pass.
    for (std::size_t n = failed_.size(); n > 0 && !failed_.empty(); --n) {
        std::unique_ptr<Job> job = std::move(failed_.front());
        failed_.pop_front();
        ++counters_.spawnFailures;
        job->outcome.elapsed = monotonicNow() - job->started;
        if (job->done)
            job->done(job->outcome);
    }

    const TimePoint now = monotonicNow();
    std::vector<uint64_t> ids; // a `done` may start or cancel jobs: no iterator survives it
    ids.reserve(running_.size());
    for (const auto& [id, job] : running_)
        ids.push_back(id);
    for (const uint64_t id : ids) {
        Job* j = find(id);
        if (!j)
            continue;
        if (j->killing && (now >= j->killAt || (j->reaped && now >= j->probeAt))) {
            const bool left = !j->reaped || groupExists(j->pid);
            if (left && now >= j->killAt)
                kill(-j->pid, SIGKILL);
            j->killing = left && now < j->killAt;
            j->probeAt = now + kGroupProbe;
            retireIfDone(*j);
        } else if (j->reported) {
            continue;
        } else if (!j->reaped && now >= j->deadline) {
            // Reported now, not when the group is gone: the caller's decision does not wait for
            // a command that ignores SIGTERM.
            j->outcome.end = RunOutcome::End::TimedOut;
            beginKill(*j, now);
            report(*j);
        } else if (j->reaped && now >= j->eofDeadline) {
            readOutput(*j); // the last of what arrived, without waiting for the end
            setEnd(j->outcome, j->waitStatus);
            report(*j);
        }
    }
    rearm();
}

void Runner::beginKill(Job& j, TimePoint now) {
    kill(-j.pid, SIGTERM);
    kill(-j.pid, SIGCONT); // a stopped member acts on SIGTERM only once it runs
    j.killing = true;
    j.killAt = now + killGrace_;
}

void Runner::report(Job& j) {
    j.reported = true;
    j.reader.stop(); // a writer left behind (a grandchild) gets EPIPE, not a full pipe
    j.output.reset();
    j.status.reset();
    RunOutcome outcome = std::move(j.outcome);
    outcome.elapsed = monotonicNow() - j.started;
    if (outcome.end == RunOutcome::End::TimedOut)
        ++counters_.timedOut;
    if (outcome.end == RunOutcome::End::SpawnFailed)
        ++counters_.spawnFailures;
    Done done = std::move(j.done);
    retireIfDone(j); // j stays valid until the next entry from the loop
    rearm();
    if (done)
        done(outcome);
}

void Runner::retireIfDone(Job& j) {
    if (!j.reported || !j.reaped || j.killing)
        return;
    auto it = running_.find(j.id);
    if (it == running_.end())
        return;
    j.reader.stop();
    j.output.reset();
    j.status.reset();
    retired_.push_back(std::move(it->second));
    running_.erase(it);
    startQueued();
}

void Runner::rearm() {
    if (error_)
        return;
    std::optional<TimePoint> next;
    const auto consider = [&next](TimePoint t) {
        if (!next || t < *next)
            next = t;
    };
    if (!failed_.empty())
        consider(TimePoint{}); // at once, from the loop
    for (const auto& [id, j] : running_) {
        if (j->killing)
            consider(j->reaped ? std::min(j->killAt, j->probeAt) : j->killAt);
        if (!j->reported)
            consider(j->reaped ? j->eofDeadline : j->deadline);
    }
    if (!next) {
        if (timer_.armed())
            (void)timer_.disarm();
    } else if (!timer_.armed() || timer_.deadline() != *next) {
        (void)timer_.arm(*next);
    }
}

} // namespace hafd::io
