// SPDX-License-Identifier: Apache-2.0
#include "config/value_checks.h"

#include <charconv>
#include <regex.h>

namespace hafd::config {

namespace {

bool isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

// The index just past the bracket expression that opens at `at` ('['), or npos.
std::size_t skipBracket(std::string_view p, std::size_t at) {
    std::size_t i = at + 1;
    if (i < p.size() && p[i] == '^')
        ++i;
    if (i < p.size() && p[i] == ']') // a leading ']' is literal
        ++i;
    while (i < p.size() && p[i] != ']') {
        if (p[i] == '[' && i + 1 < p.size() &&
            (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
            const char close[] = {p[i + 1], ']', '\0'};
            const std::size_t end = p.find(close, i + 2);
            if (end == std::string_view::npos)
                return std::string_view::npos;
            i = end + 2;
            continue;
        }
        ++i;
    }
    return i < p.size() ? i + 1 : std::string_view::npos;
}

// "a|b|c" as its words, when every alternative is a non-empty word.
std::optional<std::set<std::string>> words(std::string_view alternation) {
    std::set<std::string> out;
    std::size_t begin = 0;
    while (true) {
        const std::size_t bar = alternation.find('|', begin);
        const std::string_view word = alternation.substr(begin, bar - begin);
        if (word.empty())
            return std::nullopt;
        for (const char c : word)
            if (!isWordChar(c))
                return std::nullopt;
        out.emplace(word);
        if (bar == std::string_view::npos)
            return out;
        begin = bar + 1;
    }
}

} // namespace

std::string checkName(std::string_view v) {
    for (const char c : v) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        if (!ok)
            return "may contain only letters, digits, '_', '.' and '-'";
    }
    return "";
}

std::string checkNodeAddress(std::string_view v) {
    return checkHostAddress(v, "a node's address takes");
}

std::string checkAbsolutePath(std::string_view v) {
    if (!v.starts_with('/'))
        return "is not an absolute path";
    return "";
}

std::string checkProgram(std::string_view v) {
    if (!v.starts_with('/'))
        return "is not an absolute path: commands run without a shell and without $PATH, so "
               "name the program by its absolute path";
    if (v.ends_with('/'))
        return "names a directory, not a program";
    return "";
}

std::optional<TcpTarget> parseTcpTarget(std::string_view v) {
    std::string_view host;
    std::string_view port;
    if (v.starts_with('[')) {
        const std::size_t close = v.find("]:");
        if (close == std::string_view::npos)
            return std::nullopt;
        host = v.substr(1, close - 1);
        port = v.substr(close + 2);
    } else {
        const std::size_t colon = v.rfind(':');
        if (colon == std::string_view::npos || v.find(':') != colon)
            return std::nullopt; // none, or an IPv6 address without brackets
        host = v.substr(0, colon);
        port = v.substr(colon + 1);
    }
    const auto address = IpAddress::parse(host);
    if (!address || (v.starts_with('[') && address->family() != Family::V6))
        return std::nullopt;
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || end != port.data() + port.size() || n < 1 || n > 65535)
        return std::nullopt;
    return TcpTarget{*address, static_cast<uint16_t>(n)};
}

std::string checkTcpTarget(std::string_view v) {
    const auto t = parseTcpTarget(v);
    if (!t)
        return "is not \"address:port\" or \"[IPv6 address]:port\" (port 1..65535)";
    return checkUsableAddress(t->address);
}

std::optional<TcpTarget> parseListen(std::string_view v) {
    if (v.starts_with(':'))
        v.remove_prefix(1);
    const bool portOnly = !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos;
    const auto t = portOnly ? parseTcpTarget("127.0.0.1:" + std::string(v)) : parseTcpTarget(v);
    if (!t || t->address.isMulticast())
        return std::nullopt;
    return t;
}

std::string checkListen(std::string_view v) {
    if (!parseListen(v))
        return "is not \"port\", \"address:port\" or \"[IPv6 address]:port\" (port 1..65535; "
               "not a multicast address)";
    return "";
}

std::string checkRegex(std::string_view v) {
    const std::string pattern(v);
    regex_t re;
    const int rc = regcomp(&re, pattern.c_str(), REG_EXTENDED);
    if (rc == 0) {
        regfree(&re);
        return "";
    }
    char message[256];
    regerror(rc, &re, message, sizeof message);
    return std::string("does not compile: ") + message;
}

std::optional<std::set<std::string>> literalRoles(std::string_view p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') {
            ++i;
            continue;
        }
        if (p[i] == '[') {
            const std::size_t end = skipBracket(p, i);
            if (end == std::string_view::npos)
                return std::nullopt;
            i = end - 1;
            continue;
        }
        if (p[i] != '(')
            continue;
        // The first group: it must close without nesting, escapes or brackets inside.
        const std::size_t close = p.find(')', i + 1);
        if (close == std::string_view::npos)
            return std::nullopt;
        return words(p.substr(i + 1, close - i - 1));
    }
    // No group: the whole match is the role.
    std::string_view whole = p;
    if (whole.starts_with('^'))
        whole.remove_prefix(1);
    if (whole.ends_with('$'))
        whole.remove_suffix(1);
    return words(whole);
}

} // namespace hafd::config
