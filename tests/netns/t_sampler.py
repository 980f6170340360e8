#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""The VIP sampler (sampler.py) against addresses added and removed by hand with `ip addr`:
one holder, two, none, another; its queries must place each change between the times the
commands ran, count every two-holder sample, and a ring smaller than the run must keep the
totals exact while refusing windows it no longer holds. One sample of three nodes must take
well under a millisecond."""
import os
import time
from lab import Lab, VIPS, param, check
from sampler import Sampler

with Lab("sampler") as lab:
    fam = param()
    vip = VIPS[fam][-1]
    plen = "/32" if fam == "v4" else "/128"
    nodes = [lab.node(f"n{i}", i) for i in (1, 2, 3)]
    n1, n2, n3 = nodes

    def add(n):
        t0 = time.monotonic()
        n.run("ip", "addr", "add", vip + plen, "dev", "eth0", *(["nodad"] if fam == "v6" else []))
        return t0, time.monotonic()

    def delete(n):
        t0 = time.monotonic()
        n.run("ip", "addr", "del", vip + plen, "dev", "eth0")
        return t0, time.monotonic()

    s = Sampler(lab, nodes, vip)
    small = Sampler(lab, nodes, vip, capacity=20, log_name="small.log")
    add1 = add(n1)
    time.sleep(0.2)
    add2 = add(n2)           # two holders from here...
    time.sleep(0.3)
    del1 = delete(n1)        # ...to here
    time.sleep(0.2)
    del2 = delete(n2)        # nobody from here...
    time.sleep(0.5)
    add3 = add(n3)           # ...to here
    time.sleep(0.2)
    end = time.monotonic()
    s.stop()
    small.stop()
    step = s.max_interval()
    med, p99, mx = s.timing()
    print(s.summary())
    check(med < 0.001, f"one sample of 3 nodes took {med * 1e6:.0f} us (median), not well under 1 ms")
    check(step < 0.1, f"the sampler was held up {step * 1000:.0f} ms")

    # Two holders: only between n2's add and n1's delete, and in every sample there.
    dual = s.dual_samples()
    check(dual and all(add2[0] <= t <= del1[1] and h == {"n1", "n2"} for t, h in dual),
          f"dual samples outside n2's add .. n1's delete: {dual[:5]}")
    check(s.dual() == len(dual) == s.dual(add2[0], del1[1]), "dual counts disagree")
    check(len(dual) >= int((del1[0] - add2[1]) / step), f"only {len(dual)} dual samples in "
          f"{(del1[0] - add2[1]) * 1000:.0f} ms at most {step * 1000:.1f} ms apart")
    check(s.dual(add1[0], add2[0]) == 0, "dual samples before n2 held the VIP")

    # Nobody: between n2's delete and n3's add.
    gap, at = s.longest_without_holder()
    check(del2[0] <= at <= del2[1] + step, f"the longest gap starts at {at}, not at n2's delete {del2}")
    check(add3[0] - del2[1] - step <= gap <= add3[1] - del2[0] + step,
          f"longest time without a holder {gap * 1000:.0f} ms, not n2's delete .. n3's add")
    check(s.longest_without_holder(add3[1], end)[0] == 0, "a gap after n3 took the VIP")
    check(s.longest_without_holder(del2[0], add3[1])[0] >= gap - step, "windowed gap too short")

    # First and last holds.
    t = s.first_held(add2[0], "n2")
    check(t is not None and add2[0] <= t <= add2[1] + step, f"n2's first hold at {t}, add ran {add2}")
    t = s.first_held(del2[1])
    check(t is not None and add3[0] <= t <= add3[1] + step, f"first hold after the gap at {t}, n3's add {add3}")
    t = s.first_held_by_other(add1[1], "n1")
    check(t is not None and add2[0] <= t <= add2[1] + step, f"first other than n1 at {t}")
    t = s.last_held("n1")
    check(t is not None and del1[0] - step <= t <= del1[1], f"n1's last hold {t}, delete ran {del1}")
    check(s.last_held("n3", before=add3[0]) is None, "n3 held the VIP before its add")
    t = s.first_not_held(add1[1], "n1")
    check(t is not None and del1[0] <= t <= del1[1] + step, f"n1 released at {t}, delete ran {del1}")
    check(s.first_held(add3[1] + step, "n1") is None, "n1 held the VIP again")
    check(s.holders() == {"n3"}, f"last holders {s.holders()}")
    one = s.wait_one_holder(0.1, 0)
    check(one and one[0] == "n3" and add3[0] <= one[1] <= add3[1] + step, f"one holder: {one}")
    check(s.wait_one_holder(end - add1[0], 0) is None, "one holder for longer than the run")
    try:
        s.first_held(0, "n9")
        check(False, "an unknown node name was accepted")
    except ValueError:
        pass

    # A ring of 20 samples: totals exact over the whole run, old windows refused.
    check(small.count > 20, f"the small sampler took only {small.count} samples")
    # Its log has every sample: the running totals must match it exactly.
    with open(small.log_path) as f:
        logged = [(float(t), h.split(",") if h != "-" else []) for t, h in
                  (l.split() for l in f if not l.startswith("#"))]
    check(len(logged) == small.count, f"small.log has {len(logged)} of {small.count} samples")
    check(small.dual() == sum(1 for _, h in logged if len(h) > 1) > 0,
          f"ring-wrapped dual total {small.dual()}, its log says otherwise")
    longest, since = 0.0, None
    for t, h in logged:
        if not h and since is None:
            since = t
        elif h and since is not None:
            longest, since = max(longest, t - since), None
    check(abs(small.longest_without_holder()[0] - longest) < 1e-5,
          f"ring-wrapped longest gap {small.longest_without_holder()[0]}, its log says {longest}")
    check(abs(small.last_held("n1") - max(t for t, h in logged if "n1" in h)) < 1e-5,
          "ring-wrapped last hold")
    try:
        small.dual(add1[0], end)
        check(False, "a window older than the ring was answered")
    except AssertionError as e:
        check("oldest retained sample" in str(e), str(e))
    check(len(small.samples(end - 0.05)) >= 1, "the ring lost its newest samples")

    with open(s.log_path) as f:
        lines = f.read().splitlines()
    check(len(lines) == s.count + 1 and lines[-1].endswith(" n3"), f"holders.log: {lines[-3:]}")
    check(os.path.dirname(s.log_path) == lab.dir, "holders.log is not in the lab directory")
    print(f"dual samples {len(dual)}, longest without a holder {gap * 1000:.0f} ms, "
          f"sample of 3 nodes: median {med * 1e6:.0f} us, p99 {p99 * 1e6:.0f} us, max {mx * 1e6:.0f} us")
