"""The credit scheduler as guests see it: CPU shares follow weights, a cap
limits a domain, a domain that sleeps and wakes on its timer meets its
deadlines beside a spinner, and scheduler parameters of another domain
change only with a DOMAIN capability. Shares are measured from what the
spinners report (their running time from VCPUOP_get_runstate_info)."""

import re

import pytest

from test_boot_domains import guest, per_domain_results
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 120
SPIN_SECS = 8
SAMPLE_RX = re.compile(r"^\(d(\d+)\) INFO sample t=(\d+) now=(\d+) "
                       r"run=(\d+) loops=(\d+)$", re.M)


def shares(m, domids):
    """{domid: share of the CPU} over the sample buckets every domain
    reported, the first one (start-up) left out."""
    samples = {d: {} for d in domids}
    for d, t, now, run, _ in SAMPLE_RX.findall(m.log):
        if int(d) in samples:
            samples[int(d)][int(t)] = (int(now), int(run))
    common = sorted(set.intersection(*(set(s) for s in samples.values())))
    if len(common) < 4:
        m.fail(f"too few common samples: {common}")
    first, last = common[1], common[-1]
    out = {}
    for d, s in samples.items():
        (n0, r0), (n1, r1) = s[first], s[last]
        out[d] = (r1 - r0) / (n1 - n0)
    return out


def boot_spinners(boot, built, domains):
    """domains: the boot_domains fields after MOD:MEM, one per spinner."""
    spec = ",".join(f"{i + 1}:32M{extra}" for i, extra in enumerate(domains))
    mods = [guest(built, "ctlwait") + f" wait={len(domains)}"]
    mods += [guest(built, "spinner") + f" secs={SPIN_SECS}"] * len(domains)
    # One CPU for all: weights and caps share out a contended CPU (with a
    # CPU each, every spinner would simply get all of its own).
    return boot(append=f"debug_exit=0xf4 dom0_mem=32M boot_domains={spec}",
                modules=mods, mem="512M", smp=1)


def wait_samples(m, domids):
    for d in domids:
        m.expect(rf"^\(d{d}\) DONE ", TIMEOUT)


def test_weights_give_proportional_shares(boot, guests_built):  # noqa: F811
    m = boot_spinners(boot, guests_built, [":weight=256", ":weight=512"])
    wait_samples(m, (1, 2))
    s = shares(m, (1, 2))
    ratio = s[2] / s[1]
    print(f"shares {s}, ratio {ratio:.3f}")
    if not 1.8 <= ratio <= 2.2:
        m.fail(f"weights 256:512 gave shares {s} (ratio {ratio:.3f})")
    # Together they had the CPU: nothing else wanted it.
    assert s[1] + s[2] > 0.9, m.tail()


def test_cap_limits_a_domain(boot, guests_built):  # noqa: F811
    m = boot_spinners(boot, guests_built, [":cap=25", ""])
    wait_samples(m, (1, 2))
    s = shares(m, (1, 2))
    print(f"shares {s}")
    if not 0.15 <= s[1] <= 0.35:
        m.fail(f"cap=25 gave a share of {s[1]:.3f}")
    # The uncapped spinner took the rest.
    assert s[2] > 0.6, m.tail()


def test_waking_worker_meets_deadlines(boot, guests_built):  # noqa: F811
    m = boot(append="debug_exit=0xf4 dom0_mem=32M "
                    "boot_domains=1:32M,2:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=2",
                      guest(guests_built, "spinner") + f" secs={SPIN_SECS}",
                      guest(guests_built, "spinner") +
                      f" mode=worker period=20 secs={SPIN_SECS - 2}"],
             mem="512M")
    wait_samples(m, (1, 2))
    r = per_domain_results(m.log)[2]
    w = re.search(r"^\(d2\) INFO worker periods=(\d+) missed=(\d+) "
                  r"prompt=(\d+) max_late_us=(\d+)$", m.log, re.M)
    bad = {k: v for k, v in r["checks"].items() if v != "ok"}
    if not w or bad or "woken_within_a_tick" not in r["checks"]:
        m.fail(f"worker: {r['checks']}")
    print(w.group(0))
    assert int(w.group(1)) >= 200, m.tail()
    # The spinner still ran: the worker's boosts did not starve it.
    assert shares(m, (1,))[1] > 0.5, m.tail()


@pytest.mark.parametrize("holder,expect", [(0, "ok"), (1, "eperm")])
def test_domctl_needs_a_capability(boot, guests_built, holder,  # noqa: F811
                                   expect):
    """The control domain (root capabilities) sets a boot domain's weight;
    a boot domain without capabilities gets -EPERM for the same call."""
    target = 2 if holder else 1
    sched = guest(guests_built, "sched") + f" peer={target} expect={expect}"
    if holder == 0:
        mods = [sched, guest(guests_built, "marker")]
        spec = "1:32M"
    else:
        mods = [guest(guests_built, "ctlwait") + " wait=1", sched,
                guest(guests_built, "marker")]
        spec = "1:32M,2:32M"
    m = boot(append=f"debug_exit=0xf4 dom0_mem=32M boot_domains={spec}",
             modules=mods, mem="512M")
    m.expect(rf"^\(d{holder}\) DONE ", TIMEOUT)
    r = per_domain_results(m.log)[holder]
    bad = {k: v for k, v in r["checks"].items() if v != "ok"}
    if bad or not r["checks"]:
        m.fail(f"domain {holder}: {r['checks']}")
