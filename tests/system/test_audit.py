"""Hostile boot domains found beyond issue 10 (tests/guests/audit.c): an
unprivileged domain (boot_domains=, no capabilities) attacks next to the
control domain (ctlwait) and, where the harm is to others, a victim. The
hypervisor must stay up, the attacker must get an error or an exception
(or die alone), and the others must not notice."""

import pytest

from machine import qemu
from test_boot_domains import guest, passed, per_domain_results
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 120


def alive(m):
    if "PANIC" in m.log.upper() or "Hypervisor exception" in m.log:
        m.fail("the hypervisor died")


def attack_alone(boot, built, attack, smp=1):
    """Domain 1 runs one attack beside the control domain; the hypervisor
    must stay up and the attacker reach DONE with every check passed.
    Returns the machine and QEMU's exit status."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M",
             modules=[guest(built, "ctlwait") + " wait=1",
                      guest(built, "audit") + f" attack={attack}"],
             mem="256M", smp=smp)
    rc = m.wait_exit(TIMEOUT)
    alive(m)
    passed(m, per_domain_results(m.log), 1, attack)
    return m, rc


def test_page_table_pin_does_not_stall_others(boot, guests_built):  # noqa: F811
    """One MMUEXT_PIN_L4_TABLE over every frame of a 64 MiB domain built as
    page tables validates ~7.8 million entries, and its unpin drops them,
    each in one go with interrupts off (about 1 s each under TCG). A
    busy-looping domain on the same CPU (about 40 ms longest gap beside
    another busy domain) must not lose the CPU for much more than that."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M "
                    "boot_domains=1:64M,2:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=2",
                      guest(guests_built, "audit") + " attack=ptstall",
                      guest(guests_built, "audit") +
                      " attack=heartbeat secs=8"],
             mem="256M", smp=1)
    rc = m.wait_exit(TIMEOUT)
    alive(m)
    res = per_domain_results(m.log)
    passed(m, res, 1, "ptstall")
    print([ln for ln in m.log.splitlines() if "STALL" in ln or
           "HEARTBEAT" in ln])
    passed(m, res, 2, "heartbeat")
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_idle_cpu_keeps_no_freed_l4(boot, guests_built):  # noqa: F811
    """The attacker blocks (its CPU idles with the attacker's L4 still in
    CR3), is woken on the other CPU, switches to a new L4 and gives the old
    one back; the allocator hands the frame out again, zeroed. Before the
    fix the idle CPU's next walk of a hypervisor address went through
    that zeroed L4: a triple fault killed the machine in the first round
    (no DONE, QEMU gone). Now an idle CPU runs on the idle page tables."""
    m, rc = attack_alone(boot, guests_built, "stalecr3", smp=2)
    assert rc == qemu.EXIT_POWEROFF, m.tail()


CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n") + "\x7f"


def test_console_strips_terminal_controls(boot, guests_built):  # noqa: F811
    """A boot domain's console output reaches the serial line with only
    printable characters: no ESC sequence, BEL, CR or backspace that
    would let it retitle, clear or overwrite the operator's terminal."""
    m, rc = attack_alone(boot, guests_built, "escape")
    lines = [ln for ln in m.log.split("\n") if ln.startswith("(d1) ")]
    bad = [ln for ln in lines if any(c in CONTROLS for c in ln)]
    assert not bad, f"control characters from domain 1: {bad!r}"
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_iret_past_the_32bit_segment_limit_is_a_gp(boot, guests_built):  # noqa: F811
    """The iret hypercall to the 32-bit code selector with rip 4 GiB: on
    hardware the hypervisor's own iretq would fault in ring 0 (a panic);
    QEMU's TCG let it through and the guest ran off at 0x100000000. Now,
    as for a non-canonical rip, the guest gets the #GP Xen's faulting
    iretq gives it, at the address it asked for."""
    m, rc = attack_alone(boot, guests_built, "iret32")
    assert "CHECK iret32_gp_delivered ok" in m.log, m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()
