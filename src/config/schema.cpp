// SPDX-License-Identifier: Apache-2.0
#include "config/schema.h"

#include "config/format.h"
#include "config/schema_sections.h"

namespace hafd::config {

namespace {

void flatten(std::span<const Key> keys, const std::string& prefix, std::vector<SettingInfo>& out) {
    for (const Key& k : keys) {
        SettingInfo info;
        info.path = prefix.empty() ? std::string(k.name) : prefix + "." + std::string(k.name);
        info.type = k.type;
        info.required = k.required;
        info.defaultValue = k.type == Type::String && !k.defaultValue.empty()
                                ? "\"" + std::string(k.defaultValue) + "\""
                                : std::string(k.defaultValue);
        info.range = rangeText(k);
        info.description = k.description;
        info.active = k.active;
        const std::string path = info.path; // `out` may reallocate below
        out.push_back(std::move(info));
        flatten(k.children, path, out);
    }
}

} // namespace

std::string rangeText(const Key& key) {
    if (!key.range.empty())
        return std::string(key.range);
    std::string s;
    if (!key.choices.empty()) {
        for (const auto c : key.choices)
            s += (s.empty() ? "" : " | ") + quoted(c);
        return s;
    }
    if (key.type == Type::Command)
        return "[ \"/absolute/program\", \"argument\", ... ]";
    if (!key.limited)
        return s;
    const std::string lo = formatNumber(key.min);
    const std::string hi = formatNumber(key.max);
    switch (key.type) {
    case Type::Int:
    case Type::Seconds:
    case Type::IntGroup:
        return lo + ".." + hi;
    case Type::String:
        return lo + ".." + hi + " bytes";
    case Type::StringList:
        return key.max == kNoMax ? "at least " + lo + " entries" : lo + ".." + hi + " entries";
    case Type::Bool:
    case Type::Command:
    case Type::Group:
    case Type::GroupList:
        break;
    }
    return s;
}

const char* typeName(Type type) {
    switch (type) {
    case Type::Bool:
        return "boolean";
    case Type::Int:
        return "integer";
    case Type::Seconds:
        return "seconds";
    case Type::String:
        return "string";
    case Type::StringList:
        return "list of strings";
    case Type::Command:
        return "command";
    case Type::Group:
        return "group";
    case Type::GroupList:
        return "list of groups";
    case Type::IntGroup:
        return "group of integers";
    }
    return "?";
}

std::span<const Key> rootKeys() {
    return tables::kRoot;
}
std::span<const Key> instanceKeys() {
    return tables::kInstance;
}
std::span<const Key> announceKeys() {
    return tables::kAnnounce;
}
std::span<const Key> trackKeys() {
    return tables::kTrack;
}
std::span<const Key> notifyKeys() {
    return tables::kNotify;
}
std::span<const Key> switchoverKeys() {
    return tables::kSwitchover;
}
std::span<const Key> authKeys() {
    return tables::kAuth;
}
std::span<const Key> authKeyKeys() {
    return tables::kAuthKey;
}
std::span<const Key> nodeKeys() {
    return tables::kNode;
}
std::span<const Key> scriptsKeys() {
    return tables::kScripts;
}
std::span<const Key> clusterKeys() {
    return tables::kCluster;
}
std::span<const Key> clusterNodeKeys() {
    return tables::kClusterNode;
}
std::span<const Key> quorumHookKeys() {
    return tables::kQuorumHook;
}
std::span<const Key> fenceKeys() {
    return tables::kFence;
}
std::span<const Key> metricsKeys() {
    return tables::kMetrics;
}
std::span<const Key> checkKeys() {
    return tables::kCheck;
}
std::span<const Key> groupKeys() {
    return tables::kGroup;
}

const Key* findKey(std::span<const Key> keys, std::string_view name) {
    for (const Key& k : keys)
        if (k.name == name)
            return &k;
    return nullptr;
}

std::vector<SettingInfo> describeSchema() {
    std::vector<SettingInfo> out;
    flatten(tables::kRoot, "", out);
    return out;
}

std::string formatSchema() {
    std::string s;
    for (const SettingInfo& info : describeSchema()) {
        s += info.path + "\n    " + typeName(info.type);
        if (info.required)
            s += "; required";
        else if (!info.defaultValue.empty())
            s += "; default " + info.defaultValue;
        else if (info.type != Type::Group && info.type != Type::GroupList)
            s += "; unset by default";
        if (!info.range.empty())
            s += "; " + info.range;
        if (!info.active)
            s += "; not active in this release";
        s += "\n    " + info.description + "\n";
    }
    return s;
}

} // namespace hafd::config
