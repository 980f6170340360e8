// SPDX-License-Identifier: Apache-2.0
#include "daemon/logging.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace hafd::daemon {

namespace {

// One write per line so lines from a crash never interleave half-way.
void writeLine(const char* buf, int len) {
    if (len > 0)
        (void)!::write(STDERR_FILENO, buf, static_cast<std::size_t>(len));
}

void journalSink(log::Level level, std::string_view message) {
    char buf[4096];
    const int n = std::snprintf(buf, sizeof buf, "<%d>%.*s\n", static_cast<int>(level),
                                static_cast<int>(message.size()), message.data());
    writeLine(buf, n < static_cast<int>(sizeof buf) ? n : static_cast<int>(sizeof buf) - 1);
}

void stderrSink(log::Level level, std::string_view message) {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm local{};
    localtime_r(&ts.tv_sec, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    char buf[4096];
    const int n =
        std::snprintf(buf, sizeof buf, "%s.%03ld %s: %.*s\n", stamp, ts.tv_nsec / 1'000'000,
                      log::levelName(level), static_cast<int>(message.size()), message.data());
    writeLine(buf, n < static_cast<int>(sizeof buf) ? n : static_cast<int>(sizeof buf) - 1);
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
