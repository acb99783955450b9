"""Guest-settable CPU state stays per vCPU (issue 10): two domains on one
CPU, one sets the state, the other must not see it."""

from test_boot_domains import (CTLWAIT_SMP, TIMEOUT, guest,  # noqa: F401
                               per_domain_results, passed)
from machine import qemu
from test_guests_xen import guests_built  # noqa: F401


def test_cpu_state_stays_per_domain(boot, guests_built):  # noqa: F811
    """Domain 1 sets a write watchpoint on a variable, FS and GS bases,
    CR0.TS, IOPL, XCR0 with AVX, CR4.DE and a GDT entry; domain 2 (same
    image, same addresses) sets none of them but an FS base it replaces by
    a selector load. On one CPU, across hundreds of switches, each sees
    only its own: domain 2 gets no #DB and no #NM, domain 1 a #DB per
    write; domain 2's single step each round reports BS alone, not domain
    1's DR6.BD nor a B1 for domain 1's (disabled) DR1 on its landing. Then
    both spin in user mode, preempting each other there, and every read
    of %gs:0 finds the domain's own user GS word."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M,2:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=2",
                      guest(guests_built, "statekeep") + " mode=set",
                      guest(guests_built, "statekeep") + " mode=watch"],
             mem="256M", smp=1)
    rc = m.wait_exit(TIMEOUT)
    print("\n".join(ln for ln in m.log.splitlines() if "user loop:" in ln))
    res = per_domain_results(m.log)
    assert "Panic" not in m.log and "PANIC" not in m.log, m.tail()
    for domid in (1, 2):
        checks = passed(m, res, domid)["checks"]
        for check in ("debug_traps_own", "no_foreign_nm", "state_own",
                      "user_loop_preempted", "user_gs_own"):
            if checks.get(check) != "ok":
                m.fail(f"domain {domid}: {check} did not pass")
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def race_descriptor_frame(boot, built, mode):
    """One hostile boot domain with two vCPUs on two CPUs races set_gdt
    (or MMUEXT_SET_LDT) against its own stale writable TLB entry."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M:vcpus=2",
             modules=[guest(built, "ctlwait") + " wait=1",
                      guest(built, "descrace") + f" mode={mode}"],
             mem="256M", smp=2)
    rc = m.wait_exit(TIMEOUT)
    print("\n".join(ln for ln in m.log.splitlines() if "race:" in ln))
    assert "Panic" not in m.log and "PANIC" not in m.log, m.tail()
    r = passed(m, per_domain_results(m.log), 1, "descrace")
    assert r["checks"].get("no_call_gate_installed") == "ok", m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_gdt_validated_after_the_flush(boot, guests_built):  # noqa: F811
    race_descriptor_frame(boot, guests_built, "gdt")


def test_ldt_validated_after_the_flush(boot, guests_built):  # noqa: F811
    race_descriptor_frame(boot, guests_built, "ldt")


def test_unwritable_event_frame_crashes_the_domain(boot, guests_built):  # noqa: F811,E501
    """An event for a user-mode vCPU whose kernel stack is unmapped: as on
    Xen the domain crashes; its user code never runs as its kernel."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=1",
                      guest(guests_built, "bouncefail")],
             mem="256M", smp=CTLWAIT_SMP)
    rc = m.wait_exit(TIMEOUT)
    assert "Domain 1 (boot) crashed: event callback" in m.log, m.tail()
    assert "Domain 1 (boot) shut down: crash" in m.log, m.tail()
    assert "Domain 1 (boot) shut down: poweroff" not in m.log, m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()
