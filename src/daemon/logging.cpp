// SPDX-License-Identifier: Apache-2.0
#include "daemon/logging.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace hafd::daemon {

namespace {

// A whole line and snprintf()'s terminating NUL.
using LineBuffer = std::array<char, kMaxLogLine + 1>;

// A line as snprintf() formatted it into `buf`, `n` bytes long had it fitted. One write per line
// so lines from a crash never interleave half-way; a line longer than kMaxLogLine is cut, and
// its end replaced by kLogLineCut (which carries the newline).
void writeLine(LineBuffer& buf, int n) {
    if (n <= 0)
        return;
    std::size_t len = static_cast<std::size_t>(n);
    if (len > kMaxLogLine) {
        constexpr std::size_t cut = sizeof kLogLineCut - 1;
        std::memcpy(buf.data() + kMaxLogLine - cut, kLogLineCut, cut);
        len = kMaxLogLine;
    }
    (void)!::write(STDERR_FILENO, buf.data(), len);
}

void journalSink(log::Level level, std::string_view message) {
    LineBuffer buf;
    const int n = std::snprintf(buf.data(), buf.size(), "<%d>%.*s\n", static_cast<int>(level),
                                static_cast<int>(message.size()), message.data());
    writeLine(buf, n);
}

void stderrSink(log::Level level, std::string_view message) {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm local{};
    localtime_r(&ts.tv_sec, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    LineBuffer buf;
    const int n =
        std::snprintf(buf.data(), buf.size(), "%s.%03ld %s: %.*s\n", stamp, ts.tv_nsec / 1'000'000,
                      log::levelName(level), static_cast<int>(message.size()), message.data());
    writeLine(buf, n);
}

// JOURNAL_STREAM is "DEV:INODE" of the journal socket systemd connected stderr to; it is only
// ours if stderr still is that socket (a child of a unit may inherit the variable).
bool stderrIsJournal() {
    const char* env = std::getenv("JOURNAL_STREAM");
    if (!env)
        return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2)
        return false;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0)
        return false;
    return st.st_dev == dev && st.st_ino == ino;
}

} // namespace

void setupLogging(log::Level threshold) {
    log::setThreshold(threshold);
    log::setSink(stderrIsJournal() ? journalSink : stderrSink);
}

} // namespace hafd::daemon
