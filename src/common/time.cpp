// SPDX-License-Identifier: Apache-2.0
#include "common/time.h"

#include <cstdio>

namespace hafd {

std::string formatDuration(Duration d) {
    char buf[48];
    const int64_t us = d.count();
    if (us % 1000 == 0 && (us >= 1'000'000 || us <= -1'000'000))
        std::snprintf(buf, sizeof buf, "%gs", static_cast<double>(us) / 1e6);
    else if (us % 1000 == 0)
        std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(us / 1000));
    else
        std::snprintf(buf, sizeof buf, "%.3fms", static_cast<double>(us) / 1e3);
    return buf;
}

} // namespace hafd
