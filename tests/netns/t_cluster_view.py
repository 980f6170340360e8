#!/usr/bin/python3
# asan
# SPDX-License-Identifier: Apache-2.0
"""Cluster heartbeats: two nodes and a witness hear each other, each status shows every node,
its vote and its instances; quorum holds; a node whose VIP list differs for the same VRID is
reported in the other's status and the report goes once the lists agree; a master that loses
its peers loses quorum and releases its VIP (FAULT, cause quorum) about a lease later."""
import signal
import time
from lab import Lab, hafd_conf, check, wait_until, log

LEASE, HEARTBEAT, MARGIN = 1, 0.2, 0.5
VIP = "198.51.100.10"


def cluster_conf(lab, me, instances):
    nodes = [{"name": n.name, "address": n.ip4, **({"witness": True} if n.name == "w" else {})}
             for n in lab.nodes.values()]
    return hafd_conf(instances or None, node={"name": me},
                     cluster={"nodes": nodes, "heartbeat": HEARTBEAT, "lease": LEASE,
                              "margin": MARGIN})


def instance(priority, vips=(VIP,)):
    return {"name": "vi", "interface": "eth0", "vrid": 51, "priority": priority,
            "advert_interval": 0.1, "preempt": False, "addresses": list(vips)}


def cluster_of(node):
    return node.status()["cluster"]


with Lab("clview") as lab:
    n1, n2, w = lab.node("n1", 1), lab.node("n2", 2), lab.node("w", 3)
    # n1 starts with one VIP more than n2: the same VRID with other settings.
    n1.hafd(conf=cluster_conf(lab, "n1", [instance(100, (VIP, "198.51.100.11"))]))
    n2.hafd(conf=cluster_conf(lab, "n2", [instance(150)]))
    w.hafd(conf=cluster_conf(lab, "w", []))
    for n in (n1, n2, w):
        wait_until(f"{n.name} to hear every node",
                   lambda n=n: cluster_of(n)["quorum"] and cluster_of(n)["heard"] == 3, 5)
    c = cluster_of(w)
    check(c["votes"] == 3 and c["heard"] == 3 and c["needed"] == 2, f"witness: {c}")
    names = {x["name"]: x for x in c["nodes"]}
    check(set(names) == {"n1", "n2", "w"} and names["w"]["self"] and names["w"]["witness"],
          f"witness's view of the nodes: {names}")
    check(all(x["votes"] for x in c["nodes"]), "every node should vote")
    check(names["n1"]["heartbeats"] > 0 and names["n1"]["startId"], f"n1 as heard: {names['n1']}")

    # One master, and the others see it in the heartbeats.
    wait_until("a master", lambda: "MASTER" in (n1.state("vi"), n2.state("vi")), 10)
    master, backup = (n1, n2) if n1.state("vi") == "MASTER" else (n2, n1)
    wait_until("the witness to see the master", lambda: any(
        i["state"] == "MASTER" for x in cluster_of(w)["nodes"] if x["name"] == master.name
        for i in x["instances"]), 3)

    # The VIP lists differ: each side reports it once, naming the field.
    def differs(node, other):
        return [d for x in cluster_of(node)["nodes"] if x["name"] == other.name
                for d in x["differences"]]
    wait_until("n2 to report n1's other VIPs", lambda: any("addresses" in d for d in differs(n2, n1)), 3)
    check(any("addresses" in d for d in differs(n1, n2)), f"n1's differences: {differs(n1, n2)}")
    check("differs" in n2.hafd_proc.log_text(), "n2 logged no difference")
    rc, out = n1.reload(conf=cluster_conf(lab, "n1", [instance(100)]))
    check(rc == 0, f"reload: {out}")
    wait_until("the difference to go", lambda: not differs(n2, n1) and not differs(n1, n2), 3)

    # The master alone: its peers stop; it loses quorum about a lease after the last heartbeat
    # and releases the VIP.
    check(master.has(VIP), "the master should hold the VIP")
    backup.hafd_proc.stop(signal.SIGKILL)
    w.hafd_proc.stop(signal.SIGKILL)
    t0 = time.monotonic()
    wait_until("the lone master to release", lambda: not master.has(VIP), LEASE + 2)
    released = time.monotonic() - t0
    log(f"released {released:.3f} s after its peers were killed (lease {LEASE} s)")
    check(released >= LEASE - HEARTBEAT - 0.05, f"released too early: {released:.3f} s")
    i = master.instance("vi")
    check(i["state"] == "FAULT" and i["faults"] == ["quorum"], f"master after: {i['state']} {i['faults']}")
    check(not cluster_of(master)["quorum"], "status should say no quorum")
