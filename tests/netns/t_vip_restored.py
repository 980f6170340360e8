#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""A VIP removed by someone else while hafd is master is put back at once and logged."""
from lab import Lab, Cluster, param, check, wait_until

with Lab("restore") as lab:
    fam = param()
    c = Cluster(lab, fam, [200])
    a = c.nodes[0]
    c.start_all()
    c.wait_master(a)
    a.run("ip", "addr", "del", c.vip + ("/32" if fam == "v4" else "/128"), "dev", "eth0")
    wait_until("the VIP to be restored", lambda: a.has(c.vip), 2)
    check(a.state("vi") == "MASTER", "n1 should still be MASTER")
    wait_until("a log line about the restored VIP",
               lambda: "removed by someone else" in a.hafd_proc.log_text(), 2)
