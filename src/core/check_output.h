// SPDX-License-Identifier: Apache-2.0
// What a check's output means (DESIGN.md §5): the role a role check's output reports, the number
// a file check's file holds, the line status shows. Pure functions on bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hafd::core {

// A compiled POSIX extended regular expression (regcomp(3), REG_EXTENDED).
class Pattern {
public:
    // nullopt when it does not compile (the configuration loader has refused such patterns).
    static std::optional<Pattern> compile(const std::string& pattern);
    Pattern(Pattern&&) noexcept;
    Pattern& operator=(Pattern&&) noexcept;
    ~Pattern();

    // Whether the pattern matches somewhere in `text` (which may hold NUL bytes: they end it).
    bool matches(std::string_view text) const;
    // The role `text` reports: the text of the first parenthesised group, or of the whole match
    // when the pattern has none; nullopt when it does not match. An empty role is no role.
    std::optional<std::string> role(std::string_view text) const;

private:
    struct Compiled;
    explicit Pattern(std::unique_ptr<Compiled> c);
    std::unique_ptr<Compiled> c_;
};

// The number a file check's file holds (keepalived's track_file): an optional sign and decimal
// digits after leading blanks and newlines; the rest is ignored. nullopt when there is none or
// it overflows.
std::optional<int64_t> fileNumber(std::string_view contents);

// The first line of `output`, without its newline, at most `limit` bytes, with control
// characters (other than tab) shown as '?': for status and logs.
std::string firstLine(std::string_view output, std::size_t limit = 200);

} // namespace hafd::core
