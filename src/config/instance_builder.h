// SPDX-License-Identifier: Apache-2.0
// One `instances` entry: the schema walk, then the rules between its own settings (version and
// interval, one address family, peers, checksum form, password), and its track, notify and auth
// groups. What refers outside the instance (checks, the top-level auth) is judged in
// references.h. Internal to config/.
#pragma once

#include "config/auth_builder.h"
#include "config/config.h"
#include "config/node.h"
#include "config/report.h"
#include "config/track_builder.h"

#include <cstddef>
#include <string>
#include <vector>

namespace hafd::config {

// An instance as read, with what the checks across instances need to know about it.
struct Draft {
    Instance instance;
    std::string path;    // `instances["web"]`, or `instances[2]` without a usable name
    int file = 0;        // the Document file of the group
    bool nameOk = false; // each: the setting may take part in checks across instances
    bool interfaceOk = false;
    bool vridOk = false;
    bool familyKnown = false; // at least one usable address
    bool peersOk = false;
    std::vector<int> addressLines; // parallel to instance.addresses
    std::vector<int> addressIndex; // each address's 1-based position in the list as written
    AuthDraft auth;                // the instance's own `auth` group
    std::vector<TrackDraft> tracks;
    bool tracksOk = true; // the `track` setting itself was not reported
};

// The path that names entry `position` (from 1) of `instances` in messages: by its name when it
// has a valid one, else by its position.
std::string instancePath(const Node& group, std::size_t position);

// `group` is a Group node. Problems are reported; the Draft carries whatever could be read.
Draft buildInstance(const Node& group, std::size_t position, const std::string& file,
                    Reporter& report);

} // namespace hafd::config
