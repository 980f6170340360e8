#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A peer whose adverts list other addresses is accepted (RFC 9568: log only), so one master is
elected; the difference — the usual cause of dual masters beside keepalived — is logged once,
not once per advert, and logged as gone when the peer agrees again."""
import time
from lab import Lab, Cluster, check, wait_until

with Lab("peerdiff") as lab:
    c = Cluster(lab, "v4", [200, 150])
    a, b = c.nodes
    c.start(0, addresses=["198.51.100.10", "198.51.100.11"])
    c.start(1)
    c.wait_master(a)
    time.sleep(1.0)  # ten adverts
    log = b.hafd_proc.log_text()
    check(log.count("peer 192.0.2.1 sends addresses") == 1,
          f"expected one warning about the address list, got:\n{log}")
    check(b.state("vi") == "BACKUP", "n2 must accept the master's adverts and stay BACKUP")
    # n1 comes back with the same list: n2 says the difference is gone.
    a.hafd_proc.stop()
    c.start(0)
    wait_until("the difference cleared", lambda: "now agrees on addresses" in b.hafd_proc.log_text(), 5)
