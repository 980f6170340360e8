// SPDX-License-Identifier: Apache-2.0
#include "io/process_watch.h"

#include "io/unique_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstddef>
#include <limits>
#include <string_view>

namespace hafd::io {

// regcomp()'s output, freed once (regfree) and only if regcomp() succeeded.
struct ProcessMatcher::Regex {
    regex_t re{};
    bool compiled = false;

    Regex() = default;
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;
    ~Regex() {
        if (compiled)
            regfree(&re);
    }
};

namespace {

// The kernel keeps TASK_COMM_LEN - 1 = 15 bytes of a process name.
constexpr std::size_t kCommMax = 15;
// Enough for any pid file's first integer after some white space.
constexpr std::size_t kPidFileMax = 128;

// Reads `name` relative to directory `dir` into `out`, at most `limit` bytes; false on any error
// (a process that ended in between reads as ESRCH).
bool readAt(int dir, const char* name, std::string& out, std::size_t limit) {
    UniqueFd fd(::openat(dir, name, O_RDONLY | O_CLOEXEC));
    if (!fd)
        return false;
    out.clear();
    char buf[4096];
    while (out.size() < limit) {
        const ssize_t n = ::read(fd.get(), buf, std::min(sizeof buf, limit - out.size()));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return true;
}

// The value of the line "<key>:" in a /proc/PID/status text; empty if there is none.
std::string_view statusField(std::string_view status, std::string_view key) {
    std::size_t at = 0;
    while (at < status.size()) {
        const std::size_t end = std::min(status.find('\n', at), status.size());
        const std::string_view line = status.substr(at, end - at);
        if (line.size() > key.size() && line.substr(0, key.size()) == key &&
            line[key.size()] == ':') {
            std::string_view value = line.substr(key.size() + 1);
            while (!value.empty() && (value.front() == '\t' || value.front() == ' '))
                value.remove_prefix(1);
            return value;
        }
        at = end + 1;
    }
    return {};
}

// Whether a SIGKILL is pending in a SigPnd/ShdPnd mask (hex, bit 0 = signal 1). A killed process
// may wait tens of ms for a CPU to run its exit on a busy host; it is as good as gone, and
// counting it would hold a check up that long after its service was killed (a shell's child
// between fork and exec carries the shell's name, and dies with it).
bool killPending(std::string_view mask) {
    uint64_t bits = 0;
    const auto [ptr, ec] = std::from_chars(mask.data(), mask.data() + mask.size(), bits, 16);
    return ec == std::errc() && (bits & (uint64_t{1} << (SIGKILL - 1))) != 0;
}

// Whether the process whose /proc directory is `dir` is alive (neither zombie nor dead nor
// killed) and leads its thread group (a thread's id is no process's pid).
bool liveLeader(int dir, pid_t pid) {
    std::string status;
    if (!readAt(dir, "status", status, 64 * 1024))
        return false;
    const std::string_view state = statusField(status, "State");
    if (state.empty() || state.front() == 'Z' || state.front() == 'X')
        return false;
    if (killPending(statusField(status, "ShdPnd")) || killPending(statusField(status, "SigPnd")))
        return false;
    const std::string_view tgid = statusField(status, "Tgid");
    pid_t leader = 0;
    std::from_chars(tgid.data(), tgid.data() + tgid.size(), leader);
    return leader == pid;
}

// The arguments after argv[0], joined by single spaces, from /proc/PID/cmdline (NUL-separated).
bool readArgs(int dir, std::string& args) {
    std::string cmdline;
    if (!readAt(dir, "cmdline", cmdline, std::numeric_limits<std::size_t>::max()))
        return false;
    if (!cmdline.empty() && cmdline.back() == '\0')
        cmdline.pop_back();
    const std::size_t first = cmdline.find('\0');
    args = first == std::string::npos ? std::string() : cmdline.substr(first + 1);
    std::replace(args.begin(), args.end(), '\0', ' ');
    return true;
}

// Whether the process in `dir` is a live leader with the name (when one is asked for) and the
// arguments of `match`. The pid file, if any, was checked by the caller.
bool candidate(const ProcessMatch& match, const ProcessMatcher::Regex* args, int dir, pid_t pid) {
    if (!match.name.empty()) {
        std::string comm;
        if (!readAt(dir, "comm", comm, 64))
            return false;
        if (!comm.empty() && comm.back() == '\n')
            comm.pop_back();
        if (comm != match.name)
            return false;
    }
    if (!liveLeader(dir, pid))
        return false;
    if (!args)
        return true;
    std::string text;
    return readArgs(dir, text) && regexec(&args->re, text.c_str(), 0, nullptr, 0) == 0;
}

UniqueFd openProcDir(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid);
    return UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

// The pid in a pid file: its first integer, after optional white space. 0 when the file does not
// exist (the process is not running); EINVAL when the file holds no pid.
SysResult<pid_t> readPidFile(const std::string& path) {
    // O_NONBLOCK: a FIFO put in its place must not block the loop.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd) {
        if (errno == ENOENT)
            return pid_t{0};
        return sysFail(errno, "open pid file " + path);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0)
        return sysFail(errno, "stat pid file " + path);
    if (!S_ISREG(st.st_mode))
        return sysFail(EINVAL, "pid file " + path + " is not a regular file");
    char buf[kPidFileMax];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) < 0 && errno == EINTR) {
    }
    if (n < 0)
        return sysFail(errno, "read pid file " + path);
    std::string_view text(buf, static_cast<std::size_t>(n));
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n'))
        text.remove_prefix(1);
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || value <= 0 || value > std::numeric_limits<pid_t>::max())
        return sysFail(EINVAL, "pid file " + path + " holds no pid");
    return static_cast<pid_t>(value);
}

struct DirClose {
    void operator()(DIR* d) const { ::closedir(d); }
};

// Every process in /proc that candidate() accepts.
SysResult<std::vector<pid_t>> scanProc(const ProcessMatch& match,
                                       const ProcessMatcher::Regex* args) {
    std::unique_ptr<DIR, DirClose> proc(::opendir("/proc"));
    if (!proc)
        return sysFail(errno, "opendir /proc");
    const pid_t self = ::getpid();
    std::vector<pid_t> found;
    for (;;) {
        errno = 0;
        const dirent* e = ::readdir(proc.get());
        if (!e) {
            if (errno != 0)
                return sysFail(errno, "readdir /proc");
            break;
        }
        // Only thread-group leaders are listed; other entries ("self", "net"...) are not numbers.
        const std::string_view name(e->d_name);
        pid_t pid = 0;
        const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (ec != std::errc() || end != name.data() + name.size() || pid <= 0 || pid == self)
            continue;
        UniqueFd dir(::openat(::dirfd(proc.get()), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dir && candidate(match, args, dir.get(), pid))
            found.push_back(pid);
    }
    std::sort(found.begin(), found.end());
    return found;
}

// A pidfd on `pid`, or -errno.
int openPidfd(pid_t pid) {
    if (pid <= 0)
        return -EINVAL;
    // The system call itself: glibc 2.36's <sys/pidfd.h> lacks extern "C", so its wrapper cannot
    // be linked from C++. A pidfd is always close-on-exec.
    const long fd = ::syscall(SYS_pidfd_open, pid, 0U);
    return fd < 0 ? -errno : static_cast<int>(fd);
}

// Whether the process behind `pidfd` has ended (the pidfd polls readable from its exit on,
// zombie or not).
bool ended(int pidfd) {
    pollfd p{pidfd, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0; // an error counts as ended: the caller then looks elsewhere
}

// A pidfd on `pid` once it is known to hold the process `matcher` describes, or -errno (-ESRCH
// when it does not). The order is what makes this safe: the pidfd pins one process; if that
// process is still alive after /proc showed a match, the pid was its own all along, so /proc
// described that very process and not one that inherited its pid.
int openMatching(pid_t pid, const ProcessMatcher& matcher) {
    const int fd = openPidfd(pid);
    if (fd < 0)
        return fd;
    UniqueFd owned(fd);
    if (!matcher.matches(pid) || ended(fd))
        return -ESRCH;
    return owned.release();
}

std::string pidfdWhat(pid_t pid) {
    return "pidfd_open(" + std::to_string(pid) + ")";
}

} // namespace

// ---------------------------------------------------------------------------------------------
// ProcessMatcher

Result<ProcessMatcher> ProcessMatcher::compile(ProcessMatch match) {
    if (match.name.empty() == match.pidFile.empty())
        return fail("a process check needs a name or a pid file: exactly one of them");
    if (match.name.size() > kCommMax)
        return fail("process name '" + match.name + "' is longer than " + std::to_string(kCommMax) +
                    " characters: the kernel keeps no more of it, so it never matches");
    ProcessMatcher m;
    if (!match.argsPattern.empty()) {
        m.args_ = std::make_unique<Regex>();
        const int rc = regcomp(&m.args_->re, match.argsPattern.c_str(), REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[256];
            regerror(rc, &m.args_->re, why, sizeof why);
            return fail("bad argument pattern '" + match.argsPattern + "': " + why);
        }
        m.args_->compiled = true;
    }
    m.match_ = std::move(match);
    return m;
}

ProcessMatcher::ProcessMatcher() = default;
ProcessMatcher::ProcessMatcher(ProcessMatcher&&) noexcept = default;
ProcessMatcher& ProcessMatcher::operator=(ProcessMatcher&&) noexcept = default;
ProcessMatcher::~ProcessMatcher() = default;

bool ProcessMatcher::matches(pid_t pid) const {
    if (pid <= 0 || pid == ::getpid())
        return false;
    if (!match_.pidFile.empty()) {
        const auto named = readPidFile(match_.pidFile);
        if (!named || *named != pid)
            return false;
    }
    const UniqueFd dir = openProcDir(pid);
    return dir && candidate(match_, args_.get(), dir.get(), pid);
}

// ---------------------------------------------------------------------------------------------
// findProcesses

SysResult<std::vector<pid_t>> findProcesses(const ProcessMatcher& matcher) {
    const ProcessMatch& match = matcher.match_;
    if (match.pidFile.empty())
        return scanProc(match, matcher.args_.get());
    const auto pid = readPidFile(match.pidFile);
    if (!pid)
        return Unexpected{pid.error()};
    if (*pid == 0 || *pid == ::getpid())
        return std::vector<pid_t>{};
    const UniqueFd dir = openProcDir(*pid);
    if (!dir || !candidate(match, matcher.args_.get(), dir.get(), *pid))
        return std::vector<pid_t>{};
    return std::vector<pid_t>{*pid};
}

SysResult<std::vector<pid_t>> findProcesses(const ProcessMatch& match) {
    auto matcher = ProcessMatcher::compile(match);
    if (!matcher)
        return sysFail(EINVAL, matcher.error().message);
    return findProcesses(*matcher);
}

// ---------------------------------------------------------------------------------------------
// PidWatch

struct PidWatch::State {
    pid_t pid = 0;
    UniqueFd fd;
    IoWatcher io; // after fd: stopped before the descriptor closes
    Callback onExit;
    bool active = false;

    // One-shot: the pidfd stays readable once the process has ended.
    void onReadable() {
        active = false;
        io.stop();
        fd.reset();
        Callback cb = std::move(onExit);
        onExit = nullptr;
        if (cb)
            cb(); // may destroy *this: nothing after this
    }

    static std::unique_ptr<State> watch(Loop& loop, pid_t pid, int pidfd, Callback& onExit) {
        auto s = std::make_unique<State>();
        s->pid = pid;
        s->fd.reset(pidfd);
        s->onExit = std::move(onExit);
        s->active = true;
        State* self = s.get(); // on the heap: moving the PidWatch does not move it
        s->io = IoWatcher(loop, pidfd, IoWatcher::Read, [self](int) { self->onReadable(); });
        return s;
    }
};

SysResult<PidWatch> PidWatch::open(Loop& loop, pid_t pid, Callback onExit) {
    const int fd = openPidfd(pid);
    if (fd < 0)
        return sysFail(-fd, pidfdWhat(pid));
    PidWatch w;
    w.s_ = State::watch(loop, pid, fd, onExit);
    return w;
}

SysResult<PidWatch> PidWatch::open(Loop& loop, pid_t pid, const ProcessMatcher& matcher,
                                   Callback onExit) {
    const int fd = openMatching(pid, matcher);
    if (fd < 0)
        return sysFail(-fd, pidfdWhat(pid));
    PidWatch w;
    w.s_ = State::watch(loop, pid, fd, onExit);
    return w;
}

SysResult<PidWatch> PidWatch::openFirst(Loop& loop, const ProcessMatcher& matcher,
                                        Callback onExit) {
    auto pids = findProcesses(matcher);
    if (!pids)
        return Unexpected{pids.error()};
    for (const pid_t pid : *pids) {
        const int fd = openMatching(pid, matcher);
        if (fd == -ESRCH || fd == -ENOENT || fd == -EINVAL)
            continue; // ended or changed since the scan: try the next one
        if (fd < 0)
            return sysFail(-fd, pidfdWhat(pid));
        PidWatch w;
        w.s_ = State::watch(loop, pid, fd, onExit);
        return w;
    }
    return PidWatch();
}

PidWatch::PidWatch() = default;
PidWatch::PidWatch(PidWatch&&) noexcept = default;
PidWatch& PidWatch::operator=(PidWatch&&) noexcept = default;
PidWatch::~PidWatch() = default;

pid_t PidWatch::pid() const {
    return s_ ? s_->pid : 0;
}
bool PidWatch::active() const {
    return s_ && s_->active;
}

} // namespace hafd::io
