// SPDX-License-Identifier: Apache-2.0
// The log facade. Library code (proto, config, core, io) reports errors by returning them; only the
// daemon logs errors (STYLE.md habit 7). The core may log at debug level. The daemon installs the
// sink (journald priorities or timestamped stderr) and the threshold.
#pragma once

#include <string_view>

namespace hafd::log {

// syslog priorities, so that a journald sink can prefix "<N>" without translation.
enum class Level : int { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

using Sink = void (*)(Level level, std::string_view message);

// The default sink writes to stderr without a timestamp; the daemon replaces it.
void setSink(Sink sink);
void setThreshold(Level threshold);
Level threshold();
bool enabled(Level level);

// "error", "warning", "notice", "info", "debug"; false on anything else.
bool parseLevel(std::string_view text, Level& out);
const char* levelName(Level level);

// printf-style, checked by the compiler; the message is formatted only when the level is enabled.
void write(Level level, const char* format, ...) __attribute__((format(printf, 2, 3)));
void error(const char* format, ...) __attribute__((format(printf, 1, 2)));
void warning(const char* format, ...) __attribute__((format(printf, 1, 2)));
void notice(const char* format, ...) __attribute__((format(printf, 1, 2)));
void info(const char* format, ...) __attribute__((format(printf, 1, 2)));
void debug(const char* format, ...) __attribute__((format(printf, 1, 2)));

} // namespace hafd::log
