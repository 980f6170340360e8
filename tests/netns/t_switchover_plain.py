#!/usr/bin/python3
# timeout: 90
# SPDX-License-Identifier: Apache-2.0
"""Issue 11 (switchover without heartbeats): three nodes (200, 150, 100, advert 1 s) and no
cluster section. `hafctl switchover vi` on the master releases as RFC 9568 has it (priority 0,
then the VIPs); the highest backup claims after its Skew_Time, so the VIP is away at most
Skew_Time + 50 ms, and hafctl prints the new master's address. The old master yields to it
(no preemption back) until the next election. `--to` needs heartbeats: refused, exit 1. Sampled
every 10 ms the VIP is never held by two nodes."""
import time

from lab import Cluster, Lab, check, hafctl, handover_gap, log

with Lab("swplain") as lab:
    c = Cluster(lab, "v4", [200, 150, 100], interval=1.0)
    n1, n2, n3 = c.nodes
    c.start_all()
    c.wait_master(n1, timeout=20)
    sampler = c.sampler()


    rc, out = hafctl(n1, "switchover", "vi", "--to", "n3")
    check(rc == 1 and "--to needs a cluster section" in out, f"--to: {rc} {out}")
    check(n1.instance("vi")["successor"] == "", "a successor without heartbeats")

    cap = lab.capture()
    t0 = time.time()
    rc, out = hafctl(n1, "switchover", "vi")
    log(out)
    check(rc == 0 and f"{n2.ip4} is master (heard in its adverts" in out, f"switchover: {rc} {out}")
    c.wait_master(n2, timeout=5, settle=0.3)
    gap = handover_gap(cap.stop(), n1, n2, c.vip, "v4", t0)
    skew = (256 - 150) * c.interval / 256
    log(f"n1 -> n2 without heartbeats: VIP away at most {gap * 1000:.1f} ms "
        f"(Skew_Time {skew * 1000:.1f} ms)")
    check(gap <= skew + 0.05, f"gap {gap * 1000:.1f} ms, bound {(skew + 0.05) * 1000:.1f} ms")
    check(n1.instance("vi")["lastTransitions"][0]["reason"] == "switchover", "n1's reason")

    # n1 (200) yields: plain VRRP would preempt n2 within Master_Down_Interval.
    time.sleep(2 * c.master_down_interval(200))
    c.wait_master(n2, timeout=1, settle=0.2)

    sampler.stop()
    dual = sampler.dual()
    check(dual == 0, f"two holders in {dual} of {sampler.count} samples")
