// SPDX-License-Identifier: Apache-2.0
#include "config/suggest.h"

#include "config/format.h"

#include <cstdint>

namespace hafd::config {

namespace {

// How far a misspelling may stray and still earn a hint.
std::size_t tolerance(std::string_view candidate) {
    return candidate.size() <= 4 ? 1 : candidate.size() <= 8 ? 2 : 3;
}

bool equalIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && editDistance(a, b) == 0;
}

} // namespace

std::string suggestKey(std::string_view unknown, std::span<const Key> keys) {
    for (const Key& k : keys)
        for (const auto alias : k.aliases)
            if (equalIgnoringCase(unknown, alias))
                return std::string(k.name);
    std::string best;
    std::size_t bestDistance = SIZE_MAX;
    for (const Key& k : keys) {
        const std::size_t d = editDistance(unknown, k.name);
        const bool prefix = unknown.size() >= 3 && k.name.size() > unknown.size() &&
                            equalIgnoringCase(k.name.substr(0, unknown.size()), unknown);
        if ((d <= tolerance(k.name) || prefix) && d < bestDistance) {
            best = k.name;
            bestDistance = d;
        }
    }
    return best;
}

std::string suggestChoice(std::string_view unknown, std::span<const std::string_view> choices) {
    std::string best;
    std::size_t bestDistance = SIZE_MAX;
    for (const auto c : choices) {
        const std::size_t d = editDistance(unknown, c);
        if (d <= tolerance(c) && d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    return best;
}

} // namespace hafd::config
