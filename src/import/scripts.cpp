// SPDX-License-Identifier: Apache-2.0
#include "import/scripts.h"

#include "import/command_line.h"

namespace hafd::import {

namespace {

// keepalived's notify settings and hafd's names for them, in hafd's order.
constexpr std::pair<std::string_view, std::string_view> kNotify[] = {
    {"notify_master", "master"}, {"notify_backup", "backup"}, {"notify_fault", "fault"},
    {"notify_stop", "stop"},     {"notify", "any"},
};

} // namespace

std::optional<std::vector<std::string>> scriptArgv(Context& cx, const KNode& n,
                                                   const std::string& setting, bool userAfter) {
    if (n.words.size() < 2 || n.hasBlock) {
        cx.report(n, setting, "no command: not translated");
        return std::nullopt;
    }
    std::string line;
    std::size_t last = n.words.size();
    if (userAfter || (n.words.size() == 2 && n.quoted[1])) {
        line = n.words[1];
        last = 2;
    } else {
        for (std::size_t i = 1; i < n.words.size(); ++i)
            line += (i > 1 ? " " : "") +
                    (n.quoted[i] ? "\"" + n.words[i] + "\"" : std::string(n.words[i]));
    }
    if (n.words.size() > last)
        cx.report(n, setting,
                  "runs as user " + n.words[last] +
                      " in keepalived; hafd runs every command as scripts.user");
    const CommandLine c = splitCommandLine(line);
    if (!c.problem.empty()) {
        cx.report(n, setting, c.problem + ": not translated");
        return std::nullopt;
    }
    if (c.argv[0].empty() || c.argv[0][0] != '/') {
        cx.report(n, setting,
                  "\"" + c.argv[0] +
                      "\" is not an absolute path (keepalived searches PATH; hafd needs the "
                      "path): not translated");
        return std::nullopt;
    }
    if (c.argv[0].back() == '/') {
        cx.report(n, setting,
                  "\"" + c.argv[0] + "\" names a directory, not a program: not translated");
        return std::nullopt;
    }
    cx.scriptsUsed = true;
    return c.argv;
}

bool isNotify(const std::string& keyword) {
    for (const auto& [k, _] : kNotify)
        if (keyword == k)
            return true;
    return false;
}

std::string translateNotify(Context& cx, const std::vector<const KNode*>& nodes,
                            const std::string& owner) {
    std::string body;
    for (const auto& [keyword, name] : kNotify) {
        const KNode* last = nullptr;
        for (const KNode* n : nodes)
            if (n->keyword() == keyword)
                last = n; // keepalived keeps the last one
        if (last == nullptr)
            continue;
        const std::string setting = owner + "." + std::string(keyword);
        if (const auto argv = scriptArgv(cx, *last, setting, true))
            body += " " + std::string(name) + " = " + quoteList(*argv) + ";";
    }
    return body.empty() ? "" : "notify = {" + body + " };";
}

} // namespace hafd::import
