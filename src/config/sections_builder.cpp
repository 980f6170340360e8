// SPDX-License-Identifier: Apache-2.0
#include "config/sections_builder.h"

#include "config/builder_util.h"
#include "config/format.h"
#include "config/schema.h"

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

// `interval` and `timeout` of a hook: the timeout defaults to min(1.0, interval / 2) and must
// be below the interval. False when reported.
bool hookTiming(const Section& s, Reporter& report, Duration& interval, Duration& timeout) {
    if (!s.ok("interval") || !s.ok("timeout"))
        return false;
    const double i = s.seconds("interval");
    interval = fromSeconds(i);
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
    timeout = fromSeconds(t);
    return true;
}

// The nodes: unique names and addresses, one family; conflicts at the second.
void readNodes(const Section& s, Reporter& report, Cluster& c, ClusterDraft& d) {
    std::map<std::string, const Node*> names;
    std::map<IpAddress, std::pair<const Node*, std::string>> addresses;
    std::optional<std::pair<Family, std::string>> family; // the first node's, and its path
    const auto entries = groupEntries(s, "nodes", report);
    for (const auto& [entry, position] : entries) {
        const std::string path =
            namedEntryPath("cluster.nodes", *entry, position, clusterNodeKeys());
        const Section n(*entry, clusterNodeKeys(), path, report);
        ClusterNode node;
        node.where = whereOf(report, *entry, path);
        if (n.ok("name")) {
            node.name = n.string("name");
            const Node* at = n.find("name");
            const auto [it, added] = names.try_emplace(node.name, entry);
            if (!added)
                error(report, n, "name",
                      quoted(node.name) + " is already the name of the node at " +
                          report.where(it->second->file, it->second->line, at->file));
        }
        if (n.ok("address")) {
            node.address = *IpAddress::parse(n.string("address"));
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
                      quoted(n.string("address")) + " is " + familyName(node.address.family()) +
                          ", but " + family->second + ".address is " + familyName(family->first) +
                          "; heartbeats use one family");
        }
        if (n.ok("witness"))
            node.witness = n.boolean("witness");
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
        else if (list.children.size() == 2)
            report.warning(list, "cluster.nodes",
                           "2 nodes: a strict majority is both, so when either fails the "
                           "other loses quorum and releases its addresses; add a witness");
    }
}

// Heartbeat, lease and margin, and how they relate (DESIGN.md §4).
void readTiming(const Section& s, Reporter& report, Cluster& c) {
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
        c.lease = fromSeconds(lease);
    }
    if (s.ok("heartbeat"))
        c.heartbeat = fromSeconds(s.seconds("heartbeat"));
    if (s.ok("margin"))
        c.margin = fromSeconds(s.seconds("margin"));
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
    }
}

} // namespace

LocalNode buildNode(const Section& root, Reporter& report) {
    LocalNode out;
    Node empty;
    const Section s(groupOrEmpty(root, "node", empty), nodeKeys(), "node", report);
    out.where =
        whereOf(report, s.find("name") != nullptr ? *s.find("name") : s.node(), "node.name");
    if (s.present("name") && s.ok("name"))
        out.name = s.string("name");
    return out;
}

Scripts buildScripts(const Section& root, Reporter& report) {
    Scripts out;
    Node empty;
    const Section s(groupOrEmpty(root, "scripts", empty), scriptsKeys(), "scripts", report);
    out.userWhere =
        whereOf(report, s.find("user") != nullptr ? *s.find("user") : s.node(), "scripts.user");
    out.groupWhere =
        whereOf(report, s.find("group") != nullptr ? *s.find("group") : s.node(), "scripts.group");
    if (s.ok("user"))
        out.user = s.string("user");
    if (s.ok("group") && s.present("group"))
        out.group = s.string("group");
    if (s.ok("timeout"))
        out.timeout = fromSeconds(s.seconds("timeout"));
    if (s.present("user") && out.user == "root")
        reportAt(report, s, Diagnostic::Severity::Warning, "user",
                 "\"root\": every command then runs with full privileges; an unprivileged user "
                 "is safer");
    return out;
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

    readNodes(s, report, c, d);
    readTiming(s, report, c);
    if (s.ok("port"))
        c.port = static_cast<uint16_t>(s.integer("port"));

    if (const Node* hook = s.find("quorum_hook"); hook != nullptr && s.ok("quorum_hook")) {
        const Section h(*hook, quorumHookKeys(), "cluster.quorum_hook", report);
        QuorumHook q;
        q.command = commandOf(h, "command", report);
        if (hookTiming(h, report, q.interval, q.timeout))
            c.quorumHook = std::move(q);
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
    f.command = commandOf(s, "command", report);
    if (s.ok("timeout"))
        f.timeout = fromSeconds(s.seconds("timeout"));
    if (s.ok("retry_interval"))
        f.retryInterval = fromSeconds(s.seconds("retry_interval"));
    if (s.ok("retry_max_interval"))
        f.retryMaxInterval = fromSeconds(s.seconds("retry_max_interval"));
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

} // namespace hafd::config
