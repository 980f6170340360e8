// SPDX-License-Identifier: Apache-2.0
// The wiring of the metrics outputs (hafd.conf(5) metrics) into the daemon's lifecycle: the
// textfile and the HTTP listener follow config_ at start and on every reload, without touching
// anything else; a listener that cannot listen fails the start, or rejects the reload before
// anything of it applies; the clean stop leaves hafd_up 0 in the textfile.
#include "build_config.h"
#include "common/log.h"
#include "config/load.h"
#include "ctl/metrics.h"
#include "daemon/daemon.h"

namespace hafd::daemon {

void Daemon::openMetrics() {
    metricsTextfile_ = std::make_unique<MetricsTextfile>(
        scheduler_, [this] { return ctl::formatMetrics(status()); });
    metricsListener_ =
        std::make_unique<MetricsListener>(loop_, [this] { return ctl::formatMetrics(status()); });
}

std::string Daemon::listenForMetrics(const config::Config& config) {
    const std::string problem = metricsListener_->configure(config.metrics);
    if (problem.empty())
        return "";
    return config::diagnose(config.metrics->listenWhere, config::Diagnostic::Severity::Error,
                            problem)
        .toString();
}

void Daemon::configureMetrics(TimePoint now) {
    metricsTextfile_->configure(config_.metrics, now);
}

void Daemon::finishMetrics() {
    if (metricsTextfile_)
        metricsTextfile_->finish(ctl::formatStoppedMetrics(HAFD_VERSION));
}

void Daemon::closeMetrics() {
    metricsListener_.reset();
    metricsTextfile_.reset();
}

void Daemon::metricsStatus(ctl::Status& st) const {
    ctl::MetricsStatus& m = st.metrics;
    m.textfile = metricsTextfile_->path();
    m.textfileWrites = metricsTextfile_->writes();
    m.textfileFailures = metricsTextfile_->failures();
    m.textfileError = metricsTextfile_->lastError();
    m.listen = metricsListener_->address();
    m.httpRequests = metricsListener_->requests();
}

} // namespace hafd::daemon
