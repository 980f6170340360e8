// SPDX-License-Identifier: Apache-2.0
#include "config/load.h"

#include "config/cross_checks.h"
#include "config/format.h"
#include "config/instance_builder.h"
#include "config/parser.h"
#include "config/report.h"
#include "config/schema.h"
#include "config/section.h"

namespace hafd::config {

namespace {

LoadResult check(const Document& doc) {
    Reporter report(doc.files);
    const Section root(doc.root, rootKeys(), "", report);
    std::vector<Draft> drafts;
    const Node* list = root.find("instances");
    if (list != nullptr && root.ok("instances")) {
        for (std::size_t i = 0; i < list->children.size(); ++i) {
            const Node& entry = list->children[i];
            if (entry.kind != Node::Kind::Group) {
                report.error(entry, "instances[" + std::to_string(i + 1) + "]",
                             "expected a group { ... }, found " + describeNode(entry));
                continue;
            }
            drafts.push_back(buildInstance(
                entry, i + 1, doc.files[static_cast<std::size_t>(entry.file)], report));
        }
    }
    if (list == nullptr || (root.ok("instances") && list->children.empty()))
        report.add(Diagnostic::Severity::Warning, list != nullptr ? list->file : 0,
                   list != nullptr ? list->line : 0, "instances",
                   "no instances configured: hafd will have nothing to do");
    checkAcrossInstances(drafts, report);

    const bool ok = report.errors() == 0;
    LoadResult result;
    result.diagnostics = std::move(report).finish();
    if (ok) {
        Config config;
        config.file = doc.files.front();
        for (Draft& d : drafts)
            config.instances.push_back(std::move(d.instance));
        result.config = std::move(config);
    }
    return result;
}

LoadResult load(Result<Document, Diagnostic> parsed) {
    if (!parsed.ok())
        return {std::nullopt, {parsed.error()}};
    return check(parsed.value());
}

} // namespace

LoadResult loadFile(const std::string& path) {
    return load(parseFile(path));
}

LoadResult loadString(std::string_view text, const std::string& name) {
    return load(parseString(text, name));
}

std::string settingPath(const Instance& instance, std::string_view setting) {
    std::string path = "instances[" + quoted(instance.name) + "]";
    return setting.empty() ? path : path + "." + std::string(setting);
}

Diagnostic diagnose(const Instance& instance, std::string_view setting,
                    Diagnostic::Severity severity, std::string message) {
    return {severity, instance.file, instance.lineOf(std::string(setting)),
            settingPath(instance, setting), std::move(message)};
}

} // namespace hafd::config
