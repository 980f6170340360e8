// SPDX-License-Identifier: Apache-2.0
#include "config/diagnostic.h"

#include <algorithm>

namespace hafd::config {

std::string Diagnostic::toString() const {
    std::string s = file;
    if (line > 0)
        s += ":" + std::to_string(line);
    s += ": ";
    if (severity == Severity::Warning)
        s += "warning: ";
    if (!setting.empty())
        s += setting + ": ";
    return s + message;
}

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.isError(); });
}

} // namespace hafd::config
