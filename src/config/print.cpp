// SPDX-License-Identifier: Apache-2.0
#include "config/print.h"

#include "config/format.h"
#include "config/print_util.h"
#include "config/schema.h"

#include <charconv>

namespace hafd::config {

namespace print {

std::string seconds(Duration d) {
    return formatNumber(toSeconds(d));
}

std::string boolean(bool b) {
    return b ? "true" : "false";
}

std::string strings(const std::vector<std::string>& items) {
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        s += (i == 0 ? " " : ", ") + literal(items[i]);
    return s + (items.empty() ? "]" : " ]");
}

std::string command(const Command& c) {
    return c.empty() ? "" : strings(c.argv);
}

namespace {

// Whether `value` is what the table's default reads as.
bool isDefault(const Key& k, const std::string& value) {
    if (k.defaultValue.empty())
        return false;
    if (k.type == Type::Seconds || k.type == Type::Int) {
        double v = 0;
        const auto [end, ec] = std::from_chars(k.defaultValue.data(),
                                               k.defaultValue.data() + k.defaultValue.size(), v);
        if (ec != std::errc() || end != k.defaultValue.data() + k.defaultValue.size())
            return false; // a formula
        return formatNumber(v) == value;
    }
    if (k.type == Type::String)
        return literal(k.defaultValue) == value;
    return k.defaultValue == value;
}

} // namespace

std::string settings(std::span<const Key> keys, const std::string& indent, const ValueOf& value) {
    std::string out;
    for (const Key& k : keys) {
        const std::string v = value(k.name, indent);
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

std::string group(std::span<const Key> keys, const std::string& indent, const ValueOf& value) {
    return "{\n" + settings(keys, indent + "  ", value) + indent + "}";
}

std::string groupList(std::span<const Key> keys, const std::string& indent, std::size_t count,
                      const std::function<ValueOf(std::size_t)>& entry,
                      const std::function<std::string(std::size_t)>& comment) {
    std::string out = "(\n";
    for (std::size_t i = 0; i < count; ++i) {
        out += indent + "  {";
        if (comment)
            out += "  # " + comment(i);
        out += "\n" + settings(keys, indent + "    ", entry(i)) + indent + "  }";
        out += i + 1 < count ? ",\n" : "\n";
    }
    return out + indent + ")";
}

} // namespace print

namespace {

using print::boolean;
using print::seconds;

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

std::string trackValue(const Track& t, std::string_view name, const std::string& indent) {
    if (name == "check")
        return t.check.empty() ? "" : literal(t.check);
    if (name == "interface")
        return t.interface.empty() ? "" : literal(t.interface);
    if (name == "weight")
        return t.roleWeights.empty() ? std::to_string(t.weight) : "";
    if (name == "weights") {
        if (t.roleWeights.empty())
            return "";
        std::string s = "{\n";
        for (const auto& [role, weight] : t.roleWeights)
            s += indent + "  " + role + " = " + std::to_string(weight) + ";\n";
        return s + indent + "}";
    }
    return "?";
}

// The value of instance setting `name` as it would be written in the file.
std::string instanceValue(const Instance& in, std::string_view name, const std::string& indent) {
    if (name == "name")
        return literal(in.name);
    if (name == "interface")
        return literal(in.interface);
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
    if (name == "addresses") {
        std::vector<std::string> a;
        for (const Prefix& p : in.addresses)
            a.push_back(p.toString());
        return print::strings(a);
    }
    if (name == "unicast_peers") {
        std::vector<std::string> a;
        for (const IpAddress& p : in.unicastPeers)
            a.push_back(p.toString());
        return print::strings(a);
    }
    if (name == "unicast_min_ttl") // IPv4 unicast only
        return in.isUnicast() && in.family == Family::V4 ? std::to_string(in.unicastMinTtl) : "";
    if (name == "vmac")
        return boolean(in.vmac);
    if (name == "accept")
        return boolean(in.accept);
    if (name == "checksum") // IPv4 VRRPv3 only; elsewhere the form is fixed
        return in.family == Family::V4 && in.version == proto::Version::V3
                   ? literal(proto::checksumFormName(in.checksum))
                   : "";
    if (name == "announce")
        return print::group(announceKeys(), indent, [&](std::string_view n, const std::string&) {
            return announceValue(in.announce, n);
        });
    if (name == "v2_password") // shown by length only: it stays out of logs and terminals
        return in.v2AuthType == proto::V2AuthType::SimplePassword
                   ? "\"" + std::string(in.v2Password.size(), '*') + "\""
                   : "";
    if (name == "auth") {
        // Its own group only; an inherited one is the top level's, printed there.
        if (!in.ownAuth)
            return "";
        if (!in.auth)
            return "{ enabled = false; }";
        return print::auth(*in.auth, indent);
    }
    if (name == "track")
        return in.tracks.empty()
                   ? ""
                   : print::groupList(trackKeys(), indent, in.tracks.size(), [&](std::size_t i) {
                         return [&, i](std::string_view n, const std::string& ind) {
                             return trackValue(in.tracks[i], n, ind);
                         };
                     });
    if (name == "notify")
        return in.notify->empty() ? "" : print::notify(*in.notify, indent);
    return "?";
}

} // namespace

std::string describe(const Config& config) {
    std::string out = "# " + config.file + ": the effective configuration\n";
    for (const Key& k : rootKeys()) {
        if (k.name == "instances") {
            out += "instances = " +
                   print::groupList(
                       instanceKeys(), "", config.instances.size(),
                       [&](std::size_t i) {
                           return [&, i](std::string_view n, const std::string& indent) {
                               return instanceValue(config.instances[i], n, indent);
                           };
                       },
                       [&](std::size_t i) {
                           const Instance& in = config.instances[i];
                           return in.file + ":" + std::to_string(in.lineOf(""));
                       }) +
                   ";\n";
            continue;
        }
        out += print::section(config, k.name);
    }
    return out;
}

} // namespace hafd::config
