#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""A master whose adverts cannot leave (an nftables rule in its own namespace drops them, so the
socket reports EPERM): it goes FAULT "send" and releases its VIP within two advert intervals,
before the backup claims after its Master_Down_Interval — at no 10 ms sample do both hold the
VIP. Once the rule is gone, a probe clears the cause within a second and it preempts again."""
import subprocess
import time
from lab import Lab, Cluster, param, check, wait_until, log
from nl import HolderSampler

RULES = ("add table inet hafdtest\n"
         "add chain inet hafdtest out { type filter hook output priority 0; }\n"
         "add rule inet hafdtest out meta l4proto 112 drop\n")

with Lab("sendblock") as lab:
    c = Cluster(lab, param(), [200, 150], interval=0.1)
    a, b = c.nodes
    c.start_all()
    c.wait_master(a)
    sampler = HolderSampler(c.nodes, c.vip)
    time.sleep(0.2)
    subprocess.run(["ip", "netns", "exec", a.ns, "nft", "-f", "-"], input=RULES, text=True,
                   check=True, timeout=20)
    blocked = time.monotonic()
    log("n1's adverts are dropped by nftables in its namespace")
    c.wait_master(b, timeout=3)
    samples = sampler.stop()
    check(len(samples) > 50, f"only {len(samples)} samples")
    gaps = [t2 - t1 for (t1, _), (t2, _) in zip(samples, samples[1:])]
    log(f"{len(samples)} samples, longest gap {max(gaps) * 1000:.1f} ms")
    check(not sampler.double(), f"both held the VIP: {sampler.double()[:5]}")
    released = next(t for t, h in samples if t > blocked and "n1" not in h)
    claimed = next(t for t, h in samples if t > blocked and "n2" in h)
    log(f"n1 released {1000 * (released - blocked):.0f} ms after the rule, "
        f"n2 claimed {1000 * (claimed - blocked):.0f} ms after it")
    st = a.instance("vi")
    check(st["state"] == "FAULT" and "send" in st["faults"], f"n1: {st['state']} {st['faults']}")
    check(st["counters"]["send_errors"] >= 2, f"send_errors {st['counters']['send_errors']}")
    check("MASTER -> FAULT (fault: send)" in a.hafd_proc.log_text(), "no transition line")

    subprocess.run(["ip", "netns", "exec", a.ns, "nft", "delete", "table", "inet", "hafdtest"],
                   check=True, timeout=20)
    wait_until("n1 BACKUP again", lambda: a.state("vi") == "BACKUP" or a.state("vi") == "MASTER",
               1.5)
    c.wait_master(a, timeout=3)
    check(a.instance("vi")["faultsRaised"]["send"] == 1, "send raised more than once")
