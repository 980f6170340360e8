// SPDX-License-Identifier: Apache-2.0
#include "config/binding.h"

namespace hafd::config {

void readFields(const Section& s, void* object, Reporter& report) {
    for (const Key& k : s.keys()) {
        const Node* n = s.find(k.name);
        if (k.read == nullptr || n == nullptr)
            continue;
        if (s.ok(k.name) || k.type == Type::StringList)
            k.read(s, *n, k, object, report);
    }
}

std::string Key::printIn(const void* object, const std::string& indent) const {
    if (shown != nullptr && !shown(object))
        return "";
    return print(object, *this, indent);
}

bool Key::sameIn(const void* a, const void* b) const {
    if (shown != nullptr && !shown(a) && !shown(b))
        return true;
    return same(a, b);
}

bool Key::identityChanges(const void* a, const void* b) const {
    return sameIdentity != nullptr && !sameIdentity(a, b);
}

bool sameFields(std::span<const Key> keys, const void* a, const void* b) {
    for (const Key& k : keys)
        if (!k.sameIn(a, b))
            return false;
    return true;
}

} // namespace hafd::config
