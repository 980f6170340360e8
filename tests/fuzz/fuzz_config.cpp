// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the configuration loader: arbitrary text as hafd.conf through what
// `hafd --check-config -v` does short of the host checks (src/hostcheck makes system calls):
// libconfig's parser, the schema walk, every section builder and the checks within and
// between sections (config::loadString), each diagnostic printed, and describe(). Besides
// memory safety (ASan/UBSan), it checks the loader's contract: a configuration exactly when no
// diagnostic is an error, diagnostics with a message, and what describe() prints loads back
// without error to the same settings, and is the same text from the second time on.
//
// Input: the file's text. It stands for /nonexistent/fuzz.conf, so a relative @include names
// no file (libconfig reports it as a syntax error).
#include "config/load.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace hafd;

namespace {

void check(bool condition) {
    if (!condition)
        __builtin_trap();
}

bool anyError(const config::LoadResult& r) {
    return std::any_of(r.diagnostics.begin(), r.diagnostics.end(),
                       [](const config::Diagnostic& d) { return d.isError(); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const config::LoadResult r = config::loadString(text, "/nonexistent/fuzz.conf");
    check(r.ok() == !anyError(r));
    for (const config::Diagnostic& d : r.diagnostics)
        check(!d.toString().empty() && !d.message.empty());
    if (!r.ok())
        return 0;

    // What describe() prints loads back to the same settings (v2 passwords print as stars)...
    const std::string described = config::describe(*r.config);
    check(!described.empty());
    const config::LoadResult again = config::loadString(described, "/nonexistent/described.conf");
    check(again.ok());
    config::Config masked = *r.config;
    for (config::Instance& i : masked.instances)
        if (i.v2AuthType == proto::V2AuthType::SimplePassword)
            i.v2Password = std::string(i.v2Password.size(), '*');
    for (const config::Key& k : config::rootKeys())
        check(k.sameIn(&masked, &*again.config));
    check(again.config->instances.size() == r.config->instances.size());
    // ...and describes to text that loads to the same text: its comments name the file and the
    // lines settings came from, which stay the same from then on.
    const std::string twice = config::describe(*again.config);
    const config::LoadResult third = config::loadString(twice, "/nonexistent/described.conf");
    check(third.ok() && config::describe(*third.config) == twice);
    return 0;
}
