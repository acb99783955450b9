"""Page-table validation is preemptible (issue 10, rule 2): a hostile
boot domain (`hog`) builds a page-table tree over all its memory (one L3,
its L2s, an L1 for every page left, each L1 entry mapping one of its
pages) and has it validated in one step by each path that can, beside a
heartbeat domain (`victim`) on the same CPU.

Before validation could stop part way, the victim's longest wake-up gap
was (one CPU, TCG, 128 MiB hog, 16.7M L1 entries): 1.0-1.8 s idle,
2.0-3.2 s on a loaded host, for each of MMUEXT_PIN_L4_TABLE,
MMUEXT_NEW_BASEPTR, mmu_update or a writable-pagetable write of an L4
entry, the pin inside a multicall, and the unpin releasing it all. It is
now 1-5 ms idle (up to ~0.1 s loaded). The bound asserted, 0.5 s, is far
below the unpreempted figure and above a loaded host's jitter.

`test_partial_validation_abused` interrupts a pin with a timer upcall
whose handler does one hostile thing to the partly validated tree per
round: every result is the one Xen gives, every frame of the tree takes
a writable mapping again after each round, and all are given back at the
end, with no hypervisor panic or BUG.
"""

import re

import pytest

import machine  # noqa: F401
from test_guests_xen import guests_built  # noqa: F401
from test_preempt import run_beside_victim

MAX_GAP_US = 500_000
HOG_MEM = "128M"

HOOKS = ["hookpin", "hookbase", "hookmmu", "hookptwr", "hookmulti"]


def run_hog(boot, built, op, mem, smp=1):
    """Boot victim (domain 1) and hog (domain 2, one round of op, smp
    vCPUs on as many CPUs); the victim's longest gap, how long the round
    took and the log."""
    gap, log = run_beside_victim(boot, built, op, 0, mem=mem, report=10,
                                 smp=smp)
    rounds = re.findall(rf"^\(d2\) INFO hog op={op} round=1 rc=\S+ us=(\d+)",
                        log, re.M)
    assert rounds, log[-4000:]
    print("\n".join(re.findall(r"^\(d2\) INFO hog .*$", log, re.M)))
    return gap, int(rounds[0]), log


@pytest.mark.parametrize("op", HOOKS)
def test_validation_yields(boot, guests_built, op):  # noqa: F811
    gap, us, log = run_hog(boot, guests_built, op, HOG_MEM)
    print(f"{op}: validation took {us} us, victim max gap {gap} us")
    assert gap < MAX_GAP_US, f"{op}: victim stalled {gap} us\n{log[-4000:]}"


def test_devalidation_yields(boot, guests_built):  # noqa: F811
    """Pin the whole tree, then unpin it: every entry is released."""
    gap, us, log = run_hog(boot, guests_built, "unhook", HOG_MEM)
    pinned = re.search(r"^\(d2\) INFO hog pinned us=(\d+)", log, re.M)
    assert pinned, log[-4000:]
    print(f"unhook: pin took {pinned.group(1)} us, unpin {us} us, "
          f"victim max gap {gap} us")
    assert gap < MAX_GAP_US, f"unhook: victim stalled {gap} us\n{log[-4000:]}"


def test_partial_validation_abused(boot, guests_built):  # noqa: F811
    gap, _, log = run_hog(boot, guests_built, "nasty", "32M")
    rounds = re.findall(r"^\(d2\) INFO hog nasty (\S+) ran=1 ", log, re.M)
    assert len(rounds) == 17, log[-4000:]
    print(f"nasty: {len(rounds)} rounds, victim max gap {gap} us")


def test_smp_race(boot, guests_built):  # noqa: F811
    """Two vCPUs of the hog on two CPUs: vCPU 0 pins and unpins the tree
    (each pin preempted, the tree partial or dying between rounds) while
    vCPU 1 pins it, loads it as kernel and user base, hooks its L3 by
    mmu_update and ptwr and maps one of its L1s writable. Every result is
    0 or -EINVAL (no -ERESTART reaches the guest), no frame keeps a type
    after, all are given back, no panic, the victim keeps its beat. First
    a multicall: VCPUOP_initialise takes a new L4 then fails, the next
    element maps that L4 writable (0: the element after a release runs
    with the table released, as after any hypercall)."""
    gap, _, log = run_hog(boot, guests_built, "smprace", "32M", smp=2)
    race = re.search(r"^\(d2\) INFO hog smprace rounds=.*$", log, re.M)
    assert race, log[-4000:]
    print(race.group(0))
    print(f"smprace: victim max gap {gap} us")
    assert gap < MAX_GAP_US, f"smprace: victim stalled {gap} us"


def test_abandoned_partial_freed(boot, guests_built):  # noqa: F811
    """A pin whose list the guest rewrites while it is preempted (the
    continuation does a TLB flush instead) leaves the tree partial for
    good; giving every frame of it back frees them all: the reservation
    drops by the whole tree (no reference of the partial chain leaks)."""
    gap, _, log = run_hog(boot, guests_built, "abandon", "32M")
    line = re.search(r"^\(d2\) INFO hog abandon .*$", log, re.M)
    assert line, log[-4000:]
    print(line.group(0))
    assert gap < MAX_GAP_US, f"abandon: victim stalled {gap} us"


def test_failed_validation_released_in_steps(boot, guests_built):  # noqa: F811
    """The tree's first L2 ends in an entry no L1 can be: a pin validates
    its other 511 L1s (preempted), then fails (-EINVAL, the hog's check)
    and releases them. They went in one step (261K entries: the victim's
    gap 17 ms where the pin's own rounds left 1.5 ms, 128 MiB, TCG); now
    the drain releases them a few at a time. The hog then takes every
    frame writable and gives it back (no reference left)."""
    gap, us, log = run_hog(boot, guests_built, "poisonl2", HOG_MEM)
    print(f"poisonl2: pin {us} us, victim max gap {gap} us")
    assert gap < MAX_GAP_US, f"poisonl2: victim stalled {gap} us"


def test_vcpu_initialise_not_quadratic(boot, guests_built):  # noqa: F811
    """vCPU 1's VCPUOP_initialise names two disjoint halves of the tree
    as kernel and user L4. Each round the user L4's validation was
    preempted, the kernel L4 taken in it was dropped (and released) and
    validated again in the next: with halves pinned in 0.2-0.25 s each
    (32 MiB, TCG) the call had not finished after 20 s when the hog gave
    up (it drops the user L4 from the context then; its check fails).
    Now the kernel L4 stays taken between rounds: 0.47 s (pins 0.42 s),
    5.6 s loaded (pins 3.1 s); the hog gives up at 60 s."""
    gap, _, log = run_hog(boot, guests_built, "initsplit", "32M", smp=2)
    lines = re.findall(r"^\(d2\) INFO hog initsplit .*$", log, re.M)
    print("\n".join(lines))
    assert any("initialise rc=0" in x for x in lines), log[-4000:]
    assert gap < MAX_GAP_US, f"initsplit: victim stalled {gap} us"
