// SPDX-License-Identifier: Apache-2.0
#include "daemon/metrics_textfile.h"

#include "common/log.h"
#include "io/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hafd::daemon {

namespace {

// Readable by node_exporter, which runs as a user of its own.
constexpr mode_t kMode = 0644;

} // namespace

MetricsTextfile::MetricsTextfile(Scheduler& scheduler, Render render)
    : render_(std::move(render)), timer_(scheduler, [this](TimePoint now) {
          write(render_());
          timer_.arm(now + interval_);
      }) {}

void MetricsTextfile::configure(const std::optional<config::Metrics>& metrics, TimePoint now) {
    const std::string path = metrics ? metrics->textfile : "";
    const Duration interval = metrics ? metrics->textfileInterval : Duration{};
    if (path != path_) {
        if (!path_.empty() && ::unlink(path_.c_str()) != 0 && errno != ENOENT)
            log::warning("metrics.textfile: cannot remove the old file %s: %s", path_.c_str(),
                         std::strerror(errno));
        path_ = path;
        lastError_.clear();
        if (path_.empty()) {
            timer_.cancel();
            interval_ = interval;
            return;
        }
        log::notice("metrics: writing %s every %s", path_.c_str(),
                    formatDuration(interval).c_str());
        interval_ = interval;
        write(render_());
        timer_.arm(now + interval_);
        return;
    }
    if (!path_.empty() && interval != interval_) {
        interval_ = interval;
        timer_.arm(now + interval_);
    }
}

void MetricsTextfile::finish(const std::string& text) {
    timer_.cancel();
    if (!path_.empty())
        write(text);
}

void MetricsTextfile::write(const std::string& text) {
    const auto written = io::replaceFile(path_, text, kMode);
    if (written) {
        ++writes_;
        if (!lastError_.empty())
            log::notice("metrics.textfile: %s written again", path_.c_str());
        lastError_.clear();
        return;
    }
    ++failures_;
    const std::string error = written.error().message();
    if (error != lastError_)
        log::warning("metrics.textfile: cannot write %s: %s (counted in "
                     "hafd_textfile_write_failures_total; logged again when the error changes)",
                     path_.c_str(), error.c_str());
    lastError_ = error;
}

} // namespace hafd::daemon
