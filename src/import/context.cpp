// SPDX-License-Identifier: Apache-2.0
#include "import/context.h"

#include "common/value_rules.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace hafd::import {

std::optional<long> toInt(std::string_view word, long min, long max) {
    if (word.empty() || word.size() > 18)
        return std::nullopt;
    const std::string s(word);
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return std::nullopt;
    return v;
}

std::optional<double> toSeconds(std::string_view word) {
    bool dot = false, digit = false;
    for (const char c : word) {
        if (c == '.' && !dot)
            dot = true;
        else if (c >= '0' && c <= '9')
            digit = true;
        else
            return std::nullopt;
    }
    if (!digit || word.size() > 18)
        return std::nullopt;
    return std::strtod(std::string(word).c_str(), nullptr);
}

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string quoteList(const std::vector<std::string>& items) {
    std::string out = "[ ";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i > 0 ? ", " : "") + quote(items[i]);
    return out + " ]";
}

std::string hafdName(std::string_view name, std::size_t max) {
    std::string out;
    for (const char c : name.substr(0, max)) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        out += ok ? c : '_';
    }
    return out.empty() ? "_" : out;
}

bool isInterfaceName(std::string_view name) {
    return !name.empty() && name.size() <= 15 && checkInterface(name).empty();
}

std::optional<std::string> oneValue(Context& cx, const KNode& n, const std::string& setting) {
    if (n.words.size() != 2 || n.hasBlock) {
        cx.report(n, setting, "expected one value: not translated");
        return std::nullopt;
    }
    return n.words[1];
}

} // namespace hafd::import

namespace hafd::import {

std::string formatSeconds(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", seconds);
    std::string s = buf;
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.')
        s.pop_back();
    return s;
}

std::optional<int> weightOf(Context& cx, const KNode& n, const std::string& setting,
                            bool& reverse) {
    reverse = n.words.size() == 3 && n.words[2] == "reverse";
    const auto w = n.words.size() >= 2 ? toInt(n.words[1], -253, 253) : std::nullopt;
    if (!w || n.words.size() > (reverse ? 3U : 2U)) {
        cx.report(n, setting, "expected a weight -253..253 and maybe reverse: not translated");
        return std::nullopt;
    }
    return static_cast<int>(*w);
}

bool readGarp(Context& cx, Garp& g, const KNode& c, const std::string& setting,
              std::string_view key) {
    if (key == "garp_master_refresh_repeat" || key == "garp_lower_prio_repeat" ||
        key == "garp_lower_prio_delay") {
        if (!(key == "garp_master_refresh_repeat" && c.words.size() == 2 && c.words[1] == "1"))
            cx.report(c, setting,
                      "hafd sends one announcement per refresh, and its own on a lower priority "
                      "advert: not translated");
        return true;
    }
    std::string* target = nullptr;
    double max = 86400;
    if (key == "garp_master_repeat") {
        target = &g.count;
        max = 100;
    } else if (key == "garp_master_delay") {
        target = &g.delay;
    } else if (key == "garp_master_refresh") {
        target = &g.refresh;
    } else if (key == "garp_interval" || key == "gna_interval") {
        target = &g.interval;
        max = 1;
    } else {
        return false;
    }
    const auto v = oneValue(cx, c, setting);
    if (!v)
        return true;
    const double s = toSeconds(*v).value_or(-1);
    const bool isCount = target == &g.count;
    if (s < 0 || s > max || (isCount && (s < 1 || s != static_cast<double>(static_cast<long>(s)))))
        cx.report(c, setting, "\"" + *v + "\" is beyond what hafd takes: not translated");
    else
        *target = *v;
    return true;
}

} // namespace hafd::import
