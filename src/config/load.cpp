// SPDX-License-Identifier: Apache-2.0
#include "config/load.h"

#include "config/auth_builder.h"
#include "config/binding.h"
#include "config/check_builder.h"
#include "config/cross_checks.h"
#include "config/format.h"
#include "config/group_builder.h"
#include "config/instance_builder.h"
#include "config/parser.h"
#include "config/references.h"
#include "config/report.h"
#include "config/schema.h"
#include "config/section.h"
#include "config/sections_builder.h"

namespace hafd::config {

namespace {

LoadResult check(const Document& doc) {
    Reporter report(doc.files);
    const Section root(doc.root, rootKeys(), "", report);
    Config config;
    config.file = doc.files.front();
    readFields(root, config, report); // node and scripts; the builders read the rest
    placeNode(root, config.node, report);
    checkScripts(root, config.scripts, report);

    // The sections in the order later ones depend on them: checks before the instances that
    // track them, instances before the groups that list them.
    Globals globals;
    globals.node = config.node;
    if (const Node* node = root.ok("node") ? root.find("node") : nullptr)
        if (const Node* name = node->find("name"); name != nullptr && !globals.node.name.empty())
            globals.nodeName = name;
    globals.auth = buildAuth(root.ok("auth") ? root.find("auth") : nullptr, "auth", report);
    globals.cluster = buildCluster(root, report);
    std::optional<Fence> fence = buildFence(root, report);
    // The fence runs before a claim the cluster's rule holds back: without a cluster there is
    // no such claim, and a fence that never runs must not look configured.
    if (root.ok("fence") && root.present("fence") && !root.present("cluster"))
        report.error(*root.find("fence"), "fence",
                     "needs a cluster section: the fence runs before a claim held by the "
                     "cluster's claim rule, and without a cluster plain VRRP claims at once");
    std::optional<Metrics> metrics = buildMetrics(root, report);
    std::vector<CheckDraft> checks = buildChecks(root, report);

    std::vector<Draft> drafts;
    const Node* list = root.find("instances");
    if (list != nullptr && root.ok("instances")) {
        globals.instances = list;
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
    // A witness runs no instances (DESIGN.md §4): none is what it should have.
    if ((list == nullptr || (root.ok("instances") && list->children.empty())) &&
        !mayBeWitness(globals))
        report.add(Diagnostic::Severity::Warning, list != nullptr ? list->file : 0,
                   list != nullptr ? list->line : 0, "instances",
                   "no instances configured: hafd will have nothing to do");
    checkAcrossInstances(drafts, report);
    std::vector<SyncGroup> groups = buildGroups(root, drafts, report);
    resolveReferences(globals, checks, drafts, report);

    const bool ok = report.errors() == 0;
    LoadResult result;
    result.diagnostics = std::move(report).finish();
    if (ok) {
        config.auth = std::move(globals.auth.auth);
        config.cluster = std::move(globals.cluster.cluster);
        config.fence = std::move(fence);
        config.metrics = std::move(metrics);
        for (CheckDraft& c : checks)
            config.checks.push_back(std::move(c.check));
        for (Draft& d : drafts)
            config.instances.push_back(std::move(d.instance));
        config.groups = std::move(groups);
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

Diagnostic diagnose(const Where& where, Diagnostic::Severity severity, std::string message) {
    return {severity, where.file, where.line, where.setting, std::move(message)};
}

} // namespace hafd::config
