// SPDX-License-Identifier: Apache-2.0
#include "config/check_builder.h"

#include "config/binding.h"
#include "config/builder_util.h"
#include "config/format.h"
#include "config/schema.h"

#include <algorithm>
#include <map>

namespace hafd::config {

namespace {

// The settings that each make a kind; role is exec with role_pattern, and pid_file is the other
// way to name a process.
constexpr std::string_view kKinds[] = {"exec",    "tcp",      "file",  "interface",
                                       "process", "pid_file", "k_of_n"};

// A setting that only refines one kind, and the kind setting it needs.
struct Refinement {
    std::string_view setting;
    std::string_view needs;
    std::string_view message;
};
constexpr Refinement kRefinements[] = {
    {"role_pattern", "exec",
     "only applies with exec: a role check runs a command and matches its output"},
    {"process_args", "process", "only applies with process"},
    {"min_up", "k_of_n", "only applies with k_of_n"},
};

// The kind settings present in `s`, in file order.
std::vector<const Node*> kindsWritten(const Section& s) {
    std::vector<const Node*> out;
    for (const auto kind : kKinds)
        if (const Node* n = s.find(kind))
            out.push_back(n);
    std::stable_sort(out.begin(), out.end(),
                     [](const Node* a, const Node* b) { return a->line < b->line; });
    return out;
}

class Builder {
public:
    Builder(const Node& entry, std::size_t position, Reporter& report)
        : report_(report),
          s_(entry, checkKeys(), namedEntryPath("checks", entry, position, checkKeys()), report) {
        d_.path = s_.path();
        d_.entry = &entry;
        d_.check.where = whereOf(report, entry, d_.path);
    }

    CheckDraft build() && {
        readFields(s_, d_.check, report_);
        d_.nameOk = s_.ok("name");
        kind();
        timing();
        return std::move(d_);
    }

private:
    void error(std::string_view setting, std::string message) {
        reportAt(report_, s_, Diagnostic::Severity::Error, setting, std::move(message));
    }

    void kind() {
        const auto written = kindsWritten(s_);
        if (written.empty()) {
            report_.error(s_.node(), d_.path,
                          "needs one of exec, tcp, file, interface, process, pid_file or k_of_n");
            return;
        }
        if (written.size() > 1) {
            const Node& first = *written[0];
            const Node& second = *written[1];
            reportAt(report_, s_, Diagnostic::Severity::Error, second.name,
                     "a check has one kind, and this one already has " + first.name + " (" +
                         report_.where(first.file, first.line, second.file) + ")");
            return;
        }
        const std::string& name = written[0]->name;
        bool ok = s_.ok(name);
        for (const Refinement& r : kRefinements) {
            if (s_.present(r.setting) && name != r.needs)
                error(r.setting, std::string(r.message));
            ok = ok && s_.ok(r.setting);
        }
        if (!ok)
            return;
        // The table read the kind's settings; which one is written says what the check is.
        Check& c = d_.check;
        if (name == "exec")
            c.kind = s_.present("role_pattern") ? CheckKind::Role : CheckKind::Exec;
        else if (name == "tcp")
            c.kind = CheckKind::Tcp;
        else if (name == "file")
            c.kind = CheckKind::File;
        else if (name == "interface")
            c.kind = CheckKind::Interface;
        else if (name == "k_of_n")
            c.kind = CheckKind::KOfN;
        else
            c.kind = CheckKind::Process;
        if (c.kind == CheckKind::KOfN && !kOfN())
            return;
        d_.kindOk = true;
    }

    // min_up defaults to every member and cannot exceed them.
    bool kOfN() {
        Check& c = d_.check;
        if (!s_.present("min_up")) {
            c.minUp = static_cast<unsigned>(c.members.size());
            return true;
        }
        if (c.minUp <= c.members.size())
            return true;
        error("min_up", "must be at most the " + std::to_string(c.members.size()) +
                            " checks of k_of_n, not " + std::to_string(c.minUp));
        return false;
    }

    // The timeout's default is the table's formula, and it must stay below the interval.
    void timing() {
        Check& c = d_.check;
        if (!s_.ok("interval"))
            return;
        const double interval = s_.seconds("interval");
        if (!s_.present("timeout")) {
            c.timeout = fromSeconds(std::min(1.0, interval / 2));
            return;
        }
        if (!s_.ok("timeout"))
            return;
        const double timeout = s_.seconds("timeout");
        if (timeout >= interval - 1e-9)
            error("timeout", "must be less than interval (" + formatNumber(interval) + "), not " +
                                 formatNumber(timeout));
    }

    Reporter& report_;
    Section s_;
    CheckDraft d_;
};

} // namespace

std::vector<CheckDraft> buildChecks(const Section& root, Reporter& report) {
    std::vector<CheckDraft> out;
    std::map<std::string, const CheckDraft*> names;
    for (const auto& [entry, position] : groupEntries(root, "checks", report))
        out.push_back(Builder(*entry, position, report).build());
    for (CheckDraft& d : out) {
        if (!d.nameOk)
            continue;
        const auto [it, added] = names.try_emplace(d.check.name, &d);
        if (added)
            continue;
        const Node& name = *d.entry->find("name");
        report.error(name, d.path + ".name",
                     quoted(d.check.name) + " is already the name of the check at " +
                         report.where(it->second->entry->file, it->second->entry->line, name.file));
        d.nameOk = false;
    }
    return out;
}

} // namespace hafd::config
