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


def run_hog(boot, built, op, mem):
    """Boot victim (domain 1) and hog (domain 2, one round of op); the
    victim's longest gap, how long the round took and the log."""
    gap, log = run_beside_victim(boot, built, op, 0, mem=mem, report=10)
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
