#!/usr/bin/python3
# asan
# params: fault follow
# SPDX-License-Identifier: Apache-2.0
"""Sync group: two instances (VRIDs 51 and 52) in one group on each node.
"fault": a weight-0 check of one member failing on the master puts both members in FAULT (the
other for `sync_group`), so both VIPs move to the backup together, and both come back together
when it passes; the group's own notify command runs for its states.
"follow": priorities disagree (n1: 200 and 100, n2: 150 and 150), so plain VRRP would split the
pair across the nodes (n1 master of the first, n2 of the second); the group keeps both on one
node: a member that follows a master elsewhere holds the others back. When the node holding
both stops, the other takes both; when it returns, the pair stays together."""
import os
import sys
import time

from lab import Lab, Cluster, SCRIPT_USER, param, check, wait_until

VIP2 = "203.0.113.52"

with Lab("sync-group") as lab:
    mode = param("fault")
    rec = lab.shared("rec")
    flag = os.path.join(rec, "down")
    probe = lab.script("probe", '#!/bin/sh\n[ ! -e "$1" ]\n')
    record = lab.script("record", '#!/bin/sh\nrec=$1; shift\necho "$HAFD_GROUP $HAFD_STATE $*" >> "$rec"\n')
    c = Cluster(lab, "v4", [200, 150], interval=0.1)
    a, b = c.nodes

    # follow: n1 200/100, n2 150/150.
    second_priority = {0: 100, 1: 150} if mode == "follow" else {0: 200, 1: 150}

    def start(i, node):
        second = dict(c.instance(i), name="vj", vrid=52, addresses=[VIP2],
                      priority=second_priority[i])
        first = c.instance(i)
        sections = {"scripts": {"user": SCRIPT_USER},
                    "groups": [{"name": "front", "instances": ["vi", "vj"],
                                "notify": {"any": [record, os.path.join(rec, node.name)]}}]}
        if node is a and mode == "fault":
            first["track"] = [{"check": "svc"}]
            sections["checks"] = [{"name": "svc", "exec": [probe, flag], "interval": 0.2,
                                   "timeout": 0.15, "fall": 1, "rise": 1}]
        node.hafd([first, second], **sections)

    for i, n in enumerate(c.nodes):
        start(i, n)

    def holds(node):
        return node.has(c.vip) and node.has(VIP2)

    def only(node, other, what, timeout):
        wait_until(what, lambda: holds(node) and not other.has(c.vip) and not other.has(VIP2),
                   timeout)
        end = time.monotonic() + 1.0  # and it stays so (no flapping)
        while time.monotonic() < end:
            check(holds(node) and not other.has(c.vip) and not other.has(VIP2),
                  f"{what}: the pair split or flapped")
            time.sleep(0.02)

    def together(what, timeout):
        """Waits until one node holds both VIPs and the other none, for a second; returns
        (holder, other)."""
        wait_until(what, lambda: any(holds(n) and not o.has(c.vip) and not o.has(VIP2)
                                      for n, o in ((a, b), (b, a))), timeout)
        holder, other = (a, b) if holds(a) else (b, a)
        only(holder, other, what, 0.1)
        return holder, other

    def run_follow():
        holder, other = together("one node to hold both VIPs", 5)
        st = {i["name"]: i for i in other.status()["instances"]}
        check(st["vi"]["state"] == "BACKUP" and st["vj"]["state"] == "BACKUP",
              f"{other.name}: {st}")
        idx = c.nodes.index(holder)
        check(holder.hafd_proc.stop() == 0, f"{holder.name} did not exit 0")
        only(other, holder, f"{other.name} to take both VIPs", 3)
        start(idx, holder)
        together("the pair to stay together with both nodes up", 5)
        for n in (a, b):
            check(n.hafd_proc.log_text().count("resigns with its sync group") <= 2,
                  f"{n.name}'s members resigned again and again")

    if mode == "follow":
        run_follow()
        sys.exit(0)
    wait_until("n1 to hold both VIPs", lambda: holds(a) and not b.has(c.vip), 5)
    open(flag, "w").close()
    wait_until("both VIPs to move to n2", lambda: holds(b) and not a.has(c.vip)
               and not a.has(VIP2), 3)
    st = {i["name"]: i for i in a.status()["instances"]}
    check(st["vi"]["state"] == "FAULT" and st["vi"]["faults"] == ["track"], f"vi: {st['vi']}")
    check(st["vj"]["state"] == "FAULT" and st["vj"]["faults"] == ["sync_group"], f"vj: {st['vj']}")
    os.unlink(flag)
    wait_until("both VIPs back on n1", lambda: holds(a) and not b.has(c.vip)
               and not b.has(VIP2), 5)
    wait_until("n1's group notifications", lambda: os.path.exists(os.path.join(rec, "n1")) and
               open(os.path.join(rec, "n1")).read().count("\n") >= 5, 5)
    calls = open(os.path.join(rec, "n1")).read().splitlines()
    print(calls)
    check(calls == [f"front {s} GROUP front {s} 0"
                    for s in ("BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER")],
          f"group notify calls: {calls}")
