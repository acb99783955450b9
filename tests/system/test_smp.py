"""Every CPU QEMU gives comes up (INIT-SIPI-SIPI, each on its own tables,
stack and LAPIC tick) and parks idle; nosmp and maxcpus= limit them as on
Xen. The conformance guest smp (tests/guests) checks that a domain's vCPUs
run on different CPUs at once."""

import re

import pytest

from machine import qemu

BOOT_TIMEOUT = 60
CLEAN = "debug_exit=0xf4 idle_exit"


def boot_and_power_off(boot, append, smp):
    m = boot(append=append, mem="256M", smp=smp)
    rc = m.wait_exit(BOOT_TIMEOUT)
    if rc != qemu.EXIT_POWEROFF:
        m.fail(f"exit status {rc}, expected a clean power-off")
    return m.log


@pytest.mark.parametrize("cpus", [2, 4])
def test_every_cpu_comes_up(boot, cpus):
    log = boot_and_power_off(boot, CLEAN, cpus)
    assert f"ACPI: local APIC at 0xfee00000, {cpus} CPU(s)" in log
    up = re.findall(r"^\(lamina\) CPU(\d+) up \(APIC id (\d+)\)$", log, re.M)
    assert [int(c) for c, _ in up] == list(range(1, cpus)), log
    assert f"SMP: {cpus} CPUs online ({cpus} in the MADT, at most 8)" in log
    assert "did not start" not in log and "TSC was" not in log
    # The APs came up before the boot CPU went idle and powered off.
    assert log.index(f"CPU{cpus - 1} up") < log.index("Powering off.")


@pytest.mark.parametrize("option,online", [("nosmp", 1), ("maxcpus=3", 3)])
def test_cpu_limits(boot, option, online):
    log = boot_and_power_off(boot, f"{CLEAN} {option}", 4)
    assert len(re.findall(r"^\(lamina\) CPU\d+ up", log, re.M)) == online - 1
    plural = "" if online == 1 else "s"
    assert f"SMP: {online} CPU{plural} online (4 in the MADT" in log
