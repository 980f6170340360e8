#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Unicast hardening (DESIGN.md §10): a unicast advert from an address that is not one of the
instance's unicast_peers is dropped and counted (not_a_peer), and so is an IPv4 unicast advert
from a peer that arrives with TTL 64 (bad_ttl): nothing off the link can take the VIPs. Each
carries priority 254 against a priority-100 master, whose state does not change. keepalived's
IPv6 unicast adverts come with hop limit 64 and stay accepted, as a well-formed advert from the
peer at TTL 255 is: both demote the master, showing the drops were not luck."""
import os
from lab import Lab, Cluster, VIPS, param, check, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))


def inject(node, fam, target, *args):
    src = node.ip4 if fam == "v4" else node.ip6
    dst = target.ip4 if fam == "v4" else target.ip6
    node.run("/usr/bin/python3", os.path.join(HERE, "inject.py"), fam, src, "51", "254",
             VIPS[fam][0], "3", f"to={dst},{target.mac}", *args)


def demoted(node):
    return any(t["to"] == "BACKUP" and t["reason"] == "higher_priority"
               for t in node.instance("vi")["lastTransitions"])


with Lab("unihard") as lab:
    fam = param()
    c = Cluster(lab, fam, [100, 50], unicast=True)
    a, peer = c.nodes  # the peer is configured on n1 but runs no hafd: the test speaks for it
    evil = lab.node("evil", 9)
    c.start(0)
    wait_until("n1 MASTER", lambda: a.state("vi") == "MASTER", 5)
    inst = a.instance("vi")
    transitions, drops = inst["counters"]["transitions"], inst["drops"]

    inject(evil, fam, a, "good")
    wait_until("3 not_a_peer drops", lambda: a.instance("vi")["drops"]["not_a_peer"]
               >= drops["not_a_peer"] + 3, 3)
    if fam == "v4":
        inject(peer, fam, a, "ttl=64", "good")
        wait_until("3 bad_ttl drops", lambda: a.instance("vi")["drops"]["bad_ttl"]
                   >= drops["bad_ttl"] + 3, 3)
    inst = a.instance("vi")
    check(inst["state"] == "MASTER" and inst["counters"]["transitions"] == transitions,
          f"state changed: {inst['state']}, {inst['lastTransitions'][:2]}")
    check(a.has(c.vip), "the master lost its VIP")
    # From the peer as keepalived sends it (IPv6 unicast: hop limit 64), or at TTL 255: taken.
    inject(peer, fam, a, "ttl=64" if fam == "v6" else "ttl=255", "good")
    wait_until("the peer's advert to demote n1", lambda: demoted(a), 2)
