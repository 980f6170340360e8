// SPDX-License-Identifier: Apache-2.0
#include "daemon/cli.h"

namespace hafd::daemon {

const char* usage() {
    return "usage: hafd [-f FILE] [--runtime-dir DIR] [--log-level LEVEL] [--check-config [-v]]\n"
           "       hafd ctl [--runtime-dir DIR] COMMAND …   (also installed as hafctl)\n"
           "\n"
           "  -f, --config FILE    configuration file (default /etc/hafd.conf)\n"
           "  --runtime-dir DIR    control socket and state (default /run/hafd)\n"
           "  --log-level LEVEL    error, warning, notice, info (default) or debug\n"
           "  --check-config       validate the configuration, print findings, exit 0 or 2\n"
           "  -v, --verbose        with --check-config: print every setting\n"
           "  --version, -h/--help\n";
}

ParsedOptions parseOptions(const std::vector<std::string>& args) {
    ParsedOptions r;
    Options& o = r.options;
    // Takes the value of an option given as "--opt VALUE" or "--opt=VALUE".
    auto value = [&](std::size_t& i, const std::string& arg, const std::string& name,
                     std::string& out) {
        if (arg.size() > name.size() && arg.compare(0, name.size() + 1, name + "=") == 0) {
            out = arg.substr(name.size() + 1);
            return true;
        }
        if (arg != name)
            return false;
        if (i + 1 >= args.size()) {
            r.error = name + " needs a value";
            return true;
        }
        out = args[++i];
        return true;
    };
    for (std::size_t i = 0; i < args.size() && r.error.empty(); ++i) {
        const std::string& a = args[i];
        std::string v;
        if (a == "-h" || a == "--help")
            o.help = true;
        else if (a == "--version")
            o.version = true;
        else if (a == "--check-config" || a == "-t")
            o.checkConfig = true;
        else if (a == "-v" || a == "--verbose")
            o.verbose = true;
        else if (value(i, a, "-f", v) || value(i, a, "--config", v))
            o.configFile = v;
        else if (value(i, a, "--runtime-dir", v))
            o.runtimeDir = v;
        else if (value(i, a, "--log-level", v)) {
            if (r.error.empty() && !log::parseLevel(v, o.logLevel))
                r.error =
                    "--log-level: '" + v + "' is not one of error, warning, notice, info, debug";
        } else
            r.error = "unknown argument '" + a + "'";
    }
    if (r.error.empty() && o.verbose && !o.checkConfig)
        r.error = "-v goes with --check-config";
    if (r.error.empty() && (o.configFile.empty() || o.runtimeDir.empty()))
        r.error = "empty file or directory name";
    return r;
}

} // namespace hafd::daemon
