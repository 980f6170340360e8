// SPDX-License-Identifier: Apache-2.0
// An instance's `track` entries: what each watches and how it weighs. Whether a named check
// exists, and whether its kind allows role weights, is judged once every check is read
// (references.h). Internal to config/.
#pragma once

#include "config/config.h"
#include "config/node.h"
#include "config/report.h"
#include "config/section.h"

#include <string>
#include <vector>

namespace hafd::config {

struct TrackDraft {
    Track track;
    std::string path;            // `instances["web"].track[2]`
    const Node* entry = nullptr; // the group as written
    std::string named;           // the check it names, even when the entry has problems
    // The settings as written, for messages at their lines; null when absent or reported.
    const Node* checkNode = nullptr;
    const Node* weightsNode = nullptr;
    bool ok = false; // no problem inside the entry
};

// The `track` setting of the instance `instance`.
std::vector<TrackDraft> buildTracks(const Section& instance, Reporter& report);

} // namespace hafd::config
