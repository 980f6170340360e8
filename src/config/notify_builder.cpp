// SPDX-License-Identifier: Apache-2.0
#include "config/notify_builder.h"

#include "config/builder_util.h"
#include "config/schema.h"
#include "config/section.h"

namespace hafd::config {

Notify buildNotify(const Node* group, const std::string& path, Reporter& report) {
    Notify n;
    if (group == nullptr)
        return n;
    const Section s(*group, notifyKeys(), path, report);
    n.master = commandOf(s, "master", report);
    n.backup = commandOf(s, "backup", report);
    n.fault = commandOf(s, "fault", report);
    n.stop = commandOf(s, "stop", report);
    n.any = commandOf(s, "any", report);
    return n;
}

} // namespace hafd::config
