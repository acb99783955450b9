"""The conformance guests (tests/guests) on Lamina: every check passes
except those docs/abi-deviations.md lists with a reason (issue 4). The same
guests pass on Xen 4.17 in test_guests_xen.py, so a failure here is
Lamina's."""

import os

import pytest

import machine
from machine import qemu
from test_guests_xen import (GUEST_ARGS, GUEST_HYP_ARGS, GUEST_SMP,  # noqa
                             GUEST_INITRD, deviation_checks, guest_names,
                             guests_built, initrd_file)
import xen_ref

RUN_TIMEOUT = 60


def allowed_failures():
    """(guest, check) pairs the deviations document explains."""
    return deviation_checks("Conformance checks that differ")


def check_guest_run(m, name):
    """The guest in Machine m ran to DONE with no failure but the allowed
    ones, and powered off."""
    rc = m.wait_exit(RUN_TIMEOUT)
    res = xen_ref.parse(m.log)
    allowed = {c for g, c in allowed_failures() if g == name}
    failed = {k: v for k, v in res["checks"].items()
              if v != "ok" and k not in allowed}
    if res["done"] is None:
        m.fail(f"no DONE line (QEMU exit status {rc})")
    if failed:
        m.fail(f"failed checks: {failed}")
    assert not res["dupes"], res["dupes"]
    assert res["done"][0] + res["done"][1] == len(res["order"])
    # The guest powered off: the hypervisor stayed up to the end.
    assert rc == qemu.EXIT_POWEROFF, m.tail()


@pytest.mark.parametrize("name", guest_names())
def test_guest_on_lamina(name, guests_built, boot, tmp_path):
    elf = os.path.join(guests_built, f"{name}.elf")
    module = f"{elf} {GUEST_ARGS.get(name, '')}".strip()
    modules = [module]
    if GUEST_INITRD.get(name):
        modules.append(initrd_file(tmp_path))
    m = boot(append=f"debug_exit=0xf4 dom0_mem=64M "
                    f"{GUEST_HYP_ARGS.get(name, '')}".strip(),
             modules=modules, mem="256M", smp=GUEST_SMP.get(name, 2))
    check_guest_run(m, name)


@pytest.mark.parametrize("name", ["fpu", "xsave"])
def test_fpu_guest_without_xsave(name, guests_built, boot):
    """A CPU without XSAVE: FXSAVE images keep the x87/SSE state, and the
    guest is offered neither XSAVE nor AVX."""
    m = boot(append="debug_exit=0xf4 dom0_mem=64M",
             modules=[os.path.join(guests_built, f"{name}.elf")],
             mem="256M", cpu=qemu.NO_XSAVE_CPU_MODEL)
    check_guest_run(m, name)
    m.expect(r"FPU: no XSAVE", 1)
    assert "CHECK no_xsave_xsetbv_ud ok" in m.log or name != "xsave", \
        m.tail()


def test_bad_selector_without_failsafe_callback(guests_built, boot):
    """A data selector that no longer loads when the vCPU is switched back
    in, and no failsafe callback to report it to: the domain is crashed
    (here the control domain, which stops the machine); the hypervisor
    does not fault."""
    elf = os.path.join(guests_built, "failsafe.elf")
    m = boot(append="debug_exit=0xf4 dom0_mem=64M dom0_max_vcpus=2",
             modules=[f"{elf} nocallback"], mem="256M", smp=1)
    m.expect(r"Domain 0 \(control\) crashed: bad data selector", RUN_TIMEOUT)
    rc = m.wait_exit(RUN_TIMEOUT)
    assert "CHECK ldt_removed ok" in m.log, m.tail()
    assert "survived a bad selector" not in m.log, m.tail()
    assert rc != qemu.EXIT_PANIC and "Panic:" not in m.log, m.tail()
