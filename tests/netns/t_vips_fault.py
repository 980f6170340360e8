#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A new master whose kernel refuses the VIPs: IPv6 disabled on the interface the VIPs go on (the
VMAC vrrp6.51 of n2; its adverts still leave eth0's link-local). hafd retries the install
(10, 40, 160 ms), then goes FAULT "vips" and releases, and another node serves. Without the
cause it would stay MASTER holding nothing."""
import signal
from lab import Lab, Cluster, check, wait_until, log

with Lab("vipsfault") as lab:
    c = Cluster(lab, "v6", [200, 150, 100], interval=0.5, vmac=True)
    a, b, n3 = c.nodes
    dev = "vrrp6.51"
    c.start_all()
    wait_until("n1 master with the VIP on its VMAC",
               lambda: a.state("vi") == "MASTER" and a.has(c.vip, dev=dev), 10)
    wait_until("n2's VMAC", lambda: dev in b.run("ip", "-br", "link"), 5)
    b.sysctl("net.ipv6.conf.vrrp6/51.disable_ipv6", 1)
    a.hafd_proc.stop(signal.SIGKILL)
    wait_until("n2 FAULT for vips", lambda: "vips" in b.instance("vi")["faults"], 10)
    st = b.instance("vi")
    log(f"n2: {st['state']} {st['faults']}, counters {st['counters']}")
    check(st["counters"]["vip_install_failures"] >= 4, "fewer than 4 install attempts")
    check("-> FAULT (fault: vips)" in b.hafd_proc.log_text(), "no transition line naming vips")
    wait_until("n3 master with the VIP", lambda: n3.state("vi") == "MASTER"
               and n3.has(c.vip, dev=dev), 10)
    check(not b.has(c.vip, dev=dev) and not b.has(c.vip), "n2 holds the VIP")
