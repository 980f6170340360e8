#!/usr/bin/python3
# timeout: 150
# SPDX-License-Identifier: Apache-2.0
"""Issue 11: a rolling upgrade of a 3-node cluster with heartbeats, as README "Rolling upgrade"
says, node by node: `hafctl maintenance on`, restart with the new binary (maintenance survives
it), wait until the node is back in the cluster view, `hafctl maintenance off`. Preemption is
off, so a node returned to service stays backup. Each handover names its successor: on the
wire the VIP is away at most 5 ms + the capture's resolution from the old master's priority 0
to the new master's first announcement; sampled every 10 ms it is never absent longer than
5 ms + one period (+ the sampler's own lateness) and never held by two nodes."""
import os
import shutil
import signal
import subprocess
import time

from lab import (HAFD, Cluster, Lab, advert_source, adverts, announcements, check,
                 check_handover_gaps, log, wait_until)


with Lab("rolling") as lab:
    new = os.path.join(lab.dir, "hafd-new")  # the "upgraded" binary: another file
    shutil.copy2(HAFD, new)
    c = Cluster(lab, "v4", [200, 150, 100], interval=1.0, preempt=False,
                cluster={"heartbeat": 0.2, "lease": 1, "margin": 1.5})
    c.start_all()
    n1, n2, n3 = c.nodes
    c.wait_master(n1, timeout=20)
    sampler = c.sampler()
    gaps = []

    def hafctl(node, *args):
        r = subprocess.run([HAFD, "ctl", "--runtime-dir", node.runtime, *args],
                           capture_output=True, text=True, timeout=20)
        check(r.returncode == 0, f"{node.name}: hafctl {' '.join(args)}: {r.stderr}")

    def master():
        held = c.holders()
        return held[0] if len(held) == 1 else None

    def in_view(node):
        """Every other node's cluster view has heard `node` since its restart."""
        for other in c.nodes:
            if other is node:
                continue
            nodes = other.status()["cluster"]["nodes"]
            seen = [n for n in nodes if n["name"] == node.name]
            if not seen or not (0 <= seen[0]["lastHeardSecondsAgo"] < 0.5):
                return False
        return True

    for i, node in enumerate(c.nodes):
        time.sleep(1.0)  # heartbeats tell the master who comes first
        was = master()
        cap = lab.capture()
        t0 = time.time()
        hafctl(node, "maintenance", "on")
        if was is node:
            wait_until("a new master", lambda: master() not in (None, node), 10)
            successor = master()
            c.wait_master(successor, timeout=10, settle=0.3)
            pkts = cap.stop()
            zero = [a for a in adverts(pkts, src=advert_source(node, "v4"), prio=0)
                    if a["time"] >= t0]
            garps = [g for g in announcements(pkts, vip=c.vip, mac=successor.mac)
                     if g[2] >= t0]
            check(zero and garps, f"{node.name}: no priority 0 or no announcement")
            gap = garps[0][2] - zero[0]["time"]
            gaps.append(gap)
            log(f"{node.name} -> {successor.name}: VIP away at most {gap * 1000:.2f} ms")
        else:
            cap.stop()
        node.hafd_proc.stop(signal.SIGTERM)
        c.start(i, binary=new, preempt=False)
        check(node.instance("vi")["state"] == "FAULT" and
              "maintenance" in node.instance("vi")["faults"], f"{node.name}: not drained")
        wait_until(f"{node.name} back in every view", lambda: in_view(node), 10)
        hafctl(node, "maintenance", "off")
        wait_until(f"{node.name} backup", lambda: node.state("vi") == "BACKUP", 10)
        log(f"{node.name} upgraded")

    check(all(n.hafd_proc.alive() for n in c.nodes), "a node is down")
    sampler.stop()
    longest, at = sampler.longest_without_holder()
    dual = sampler.dual()
    log(f"handovers {', '.join(f'{g * 1000:.2f}' for g in gaps)} ms; longest without a holder "
        f"{longest * 1000:.0f} ms in {sampler.count} samples; two holders in {dual}")
    check_handover_gaps(gaps)
    check(len(gaps) == 2, f"{len(gaps)} handovers (n1 to n2, then n2 to n1 expected)")
    # A run without a holder ends at the next sample that sees one; a sample held up on a loaded
    # host (15 ms for a 5 ms handover once in a full suite) lengthens it by as much. The wire
    # gaps above are exact; here the bound allows the sampler's worst lateness.
    late = max(0.0, sampler.max_interval() - sampler.period)
    check(longest <= 0.005 + sampler.period + late,
          f"VIP absent {longest * 1000:.1f} ms, samples up to {late * 1000:.1f} ms late")
    check(dual == 0, f"two holders in {dual} samples")
