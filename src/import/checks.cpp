// SPDX-License-Identifier: Apache-2.0
#include "import/checks.h"

#include "import/scripts.h"

#include <algorithm>

namespace hafd::import {

namespace {

// The name of a definition (`vrrp_script NAME { ... }`), or nullopt with a finding.
std::optional<std::string> definitionName(Context& cx, const KNode& n) {
    if (n.words.size() != 2 || !n.hasBlock) {
        cx.report(n, n.keyword(), "expected a name and a block: not translated");
        return std::nullopt;
    }
    return n.words[1];
}

// hafd's name for a definition: its own, made fit; hafd's names are one space, so a name another
// kind already took gets the kind as a suffix.
std::string uniqueName(const Context& cx, std::string_view kind, const std::string& name) {
    const std::string key = checkKey(kind, name);
    std::string out = hafdName(name, 32);
    for (const auto& [k, other] : cx.checks)
        if (k != key && other.name == out)
            return hafdName(out.substr(0, 20) + "-" + std::string(kind.substr(5)), 32);
    return out;
}

void store(Context& cx, CheckDef def, const std::string& keepalivedName, const KNode& n) {
    def.at = &n;
    cx.checks[checkKey(def.kind, keepalivedName)] = std::move(def);
}

std::string where(const KNode& n) {
    const std::size_t slash = n.file.rfind('/');
    return (slash == std::string::npos ? n.file : n.file.substr(slash + 1)) + ":" +
           std::to_string(n.line);
}

// POSIX ERE with every special character escaped.
std::string literalRegex(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace

std::string checkKey(std::string_view kind, std::string_view name) {
    return std::string(kind) + "/" + std::string(name);
}

void defineScript(Context& cx, const KNode& n) {
    const auto name = definitionName(cx, n);
    if (!name)
        return;
    const std::string base = "vrrp_script." + *name;
    CheckDef def{"vrrp_script", uniqueName(cx, "vrrp_script", *name), "", 0, false, false};
    std::optional<std::vector<std::string>> argv;
    double interval = 1, timeout = -1;
    long rise = 1, fall = 1;
    bool initFail = false;
    for (const KNode& c : n.children) {
        const std::string setting = base + "." + c.keyword();
        const std::string& k = c.keyword();
        if (k == "script") {
            argv = scriptArgv(cx, c, setting, false);
        } else if (k == "interval" || k == "timeout") {
            const auto v = oneValue(cx, c, setting);
            const auto s = v ? toSeconds(*v) : std::nullopt;
            if (v && (!s || *s < 0.1 || *s > 3600))
                cx.report(c, setting, "expected 0.1..3600 seconds: not translated");
            else if (s)
                (k == "interval" ? interval : timeout) = *s;
        } else if (k == "rise" || k == "fall") {
            const auto v = oneValue(cx, c, setting);
            const auto i = v ? toInt(*v, 1, 255) : std::nullopt;
            if (v && !i)
                cx.report(c, setting, "expected 1..255: not translated");
            else if (i)
                (k == "rise" ? rise : fall) = *i;
        } else if (k == "weight") {
            if (const auto w = weightOf(cx, c, setting, def.reverse))
                def.weight = *w;
        } else if (k == "init_fail") {
            initFail = true;
        } else if (k == "user") {
            cx.report(c, setting, "hafd runs every command as scripts.user: not translated");
        } else {
            cx.report(c, setting, "not known to the importer: not translated");
        }
    }
    if (!argv) {
        if (std::none_of(n.children.begin(), n.children.end(),
                         [](const KNode& c) { return c.keyword() == "script"; }))
            cx.report(n, base, "no script: not translated");
        store(cx, def, *name, n);
        return;
    }
    // keepalived's timeout defaults to the interval, and a run still going at the next
    // interval is skipped; hafd wants the timeout below the interval.
    const bool defaultTimeout = timeout < 0;
    if (defaultTimeout || timeout >= interval)
        timeout = interval >= 0.2 ? interval - 0.01 : interval / 2;
    std::string t = "  # keepalived vrrp_script " + *name + " (" + where(n) + ")";
    if (defaultTimeout)
        t += "; timeout: keepalived's default (the interval), just below it as hafd needs";
    t += "\n";
    if (rise > 1 || fall > 1 || initFail)
        t += "  # keepalived takes the first result at once" +
             std::string(initFail ? " (init_fail: as a failure)" : "") +
             "; hafd's first results obey fall and rise, and the instance waits for them\n";
    t += "  { name = " + quote(def.name) + "; exec = " + quoteList(*argv) +
         "; interval = " + formatSeconds(interval) + "; timeout = " + formatSeconds(timeout) +
         "; fall = " + std::to_string(fall) + "; rise = " + std::to_string(rise) + "; }";
    def.text = t;
    store(cx, def, *name, n);
}

void defineTrackFile(Context& cx, const KNode& n) {
    const auto name = definitionName(cx, n);
    if (!name)
        return;
    const std::string base = "vrrp_track_file." + *name;
    CheckDef def{"vrrp_track_file", uniqueName(cx, "vrrp_track_file", *name), "", 0, false, true};
    std::optional<std::string> file;
    for (const KNode& c : n.children) {
        const std::string setting = base + "." + c.keyword();
        const std::string& k = c.keyword();
        if (k == "file") {
            file = oneValue(cx, c, setting);
            if (file && (*file)[0] != '/') {
                cx.report(c, setting, "not an absolute path: not translated");
                file.reset();
            }
        } else if (k == "weight") {
            if (const auto w = weightOf(cx, c, setting, def.reverse))
                def.weight = *w;
        } else if (k == "init_file") {
            cx.report(c, setting, "hafd does not create the file: create it before hafd starts");
        } else {
            cx.report(c, setting, "not known to the importer: not translated");
        }
    }
    if (!file) {
        cx.report(n, base, "no file: not translated");
    } else {
        def.text = "  # keepalived vrrp_track_file " + *name + " (" + where(n) +
                   "): keepalived re-reads it on each change, hafd every second\n  { name = " +
                   quote(def.name) + "; file = " + quote(*file) +
                   "; interval = 1; timeout = 0.5; fall = 1; rise = 1; }";
    }
    store(cx, def, *name, n);
}

void defineTrackProcess(Context& cx, const KNode& n) {
    const auto name = definitionName(cx, n);
    if (!name)
        return;
    const std::string base = "vrrp_track_process." + *name;
    CheckDef def{
        "vrrp_track_process", uniqueName(cx, "vrrp_track_process", *name), "", 0, false, false};
    std::optional<std::string> process, args;
    for (const KNode& c : n.children) {
        const std::string setting = base + "." + c.keyword();
        const std::string& k = c.keyword();
        if (k == "process" && c.words.size() >= 2) {
            process = c.words[1];
            if (process->size() > 15 || process->find('/') != std::string::npos) {
                cx.report(c, setting,
                          "hafd matches the process name (/proc/PID/comm, 15 bytes at most), "
                          "not \"" +
                              *process + "\": not translated");
                process.reset();
            }
            std::string joined;
            for (std::size_t i = 2; i < c.words.size(); ++i)
                joined += (i > 2 ? " " : "") + c.words[i];
            if (!joined.empty())
                args = "^" + literalRegex(joined) + "$";
        } else if (k == "weight") {
            if (const auto w = weightOf(cx, c, setting, def.reverse))
                def.weight = *w;
        } else if (k == "quorum" && c.words.size() == 2 && c.words[1] == "1") {
            // keepalived's default: one process is enough, as in hafd
        } else if (k == "param_match" && c.words.size() == 2 && c.words[1] == "exact") {
            // the default, what process_args below matches
        } else if (k == "delay" || k == "terminate_delay" || k == "fork_delay") {
            cx.report(c, setting, "hafd sees a process start and end at once, with no delay");
        } else {
            cx.report(c, setting, "hafd has no equivalent: not translated");
        }
    }
    if (!process) {
        cx.report(n, base, "no process hafd can match: not translated");
    } else {
        def.text = "  # keepalived vrrp_track_process " + *name + " (" + where(n) + ")\n" +
                   "  { name = " + quote(def.name) + "; process = " + quote(*process) + ";" +
                   (args ? " process_args = " + quote(*args) + ";" : "") +
                   " interval = 1; timeout = 0.5; fall = 1; rise = 1; }";
    }
    store(cx, def, *name, n);
}

} // namespace hafd::import
