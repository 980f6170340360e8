#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Two hafd nodes with the same auth key elect and fail over as without auth: every advert on
the wire carries the 28-byte trailer, nothing is dropped, and kill -9 of the master hands the
VIPs to the backup within its Master_Down_Interval."""
import signal
from lab import Lab, Cluster, param, adverts, advert_source, auth_section, check

with Lab("authelect") as lab:
    fam = param()
    c = Cluster(lab, fam, [100, 150], sections={"auth": auth_section(lab)})
    cap = lab.capture()
    c.start_all()
    c.wait_master(c.nodes[1])
    check(c.nodes[0].state("vi") == "BACKUP", "n1 should be BACKUP")
    b = c.nodes[0].instance("vi")
    check(b["auth"]["mode"] == "enforce" and b["auth"]["activeKey"] == 1, f"auth status: {b['auth']}")
    check(b["counters"]["adverts_in"] > 0, "the backup accepted no advert")
    dropped = {k: v for k, v in b["drops"].items() if k.startswith("auth_") and v}
    check(not dropped, f"authenticated adverts were dropped: {dropped}")

    c.nodes[1].hafd_proc.stop(signal.SIGKILL)
    c.wait_master(c.nodes[0], timeout=c.master_down_interval(100) + 3)
    pkts = cap.stop()
    message = 8 + (4 if fam == "v4" else 16) * len(c.vips)
    for node in c.nodes:
        sent = adverts(pkts, src=advert_source(node, fam))
        check(sent, f"no adverts from {node.name}")
        bad = [len(a["payload"]) for a in sent if len(a["payload"]) != message + 28]
        check(not bad, f"{node.name}: adverts without the 28-byte trailer: lengths {bad[:5]}")
