// SPDX-License-Identifier: Apache-2.0
#include "daemon/timer_pass.h"

namespace hafd::daemon {

void runTimerPass(Scheduler& scheduler, const Binder::Channels& channels, TimePoint now) {
    for (const auto& [key, channel] : channels)
        channel->sender().setBatching(true);
    scheduler.fire(now);
    // A timer may have closed a channel (a reload that removed an instance): only the ones that
    // remain are flushed, and every one that remains was batching or was opened in the pass.
    for (const auto& [key, channel] : channels) {
        channel->sender().setBatching(false);
        channel->sender().flush();
    }
}

} // namespace hafd::daemon
