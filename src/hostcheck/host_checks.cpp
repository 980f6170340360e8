// SPDX-License-Identifier: Apache-2.0
#include "hostcheck/host_checks.h"

#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <set>

namespace hafd::hostcheck {

namespace {

using config::Command;
using config::Config;
using config::Diagnostic;
using config::Where;

Diagnostic at(const Where& where, Diagnostic::Severity severity, std::string message) {
    return config::diagnose(where, severity, std::move(message));
}

std::string noInterface(const std::string& name, const char* consequence) {
    return "no interface '" + name + "' on this host (" + consequence + ")";
}

bool interfaceExists(const std::string& name) {
    return ::if_nametoindex(name.c_str()) != 0;
}

// Interfaces: always warnings (DESIGN.md §10: a node may boot before its NIC is up).
void interfaces(const Config& c, std::vector<Diagnostic>& out) {
    const auto warning = Diagnostic::Severity::Warning;
    for (const config::Instance& i : c.instances) {
        if (!interfaceExists(i.interface))
            out.push_back(config::diagnose(
                i, "interface", warning,
                noInterface(i.interface, "the instance stays in FAULT until it appears")));
        for (const config::Track& t : i.tracks)
            if (!t.interface.empty() && !interfaceExists(t.interface))
                out.push_back(
                    at(t.where, warning,
                       noInterface(t.interface, "the track counts as down until it appears")));
    }
    for (const config::Check& k : c.checks)
        if (k.kind == config::CheckKind::Interface && !interfaceExists(k.interface))
            out.push_back(at(k.where, warning,
                             noInterface(k.interface, "the check is down until it appears")));
}

// Every command the configuration holds, with where it is written.
std::vector<const Command*> commands(const Config& c) {
    std::vector<const Command*> out;
    auto add = [&](const Command& cmd) {
        if (!cmd.empty())
            out.push_back(&cmd);
    };
    auto notify = [&](const config::Notify& n) {
        for (const Command* cmd : {&n.master, &n.backup, &n.fault, &n.stop, &n.any})
            add(*cmd);
    };
    if (c.cluster && c.cluster->quorumHook)
        add(c.cluster->quorumHook->command);
    if (c.fence)
        add(c.fence->command);
    for (const config::Check& k : c.checks)
        add(k.exec);
    for (const config::Instance& i : c.instances)
        notify(*i.notify);
    for (const config::SyncGroup& g : c.groups)
        notify(g.notify);
    return out;
}

void programs(const Config& c, Diagnostic::Severity severity, const Owners& owners,
              std::vector<Diagnostic>& out) {
    const auto list = commands(c);
    if (list.empty())
        return; // scripts.user matters only when something runs as it
    const auto runAs = resolveRunAs(c.scripts.user, c.scripts.group);
    if (!runAs) {
        const bool groupMissing = runAs.error().message.starts_with("no group");
        out.push_back(at(groupMissing ? c.scripts.groupWhere : c.scripts.userWhere, severity,
                         runAs.error().message));
    }
    std::set<std::string> seen; // a program used in several places is reported at the first
    for (const Command* cmd : list) {
        if (!seen.insert(cmd->argv.front()).second)
            continue;
        bool tamperable = false;
        const std::string problem =
            programProblem(cmd->argv.front(), runAs ? &*runAs : nullptr, owners, &tamperable);
        if (problem.empty())
            continue;
        Where where = cmd->where;
        where.setting += "[1]";
        out.push_back(at(where, tamperable ? Diagnostic::Severity::Error : severity, problem));
    }
}

// Key files: always errors. Auth is a promise of security: a key others can read or replace
// breaks it, and a key the daemon cannot use leaves nothing to sign or verify with, so even a
// check on another host must not pass such a file.
void keys(const Config& c, const Owners& owners, std::vector<Diagnostic>& out) {
    std::set<std::string> seen; // a file shared by several auth groups is reported once
    auto check = [&](const config::Auth& a) {
        for (const config::AuthKey& k : a.keys) {
            if (!seen.insert(k.file).second)
                continue;
            if (const std::string p = keyFileProblem(k.file, owners); !p.empty())
                out.push_back(at(k.where, Diagnostic::Severity::Error, p));
        }
    };
    if (c.auth)
        check(*c.auth);
    for (const config::Instance& i : c.instances)
        if (i.ownAuth && i.auth)
            check(*i.auth);
}

// With node.name unset, this node is the host name: it must be listed, and as a witness it
// runs no instances (the loader judged both when node.name is set).
void clusterName(const Config& c, Diagnostic::Severity severity, std::vector<Diagnostic>& out) {
    if (!c.cluster || !c.node.name.empty())
        return;
    const std::string name = nodeName(c);
    const config::ClusterNode* self = c.cluster->find(name);
    if (self == nullptr) {
        std::string names;
        for (const config::ClusterNode& n : c.cluster->nodes)
            names += (names.empty() ? "" : ", ") + n.name;
        out.push_back(at(c.node.where, severity,
                         "unset, and the host name \"" + name + "\" is not among cluster.nodes (" +
                             names + ")"));
    } else if (self->witness && !c.instances.empty()) {
        out.push_back(at(c.node.where, severity,
                         "unset, and the host name \"" + name + "\" is a witness (" +
                             self->where.setting + "): a witness runs no instances"));
    }
}

// metrics.textfile: hafd creates a temporary file in its directory and renames it over the
// file, so the directory must exist and be writable (by root, which hafd runs as).
void metricsTextfile(const Config& c, Diagnostic::Severity severity, std::vector<Diagnostic>& out) {
    if (!c.metrics || c.metrics->textfile.empty())
        return;
    const std::string& path = c.metrics->textfile;
    const std::string dir = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
    struct stat st {};
    std::string problem;
    if (::stat(dir.c_str(), &st) != 0)
        problem = "its directory " + dir + ": " + std::strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        problem = dir + " is not a directory";
    else if (::access(dir.c_str(), W_OK | X_OK) != 0)
        problem = "cannot write to its directory " + dir + ": " + std::strerror(errno);
    if (!problem.empty())
        out.push_back(at(c.metrics->textfileWhere, severity, problem));
}

} // namespace

std::string nodeName(const Config& config) {
    if (!config.node.name.empty())
        return config.node.name;
    char buf[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "";
    return buf;
}

std::vector<Diagnostic> checkHost(const Config& config, Diagnostic::Severity severity) {
    return checkHost(config, severity, Owners{});
}

std::vector<Diagnostic> checkHost(const Config& config, Diagnostic::Severity severity,
                                  const Owners& owners) {
    std::vector<Diagnostic> out;
    interfaces(config, out);
    clusterName(config, severity, out);
    programs(config, severity, owners, out);
    keys(config, owners, out);
    metricsTextfile(config, severity, out);
    // The main file first, then included ones by name; by line within each.
    std::stable_sort(out.begin(), out.end(), [&](const Diagnostic& a, const Diagnostic& b) {
        const bool am = a.file == config.file;
        const bool bm = b.file == config.file;
        if (am != bm)
            return am;
        if (a.file != b.file)
            return a.file < b.file;
        return a.line < b.line;
    });
    return out;
}

} // namespace hafd::hostcheck
