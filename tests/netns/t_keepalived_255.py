#!/usr/bin/python3
# params: keepalived hafd
# SPDX-License-Identifier: Apache-2.0
"""Priority 255 beside keepalived 2.2.7, with the VIP on neither interface (keepalived always
installs it): with 255 on the keepalived side [keepalived] or on the hafd side [hafd], there is
one master, a kill -9 of it hands the VIP to the other, and its return takes it back."""
import signal
import time
from lab import Lab, Cluster, param, check, wait_until, keepalived_conf, keepalived_state

with Lab("ka255") as lab:
    side = param()
    interval = 0.1
    prio_h, prio_k = (150, 255) if side == "keepalived" else (255, 150)
    c = Cluster(lab, "v4", [prio_h, prio_k], interval=interval)
    h, k = c.nodes  # n1 runs hafd, n2 keepalived
    mdi = c.master_down_interval(150)

    def ka():
        return k.keepalived(keepalived_conf("n2", "v4", c.vrid, prio_k, interval, c.vips,
                                            state="MASTER" if prio_k == 255 else "BACKUP"))

    def one_master(master):
        hafd_master = h.state("vi") == "MASTER"
        ka_master = k.keepalived_proc.alive() and keepalived_state(k) == "MASTER"
        if master is h:
            return hafd_master and not ka_master and h.has(c.vip) and not k.has(c.vip)
        return ka_master and not hafd_master and k.has(c.vip) and not h.has(c.vip)

    def stays(master, seconds):
        """Waits until `master` is the only master, then checks that this holds for a while."""
        wait_until(f"{master.name} the only master", lambda: one_master(master), 4 * mdi + 5)
        for _ in range(int(seconds / 0.05)):
            check(one_master(master), f"not one master: hafd {h.state('vi')}, keepalived "
                                      f"{keepalived_state(k)}")
            time.sleep(0.05)

    def kill(node):
        if node is h:
            h.hafd_proc.stop(signal.SIGKILL)
        else:
            k.keepalived_proc.stop(signal.SIGKILL)
        # A killed daemon leaves its VIP behind; remove it as a reboot would (hafd removes its
        # own at start, keepalived does not).
        node.run("ip", "addr", "del", c.vip + "/32", "dev", "eth0", check=False)

    top, other = (k, h) if prio_k == 255 else (h, k)
    for n in (other, top):  # the lower one first, so that the 255 one takes over on arrival
        ka() if n is k else c.start(0)
    stays(top, 1.0)
    kill(top)
    stays(other, 1.0)
    ka() if top is k else c.start(0)
    stays(top, 1.0)
