#!/usr/bin/python3
# asan
# serial
# params: v4 v6
# timeout: 150
# SPDX-License-Identifier: Apache-2.0
"""Hostile neighbours at 10 000 packets/s. Two nodes and a witness, signed adverts and
heartbeats (auth enforce), advert interval 0.1 s, n2 master. For FLOOD seconds each, a stranger
on the LAN sends valid adverts for a VRID nobody runs, priority-254 adverts for the cluster's
VRID signed with a key the nodes do not have, and heartbeats that claim to be the witness's
(its address spoofed) signed with that key; then a local client opens and drops control-socket
connections at the same rate. Throughout each: n2 alone holds the VIP and keeps its quorum, n1
stays backup, n2's adverts on the bridge never pause for more than 1.5 intervals, and every
flood shows in n2's counters (at least 95 % of what was sent; the rest is what the kernel
dropped before hafd could read it, and each count is printed)."""
import os
import time

from lab import Lab, Cluster, K2, auth_section, adverts, advert_source, check, hafctl, log, param

HERE = os.path.dirname(os.path.abspath(__file__))
RATE, FLOOD = 10000, 2.0


def flood(node, name, kind, args, watch):
    """flood.py on `node`; watch() every 20 ms while it runs. Returns the words of its last
    line after "sent"."""
    argv = ["/usr/bin/python3", os.path.join(HERE, "flood.py"), kind, str(RATE), str(FLOOD)]
    p = node.spawn(name, argv + [str(a) for a in args])
    deadline = time.monotonic() + FLOOD + 20
    while p.alive() and time.monotonic() < deadline:
        watch()
        time.sleep(0.02)
    check(p.stop() == 0, f"flood.py {kind} failed: {p.log_text()}")
    return p.log_text().splitlines()[-1].split()[1:]


def counted(what, before, after, sent, ours=0):
    """`ours`: what the test itself adds to the counter meanwhile, at most."""
    got = after - before
    log(f"{what}: {sent} sent, {got} counted ({100 * got / sent:.1f} %)")
    check(got >= 0.95 * sent, f"{what}: only {got} of {sent} counted")
    check(got <= sent + ours, f"{what}: {got} counted, more than the {sent} sent")


with Lab("flood") as lab:
    fam = param()
    c = Cluster(lab, fam, [100, 150], sections={"auth": auth_section(lab)}, witness=True,
                cluster={"heartbeat": 0.2, "lease": 1, "margin": 0.5}, preempt=False)
    n1, n2 = c.nodes
    x = lab.node("x", 9)
    c.start_all()
    c.wait_master(n2)
    src = advert_source(x, fam)

    def socket_drops(node):
        return sum(s["drops"].get("unknown_vrid", 0) for s in node.status()["sockets"]
                   if s["family"] == ("ipv4" if fam == "v4" else "ipv6"))

    # What each flood sends, and the counter of n2 that must show it.
    floods = [
        ("unknown VRID", x, "adverts", [fam, src, 52, 100, c.vips[-1]], socket_drops),
        ("forged priority 254", x, "adverts", [fam, src, c.vrid, 254, ",".join(c.vips),
                                               f"key={K2}", "key_id=1"],
         lambda n: n.instance("vi")["drops"].get("auth_bad_hmac", 0)),
        ("forged heartbeats", x, "heartbeats", [c.address(c.witness), c.address(n2), n2.mac, "w",
                                                f"key={K2}", "key_id=1"],
         lambda n: n.status()["cluster"]["drops"].get("bad_hmac", 0)),
        ("control connections", n2, "control", [os.path.join(n2.runtime, "control")],
         lambda n: sum(n.status()["control"][k] for k in ("served", "busy", "denied"))),
    ]
    figures = []
    for label, sender, kind, args, counter in floods:
        wrong = []

        def steady():
            if n1.state("vi") != "BACKUP":
                wrong.append(f"n1 {n1.state('vi')}")
            if c.holders() != [n2]:
                wrong.append(f"VIP on {[n.name for n in c.holders()]}")
            if kind == "control":
                return  # n2's control socket is what is flooded: its state is asked after
            st = n2.status()
            if st["instances"][0]["state"] != "MASTER":
                wrong.append(f"n2 {st['instances'][0]['state']}")
            if not st["cluster"]["quorum"]:
                wrong.append("n2 lost its quorum")

        before = counter(n2)
        transitions = n2.instance("vi")["counters"]["transitions"]
        cap = lab.capture(f"(vrrp or ip6 proto 112) and ether src {n2.mac}")
        log(f"flood: {label}, {RATE}/s for {FLOOD} s")
        words = flood(sender, "flood-" + label.replace(" ", "-"), kind, args, steady)
        pkts = cap.stop()
        sent = int(words[0]) - (int(words[2]) if len(words) > 2 else 0)
        check(not wrong, f"{label}: {wrong[:3]}")
        check(n2.status()["cluster"]["quorum"], f"{label}: n2 lost its quorum")
        check(n2.instance("vi")["counters"]["transitions"] == transitions,
              f"{label}: n2 changed state: {n2.instance('vi')['lastTransitions'][:2]}")
        # The test's own status requests are control connections too.
        counted(label, before, counter(n2), sent, ours=10 if kind == "control" else 0)
        times = [a["time"] for a in adverts(pkts, src=advert_source(n2, fam))]
        check(len(times) >= FLOOD / c.interval, f"{label}: {len(times)} adverts of n2 captured")
        gap = max(b - a for a, b in zip(times, times[1:]))
        figures.append(f"{label}: largest gap {gap * 1000:.0f} ms")
        log(f"{label}: {len(times)} adverts of n2, largest gap {gap * 1000:.0f} ms")
        check(gap <= 1.5 * c.interval, f"{label}: n2's adverts paused for {gap * 1000:.0f} ms")
    st = n2.status()
    log(f"control: {st['control']}")
    check(st["control"]["served"] > 0 and st["control"]["busy"] > 0,
          f"the control flood should have been served and refused in part: {st['control']}")
    # A client during a flood of connections: hafctl retries while the daemon says busy.
    busy = n2.spawn("flood-control-again", ["/usr/bin/python3", os.path.join(HERE, "flood.py"),
                                            "control", str(RATE), str(FLOOD),
                                            os.path.join(n2.runtime, "control")])
    time.sleep(0.5)
    rc, out = hafctl(n2, "status", "--json")
    check(rc == 0 and '"MASTER"' in out, f"hafctl status during a flood of connections: {out[-300:]}")
    busy.stop()
    print(f"{fam}: " + "; ".join(figures))
