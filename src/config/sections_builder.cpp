// SPDX-License-Identifier: Apache-2.0
#include "config/sections_builder.h"

#include "config/binding.h"
#include "config/builder_util.h"
#include "config/format.h"
#include "config/schema.h"
#include "proto/heartbeat.h"

#include <map>

namespace hafd::config {

namespace {

void error(Reporter& report, const Section& s, std::string_view setting, std::string message) {
    reportAt(report, s, Diagnostic::Severity::Error, setting, std::move(message));
}

// Of two settings of `s`, the one to blame for a conflict between them: the one written later,
// or the one written at all when the other takes its default.
std::string_view blamed(const Section& s, std::string_view a, std::string_view b) {
    const Node* x = s.find(a);
    const Node* y = s.find(b);
    if (x == nullptr)
        return b;
    if (y == nullptr)
        return a;
    return y->line >= x->line ? b : a;
}

// The `timeout` of a hook: its default is the table's formula, min(1.0, interval / 2), and it
// must be below the interval. False when reported.
bool hookTiming(const Section& s, Reporter& report, Duration& timeout) {
    if (!s.ok("interval") || !s.ok("timeout"))
        return false;
    const double i = s.seconds("interval");
    if (!s.present("timeout")) {
        timeout = fromSeconds(std::min(1.0, i / 2));
        return true;
    }
    const double t = s.seconds("timeout");
    if (t >= i - 1e-9) {
        error(report, s, "timeout",
              "must be less than interval (" + formatNumber(i) + "), not " + formatNumber(t));
        return false;
    }
    return true;
}

// The nodes: unique names and addresses, one family; conflicts at the second.
void readNodes(const Section& s, Reporter& report, Cluster& c, ClusterDraft& d) {
    std::map<std::string, const Node*> names;
    std::map<uint16_t, std::string> tags;
    std::map<IpAddress, std::pair<const Node*, std::string>> addresses;
    std::optional<std::pair<Family, std::string>> family; // the first node's, and its path
    const auto entries = groupEntries(s, "nodes", report);
    for (const auto& [entry, position] : entries) {
        const std::string path =
            namedEntryPath("cluster.nodes", *entry, position, clusterNodeKeys());
        const Section n(*entry, clusterNodeKeys(), path, report);
        ClusterNode node;
        readFields(n, node, report);
        node.where = whereOf(report, *entry, path);
        if (n.ok("name")) {
            const Node* at = n.find("name");
            const auto [it, added] = names.try_emplace(node.name, entry);
            if (!added)
                error(report, n, "name",
                      quoted(node.name) + " is already the name of the node at " +
                          report.where(it->second->file, it->second->line, at->file));
        }
        if (n.ok("address")) {
            const Node* at = n.find("address");
            const auto [it, added] = addresses.try_emplace(node.address, at, path);
            if (!added)
                error(report, n, "address",
                      node.address.toString() + " is already the address of " + it->second.second +
                          " (" +
                          report.where(it->second.first->file, it->second.first->line, at->file) +
                          ")");
            else if (!family)
                family = {node.address.family(), path};
            else if (node.address.family() != family->first)
                error(report, n, "address",
                      quoted(n.find("address")->text) + " is " + familyName(node.address.family()) +
                          ", but " + family->second + ".address is " + familyName(family->first) +
                          "; heartbeats use one family");
        }
        if (n.ok("name") && !node.name.empty()) {
            // A handover names its successor by a 16-bit tag of its name (hafd-heartbeat(7)):
            // two nodes with one tag could both take it as theirs.
            const auto [it, added] =
                tags.try_emplace(proto::heartbeat::successorTag(node.name), node.name);
            if (!added && it->second != node.name)
                error(report, n, "name",
                      quoted(node.name) + " and " + quoted(it->second) +
                          " have the same 16-bit tag in heartbeats (hafd-heartbeat(7)); rename "
                          "one of them");
        }
        c.nodes.push_back(std::move(node));
        d.nodeEntries.push_back(entry);
    }
    if (s.ok("nodes") && s.present("nodes")) {
        const Node& list = *s.find("nodes");
        std::size_t witnesses = 0;
        for (const ClusterNode& n : c.nodes)
            witnesses += n.witness ? 1 : 0;
        if (list.children.size() < 2)
            report.error(list, "cluster.nodes",
                         "a cluster needs at least 2 nodes, this one included");
        else if (entries.size() == list.children.size() && witnesses == c.nodes.size())
            report.error(list, "cluster.nodes",
                         "every node is a witness: none can hold the addresses");
        else if (list.children.size() == 2 && !s.present("quorum_hook"))
            report.error(list, "cluster.nodes",
                         "2 nodes and no quorum_hook: a strict majority of 2 is both, so when "
                         "either fails the other loses quorum and releases the addresses; add "
                         "a witness node (a third hafd that only votes) or a quorum_hook");
    }
}

// How late the kernel may remove an expired address, measured with bench/lease_expiry (1.11 s
// when another address of the namespace changes near the end of the lease), with room.
constexpr double kKernelLateness = 1.25;

// Heartbeat, lease and margin, and how they relate (DESIGN.md §4).
void checkTiming(const Section& s, Reporter& report) {
    // DESIGN.md §10: the lease is the kernel's valid lifetime, in whole seconds.
    bool timing = s.ok("lease") && s.ok("heartbeat") && s.ok("margin");
    if (s.ok("lease")) {
        const double lease = s.seconds("lease");
        if (!isWhole(lease)) {
            error(report, s, "lease",
                  "must be whole seconds (the kernel counts address lifetimes in seconds), not " +
                      formatNumber(lease));
            timing = false;
        }
    }
    if (timing) {
        const double lease = s.seconds("lease");
        const double heartbeat = s.seconds("heartbeat");
        const double margin = s.seconds("margin");
        if (heartbeat > lease / 3 + 1e-9)
            error(report, s, blamed(s, "heartbeat", "lease"),
                  "heartbeat " + formatNumber(heartbeat) + " s is more than a third of lease " +
                      formatNumber(lease) +
                      " s: at least 3 heartbeats must fit in a lease, so that one lost packet "
                      "does not cost quorum");
        if (margin < heartbeat - 1e-9)
            error(report, s, blamed(s, "margin", "heartbeat"),
                  "margin " + formatNumber(margin) + " s is less than heartbeat " +
                      formatNumber(heartbeat) +
                      " s: a master notices a lost quorum up to a heartbeat late, and the "
                      "margin must cover that");
        else if (margin < heartbeat + kKernelLateness - 1e-9)
            reportAt(report, s, Diagnostic::Severity::Warning, blamed(s, "margin", "heartbeat"),
                     "margin " + formatNumber(margin) + " s is less than heartbeat " +
                         formatNumber(heartbeat) + " s + " + formatNumber(kKernelLateness) +
                         " s: a killed or frozen master's kernel can remove its expired "
                         "addresses up to 1.11 s after the lease ends (hafd.conf(5), lease), so "
                         "a backup could claim while they are still there");
    }
}

} // namespace

void placeNode(const Section& root, LocalNode& node, const Reporter& report) {
    const Node* group = root.ok("node") ? root.find("node") : nullptr;
    const Node* name = group != nullptr ? group->find("name") : nullptr;
    node.where = whereOf(report,
                         name != nullptr    ? *name
                         : group != nullptr ? *group
                                            : root.node(),
                         "node.name");
}

void checkScripts(const Section& root, Scripts& scripts, Reporter& report) {
    const Node* group = root.ok("scripts") ? root.find("scripts") : nullptr;
    const Node& at = group != nullptr ? *group : root.node();
    const Node* user = group != nullptr ? group->find("user") : nullptr;
    const Node* name = group != nullptr ? group->find("group") : nullptr;
    scripts.userWhere = whereOf(report, user != nullptr ? *user : at, "scripts.user");
    scripts.groupWhere = whereOf(report, name != nullptr ? *name : at, "scripts.group");
    if (user != nullptr && user->kind == Node::Kind::String && user->text == "root")
        report.warning(*user, "scripts.user",
                       "\"root\": every command then runs with full privileges; an unprivileged "
                       "user is safer");
}

ClusterDraft buildCluster(const Section& root, Reporter& report) {
    ClusterDraft d;
    d.group = root.ok("cluster") ? root.find("cluster") : nullptr;
    if (d.group == nullptr)
        return d;
    const std::size_t errorsBefore = report.errors();
    const Section s(*d.group, clusterKeys(), "cluster", report);
    Cluster c;
    c.where = whereOf(report, *d.group, "cluster");

    readFields(s, c, report);
    readNodes(s, report, c, d);
    checkTiming(s, report);
    if (const Node* hook = s.find("quorum_hook"); hook != nullptr && s.ok("quorum_hook")) {
        const Section h(*hook, quorumHookKeys(), "cluster.quorum_hook", report);
        QuorumHook q;
        readFields(h, q, report);
        if (hookTiming(h, report, q.timeout)) {
            // The hook's vote, like a node's, lasts one lease from the run that gave it: a
            // node cut off releases within the lease whatever its hook last said. A hook that
            // cannot answer again within that time would drop quorum between its runs.
            const double lease = s.ok("lease") ? s.seconds("lease") : toSeconds(c.lease);
            const double span = toSeconds(q.interval) + toSeconds(q.timeout);
            if (span > lease + 1e-9)
                error(report, h, h.present("interval") ? "interval" : "timeout",
                      "interval " + formatNumber(toSeconds(q.interval)) + " s + timeout " +
                          formatNumber(toSeconds(q.timeout)) + " s is more than lease " +
                          formatNumber(lease) +
                          " s: the hook's vote lasts one lease from the run that gave it, so "
                          "the next answer must come within the lease");
            else
                c.quorumHook = std::move(q);
        }
    }
    if (report.errors() == errorsBefore)
        d.cluster = std::move(c);
    return d;
}

std::optional<Fence> buildFence(const Section& root, Reporter& report) {
    const Node* group = root.ok("fence") ? root.find("fence") : nullptr;
    if (group == nullptr)
        return std::nullopt;
    const std::size_t errorsBefore = report.errors();
    const Section s(*group, fenceKeys(), "fence", report);
    Fence f;
    readFields(s, f, report);
    if (s.ok("retry_interval") && s.ok("retry_max_interval") &&
        f.retryMaxInterval < f.retryInterval) {
        const std::string_view at = blamed(s, "retry_interval", "retry_max_interval");
        error(report, s, at,
              "retry_max_interval " + formatNumber(toSeconds(f.retryMaxInterval)) +
                  " is less than retry_interval " + formatNumber(toSeconds(f.retryInterval)));
    }
    if (report.errors() != errorsBefore)
        return std::nullopt;
    return f;
}

std::optional<Metrics> buildMetrics(const Section& root, Reporter& report) {
    const Node* group = root.ok("metrics") ? root.find("metrics") : nullptr;
    if (group == nullptr)
        return std::nullopt;
    const std::size_t errorsBefore = report.errors();
    const Section s(*group, metricsKeys(), "metrics", report);
    Metrics m;
    readFields(s, m, report);
    const Node* textfile = s.find("textfile");
    const Node* listen = s.find("listen");
    m.textfileWhere = whereOf(report, textfile != nullptr ? *textfile : *group, "metrics.textfile");
    m.listenWhere = whereOf(report, listen != nullptr ? *listen : *group, "metrics.listen");
    // node_exporter's textfile collector reads *.prom only: another name is written in vain.
    if (textfile != nullptr && s.ok("textfile") && !m.textfile.ends_with(".prom"))
        reportAt(report, s, Diagnostic::Severity::Warning, "textfile",
                 quoted(m.textfile) +
                     " does not end in .prom: node_exporter's textfile collector reads only "
                     "*.prom files");
    if (report.errors() != errorsBefore)
        return std::nullopt;
    return m;
}

} // namespace hafd::config
