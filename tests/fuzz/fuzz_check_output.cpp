// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for what a check's output means (core/check_output.h): the role a role check
// reports (Pattern::role with the role_pattern of conf/examples, and a pattern without a group),
// the number a file check reads (fileNumber) and the line status shows (firstLine). Besides
// memory safety (ASan/UBSan), it checks their contracts:
// - a role is never empty, only comes from output the pattern matches, and is text of it;
// - a file number, printed, is found in the contents after the leading blanks;
// - a first line is at most `limit` bytes, has no newline and no control character but tab.
//
// Input: the output (or the file's contents).
#include "core/check_output.h"

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

const core::Pattern& pattern(std::size_t i) {
    // The examples' role pattern, one whose group may match nothing, one without a group.
    static const core::Pattern patterns[] = {
        *core::Pattern::compile("^(master|slave)"),
        *core::Pattern::compile("role: *([a-z]*)"),
        *core::Pattern::compile("[0-9]+"),
    };
    return patterns[i];
}

void roles(std::string_view output) {
    const std::string_view text = output.substr(0, output.find('\0')); // NUL ends the output
    for (std::size_t i = 0; i < 3; ++i) {
        const core::Pattern& p = pattern(i);
        const auto role = p.role(output);
        check(!role || p.matches(output));
        if (role) {
            check(!role->empty());
            check(text.find(*role) != std::string_view::npos);
        }
    }
    const auto role = pattern(0).role(output);
    if (role)
        check(*role == "master" || *role == "slave");
}

void number(std::string_view contents) {
    const auto n = core::fileNumber(contents);
    if (!n)
        return;
    // The digits after the blanks, an optional '+' or '-', and leading zeros are the number's.
    const std::size_t start = contents.find_first_not_of(" \t\r\n");
    check(start != std::string_view::npos);
    std::string_view rest = contents.substr(start);
    const bool negative = rest.front() == '-';
    if (rest.front() == '+' || negative)
        rest.remove_prefix(1);
    std::string_view digits = rest.substr(0, rest.find_first_not_of("0123456789"));
    check(!digits.empty());
    digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size()));
    std::string expected = std::to_string(*n);
    if (expected.front() == '-')
        expected.erase(0, 1);
    if (expected == "0")
        expected.clear();
    check(digits == expected);
    check(negative == (*n < 0) || *n == 0);
}

void line(std::string_view output) {
    for (const std::size_t limit : {std::size_t{0}, std::size_t{8}, std::size_t{200}}) {
        const std::string l = core::firstLine(output, limit);
        check(l.size() <= limit && l.size() <= output.size());
        // The start of the output's first line, with control characters shown as '?'.
        for (std::size_t i = 0; i < l.size(); ++i) {
            const auto c = static_cast<unsigned char>(l[i]);
            check(c == '\t' || (c >= 0x20 && c != 0x7f));
            check(output[i] != '\n' && (l[i] == output[i] || l[i] == '?'));
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    roles(input);
    number(input);
    line(input);
    return 0;
}
