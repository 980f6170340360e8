// SPDX-License-Identifier: Apache-2.0
#include "daemon/maintenance.h"

#include <string_view>

namespace hafd::daemon {

void Maintenance::load(std::string& error) {
    node_ = false;
    instances_.clear();
    auto read = dir_.readFile(kFile);
    if (!read) {
        error = read.error().message();
        return;
    }
    const std::string text = read->value_or(std::string());
    std::string_view rest = text;
    unsigned lineNo = 0;
    while (!rest.empty()) {
        const auto eol = rest.find('\n');
        const std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
        ++lineNo;
        if (line == "node")
            node_ = true;
        else if (line.rfind("instance ", 0) == 0 && line.size() > 9)
            instances_.emplace(line.substr(9));
        else if (!line.empty() && error.empty())
            error = dir_.file(kFile) + ":" + std::to_string(lineNo) + ": not understood: \"" +
                    std::string(line.substr(0, 64)) + "\"";
    }
}

bool Maintenance::set(const std::string& instance, bool on, std::string& error) {
    bool node = node_;
    std::set<std::string> instances = instances_;
    if (instance.empty()) {
        node = on;
        if (!on)
            instances.clear();
    } else if (on) {
        instances.insert(instance);
    } else {
        instances.erase(instance);
    }
    std::string text = node ? "node\n" : "";
    for (const std::string& i : instances)
        text += "instance " + i + "\n";
    if (auto written = dir_.writeFile(kFile, text); !written) {
        error = written.error().message();
        return false;
    }
    node_ = node;
    instances_ = std::move(instances);
    return true;
}

} // namespace hafd::daemon
