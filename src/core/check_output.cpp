// SPDX-License-Identifier: Apache-2.0
#include "core/check_output.h"

#include <regex.h>

#include <charconv>

namespace hafd::core {

struct Pattern::Compiled {
    regex_t re{};
    bool compiled = false; // regfree() only what regcomp() accepted
    ~Compiled() {
        if (compiled)
            regfree(&re);
    }
};

Pattern::Pattern(std::unique_ptr<Compiled> c) : c_(std::move(c)) {}
Pattern::Pattern(Pattern&&) noexcept = default;
Pattern& Pattern::operator=(Pattern&&) noexcept = default;
Pattern::~Pattern() = default;

std::optional<Pattern> Pattern::compile(const std::string& pattern) {
    auto c = std::make_unique<Compiled>();
    if (regcomp(&c->re, pattern.c_str(), REG_EXTENDED) != 0)
        return std::nullopt;
    c->compiled = true;
    return Pattern(std::move(c));
}

bool Pattern::matches(std::string_view text) const {
    const std::string s(text.substr(0, text.find('\0')));
    return regexec(&c_->re, s.c_str(), 0, nullptr, 0) == 0;
}

std::optional<std::string> Pattern::role(std::string_view text) const {
    const std::string s(text.substr(0, text.find('\0')));
    regmatch_t m[2];
    if (regexec(&c_->re, s.c_str(), 2, m, 0) != 0)
        return std::nullopt;
    const regmatch_t& g = (c_->re.re_nsub >= 1 && m[1].rm_so >= 0) ? m[1] : m[0];
    std::string r =
        s.substr(static_cast<std::size_t>(g.rm_so), static_cast<std::size_t>(g.rm_eo - g.rm_so));
    if (r.empty())
        return std::nullopt;
    return r;
}

std::optional<int64_t> fileNumber(std::string_view contents) {
    std::size_t i = contents.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos)
        return std::nullopt;
    if (contents[i] == '+') {
        ++i; // from_chars takes '-' but not '+'
        if (i < contents.size() && contents[i] == '-')
            return std::nullopt; // one sign, not "+-5"
    }
    int64_t v = 0;
    const char* begin = contents.data() + i;
    const char* end = contents.data() + contents.size();
    const auto [ptr, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || ptr == begin)
        return std::nullopt;
    return v;
}

std::string firstLine(std::string_view output, std::size_t limit) {
    std::string_view line = output.substr(0, output.find('\n'));
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    std::string out(line.substr(0, limit));
    for (char& ch : out)
        if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\t') || ch == 0x7f)
            ch = '?';
    return out;
}

} // namespace hafd::core
