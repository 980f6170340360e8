// SPDX-License-Identifier: Apache-2.0
#include "ctl/request.h"

#include <nlohmann/json.hpp>

namespace hafd::ctl {

using nlohmann::json;

std::optional<Request> parseRequest(const std::string& line, std::string& error) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "request is not a JSON object";
        return std::nullopt;
    }
    const auto it = j.find("command");
    if (it == j.end() || !it->is_string()) {
        error = "request has no string \"command\"";
        return std::nullopt;
    }
    Request r{it->get<std::string>()};
    for (const auto& item : j.items()) {
        // Named references rather than a structured binding, which the lambda below could not
        // capture with clang 14 (the fuzz build's compiler).
        const std::string& key = item.key();
        const json& value = item.value();
        const auto wrong = [&](const char* type) {
            error = "request field \"" + key + "\" must be " + type;
            return std::nullopt;
        };
        if (key == "command") {
            continue;
        } else if (key == "instance") {
            if (!value.is_string())
                return wrong("a string");
            r.instance = value.get<std::string>();
        } else if (key == "to") {
            if (!value.is_string())
                return wrong("a string");
            r.to = value.get<std::string>();
        } else if (key == "on") {
            if (!value.is_boolean())
                return wrong("true or false");
            r.on = value.get<bool>();
        } else if (key == "follow") {
            if (!value.is_boolean())
                return wrong("true or false");
            r.follow = value.get<bool>();
        } else if (key == "since") {
            if (!value.is_number_unsigned())
                return wrong("a sequence number (an unsigned integer)");
            r.since = value.get<uint64_t>();
        } else {
            error = "unknown request field \"" + key + "\"";
            return std::nullopt;
        }
    }
    return r;
}

std::string formatRequest(const Request& request) {
    json j{{"command", request.command}};
    if (!request.instance.empty())
        j["instance"] = request.instance;
    if (!request.to.empty())
        j["to"] = request.to;
    if (request.on)
        j["on"] = *request.on;
    if (request.follow)
        j["follow"] = true;
    if (request.since)
        j["since"] = *request.since;
    return j.dump() + "\n";
}

} // namespace hafd::ctl
