#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Forged adverts against an authenticated pair: an attacker on the LAN (n3, no hafd) floods
priority-254 adverts for VRID 51 at four times the advert rate, unsigned, signed with a wrong
key under the right key id, signed for another priority with one bit flipped (checksum fixed),
and signed under an unknown key id. Nothing changes: n2 stays the only master and VIP holder,
n1 BACKUP, no transition on either; every forged packet is counted on both nodes under its
reason; n2's own adverts stay on time (no gap above 1.5 intervals on the bridge; keepalived's
master re-arms its advert timer on any packet). The same attacker holding the key does take
over (forge.py's trailer is right), and so does the unsigned flood once auth is off: the attack
auth prevents."""
import os
import re
import time

from lab import (Lab, Cluster, AUTH_DROPS, K1, K2, adverts, advert_source, auth_drops, auth_section, check,
                 log, param, wait_until)

HERE = os.path.dirname(os.path.abspath(__file__))
PRIORITY = 254
RATE, COUNT = 40, 60  # 1.5 s at four times the advert rate
# label, forge.py kind and options, the drop reason every packet must be counted under
REJECTED = [
    ("unsigned", "unsigned", {}, "auth_missing"),
    ("wrong key", "signed", {"key": K2, "key_id": 1}, "auth_bad_hmac"),
    # Signed as priority 126, then bit 7 flipped: 254 on the wire.
    ("bit flip", "flipped", {"key": K1, "key_id": 1, "flip": 0x80}, "auth_bad_hmac"),
    ("unknown key id", "signed", {"key": K1, "key_id": 7}, "auth_unknown_key"),
]


def attack(c, attacker, label, kind, watch, count=COUNT, **opts):
    """forge.py on the attacker, in the background; watch() runs every 20 ms while it sends.
    Returns the number of packets sent."""
    argv = ["/usr/bin/python3", os.path.join(HERE, "forge.py"), c.family,
            advert_source(attacker, c.family), str(c.vrid), str(PRIORITY), ",".join(c.vips), kind,
            f"count={count}", f"rate={RATE}"] + [f"{k}={v}" for k, v in opts.items()]
    log(f"attack: {label}")
    p = attacker.spawn("forge-" + re.sub(r"\W+", "-", label), argv)
    deadline = time.monotonic() + count / RATE + 10
    while p.alive() and time.monotonic() < deadline:
        watch()
        time.sleep(0.02)
    check(p.stop() == 0, f"forge.py ({label}) failed: {p.log_text()}")
    return int(p.log_text().split()[-1])


def late(c, pkts, master, attacker, label, sent):
    """Whether the master's adverts on the bridge lost their interval while the forged ones
    arrived (a gap above 1.5 intervals): what went wrong, or None."""
    forged = [a["time"] for a in adverts(pkts, src=advert_source(attacker, c.family))]
    check(len(forged) == sent, f"{label}: {len(forged)} of {sent} forged packets on the bridge")
    slack = 1.5 * c.interval
    times = [a["time"] for a in adverts(pkts, src=advert_source(master, c.family))
             if forged[0] - slack <= a["time"] <= forged[-1] + slack]
    if len(times) < 2:
        return f"{master.name} sent {len(times)} adverts in {forged[-1] - forged[0]:.2f} s of attack"
    gap, at = max((b - a, a) for a, b in zip(times, times[1:]))
    # The attacker's largest gap meanwhile: when both streams paused, the machine did.
    theirs = max([b - a for a, b in zip(forged, forged[1:]) if at <= a < at + gap] or [0])
    pause = (f"{gap * 1000:.0f} ms from {at - forged[0]:+.2f} s (the attacker's largest gap then: "
             f"{theirs * 1000:.0f} ms)")
    log(f"{label}: {len(times)} adverts from {master.name} in {forged[-1] - forged[0]:.2f} s of "
        f"attack, largest gap {pause}")
    if gap > slack:
        return f"{master.name}'s adverts paused for {pause}"
    return None


def transitions(node):
    return node.instance("vi")["counters"]["transitions"]


with Lab("authforged") as lab:
    fam = param()
    c = Cluster(lab, fam, [100, 150], sections={"auth": auth_section(lab)})
    n1, n2 = c.nodes
    attacker = lab.node("n3", 3)
    c.start_all()
    c.wait_master(n2)
    base = {n: transitions(n) for n in c.nodes}
    for label, kind, opts, reason in REJECTED:
        before = {n: auth_drops(n) for n in c.nodes}
        wrong = []

        def unchanged():
            states = (n1.state("vi"), n2.state("vi"))
            if states != ("BACKUP", "MASTER") or c.holders() != [n2]:
                wrong.append(f"{states}, VIP on {[n.name for n in c.holders()]}")

        cap = lab.capture()
        sent = attack(c, attacker, label, kind, unchanged, **opts)
        wrong += filter(None, [late(c, cap.stop(), n2, attacker, label, sent)])
        check(not wrong, f"{label}: the forged adverts changed something: {wrong[-3:]}")
        for n in c.nodes:
            wait_until(f"{n.name}: {sent} {label} adverts counted as {reason}",
                       lambda: auth_drops(n)[reason] - before[n][reason] >= sent, 3)
            after = auth_drops(n)
            moved = {r: after[r] - before[n][r] for r in AUTH_DROPS if after[r] != before[n][r]}
            check(moved == {reason: sent}, f"{n.name}: {label}: drops moved by {moved}, expected "
                  f"{reason}: {sent}")
            check(transitions(n) == base[n], f"{n.name}: {label}: a transition happened: "
                  f"{n.instance('vi')['lastTransitions']}")

    # The attacker with the key: its signed priority-254 adverts are accepted, n2 yields.
    seen = []

    def yielded():
        if n2.state("vi") == "BACKUP" and not n2.has(c.vip):
            seen.append(time.monotonic())

    before = {n: auth_drops(n) for n in c.nodes}
    attack(c, attacker, "right key", "signed", yielded, key=K1, key_id=1)
    check(seen, "adverts signed with the right key did not make n2 yield: forge.py's trailer or "
          "hafd's verification is wrong")
    check(all(auth_drops(n) == before[n] for n in c.nodes),
          f"drops of correctly signed adverts: {[auth_drops(n) for n in c.nodes]}")
    c.wait_master(n2)

    # The control: without auth, the same unsigned flood takes the VIP away from n2.
    for n in c.nodes:
        n.hafd_proc.stop()
    for i in range(len(c.nodes)):
        c.start(i, sections={})
    c.wait_master(n2)
    check(n2.instance("vi")["auth"] is None, f"auth is still on: {n2.instance('vi')['auth']}")
    seen.clear()
    attack(c, attacker, "unsigned, no auth", "unsigned", yielded)
    check(seen, "without auth, the unsigned adverts did not make n2 yield: the test proves nothing")
    check(any(t["to"] == "BACKUP" and t["reason"] == "higher_priority"
              for t in n2.instance("vi")["lastTransitions"]), "n2 did not yield to a higher priority")
