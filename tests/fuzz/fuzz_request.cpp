// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for control requests (ctl/request.h): arbitrary bytes as the line a client
// sends on the control socket. Besides memory safety (ASan/UBSan), it checks that parseRequest
// either gives a request or says why not, and that whatever it accepts formats to one line
// that parses again to the same request and formats to the same text.
//
// Input: the request line.
#include "ctl/request.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace hafd;

namespace {

void check(bool condition) {
    if (!condition)
        __builtin_trap();
}

bool same(const ctl::Request& a, const ctl::Request& b) {
    return a.command == b.command && a.instance == b.instance && a.to == b.to && a.on == b.on &&
           a.follow == b.follow && a.since == b.since;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string line(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto r = ctl::parseRequest(line, error);
    if (!r) {
        check(!error.empty());
        return 0;
    }
    const std::string text = ctl::formatRequest(*r);
    check(!text.empty() && text.back() == '\n');
    check(text.find('\n') == text.size() - 1); // one line: the protocol is line-based
    std::string again;
    const auto back = ctl::parseRequest(text, again);
    check(back.has_value() && again.empty());
    check(same(*back, *r));
    check(ctl::formatRequest(*back) == text);
    return 0;
}
