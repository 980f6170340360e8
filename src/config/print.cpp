// SPDX-License-Identifier: Apache-2.0
#include "config/print.h"

#include "config/binding.h"
#include "config/format.h"
#include "config/schema.h"

#include <charconv>

namespace hafd::config {

namespace {

// Whether `value` is what the row's default reads as.
bool isDefault(const Key& k, const std::string& value) {
    if (k.defaultValue.empty() || k.formula)
        return false;
    if (k.type == Type::Seconds || k.type == Type::Int) {
        double v = 0;
        const auto [end, ec] = std::from_chars(k.defaultValue.data(),
                                               k.defaultValue.data() + k.defaultValue.size(), v);
        return ec == std::errc() && formatNumber(v) == value;
    }
    if (k.type == Type::String)
        return literal(k.defaultValue) == value;
    return k.defaultValue == value;
}

} // namespace

std::string printSettings(std::span<const Key> keys, const void* object,
                          const std::string& indent) {
    std::string out;
    for (const Key& k : keys) {
        const std::string v = k.printIn(object, indent);
        if (v.empty())
            continue;
        out += indent + std::string(k.name) + " = " + v + ";";
        const bool block =
            k.type == Type::Group || k.type == Type::GroupList || k.type == Type::IntGroup;
        std::string note = block ? "" : rangeText(k);
        if (isDefault(k, v))
            note += note.empty() ? "default" : "; default";
        if (!note.empty())
            out += "  # " + note;
        out += "\n";
    }
    return out;
}

std::string printGroup(std::span<const Key> keys, const void* object, const std::string& indent) {
    const std::string settings = printSettings(keys, object, indent + "  ");
    return settings.empty() ? "" : "{\n" + settings + indent + "}";
}

std::string entryComment(const Instance& instance) {
    return instance.file + ":" + std::to_string(instance.lineOf(""));
}

std::string describe(const Config& config) {
    std::string out = "# " + config.file + ": the effective configuration\n";
    for (const Key& k : rootKeys()) {
        const std::string v = k.printIn(&config, "");
        const std::string name(k.name);
        out += v.empty() ? "# " + name + ": not set\n" : name + " = " + v + ";\n";
    }
    return out;
}

} // namespace hafd::config
