#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""An instance whose interface does not exist at start waits in FAULT (hafd keeps running and
says why); when the interface appears the instance joins and, alone, becomes master; when the
interface is deleted it goes back to FAULT."""
from lab import Lab, check, sh, wait_until

with Lab("noif") as lab:
    n = lab.node("n1", 1)
    inst = {"name": "late", "interface": "eth1", "vrid": 51, "priority": 150,
            "advert_interval": 0.1, "addresses": ["203.0.113.100"]}
    n.hafd([inst])
    wait_until("FAULT", lambda: n.state("late") == "FAULT", 3)
    check("interface eth1 not found" in n.hafd_proc.log_text(), "no log line about eth1")
    sh("ip", "-n", n.ns, "link", "add", "eth1", "type", "veth", "peer", "name", "p1b",
       "netns", lab.br_ns)
    sh("ip", "-n", n.ns, "addr", "add", "203.0.113.1/24", "dev", "eth1")
    sh("ip", "-n", n.ns, "link", "set", "eth1", "up")
    sh("ip", "-n", lab.br_ns, "link", "set", "p1b", "master", "br0", "up")
    wait_until("MASTER on eth1", lambda: n.state("late") == "MASTER" and n.has("203.0.113.100", "eth1"), 3)
    sh("ip", "-n", n.ns, "link", "del", "eth1")
    wait_until("FAULT again", lambda: n.state("late") == "FAULT", 3)
    check(n.hafd_proc.alive(), "hafd died with its interface")
