// SPDX-License-Identifier: Apache-2.0
#include "import/command_line.h"

namespace hafd::import {

namespace {

// Characters that mean something to a shell outside quotes. keepalived runs no shell, so a
// script written with them never worked as its author meant: it needs a person to look at it.
constexpr std::string_view kShellSyntax = "|&;<>()$`*?[]~";

} // namespace

CommandLine splitCommandLine(std::string_view line) {
    CommandLine out;
    std::string word;
    bool inWord = false;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote != 0) {
            if (c == quote)
                quote = 0;
            else
                word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            inWord = true;
        } else if (c == '\\' && i + 1 < line.size()) {
            word += line[++i];
            inWord = true;
        } else if (c == ' ' || c == '\t') {
            if (inWord)
                out.argv.push_back(std::move(word));
            word.clear();
            inWord = false;
        } else {
            if (kShellSyntax.find(c) != std::string_view::npos && out.problem.empty())
                out.problem = std::string("shell syntax '") + c +
                              "' outside quotes: keepalived runs no shell, so it is a literal "
                              "word there; split it by hand";
            word += c;
            inWord = true;
        }
    }
    if (quote != 0 && out.problem.empty())
        out.problem = std::string("unclosed ") + quote + " quote";
    if (inWord)
        out.argv.push_back(std::move(word));
    if (out.argv.empty() && out.problem.empty())
        out.problem = "no command";
    return out;
}

} // namespace hafd::import
