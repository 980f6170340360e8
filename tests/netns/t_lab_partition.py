#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The lab's partitions (Lab.cut_off / split / heal): a cut-off node keeps its link and carrier
up but reaches nobody, unicast or multicast, and nobody reaches it; a split cuts one group from
another only; heal undoes both."""
import time
from lab import Lab, check, sh

with Lab("partition") as lab:
    n1, n2, n3 = (lab.node(f"n{i}", i) for i in (1, 2, 3))

    def reaches(a, b):
        r = sh("ip", "netns", "exec", a.ns, "ping", "-n", "-q", "-c", "1", "-W", "0.3", b.ip4,
               check=False)
        return r.returncode == 0

    def reaches_multicast(a, b):
        """b answers a ping to the all-nodes group ff02::1 from a (link-local, multicast)."""
        r = sh("ip", "netns", "exec", a.ns, "ping", "-6", "-n", "-c", "2", "-i", "0.2", "-W", "0.5",
               "ff02::1%eth0", check=False)
        return b.link_local in r.stdout

    for a, b in ((n1, n2), (n2, n1), (n2, n3), (n3, n1)):
        check(reaches(a, b), f"{a.name} does not reach {b.name} before any cut")
    check(reaches_multicast(n2, n1), "n1 does not answer multicast before any cut")

    n1.cut_off()
    print(f"cut_off took {lab.last_nft_seconds * 1000:.1f} ms")
    for a, b in ((n1, n2), (n2, n1), (n1, n3), (n3, n1)):
        check(not reaches(a, b), f"{a.name} reaches {b.name} across the cut")
    check(not reaches_multicast(n2, n1), "n1 answers multicast while cut off")
    check(not reaches_multicast(n1, n2), "n2 answers n1's multicast while n1 is cut off")
    check(reaches(n2, n3) and reaches(n3, n2), "n2 and n3 lost each other")
    state = n1.run("cat", "/sys/class/net/eth0/operstate").strip()
    check(state == "up", f"n1's eth0 is {state}: a cut-off node keeps its link")
    check("state UP" in n1.run("ip", "link", "show", "eth0"), "n1's link went down")

    t = n1.heal()
    check(time.monotonic() >= t, "heal returned a time in the future")
    check(reaches(n1, n2) and reaches(n2, n1) and reaches(n1, n3), "n1 still cut off after heal")
    check(reaches_multicast(n2, n1), "n1 does not answer multicast after heal")

    lab.split([n1], [n2])
    check(not reaches(n1, n2) and not reaches(n2, n1), "n1 and n2 reach each other across the split")
    check(reaches(n1, n3) and reaches(n3, n1) and reaches(n2, n3), "a split cut more than n1 from n2")
    lab.cut_off([n3])
    lab.heal()
    for a, b in ((n1, n2), (n2, n1), (n3, n1), (n3, n2)):
        check(reaches(a, b), f"{a.name} does not reach {b.name} after heal()")
