#!/usr/bin/python3
# params: v4
# SPDX-License-Identifier: Apache-2.0
"""k_of_n: "any two of three backends". Three TCP backends in n1's namespace, a tcp check each,
a k_of_n check (min_up 2) tracked at weight -60: two of three up keeps the priority, one of
three lowers it, and a backend back up restores it."""
import time

from lab import Lab, Cluster, check, wait_until

LISTEN = ("import socket,time\n"
          "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          "s.bind(('127.0.0.1', {port})); s.listen(16)\n"
          "while True:\n    c,_=s.accept(); c.close()\n")

with Lab("k-of-n") as lab:
    c = Cluster(lab, "v4", [200], interval=0.1)
    (a,) = c.nodes
    backends = {}

    def up(port):
        backends[port] = a.spawn(f"backend{port}", ["/usr/bin/python3", "-c",
                                                    LISTEN.format(port=port)])

    def down(port):
        backends.pop(port).stop()

    for port in (9001, 9002, 9003):
        up(port)
    time.sleep(0.3)  # listening
    checks = [{"name": f"b{i}", "tcp": f"127.0.0.1:{9000 + i}", "interval": 0.2,
               "timeout": 0.1, "fall": 1, "rise": 1} for i in (1, 2, 3)]
    checks.append({"name": "backends", "k_of_n": ["b1", "b2", "b3"], "min_up": 2})
    c.start(0, sections={"checks": checks}, track=[{"check": "backends", "weight": -60}])
    wait_until("n1 to be master", lambda: a.state("vi") == "MASTER", 5)

    def prio():
        return a.instance("vi")["priority"]

    def kofn():
        return next(x for x in a.status()["checks"] if x["name"] == "backends")

    check(prio() == 200 and kofn()["health"] == "up", f"all up: {prio()}, {kofn()}")
    down(9001)
    wait_until("b1 down", lambda: next(x for x in a.status()["checks"]
                                       if x["name"] == "b1")["health"] == "down", 3)
    time.sleep(0.3)
    check(prio() == 200, f"two of three up lowered the priority: {prio()}")
    check(kofn()["lastResult"] == "2 of 3 up", f"{kofn()}")
    down(9002)
    wait_until("the priority to drop to 140", lambda: prio() == 140, 3)
    check(kofn()["health"] == "down" and kofn()["lastResult"] == "1 of 3 up", f"{kofn()}")
    up(9002)
    wait_until("the priority to come back", lambda: prio() == 200, 3)
