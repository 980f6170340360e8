// SPDX-License-Identifier: Apache-2.0
#include "config/report.h"

#include <algorithm>

namespace hafd::config {

void Reporter::add(Diagnostic::Severity severity, int file, int line, std::string setting,
                   std::string message) {
    if (severity == Diagnostic::Severity::Error)
        ++errors_;
    entries_.push_back({file,
                        {severity, files_.at(static_cast<std::size_t>(file)), line,
                         std::move(setting), std::move(message)}});
}

std::string Reporter::where(int file, int line, int fromFile) const {
    if (file == fromFile)
        return "line " + std::to_string(line);
    return files_.at(static_cast<std::size_t>(file)) + ":" + std::to_string(line);
}

std::vector<Diagnostic> Reporter::finish() && {
    std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
        return a.file != b.file ? a.file < b.file : a.diagnostic.line < b.diagnostic.line;
    });
    std::vector<Diagnostic> out;
    out.reserve(entries_.size());
    for (auto& e : entries_)
        out.push_back(std::move(e.diagnostic));
    return out;
}

} // namespace hafd::config
