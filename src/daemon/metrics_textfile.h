// SPDX-License-Identifier: Apache-2.0
// The metrics textfile (hafd.conf(5) metrics.textfile) for node_exporter's textfile collector:
// rewritten atomically (io/atomic_file.h) every metrics.textfile_interval from the loop, and once
// more at a clean stop with hafd_up 0, so that node_exporter does not go on reporting a stopped
// daemon as up. A failure is counted at every write and logged once per distinct error, and the
// return to working once.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "daemon/scheduler.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace hafd::daemon {

class MetricsTextfile {
public:
    // The file's content now (the metrics of the daemon's status).
    using Render = std::function<std::string()>;

    MetricsTextfile(Scheduler& scheduler, Render render);

    // The settings in force (start, every reload). A new path is written at once and the old
    // file removed (node_exporter would go on reading it); a new interval applies from now; no
    // textfile stops the timer and removes the old file.
    void configure(const std::optional<config::Metrics>& metrics, TimePoint now);
    // The clean stop: `text` written once more, then nothing.
    void finish(const std::string& text);

    const std::string& path() const { return path_; }
    uint64_t writes() const { return writes_; }
    uint64_t failures() const { return failures_; }
    const std::string& lastError() const { return lastError_; }

private:
    void write(const std::string& text);

    Render render_;
    Scheduler::Timer timer_;
    std::string path_;
    Duration interval_{};
    uint64_t writes_ = 0;
    uint64_t failures_ = 0;
    std::string lastError_; // the last write's error; "" when it worked
};

} // namespace hafd::daemon
