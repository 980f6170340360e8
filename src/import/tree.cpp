// SPDX-License-Identifier: Apache-2.0
#include "import/tree.h"

namespace hafd::import {

std::string KNode::rest() const {
    std::string out;
    for (std::size_t i = 1; i < words.size(); ++i) {
        if (i > 1)
            out += ' ';
        out += words[i];
    }
    return out;
}

std::string Finding::toString() const {
    std::string out = file;
    if (line > 0)
        out += ":" + std::to_string(line);
    out += ": ";
    if (!setting.empty())
        out += setting + ": ";
    return out + message;
}

Finding findingAt(const KNode& n, std::string setting, std::string message) {
    return {n.file, n.line, std::move(setting), std::move(message)};
}

} // namespace hafd::import
