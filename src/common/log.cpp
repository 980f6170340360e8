// SPDX-License-Identifier: Apache-2.0
#include "common/log.h"

#include <cstdarg>
#include <cstdio>
#include <string>

namespace hafd::log {

namespace {

void stderrSink(Level, std::string_view message) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
}

Sink gSink = stderrSink;
Level gThreshold = Level::Info;

void vwrite(Level level, const char* format, va_list args) {
    char small[512];
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(small, sizeof small, format, copy);
    va_end(copy);
    if (n < 0)
        return;
    if (static_cast<std::size_t>(n) < sizeof small) {
        gSink(level, std::string_view(small, static_cast<std::size_t>(n)));
        return;
    }
    std::string big(static_cast<std::size_t>(n) + 1, '\0');
    std::vsnprintf(big.data(), big.size(), format, args);
    big.resize(static_cast<std::size_t>(n));
    gSink(level, big);
}

} // namespace

void setSink(Sink sink) {
    gSink = sink ? sink : stderrSink;
}
void setThreshold(Level threshold) {
    gThreshold = threshold;
}
Level threshold() {
    return gThreshold;
}
bool enabled(Level level) {
    return static_cast<int>(level) <= static_cast<int>(gThreshold);
}

bool parseLevel(std::string_view text, Level& out) {
    static constexpr struct {
        std::string_view name;
        Level level;
    } kLevels[] = {{"error", Level::Error},
                   {"warning", Level::Warning},
                   {"notice", Level::Notice},
                   {"info", Level::Info},
                   {"debug", Level::Debug}};
    for (const auto& l : kLevels)
        if (l.name == text) {
            out = l.level;
            return true;
        }
    return false;
}

const char* levelName(Level level) {
    switch (level) {
    case Level::Error:
        return "error";
    case Level::Warning:
        return "warning";
    case Level::Notice:
        return "notice";
    case Level::Info:
        return "info";
    case Level::Debug:
        return "debug";
    }
    return "?";
}

void write(Level level, const char* format, ...) {
    if (!enabled(level))
        return;
    va_list args;
    va_start(args, format);
    vwrite(level, format, args);
    va_end(args);
}

#define HAFD_LOG_FN(name, level)                                                                   \
    void name(const char* format, ...) {                                                           \
        if (!enabled(level))                                                                       \
            return;                                                                                \
        va_list args;                                                                              \
        va_start(args, format);                                                                    \
        vwrite(level, format, args);                                                               \
        va_end(args);                                                                              \
    }
HAFD_LOG_FN(error, Level::Error)
HAFD_LOG_FN(warning, Level::Warning)
HAFD_LOG_FN(notice, Level::Notice)
HAFD_LOG_FN(info, Level::Info)
HAFD_LOG_FN(debug, Level::Debug)
#undef HAFD_LOG_FN

} // namespace hafd::log
