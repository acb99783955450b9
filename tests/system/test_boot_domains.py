"""Several domains from the boot modules (issue 4): the control domain
(first module) plus boot domains declared with boot_domains=, each running
its own guest side by side; a malformed kernel is refused without harm."""

import os
import re

import machine
from machine import qemu
import xen_ref
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 90


def per_domain_results(log):
    """{domid: parse() result} from the (dN)-prefixed console lines."""
    lines = {}
    for line in log.splitlines():
        m = re.match(r"^\(d(\d+)\) (.*)$", line)
        if m:
            lines.setdefault(int(m.group(1)), []).append(m.group(2))
    return {d: xen_ref.parse("\n".join(ls)) for d, ls in lines.items()}


def guest(built, name):
    return os.path.join(built, f"{name}.elf")


def passed(m, res, domid, name=None):
    """Domain domid's results (from per_domain_results); fails the test,
    with the serial tail, unless it reached DONE with no check failed."""
    who = f"domain {domid}" + (f" ({name})" if name else "")
    r = res.get(domid)
    if not r or r["done"] is None:
        m.fail(f"no DONE line from {who}")
    bad = {k: v for k, v in r["checks"].items() if v != "ok"}
    if bad or r["done"][1]:
        m.fail(f"{who} failed checks: {bad}")
    return r


# ctlwait counts VIRQ_DOM_EXC only from the moment it has bound it; on two
# CPUs a short boot domain can end before that (nothing lets domain 0 ask
# for a domain's state yet), so these boots keep one CPU.
CTLWAIT_SMP = 1


def test_domains_run_side_by_side(boot, guests_built):  # noqa: F811
    m = boot(append="debug_exit=0xf4 dom0_mem=32M "
                    "boot_domains=1:32M,2:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=2",
                      guest(guests_built, "time"),
                      guest(guests_built, "memx")],
             mem="512M", smp=CTLWAIT_SMP)
    rc = m.wait_exit(TIMEOUT)
    res = per_domain_results(m.log)
    for domid in (1, 2):
        passed(m, res, domid)
    # The control domain heard both ends through VIRQ_DOM_EXC.
    assert res[0]["checks"].get("domains_exited") == "ok", m.tail()
    assert "Domain 1 (boot) shut down: poweroff" in m.log
    assert "Domain 2 (boot) shut down: poweroff" in m.log
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_unprivileged_boot_domain(boot, guests_built):  # noqa: F811
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=1",
                      guest(guests_built, "unpriv")],
             mem="256M", smp=CTLWAIT_SMP)
    rc = m.wait_exit(TIMEOUT)
    passed(m, per_domain_results(m.log), 1)
    # Its console_io attempt never reached the serial line.
    assert "(d1) no" not in m.log
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_malformed_kernel_refused(boot, tmp_path):
    bad = tmp_path / "notakernel.elf"
    bad.write_bytes(b"\x7fELF" + os.urandom(4000))
    m = boot(append="debug_exit=0xf4 idle_exit", modules=[str(bad)],
             mem="128M")
    rc = m.wait_exit(TIMEOUT)
    assert re.search(r"d0: kernel image refused: \S", m.log), m.tail()
    assert "The control domain could not be built." in m.log
    # The hypervisor stays up and idles; nothing panicked.
    assert "Idle: no domains to run" in m.log
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_bad_boot_domains_option(boot, guests_built):  # noqa: F811
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=7:32M",
             modules=[guest(guests_built, "hello")], mem="256M")
    rc = m.wait_exit(TIMEOUT)
    assert "boot_domains: no module 7" in m.log, m.tail()
    # The control domain still runs on its own.
    assert xen_ref.parse(m.log)["done"] is not None, m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_control_domain_maps_a_foreign_frame(boot, guests_built):  # noqa: F811
    """mmu_update with foreigndom and update_va_mapping_otherdomain under
    the control domain's DOMAIN capability; the mapping outlives the
    domain that owned the frame (issue 4)."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M",
             modules=[guest(guests_built, "foreignmap"),
                      guest(guests_built, "marker")], mem="256M")
    rc = m.wait_exit(TIMEOUT)
    r = passed(m, per_domain_results(m.log), 0, "control")
    assert r["checks"].get("mapping_survives_peer") == "ok"
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def check_both_domains(m, check):
    """Domains 1 and 2 each reached DONE with `check` passed and no
    failure; then the control domain powered the machine off."""
    rc = m.wait_exit(TIMEOUT)
    res = per_domain_results(m.log)
    for domid in (1, 2):
        if passed(m, res, domid)["checks"].get(check) != "ok":
            m.fail(f"domain {domid}: {check} did not pass")
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_data_selectors_stay_per_domain(boot, guests_built):  # noqa: F811
    """One domain loads %fs/%es with a selector of its LDT, another keeps
    them null; across hundreds of switches each sees only its own."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M,2:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=2",
                      guest(guests_built, "selkeep") + " mode=ldt",
                      guest(guests_built, "selkeep") + " mode=null"],
             mem="256M", smp=CTLWAIT_SMP)
    check_both_domains(m, "selectors_kept")


def test_avx_state_stays_per_domain(boot, guests_built):  # noqa: F811
    """Two domains keep different patterns in all sixteen ymm registers
    across hundreds of switches between them: the hypervisor saves and
    restores the AVX upper halves (XSAVE) per vCPU."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M,2:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=2",
                      guest(guests_built, "xsave") + " mode=keep a",
                      guest(guests_built, "xsave") + " mode=keep long"],
             mem="256M", smp=1)
    m.expect(r"FPU: XSAVE, guests may enable XCR0 0x7", TIMEOUT)
    check_both_domains(m, "ymm_kept")
