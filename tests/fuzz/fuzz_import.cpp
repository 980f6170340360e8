// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for hafctl import-keepalived (issue 13): arbitrary text as keepalived.conf,
// with every include standing for a second text taken from the same input. Besides memory
// safety (ASan/UBSan), it checks the importer's contract: an exit status of 0, 1 or 2; text
// only when the input was usable; no findings with 0; and the text loads without error with
// hafd's loader (as unit-import-garbage checks for its inputs).
//
// Input: TOP, optionally followed by a NUL byte and the text every include pattern matches.
#include "config/load.h"
#include "import/importer.h"

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string top(input.substr(0, nul));
    const std::string included(nul == std::string_view::npos ? "" : input.substr(nul + 1));
    const auto resolve = [&](const std::string&, const std::string&) {
        import::Included in;
        in.files.push_back({"/fuzz/included.conf", included});
        return in;
    };
    const import::ImportResult r = import::importText({"/fuzz/keepalived.conf", top}, resolve);
    check(r.exitStatus == import::kImportClean || r.exitStatus == import::kImportReview ||
          r.exitStatus == import::kImportUnusable);
    check(r.exitStatus != import::kImportUnusable || r.text.empty());
    check(r.exitStatus != import::kImportClean || r.findings.empty());
    check(r.exitStatus == import::kImportUnusable || !r.text.empty());
    if (r.exitStatus != import::kImportUnusable)
        check(config::loadString(r.text, "/nonexistent/imported.conf").ok());
    return 0;
}
