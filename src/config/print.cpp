// SPDX-License-Identifier: Apache-2.0
#include "config/print.h"

#include "config/format.h"
#include "config/schema.h"

#include <charconv>

namespace hafd::config {

namespace {

std::string seconds(Duration d) {
    return formatNumber(toSeconds(d));
}

std::string boolean(bool b) {
    return b ? "true" : "false";
}

template <typename T, typename F>
std::string list(const std::vector<T>& items, F text) {
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        s += (i == 0 ? " " : ", ") + quoted(text(items[i]));
    return s + (items.empty() ? "]" : " ]");
}

// The value of instance setting `name` as it would be written in the file.
std::string instanceValue(const Instance& in, std::string_view name) {
    if (name == "name")
        return quoted(in.name);
    if (name == "interface")
        return quoted(in.interface);
    if (name == "vrid")
        return std::to_string(in.vrid);
    if (name == "priority")
        return std::to_string(in.priority);
    if (name == "version")
        return std::to_string(static_cast<int>(in.version));
    if (name == "advert_interval")
        return seconds(in.advertInterval);
    if (name == "preempt")
        return boolean(in.preempt);
    if (name == "preempt_delay")
        return seconds(in.preemptDelay);
    if (name == "addresses")
        return list(in.addresses, [](const Prefix& p) { return p.toString(); });
    if (name == "unicast_peers")
        return list(in.unicastPeers, [](const IpAddress& a) { return a.toString(); });
    if (name == "vmac")
        return boolean(in.vmac);
    if (name == "accept")
        return boolean(in.accept);
    if (name == "checksum") // IPv4 VRRPv3 only; elsewhere the form is fixed
        return in.family == Family::V4 && in.version == proto::Version::V3
                   ? quoted(proto::checksumFormName(in.checksum))
                   : "";
    if (name == "v2_password") // shown by length only: it stays out of logs and terminals
        return in.v2AuthType == proto::V2AuthType::SimplePassword
                   ? "\"" + std::string(in.v2Password.size(), '*') + "\""
                   : "";
    return "?";
}

std::string announceValue(const Announce& a, std::string_view name) {
    if (name == "count")
        return std::to_string(a.count);
    if (name == "delay")
        return seconds(a.delay);
    if (name == "refresh")
        return seconds(a.refresh);
    if (name == "interval")
        return seconds(a.interval);
    return "?";
}

// Whether `value` is what the table's default reads as.
bool isDefault(const Key& k, const std::string& value) {
    if (k.defaultValue.empty())
        return false;
    if (k.type == Type::Seconds || k.type == Type::Int) {
        double v = 0;
        std::from_chars(k.defaultValue.data(), k.defaultValue.data() + k.defaultValue.size(), v);
        return formatNumber(v) == value;
    }
    if (k.type == Type::String)
        return quoted(k.defaultValue) == value;
    return k.defaultValue == value;
}

// `    name = value;  # range; default` (unset settings are left out, as in a file).
void line(std::string& out, const std::string& indent, const Key& k, const std::string& value) {
    if (value.empty())
        return;
    std::string note = rangeText(k);
    if (isDefault(k, value))
        note += note.empty() ? "default" : "; default";
    out += indent + std::string(k.name) + " = " + value + ";";
    if (!note.empty())
        out += "  # " + note;
    out += "\n";
}

} // namespace

std::string describe(const Config& config) {
    std::string out = "# " + config.file + ": the effective configuration\n";
    out += "instances = (\n";
    for (std::size_t n = 0; n < config.instances.size(); ++n) {
        const Instance& in = config.instances[n];
        out += "  {  # " + in.file + ":" + std::to_string(in.lineOf("")) + "\n";
        for (const Key& k : instanceKeys()) {
            if (k.type != Type::Group) {
                line(out, "    ", k, instanceValue(in, k.name));
                continue;
            }
            out += "    " + std::string(k.name) + " = {\n";
            for (const Key& a : k.children)
                line(out, "      ", a, announceValue(in.announce, a.name));
            out += "    };\n";
        }
        out += n + 1 < config.instances.size() ? "  },\n" : "  }\n";
    }
    return out + ");\n";
}

} // namespace hafd::config
