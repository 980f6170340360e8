#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A multicast join the kernel refuses (net.ipv4.igmp_max_memberships = 0 in the node's
namespace: ENOBUFS) is the fault cause "join": the instance stays in FAULT, never claims, and the
join is retried (100 ms, doubling); once the kernel allows it, the instance joins, leaves FAULT
and takes part in the election."""
import time
from lab import Lab, Cluster, check, wait_until

with Lab("join") as lab:
    c = Cluster(lab, "v4", [200, 150])
    a, b = c.nodes
    a.sysctl("net.ipv4.igmp_max_memberships", 0)
    c.start_all()
    wait_until("n1 FAULT for join", lambda: (a.instance("vi")["state"], a.instance("vi")["faults"])
               == ("FAULT", ["join"]), 5)
    c.wait_master(b)
    time.sleep(1)
    check(a.state("vi") == "FAULT" and not a.has(c.vip), "n1 left FAULT without joining")
    sock = a.status()["sockets"][0]
    check(not sock["joined"] and sock["joinFailures"] >= 3, f"socket {sock}")
    check("joining the VRRP group" in a.hafd_proc.log_text(), "the failure is not logged")
    a.sysctl("net.ipv4.igmp_max_memberships", 20)
    wait_until("n1 joined", lambda: a.status()["sockets"][0]["joined"], 5)
    c.wait_master(a)  # it preempts: its adverts were never the problem, hearing was
