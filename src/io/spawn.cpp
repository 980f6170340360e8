// SPDX-License-Identifier: Apache-2.0
#include "io/spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <iterator>
#include <vector>

namespace hafd::io {

namespace {

// The steps of the child's set-up, in order; a failure reports its index.
enum class Step : int32_t {
    DupStatus,
    SignalMask,
    ProcessGroup,
    Stdout,
    Stdin,
    CloseFds,
    SetGroups,
    SetGid,
    SetUid,
    DeathSignal,
    Exec,
};
constexpr const char* kStepNames[] = {
    "fcntl(F_DUPFD_CLOEXEC)",
    "sigprocmask",
    "setpgid",
    "dup2(stdout)",
    "open(/dev/null)",
    "close_range",
    "setgroups",
    "setgid",
    "setuid",
    "prctl(PR_SET_PDEATHSIG)",
    "execve",
};

// What the child writes to the status pipe: 8 bytes, far below PIPE_BUF, so one write is atomic.
struct StatusRecord {
    int32_t step;
    int32_t error;
};

// Everything the child needs, prepared before fork(): after it, the child may only make
// async-signal-safe calls (no allocation: the daemon's heap lock may be held by nobody).
struct ChildPlan {
    const char* path;
    char* const* argv;
    char* const* envp;
    bool changeIdentity; // false: the daemon's own uid, gid and groups
    const gid_t* groups;
    std::size_t groupCount;
    uid_t uid;
    gid_t gid;
    pid_t parent;
    int output; // write end of the output pipe
    int status; // write end of the status pipe (close-on-exec)
};

[[noreturn]] void failStep(int statusFd, Step step) {
    const StatusRecord rec{static_cast<int32_t>(step), errno};
    (void)!write(statusFd, &rec, sizeof rec);
    _exit(127);
}

// A descriptor at 3 or above, so that setting up 0, 1 and 2 cannot overwrite it.
int aboveStdio(int fd) {
    return fd > STDERR_FILENO ? fd : fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
}

[[noreturn]] void runChild(const ChildPlan& p) {
    const int status = aboveStdio(p.status);
    if (status < 0)
        failStep(p.status, Step::DupStatus);
    const int output = aboveStdio(p.output);
    if (output < 0)
        failStep(status, Step::DupStatus);

    // Dispositions first, the mask after: a signal arriving in between must not run one of the
    // daemon's handlers (libev's writes to a descriptor the daemon shares with us). Ignored
    // dispositions would survive execve (the daemon ignores SIGPIPE); handled ones reset anyway.
    // sigaction() fails for SIGKILL, SIGSTOP and glibc's reserved signals: nothing to reset there.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig)
        sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, nullptr) < 0)
        failStep(status, Step::SignalMask);

    // Its own group, so a timeout kills the command and whatever it started. The parent sets it
    // too, so it holds whichever of the two runs first.
    if (setpgid(0, 0) < 0)
        failStep(status, Step::ProcessGroup);

    // 1 and 2 to the pipe, 0 from /dev/null. `output` is above 2, so dup2 makes new descriptors
    // without close-on-exec. /dev/null opens without close-on-exec in case it lands on 0 itself.
    if (dup2(output, STDOUT_FILENO) < 0 || dup2(output, STDERR_FILENO) < 0)
        failStep(status, Step::Stdout);
    const int null = open("/dev/null", O_RDONLY);
    if (null < 0 || (null != STDIN_FILENO && dup2(null, STDIN_FILENO) < 0))
        failStep(status, Step::Stdin);

    // Every other descriptor closed, but for the status pipe, which execve closes (close-on-exec):
    // moved to 3 so that one range covers the rest.
    if (status != 3 && dup3(status, 3, O_CLOEXEC) < 0)
        failStep(status, Step::CloseFds);
    if (close_range(4, ~0U, 0) < 0)
        failStep(3, Step::CloseFds);

    // Groups and gid need the privilege that setuid() gives up: this order, and no step skipped.
    if (p.changeIdentity) {
        if (setgroups(p.groupCount, p.groups) < 0)
            failStep(3, Step::SetGroups);
        if (setgid(p.gid) < 0)
            failStep(3, Step::SetGid);
        if (setuid(p.uid) < 0)
            failStep(3, Step::SetUid);
    }

    // After the identity change, which clears the parent-death signal (prctl(2)). The daemon may
    // have died before this call: then nobody would send the signal, so check who the parent is.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        failStep(3, Step::DeathSignal);
    if (getppid() != p.parent)
        _exit(127);

    execve(p.path, p.argv, p.envp);
    failStep(3, Step::Exec);
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (const auto& s : strings)
        out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

} // namespace

SysResult<Spawned> spawn(const RunSpec& spec) {
    if (spec.argv.empty() || spec.argv[0].empty() || spec.argv[0][0] != '/')
        return sysFail(EINVAL, "argv");
    const std::vector<char*> argv = pointers(spec.argv);
    const std::vector<char*> envp = pointers(spec.env);

    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return sysFail(errno, "pipe2");
    UniqueFd outRead(out[0]), outWrite(out[1]);
    int st[2];
    if (pipe2(st, O_CLOEXEC | O_NONBLOCK) < 0)
        return sysFail(errno, "pipe2");
    UniqueFd statusRead(st[0]), statusWrite(st[1]);
    // Only our end: O_NONBLOCK belongs to the open file, and a child whose stdout returned EAGAIN
    // would fail where a terminal or a file would have blocked.
    if (fcntl(outRead.get(), F_SETFL, O_NONBLOCK) < 0)
        return sysFail(errno, "fcntl(O_NONBLOCK)");

    ChildPlan plan{};
    plan.path = argv[0];
    plan.argv = argv.data();
    plan.envp = envp.data();
    if (spec.as) {
        plan.changeIdentity = true;
        plan.groups = spec.as->groups.data(); // setgroups(0, ...) drops them all
        plan.groupCount = spec.as->groups.size();
        plan.uid = spec.as->uid;
        plan.gid = spec.as->gid;
    }
    plan.parent = getpid();
    plan.output = outWrite.get();
    plan.status = statusWrite.get();

    // Every signal blocked across fork(), so none reaches the child before its set-up reset the
    // dispositions it inherited.
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);
    const pid_t pid = fork();
    if (pid == 0)
        runChild(plan);
    const int forkError = errno;
    sigprocmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0)
        return sysFail(forkError, "fork");
    // EACCES once the child has called execve, which it only does after its own setpgid.
    setpgid(pid, pid);
    return Spawned{pid, std::move(outRead), std::move(statusRead)};
}

std::optional<SysError> spawnFailure(int statusFd) {
    StatusRecord rec{};
    if (read(statusFd, &rec, sizeof rec) != static_cast<ssize_t>(sizeof rec))
        return std::nullopt;
    const auto step = static_cast<std::size_t>(rec.step);
    return SysError{rec.error, step < std::size(kStepNames) ? kStepNames[step] : "spawn"};
}

} // namespace hafd::io
