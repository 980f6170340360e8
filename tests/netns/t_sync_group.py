#!/usr/bin/python3
# params: v4
# SPDX-License-Identifier: Apache-2.0
"""Sync group: two instances (VRIDs 51 and 52) in one group on each node; a weight-0 check of
one member failing on the master puts both members in FAULT (the other for `sync_group`), so
both VIPs move to the backup together, and both come back together when it passes. The group's
own notify command runs for its states."""
import os

from lab import Lab, Cluster, SCRIPT_USER, param, check, wait_until

VIP2 = "203.0.113.52"

with Lab("sync-group") as lab:
    rec = lab.shared("rec")
    flag = os.path.join(rec, "down")
    probe = lab.script("probe", '#!/bin/sh\n[ ! -e "$1" ]\n')
    record = lab.script("record", '#!/bin/sh\nrec=$1; shift\necho "$HAFD_GROUP $HAFD_STATE $*" >> "$rec"\n')
    c = Cluster(lab, "v4", [200, 150], interval=0.1)
    a, b = c.nodes

    def start(i, node):
        second = dict(c.instance(i), name="vj", vrid=52, addresses=[VIP2])
        first = c.instance(i)
        sections = {"scripts": {"user": SCRIPT_USER},
                    "groups": [{"name": "front", "instances": ["vi", "vj"],
                                "notify": {"any": [record, os.path.join(rec, node.name)]}}]}
        if node is a:
            first["track"] = [{"check": "svc"}]
            sections["checks"] = [{"name": "svc", "exec": [probe, flag], "interval": 0.2,
                                   "timeout": 0.15, "fall": 1, "rise": 1}]
        node.hafd([first, second], **sections)

    for i, n in enumerate(c.nodes):
        start(i, n)

    def holds(node):
        return node.has(c.vip) and node.has(VIP2)

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
