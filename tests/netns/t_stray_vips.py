#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""A backup that finds one of its own VIPs on its interface marked as hafd's (IFA_PROTO 104, as a
failed removal or another run would leave it) removes it and logs it; the same address added by
an operator (no mark) is left alone."""
import time
from lab import Lab, Cluster, param, check, wait_until
from nl import HAFD_PROTO, Netlink

with Lab("stray") as lab:
    fam = param()
    c = Cluster(lab, fam, [200, 150])
    a, b = c.nodes
    c.start_all()
    c.wait_master(a)
    nl = Netlink(b.ns)
    ifindex = int(b.run("cat", "/sys/class/net/eth0/ifindex"))
    plen = 32 if fam == "v4" else 128
    nl.add_address(ifindex, c.vip, plen, proto=HAFD_PROTO)
    wait_until("n2 to remove the marked VIP", lambda: not b.has(c.vip), 3)
    check("found on eth0 while BACKUP: removed" in b.hafd_proc.log_text(), "no log line")
    check(b.instance("vi")["counters"]["stray_vips_removed"] == 1, "not counted")
    nl.add_address(ifindex, c.vip, plen)  # the operator's
    time.sleep(1)
    check(b.has(c.vip), "an operator's address was removed")
    b.run("ip", "addr", "del", f"{c.vip}/{plen}", "dev", "eth0")
    nl.close()
    check(b.state("vi") == "BACKUP" and a.state("vi") == "MASTER", "states changed")
