// SPDX-License-Identifier: Apache-2.0
// keepalived's configuration as a tree: each statement is a line of words, with the block that
// follows it in braces, and the file and line it came from. What the importer finds on the way
// is a Finding, printed as `file:line: keepalived-setting: what happened`.
#pragma once

#include <string>
#include <vector>

namespace hafd::import {

struct KNode {
    std::string file;
    int line = 0;                   // 1-based
    std::vector<std::string> words; // the keyword first; quotes removed
    std::vector<bool> quoted;       // per word: it was written in double quotes
    bool hasBlock = false;          // followed by { ... }
    std::vector<KNode> children;

    const std::string& keyword() const { return words.front(); }
    // The words after the keyword joined by single spaces ("" when there are none).
    std::string rest() const;
};

struct Finding {
    std::string file;
    int line = 0;        // 0: about the file as a whole
    std::string setting; // keepalived's name for it: `vrrp_instance.VI_1.unicast_src_ip`
    std::string message;

    std::string toString() const;
    bool operator==(const Finding&) const = default;
};

// A finding at a node.
Finding findingAt(const KNode& n, std::string setting, std::string message);

} // namespace hafd::import
