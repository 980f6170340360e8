// SPDX-License-Identifier: Apache-2.0
// keepalived's configuration language into a tree (tree.h), without I/O: the text of each file
// comes in, and `include` lines are resolved through a callback (reader.h does the globbing).
//
// The language, as keepalived reads it: a statement is one line of words separated by blanks; a
// word in double quotes keeps its blanks; `#` or `!` at the start of a word starts a comment to
// the end of the line; `{` and `}` are words of their own, and `{` opens the block of the
// statement before it (on its line or the line before). `include PATTERN` may stand anywhere a
// statement may, and puts the statements of every matching file there.
#pragma once

#include "import/tree.h"

#include <functional>
#include <string>
#include <vector>

namespace hafd::import {

struct Source {
    std::string name; // the path as found, for findings
    std::string text;
};

// What an `include PATTERN` in file `from` stands for: the files it matches, in order, or a
// problem to report (no match, unreadable).
struct Included {
    std::vector<Source> files;
    std::vector<std::string> problems;
};
using IncludeResolver =
    std::function<Included(const std::string& pattern, const std::string& from)>;

struct ParseResult {
    std::vector<KNode> statements;
    std::vector<Finding> findings;
    bool unusable = false; // not keepalived's language (binary data, braces beyond any use)
};

// Limits that keep hostile input cheap: nested blocks and nested includes.
inline constexpr int kMaxBlockDepth = 32;
inline constexpr int kMaxIncludeDepth = 8;

ParseResult parse(const Source& top, const IncludeResolver& resolve);

} // namespace hafd::import
