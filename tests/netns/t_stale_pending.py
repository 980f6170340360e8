#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A stale VIP on an interface that is not there when hafd starts (renamed while hafd was down):
the record entry is kept, and the VIP is removed as soon as the interface shows up under its
name again — before the instance, now BACKUP, takes the VIP back by preempting."""
import signal
from lab import Lab, Cluster, check, wait_until


def rename(node, old, new):
    for args in (("down",), ("name", new), ("up",)):
        node.run("ip", "link", "set", old if args[0] != "up" else new, *args)


with Lab("stalepend") as lab:
    c = Cluster(lab, "v4", [200, 150])
    a, b = c.nodes
    c.start_all()
    c.wait_master(a)
    a.hafd_proc.stop(signal.SIGKILL)
    c.wait_master(b)
    rename(a, "eth0", "eth9")  # IPv4 addresses survive a rename
    check(a.has(c.vip, dev="eth9"), "the VIP did not stay on the renamed interface")
    c.start(0)
    wait_until("the pending entry logged",
               lambda: "on interfaces not present now" in a.hafd_proc.log_text(), 5)
    check(a.has(c.vip, dev="eth9"), "a VIP on an unknown interface was touched")
    check(a.state("vi") == "FAULT", f"n1 is {a.state('vi')} without its interface")
    rename(a, "eth9", "eth0")
    wait_until("the stale VIP removed", lambda: "recorded by an earlier run from eth0"
               in a.hafd_proc.log_text(), 5)
    c.wait_master(a)  # then it preempts n2 and installs the VIP as its own
