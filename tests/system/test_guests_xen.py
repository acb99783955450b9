"""The conformance guests (tests/guests) pass on the reference hypervisor,
Debian's Xen 4.17, booted as dom0 in QEMU TCG. This proves the guests
right; the Lamina runner then holds Lamina to the same lines."""

import os
import re
import subprocess
import sys
import time

import pytest

import machine

sys.path.insert(0, os.path.join(machine.TOP, "scripts"))
import xen_ref  # noqa: E402

GUESTS_DIR = os.path.join(machine.TOP, "tests", "guests")
RUN_TIMEOUT = 60
# Guests that want a command line or an initrd module on Xen.
GUEST_ARGS = {"startinfo": "startinfo-cmdline a=1 b=two"}
GUEST_INITRD = {"startinfo": True}
# Xen options a guest needs: the sched guest talks to the credit scheduler
# (Xen 4.17's default is credit2; Lamina's is credit).
GUEST_XEN_ARGS = {"sched": xen_ref.XEN_ARGS + " sched=credit"}
# Hypervisor options a guest needs, the same on Xen and Lamina: failsafe
# runs a second vCPU beside the first on the one CPU.
GUEST_HYP_ARGS = {"failsafe": "dom0_max_vcpus=2"}
# Guests that need their vCPUs to share one CPU (failsafe: vCPU 0 must be
# switched out and back in when it yields to vCPU 1).
GUEST_SMP = {"failsafe": 1}


DEVIATIONS = os.path.join(machine.TOP, "docs", "abi-deviations.md")


def deviation_checks(heading):
    """(guest, check) pairs of the table under `## heading` in
    docs/abi-deviations.md, each listed there with its reason."""
    section = open(DEVIATIONS).read().split(f"## {heading}", 1)[1]
    section = section.split("\n## ", 1)[0]
    return {(m.group(1), m.group(2))
            for m in re.finditer(r"^\| *([\w-]+) *\| *([\w-]+) *\| *(.+?) *\|$",
                                 section, re.M)
            if m.group(1) not in ("guest", "---")}


def guest_names():
    # A clean environment: under `make test` MAKEFLAGS would make the
    # sub-make print "Entering directory" lines among the names.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    r = subprocess.run(["make", "-s", "--no-print-directory", "-C",
                        GUESTS_DIR, "list"], capture_output=True, text=True,
                       timeout=60, env=env)
    return r.stdout.split()


@pytest.fixture(scope="session")
def guests_built():
    r = subprocess.run(["make", "-C", GUESTS_DIR, f"BUILD={machine.BUILD}"],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail("guest build failed:\n" + r.stdout[-3000:] +
                    r.stderr[-3000:])
    return os.path.join(machine.BUILD, "guests")


@pytest.fixture(scope="session")
def xen_image():
    try:
        return xen_ref.fetch(machine.BUILD)
    except Exception as e:  # no network and no cache: nothing to compare to
        pytest.skip(f"Xen 4.17 not available: {e}")


def initrd_file(tmp_path):
    """A small module with a recognisable pattern (checked by startinfo)."""
    path = tmp_path / "initrd.bin"
    path.write_bytes(bytes((i * 7 + 3) & 0xFF for i in range(12345)))
    return str(path)


def tail(log, n=60):
    return "\n".join(log.splitlines()[-n:])


@pytest.mark.parametrize("name", guest_names())
def test_guest_passes_on_xen(name, guests_built, xen_image, tmp_path):
    elf = os.path.join(guests_built, f"{name}.elf")
    initrd = initrd_file(tmp_path) if GUEST_INITRD.get(name) else None
    start = time.monotonic()
    xen_args = (f"{GUEST_XEN_ARGS.get(name, xen_ref.XEN_ARGS)} "
                f"{GUEST_HYP_ARGS.get(name, '')}").strip()
    log = xen_ref.boot(elf, GUEST_ARGS.get(name, ""), RUN_TIMEOUT,
                       initrd=initrd, xen_args=xen_args, build=machine.BUILD,
                       smp=GUEST_SMP.get(name))
    took = time.monotonic() - start
    res = xen_ref.parse(log)
    qemu_bugs = {c for g, c in deviation_checks("Checks QEMU breaks on Xen")
                 if g == name}
    failed = {k: v for k, v in res["checks"].items()
              if v != "ok" and k not in qemu_bugs}
    where = f"\n--- serial tail ({took:.1f} s) ---\n{tail(log)}"
    assert res["done"] is not None, "no DONE line" + where
    assert not failed, f"failed checks: {failed}" + where
    assert not res["dupes"], f"check names repeated: {res['dupes']}" + where
    assert res["done"][0] + res["done"][1] == len(res["order"]), \
        f"DONE {res['done']} but {len(res['order'])} CHECK lines" + where
