// SPDX-License-Identifier: Apache-2.0
// What loading a configuration found wrong: every error and warning, each with its file, line and
// setting path (STYLE.md habit 7: returned, never logged, here).
#pragma once

#include <string>
#include <vector>

namespace hafd::config {

struct Diagnostic {
    enum class Severity { Error, Warning };

    Severity severity = Severity::Error;
    std::string file; // as given to loadFile(), or the @include path as libconfig resolved it
    int line = 0;     // 1-based; 0 when the problem is about the file as a whole
    // The setting path: `instances["web"].vrid` for the instance named web, with nested groups
    // and list entries as `instances["web"].announce.count` and `instances["web"].addresses[2]`
    // (entries count from 1), and `instances[3].vrid` for the third instance when it has no
    // valid name. Empty for syntax and file errors.
    std::string setting;
    std::string message;

    bool isError() const { return severity == Severity::Error; }

    // "file:line: setting: message"; warnings read "file:line: warning: setting: message" (the
    // compiler convention, so editors and grep find file:line first). The line is left out when 0
    // and the setting when empty.
    std::string toString() const;

    bool operator==(const Diagnostic&) const = default;
};

bool hasErrors(const std::vector<Diagnostic>& diagnostics);

} // namespace hafd::config
