#!/usr/bin/python3
# asan
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Malformed adverts from a third node are dropped and counted by reason; the master's state does
not change and the daemon does not crash. Every packet carries priority 254, so any one that got
through would demote the priority-100 master."""
import os
from lab import Lab, Cluster, VIPS, param, check, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
# variant -> the drop reason it must be counted under
CASES = {
    "truncated": "too_short",
    "ttl": "bad_ttl",
    "checksum": "bad_checksum",
    "version": "bad_version",
    "type": "bad_type",
    "count_long": "length_mismatch",
    "count_short": "length_mismatch",
    "padded": "length_mismatch",
    "zero_count": "zero_count",
    "zero_interval": "zero_interval",
}


def drops(node):
    st = node.status()
    total = {}
    for s in st["sockets"]:
        for k, v in s["drops"].items():
            total[k] = total.get(k, 0) + v
    for i in st["instances"]:
        for k, v in i["drops"].items():
            total[k] = total.get(k, 0) + v
    return total


def inject(node, fam, vrid, count, *variants):
    src = node.ip4 if fam == "v4" else node.link_local
    node.run("/usr/bin/python3", os.path.join(HERE, "inject.py"), fam, src, str(vrid), "254",
             VIPS[fam][0], str(count), *variants)


with Lab("badpkt") as lab:
    fam = param()
    c = Cluster(lab, fam, [100])
    a = c.nodes[0]
    attacker = lab.node("evil", 9)
    c.start_all()
    c.wait_master(a)
    transitions = a.instance("vi")["counters"]["transitions"]
    before = drops(a)
    inject(attacker, fam, 51, 3, *CASES)
    expected = dict((r, 0) for r in CASES.values())
    for r in CASES.values():
        expected[r] += 3
    for reason, n in expected.items():
        wait_until(f"{n} drops counted as {reason}",
                   lambda: drops(a).get(reason, 0) >= before.get(reason, 0) + n, 3)
    # Unknown VRID, and a VRRPv2 advert on a v3 instance (v4 only: VRRPv2 has no IPv6).
    inject(attacker, fam, 99, 3, "good")
    wait_until("unknown VRID counted",
               lambda: drops(a).get("unknown_vrid", 0) >= before.get("unknown_vrid", 0) + 3, 3)
    if fam == "v4":
        inject(attacker, fam, 51, 3, "v2")
        wait_until("v2 on a v3 instance counted",
                   lambda: drops(a).get("version_mismatch", 0) >= before.get("version_mismatch", 0) + 3, 3)
    check(a.hafd_proc.alive(), "hafd died")
    inst = a.instance("vi")
    check(inst["state"] == "MASTER", f"state changed to {inst['state']}")
    check(inst["counters"]["transitions"] == transitions, "a transition happened")
    check(a.has(c.vip), "the master lost its VIP")
    # A well-formed priority-254 advert does demote it: the drops above were not luck. (It comes
    # back as master once the attacker falls silent, so look at the transition history.)
    inject(attacker, fam, 51, 1, "good")
    wait_until("the good advert to demote the master",
               lambda: any(t["to"] == "BACKUP" and t["reason"] == "higher_priority"
                           for t in a.instance("vi")["lastTransitions"]), 2)
