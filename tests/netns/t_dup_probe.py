#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Duplicate detection before a claim (probe_before_claim, DESIGN.md §4): two hafd nodes, no
cluster section, advert interval 0.1 s, the VIP sampled every 10 ms throughout.

1. The bridge drops VRRP multicast only (ARP passes): the backup stops hearing the master, yet
   the master still answers ARP for the VIP. The backup's RFC 5227 probe (sender 0.0.0.0, its
   own MAC) hears the master's reply: it never claims, counts dual_holders, shows the claim as
   dual_holder and probes again every Master_Down_Interval.
2. The drop rule goes: the backup hears the master again and its claim ends; nothing changed
   hands (the master made no transition, the backup never held the VIP).
3. kill -9 of the master: without a cluster its VIP stays on its interface and its kernel
   still answers, so the backup still does not claim. Once the VIP is removed in the dead
   node's namespace, the next probe finds nobody and the backup claims: within two
   Master_Down_Intervals + the probe. The probe's cost (its first frame to the claim's first
   gratuitous ARP) is printed.
Zero samples with two holders throughout."""
import signal
import time

from lab import Lab, Cluster, announcements, check, log, sh, wait_until

PROBE_WAIT = 0.1  # daemon/dup_probe.h: kWait, first round to verdict
PROBE_ROUNDS = 3


def unblock_multicast_adverts(lab):
    """Undoes Lab.block_multicast_adverts()."""
    sh("ip", "netns", "exec", lab.br_ns, "nft", "delete", "table", "bridge", "hafdtest")


def arp_probes(pkts, mac, vip):
    """Capture times of the RFC 5227 probes for `vip` from `mac`, checking their fields."""
    from scapy.layers.l2 import ARP, Ether
    out = []
    for p in pkts:
        if ARP in p and p[ARP].op == 1 and p[ARP].psrc == "0.0.0.0" and p[ARP].pdst == vip \
                and p[ARP].hwsrc == mac:
            check(p[Ether].dst == "ff:ff:ff:ff:ff:ff", f"probe not broadcast: {p[Ether].dst}")
            check(p[Ether].src == mac, f"probe from {p[Ether].src}, sender hardware {mac}")
            check(p[ARP].hwdst == "00:00:00:00:00:00", f"probe target MAC {p[ARP].hwdst}")
            out.append(float(p.time))
    return out


def arp_replies(pkts, mac, vip):
    """Capture times of ARP replies for `vip` sent by `mac`."""
    from scapy.layers.l2 import ARP
    return [float(p.time) for p in pkts
            if ARP in p and p[ARP].op == 2 and p[ARP].psrc == vip and p[ARP].hwsrc == mac]


def counters(node):
    return node.instance("vi")["counters"]


with Lab("dup_probe") as lab:
    c = Cluster(lab, "v4", [200, 100], interval=0.1, probe_before_claim=True)
    n1, n2 = c.nodes
    mdi = c.master_down_interval(100)
    c.start_all()
    c.wait_master(n1)
    s = c.sampler()
    cap = lab.capture("arp")
    n1_transitions = counters(n1)["transitions"]

    # 1. Adverts dropped, ARP answered: a dual holder every Master_Down_Interval, no claim.
    t_block = time.monotonic()
    lab.block_multicast_adverts()
    log("VRRP multicast dropped in the bridge")
    wait_until("n2 to find n1 holding the VIP 3 times",
               lambda: counters(n2)["dual_holders"] >= 3, 4 * (mdi + PROBE_WAIT) + 3)
    took = time.monotonic() - t_block
    st = n2.instance("vi")
    check(st["state"] == "BACKUP", f"n2 is {st['state']} while n1 answers for the VIP")
    check(st["claim"] and st["claim"]["stage"] in ("dual_holder", "probing"),
          f"n2's claim is {st['claim']}")
    check(n1.state("vi") == "MASTER", "n1 left MASTER")
    check(s.first_held(t_block, "n2") is None, "n2 held the VIP while n1 answered for it")
    warned = n2.hafd_proc.log_text().count(
        f"{c.vip} is in use by {n1.mac} (ARP reply): another node holds it; staying backup")
    check(warned >= 3, f"the dual holder was logged {warned} times")
    log(f"phase 1: {counters(n2)['dual_holders']} dual holders in {took:.2f} s, "
        f"claim {n2.instance('vi')['claim']['stage']}")

    # 2. Adverts pass again: the claim ends, nothing changed hands.
    t_unblock = time.monotonic()
    unblock_multicast_adverts(lab)
    wait_until("n2's claim to end", lambda: n2.instance("vi")["claim"] is None, 2 * mdi + 2)
    seen = counters(n2)["dual_holders"]
    time.sleep(3 * mdi)  # no claim comes back while n1's adverts arrive
    check(counters(n2)["dual_holders"] == seen, "n2 probed again while hearing n1")
    check(n2.instance("vi")["claim"] is None, "n2 holds a claim again")
    check(n1.state("vi") == "MASTER" and n2.state("vi") == "BACKUP", "roles changed")
    check(counters(n1)["transitions"] == n1_transitions,
          f"n1 made {counters(n1)['transitions'] - n1_transitions} transition(s)")
    check(counters(n2)["became_master"] == 0, "n2 became master")
    check(s.first_held(t_block, "n2") is None, "n2 held the VIP")

    # 3. kill -9: the dead master's kernel still answers for its VIP, so no claim; then the
    #    VIP goes and the next probe finds nobody.
    before = counters(n2)["dual_holders"]
    t_kill = time.monotonic()
    n1.hafd_proc.stop(signal.SIGKILL)
    wait_until("n2 to find the dead n1's VIP twice",
               lambda: counters(n2)["dual_holders"] >= before + 2, 3 * (mdi + PROBE_WAIT) + 3)
    check(s.first_held(t_kill, "n2") is None, "n2 claimed while n1's kernel held the VIP")
    check(n1.has(c.vip), "n1's VIP went away by itself")
    t_del = time.monotonic()
    n1.run("ip", "addr", "del", f"{c.vip}/32", "dev", "eth0")
    t_del_done = time.monotonic()
    s.wait_held("n2", t_del, 2 * mdi + PROBE_WAIT + 3)
    claimed = s.first_held(t_del, "n2") - t_del
    # The probe under way when the VIP went may still have heard it: one more round at most.
    bound = 2 * (mdi + PROBE_WAIT) + (t_del_done - t_del) + 0.25
    log(f"phase 3: n2 holds the VIP {claimed * 1000:.0f} ms after the VIP was removed "
        f"(bound {bound * 1000:.0f} ms)")
    check(claimed <= bound, f"n2 claimed {claimed:.3f} s after the VIP went (bound {bound:.3f})")
    wait_until("n2 to be MASTER", lambda: n2.state("vi") == "MASTER", 2)
    check(counters(n2)["probe_errors"] == 0, "a probe could not run")
    pkts = cap.stop()

    # The wire: n2's probes and n1's answers; the claim's cost.
    probes = arp_probes(pkts, n2.mac, c.vip)
    replies = arp_replies(pkts, n1.mac, c.vip)
    check(len(probes) >= PROBE_ROUNDS, f"{len(probes)} probes on the wire")
    check(replies, "no ARP reply from n1 on the wire")
    answered = sorted(r - max(t for t in probes if t <= r) for r in replies
                      if any(t <= r for t in probes))
    check(answered, "no reply follows a probe")
    log(f"{len(probes)} probes, {len(replies)} replies from n1; a reply follows its probe by "
        f"{answered[len(answered) // 2] * 1000:.2f} ms (median), {answered[-1] * 1000:.2f} ms (max)")
    garps = [g[2] for g in announcements(pkts, c.vip, n2.mac)]
    check(garps, "no gratuitous ARP from n2")
    last = [t for t in probes if t <= garps[0]][-PROBE_ROUNDS:]
    check(len(last) == PROBE_ROUNDS, f"the claiming probe had {len(last)} rounds on the wire")
    cost = garps[0] - last[0]
    gaps = [b - a for a, b in zip(last, last[1:])]
    log(f"probe before the claim: rounds {', '.join(f'{g * 1000:.1f}' for g in gaps)} ms apart, "
        f"first probe to first GARP {cost * 1000:.1f} ms")
    check(PROBE_WAIT - 0.005 <= cost <= PROBE_WAIT + 0.25, f"the probe cost {cost:.3f} s")
    check(n2.hafd_proc.log_text().count("ARP probe found no other holder") == 1,
          "one probe found nobody")
    check(s.dual() == 0, f"{s.dual()} samples with two holders: {s.dual_samples()[:5]}")
    log(f"samples {s.count}, dual 0, longest without holder "
        f"{s.longest_without_holder()[0] * 1000:.0f} ms")
