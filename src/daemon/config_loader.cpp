// SPDX-License-Identifier: Apache-2.0
#include "daemon/config_loader.h"

#include "hostcheck/host_checks.h"

#include <algorithm>

namespace hafd::daemon {

config::LoadResult loadConfiguration(const std::string& path, HostFacts hostFacts) {
    auto r = config::loadFile(path);
    if (!r.config)
        return r;
    // checkHost reports a missing interface as a warning whatever the severity asked for.
    const auto severity = hostFacts == HostFacts::AsErrors ? config::Diagnostic::Severity::Error
                                                           : config::Diagnostic::Severity::Warning;
    auto host = hostcheck::checkHost(*r.config, severity);
    const bool failed = std::any_of(host.begin(), host.end(),
                                    [](const config::Diagnostic& d) { return d.isError(); });
    // Both lists are in file and line order: merge them so the output reads top to bottom.
    std::vector<config::Diagnostic> merged;
    merged.reserve(r.diagnostics.size() + host.size());
    std::merge(r.diagnostics.begin(), r.diagnostics.end(), host.begin(), host.end(),
               std::back_inserter(merged),
               [](const config::Diagnostic& a, const config::Diagnostic& b) {
                   return a.file == b.file && a.line < b.line;
               });
    r.diagnostics = std::move(merged);
    if (failed)
        r.config.reset();
    return r;
}

} // namespace hafd::daemon
