// SPDX-License-Identifier: Apache-2.0
#include "daemon/commands.h"

#include "hostcheck/files.h"

namespace hafd::daemon {

namespace {

// The whole environment of a command, before the caller's HAFD_* variables: nothing of the
// daemon's own (systemd's NOTIFY_SOCKET, WATCHDOG_USEC...) leaks into it.
constexpr const char* kBaseEnvironment[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG=C.UTF-8",
};

} // namespace

void Commands::setIdentity(const config::Scripts& scripts) {
    user_ = scripts.user;
    const auto runAs = hostcheck::resolveRunAs(scripts.user, scripts.group);
    if (!runAs) {
        as_.reset();
        identityError_ = runAs.error().message;
        return;
    }
    identityError_.clear();
    io::Credentials c;
    c.uid = runAs->uid;
    c.gid = runAs->gids.empty() ? 0 : runAs->gids.front();
    c.groups = runAs->gids;
    as_ = std::move(c);
}

uint64_t Commands::run(const config::Command& command, Duration timeout,
                       std::vector<std::string> env, io::Runner::Done done,
                       const std::vector<std::string>& args) {
    io::RunSpec spec;
    spec.argv = command.argv;
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env.assign(std::begin(kBaseEnvironment), std::end(kBaseEnvironment));
    for (std::string& e : env)
        spec.env.push_back(std::move(e));
    spec.timeout = timeout;
    // Never the daemon's own identity by default: without a resolved scripts.user the spec
    // carries an identity that cannot exist, and the start fails with the reason.
    if (as_) {
        spec.as = as_;
    } else {
        io::Credentials none;
        none.uid = static_cast<uid_t>(-1);
        none.gid = static_cast<gid_t>(-1);
        spec.as = none;
    }
    return runner_.run(std::move(spec), std::move(done));
}

} // namespace hafd::daemon
