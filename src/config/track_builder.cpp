// SPDX-License-Identifier: Apache-2.0
#include "config/track_builder.h"

#include "config/binding.h"
#include "config/builder_util.h"
#include "config/format.h"
#include "config/schema.h"

namespace hafd::config {

namespace {

// Of two settings both present in `s`, the one written later (the second occurrence).
std::string_view later(const Section& s, std::string_view a, std::string_view b) {
    return s.find(b)->line >= s.find(a)->line ? b : a;
}

} // namespace

std::vector<TrackDraft> buildTracks(const Section& instance, Reporter& report) {
    std::vector<TrackDraft> out;
    for (const auto& [entry, position] : groupEntries(instance, "track", report)) {
        TrackDraft d;
        d.path = instance.pathOf("track") + "[" + std::to_string(position) + "]";
        d.entry = entry;
        const std::size_t errorsBefore = report.errors();
        const Section s(*entry, trackKeys(), d.path, report);
        Track& t = d.track;
        readFields(s, t, report);
        t.where = whereOf(report, *entry, d.path);

        if (const Node* n = s.find("check"); n != nullptr && n->kind == Node::Kind::String)
            d.named = n->text;
        const bool check = s.present("check");
        const bool interface = s.present("interface");
        if (!check && !interface) {
            report.error(*entry, d.path, "needs check or interface");
        } else if (check && interface) {
            reportAt(report, s, Diagnostic::Severity::Error, later(s, "check", "interface"),
                     "a track has check or interface, not both");
            t.check.clear(); // neither is tracked twice below
            t.interface.clear();
        } else if (check && s.ok("check")) {
            d.checkNode = s.find("check");
        }

        if (s.present("weight") && s.present("weights"))
            reportAt(report, s, Diagnostic::Severity::Error, later(s, "weight", "weights"),
                     "use weight or weights, not both");
        else if (s.present("weights") && interface && !check)
            reportAt(report, s, Diagnostic::Severity::Error, "weights",
                     "only a role check has weights; an interface takes weight");
        else if (s.ok("weights") && s.present("weights"))
            d.weightsNode = s.find("weights");

        // One entry per check or interface: two would count it twice.
        for (const TrackDraft& other : out) {
            const bool same = (!t.check.empty() && other.track.check == t.check) ||
                              (!t.interface.empty() && other.track.interface == t.interface);
            if (!same)
                continue;
            const std::string_view setting = t.check.empty() ? "interface" : "check";
            const Node* first = other.entry->find(std::string(setting));
            reportAt(report, s, Diagnostic::Severity::Error, setting,
                     quoted(t.check.empty() ? t.interface : t.check) + " is already tracked by " +
                         other.path + " (" +
                         report.where(first->file, first->line, s.find(setting)->file) + ")");
            break;
        }
        d.ok = report.errors() == errorsBefore;
        out.push_back(std::move(d));
    }
    return out;
}

} // namespace hafd::config
