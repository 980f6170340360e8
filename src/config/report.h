// SPDX-License-Identifier: Apache-2.0
// Collects diagnostics while a document is checked. Internal to config/.
#pragma once

#include "config/diagnostic.h"
#include "config/node.h"

#include <string>
#include <vector>

namespace hafd::config {

class Reporter {
public:
    explicit Reporter(const std::vector<std::string>& files) : files_(files) {}

    // At a node's file and line.
    void error(const Node& at, std::string setting, std::string message) {
        add(Diagnostic::Severity::Error, at.file, at.line, std::move(setting), std::move(message));
    }
    void warning(const Node& at, std::string setting, std::string message) {
        add(Diagnostic::Severity::Warning, at.file, at.line, std::move(setting),
            std::move(message));
    }
    // `file` indexes the document's files.
    void add(Diagnostic::Severity severity, int file, int line, std::string setting,
             std::string message);

    // "line 12" within `fromFile`, "other.inc:12" elsewhere: where a first occurrence was.
    std::string where(int file, int line, int fromFile) const;

    std::size_t errors() const { return errors_; }

    // The name of the document's file `index` (Node::file).
    const std::string& file(int index) const { return files_.at(static_cast<std::size_t>(index)); }

    // Everything reported, ordered by file (in the order libconfig met them) and line; reports
    // on the same line keep the order they were made in.
    std::vector<Diagnostic> finish() &&;

private:
    struct Entry {
        int file;
        Diagnostic diagnostic;
    };
    const std::vector<std::string>& files_;
    std::vector<Entry> entries_;
    std::size_t errors_ = 0;
};

} // namespace hafd::config
