#!/usr/bin/python3
# asan
# SPDX-License-Identifier: Apache-2.0
"""Forged, altered and replayed heartbeats change nothing and are counted. Two nodes and a
witness with signed heartbeats (auth enforce); the witness and n1 stop, so n2 alone has no
quorum (FAULT, cause quorum, no VIP). From the witness's own address an attacker then sends
heartbeats that say "w, with quorum": unsigned, signed with another key, altered after signing,
and a real one of the witness captured earlier, replayed; and from an address that is no node.
n2 stays without quorum and counts each under its reason. Last, the same heartbeat signed with
the right key gives n2 its quorum back: that is the vote the forgeries tried to give."""
import os
import signal
from lab import Lab, hafd_conf, auth_section, check, wait_until, log, K1, K2

HERE = os.path.dirname(os.path.abspath(__file__))
VIP = "198.51.100.10"


def conf(lab, me, auth, instances):
    nodes = [{"name": n.name, "address": n.ip4, **({"witness": True} if n.name == "w" else {})}
             for n in lab.nodes.values() if n.name != "x"]
    return hafd_conf(instances or None, auth=auth, node={"name": me},
                     cluster={"nodes": nodes, "heartbeat": 0.2, "lease": 1, "margin": 0.5})


def inst(priority):
    return {"name": "vi", "interface": "eth0", "vrid": 51, "priority": priority,
            "advert_interval": 0.1, "preempt": False, "addresses": [VIP]}


def drops(node):
    return node.status()["cluster"]["drops"]


def run_forger(node, source, kind, count=20, **opts):
    argv = ["/usr/bin/python3", os.path.join(HERE, "hbforge.py"), source, "192.0.2.2", "w", kind,
            f"count={count}", "rate=20"] + [f"{k}={v}" for k, v in opts.items()]
    r = node.run(*argv, check=False)
    check("sent" in (r or ""), f"hbforge.py {kind} failed: {r}")


with Lab("hbforged") as lab:
    n1, n2, w = lab.node("n1", 1), lab.node("n2", 2), lab.node("w", 3)
    x = lab.node("x", 9)
    auth = auth_section(lab)
    cap = lab.capture("udp port 7112 and src host 192.0.2.3 and dst host 192.0.2.2")
    n1.hafd(conf=conf(lab, "n1", auth, [inst(100)]))
    n2.hafd(conf=conf(lab, "n2", auth, [inst(150)]))
    w.hafd(conf=conf(lab, "w", auth, []))
    wait_until("n2 to hear every node", lambda: n2.status()["cluster"]["heard"] == 3, 5)
    check(n2.status()["cluster"]["authenticated"], "heartbeats should be signed")
    check(not drops(n2), f"signed heartbeats were dropped: {drops(n2)}")
    w.hafd_proc.stop(signal.SIGKILL)
    n1.hafd_proc.stop(signal.SIGKILL)
    pkts = cap.stop()
    real = [bytes(p["UDP"].payload) for p in pkts if p.haslayer("UDP")]
    check(real, "no heartbeat of the witness captured")
    check(len(real[-1]) > 28 and real[-1][:4] == b"HAFH", "the captured heartbeat is not one")
    wait_until("n2 to lose quorum", lambda: not n2.status()["cluster"]["quorum"], 3)
    wait_until("n2 in FAULT for quorum", lambda: n2.instance("vi")["faults"] == ["quorum"], 3)
    check(not n2.has(VIP), "n2 holds the VIP without quorum")

    for kind, opts, reasons in (
            ("unsigned", {}, ("auth_missing",)),
            ("signed", {"key": K2, "key_id": 1}, ("bad_hmac",)),
            ("signed", {"key": K1, "key_id": 7}, ("unknown_key",)),
            ("flipped", {"key": K1, "key_id": 1}, ("bad_hmac",)),
            ("replay", {"payload": real[-1].hex()}, ("replay", "stale"))):
        before = drops(n2)
        run_forger(w, "192.0.2.3", kind, **opts)
        after = drops(n2)
        counted = sum(after.get(r, 0) - before.get(r, 0) for r in reasons)
        log(f"{kind} {opts.get('key_id', '')}: counted {counted} under {reasons}; drops now {after}")
        check(counted == 20, f"{kind}: {counted} of 20 counted under {reasons}: {after}")
        st = n2.status()["cluster"]
        check(not st["quorum"] and st["heard"] == 1, f"{kind}: n2's quorum changed: {st['heard']}")
        check(n2.instance("vi")["state"] == "FAULT" and not n2.has(VIP), f"{kind}: n2 changed")

    # From an address that is no node: counted as unknown_node.
    before = drops(n2).get("unknown_node", 0)
    run_forger(x, "192.0.2.9", "signed", key=K1, key_id=1)
    check(drops(n2).get("unknown_node", 0) - before == 20, f"unknown node: {drops(n2)}")
    check(not n2.status()["cluster"]["quorum"], "a heartbeat from no node gave quorum")

    # With the key, the same heartbeat is a vote: the attack the checks above refuse.
    p = w.spawn("forge-good", ["/usr/bin/python3", os.path.join(HERE, "hbforge.py"), "192.0.2.3",
                               "192.0.2.2", "w", "signed", "count=60", "rate=20", f"key={K1}",
                               "key_id=1"])
    wait_until("a correctly signed heartbeat to give n2 its quorum",
               lambda: n2.status()["cluster"]["quorum"], 3)
    p.stop(signal.SIGKILL)
