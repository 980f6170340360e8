// SPDX-License-Identifier: Apache-2.0
// The status as metrics in Prometheus' text exposition format (version 0.0.4): what
// `hafctl metrics` prints, the daemon's textfile holds and its HTTP listener serves. Native
// `hafd_*` names (hafctl(8) METRICS lists them with the keepalived-exporter names they replace).
#pragma once

#include "ctl/status.h"

#include <string>

namespace hafd::ctl {

// The content type of that format, for HTTP.
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string formatMetrics(const Status& status);
// What a daemon that stopped leaves behind (its textfile's last content): hafd_up 0 and
// hafd_build_info only, so that no gauge of the stopped daemon looks current.
std::string formatStoppedMetrics(const std::string& version);

} // namespace hafd::ctl
