#!/usr/bin/python3
# asan
# SPDX-License-Identifier: Apache-2.0
"""Reload that adds an instance, removes one, adds and removes VIPs on a master, and changes a
priority so that preemption happens: each has its expected effect and nothing else changes."""
import time
from lab import Lab, check, wait_until


def inst(name, vrid, prio, vips):
    return {"name": name, "interface": "eth0", "vrid": vrid, "priority": prio,
            "advert_interval": 0.1, "addresses": vips}


with Lab("reload") as lab:
    a, b = lab.node("n1", 1), lab.node("n2", 2)
    A1 = inst("web", 51, 200, ["198.51.100.10", "198.51.100.11"])
    B1 = inst("db", 52, 200, ["198.51.100.20"])
    a.hafd([A1, B1])
    b.hafd([inst("web", 51, 150, A1["addresses"]), inst("db", 52, 150, B1["addresses"]),
            inst("cache", 53, 150, ["198.51.100.30"])])
    wait_until("n1 master of web and db", lambda: a.state("web") == "MASTER"
               and a.state("db") == "MASTER" and b.state("cache") == "MASTER", 5)
    web_transitions = a.instance("web")["counters"]["transitions"]
    monitor = a.spawn("ipmonitor", ["ip", "monitor", "address"])
    time.sleep(0.2)

    # n1: web keeps .10, drops .11, gains .12; db is removed; cache is added (priority 200).
    A2 = dict(A1, addresses=["198.51.100.10", "198.51.100.12"])
    rc, out = a.reload([A2, inst("cache", 53, 200, ["198.51.100.30"])])
    check(rc == 0, f"reload failed: {out}")
    check("1 added, 1 removed, 0 replaced, 1 changed, 0 unchanged" in out, out)
    wait_until("VIPs of web updated", lambda: a.has("198.51.100.12") and not a.has("198.51.100.11"), 2)
    check(a.state("web") == "MASTER", "web left MASTER")
    check(a.instance("web")["counters"]["transitions"] == web_transitions, "web had a transition")
    check(not [l for l in monitor.log_text().splitlines()
               if l.startswith("Deleted") and "198.51.100.10/" in l], "198.51.100.10 was touched")
    # db was released gracefully (priority 0): n2 takes it within Skew_Time, not Master_Down.
    wait_until("n2 master of db", lambda: b.state("db") == "MASTER" and b.has("198.51.100.20"), 1)
    check(not a.has("198.51.100.20"), "n1 kept db's VIP")
    check("db" not in [i["name"] for i in a.status()["instances"]], "db still listed on n1")
    # cache started on n1 with priority 200: it preempts n2.
    wait_until("n1 master of cache", lambda: a.state("cache") == "MASTER" and not b.has("198.51.100.30"), 3)

    # n2: web to priority 250: it preempts n1, and nothing else moves.
    cache_master = a.instance("cache")["counters"]["transitions"]
    rc, out = b.reload([inst("web", 51, 250, A2["addresses"]), inst("db", 52, 150, B1["addresses"]),
                        inst("cache", 53, 150, ["198.51.100.30"])])
    check(rc == 0, f"reload failed: {out}")
    wait_until("n2 preempts web", lambda: b.state("web") == "MASTER" and a.state("web") == "BACKUP"
               and b.has("198.51.100.12") and not a.has("198.51.100.12"), 3)
    check(a.instance("cache")["counters"]["transitions"] == cache_master, "cache moved")
    check(a.state("cache") == "MASTER" and b.state("db") == "MASTER", "other instances moved")
    monitor.stop()
