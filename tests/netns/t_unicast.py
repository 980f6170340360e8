#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Unicast peers with 224.0.0.18 / ff02::12 dropped in the bridge: election and failover work
over unicast alone, and no multicast advert crosses the LAN."""
import signal
from lab import Lab, Cluster, param, adverts, check

with Lab("unicast") as lab:
    c = Cluster(lab, param(), [200, 150, 100], unicast=True)
    lab.block_multicast_adverts()
    cap = lab.capture()
    c.start_all()
    c.wait_master(c.nodes[0])
    c.nodes[0].hafd_proc.stop(signal.SIGKILL)
    c.wait_master(c.nodes[1])
    pkts = cap.stop()
    # The capture sees frames before the bridge's forward hook drops them: check destinations.
    from scapy.layers.inet import IP
    from scapy.layers.inet6 import IPv6
    dsts = {p[IP].dst if IP in p else p[IPv6].dst for p in pkts
            if (IP in p and p[IP].proto == 112) or (IPv6 in p and p[IPv6].nh == 112)}
    check(dsts and not ({"224.0.0.18", "ff02::12"} & dsts), f"advert destinations: {dsts}")
    check(adverts(pkts), "no adverts captured")
