// SPDX-License-Identifier: Apache-2.0
// The status as metrics in Prometheus' text exposition format (version 0.0.4): what
// `hafctl metrics` prints, and later the textfile and the HTTP listener serve. Native `hafd_*`
// names (hafctl(8) METRICS lists them with the keepalived-exporter names they replace).
#pragma once

#include "ctl/status.h"

#include <string>

namespace hafd::ctl {

std::string formatMetrics(const Status& status);

} // namespace hafd::ctl
