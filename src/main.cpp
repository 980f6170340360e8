// SPDX-License-Identifier: Apache-2.0
// hafd's entry point: argv only (DESIGN.md §2). `hafd` runs the daemon, `hafd --check-config`
// validates, `hafctl …` or `hafd ctl …` is the control client.
#include "build_config.h"
#include "config/load.h"
#include "ctl/client.h"
#include "daemon/cli.h"
#include "daemon/config_loader.h"
#include "daemon/daemon.h"
#include "daemon/logging.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

using namespace hafd;

namespace {

// DESIGN.md §10: changing a VIP list one node at a time makes keepalived peers drop our adverts
// until they carry the same list. When a hafd runs with this runtime directory, the file is
// compared with what it runs, and --check-config says so.
void compareWithRunning(const config::Config& cfg, const std::string& runtimeDir,
                        std::vector<config::Diagnostic>& out) {
    ctl::Status running;
    std::string error;
    if (!ctl::fetchStatus(runtimeDir, running, error))
        return;
    for (const auto& i : cfg.instances) {
        for (const auto& r : running.instances) {
            if (r.name != i.name)
                continue;
            std::vector<std::string> vips;
            for (const auto& p : i.addresses)
                vips.push_back(p.toString());
            auto sortedRunning = r.vips;
            std::sort(vips.begin(), vips.end());
            std::sort(sortedRunning.begin(), sortedRunning.end());
            if (vips != sortedRunning)
                out.push_back(config::diagnose(
                    i, "addresses", config::Diagnostic::Severity::Warning,
                    "differs from the running hafd's list: once reloaded, peers that do not carry "
                    "the same change (keepalived compares the list) drop this node's adverts "
                    "until they do; change every node"));
        }
    }
}

int checkConfig(const daemon::Options& o) {
    auto r = daemon::loadConfiguration(o.configFile, daemon::HostFacts::AsWarnings);
    if (r.config)
        compareWithRunning(*r.config, o.runtimeDir, r.diagnostics);
    // One stream, so errors and warnings stay in file and line order.
    for (const auto& d : r.diagnostics)
        std::fprintf(stderr, "%s\n", d.toString().c_str());
    if (!r.config) {
        std::fprintf(stderr, "%s: configuration rejected\n", o.configFile.c_str());
        return daemon::kExitConfig;
    }
    if (o.verbose)
        std::fputs(config::describe(*r.config).c_str(), stdout);
    std::printf("%s: configuration ok (%zu instance(s))\n", o.configFile.c_str(),
                r.config->instances.size());
    return daemon::kExitOk;
}

int runDaemon(const daemon::Options& o) {
    daemon::setupLogging(o.logLevel);
    auto r = daemon::loadConfiguration(o.configFile, daemon::HostFacts::AsErrors);
    for (const auto& d : r.diagnostics) {
        if (d.isError())
            log::error("%s", d.toString().c_str());
        else
            log::warning("%s", d.toString().c_str());
    }
    if (!r.config) {
        log::error("%s: configuration rejected; not starting", o.configFile.c_str());
        return daemon::kExitConfig;
    }
    daemon::Daemon d(o, std::move(*r.config));
    return d.run();
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const std::string self = argc > 0 ? argv[0] : "hafd";
    const std::string base = self.substr(self.find_last_of('/') + 1);
    if (base == "hafctl")
        return ctl::runClient(args, daemon::kDefaultRuntimeDir);
    if (!args.empty() && args[0] == "ctl")
        return ctl::runClient({args.begin() + 1, args.end()}, daemon::kDefaultRuntimeDir);

    const auto parsed = daemon::parseOptions(args);
    if (!parsed.error.empty()) {
        std::fprintf(stderr, "hafd: %s\n%s", parsed.error.c_str(), daemon::usage());
        return daemon::kExitConfig;
    }
    const auto& o = parsed.options;
    if (o.help) {
        std::fputs(daemon::usage(), stdout);
        return daemon::kExitOk;
    }
    if (o.version) {
        std::printf("hafd %s\n", HAFD_VERSION);
        return daemon::kExitOk;
    }
    return o.checkConfig ? checkConfig(o) : runDaemon(o);
}
