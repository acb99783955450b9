"""Frames the hypervisor keeps pointers to (issue 10, docs/security.md):
a hostile boot domain cannot turn its shared_info or grant-table frame into
a page table, cannot give its console ring back to the allocator while the
hypervisor still drains it, and the control domain's IOMEM capability does
not reach the hypervisor's own devices. Guest: tests/guests/frames.c."""

import re

from machine import qemu
from test_boot_domains import (CTLWAIT_SMP, guest, passed,
                               per_domain_results)
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 120
SECRET = "SECRcECR"  # the victim's pattern, tests/guests/frames.c


def test_shared_info_and_grant_frames_stay_data(boot, guests_built):  # noqa: F811
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=1",
                      guest(guests_built, "frames")],
             mem="256M", smp=CTLWAIT_SMP)
    rc = m.wait_exit(TIMEOUT)
    r = passed(m, per_domain_results(m.log), 1, "frames")
    for check in ("shared_info_pin_l1_refused", "grant_frame_pin_l4_refused",
                  "shared_info_remapped", "grant_frame_intact",
                  "swap_swapped", "swap_bad_ref", "swap_in_use"):
        assert r["checks"].get(check) == "ok", m.tail()
    assert "WON" not in m.log, m.tail()
    assert "panic" not in m.log.lower(), m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_console_ring_not_freed_while_drained(boot, guests_built):  # noqa: F811
    """Domain 1 unmaps its console ring, vcpu_info, FIFO control block and
    event array page and gives the frames back; domain 2 then takes new
    frames and fills them while domain 1 gets events. None of domain 2's
    data may appear as domain 1's console output, and none of it may
    change."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M,2:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=2",
                      guest(guests_built, "frames") + " role=uaf victim=2",
                      guest(guests_built, "frames") +
                      " role=victim attacker=1"],
             mem="256M", smp=CTLWAIT_SMP)
    rc = m.wait_exit(TIMEOUT)
    r = passed(m, per_domain_results(m.log), 2, "victim")
    assert r["checks"].get("victim_pages_intact") == "ok", m.tail()
    # The attacker gave back its ring, vcpu_info, FIFO control block and
    # event array page (decrease_reservation took all four).
    assert r["checks"].get("attacker_gave_back") == "ok", m.tail()
    d1 = [ln for ln in m.log.splitlines() if ln.startswith("(d1) ")]
    leaked = [ln for ln in d1 if SECRET in ln]
    if leaked:
        m.fail(f"domain 2's data printed as domain 1's console: {leaked}")
    assert not re.search(r"d1: console ring indices corrupt", m.log), m.tail()
    assert "Domain 1 (boot) shut down: poweroff" in m.log, m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_hypervisor_mmio_not_mappable(boot, guests_built):  # noqa: F811
    """The control domain holds the root IOMEM capability, yet the LAPIC
    (and MSI range) and the AP trampoline stay the hypervisor's, and the
    I/O APIC and HPET are only ever mapped read-only (as on Xen). Their
    addresses are checked against the hypervisor's own ACPI report."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M loglvl=info",
             modules=[guest(guests_built, "frames") + " role=iomem"],
             mem="256M")
    rc = m.wait_exit(TIMEOUT)
    assert rc == qemu.EXIT_POWEROFF, m.tail()
    r = passed(m, per_domain_results(m.log), 0, "iomem")
    hpet = re.search(r"ACPI: HPET at (0x[0-9a-f]+)", m.log)
    ioapic = re.search(r"ACPI: I/O APIC \d+ at (0x[0-9a-f]+)", m.log)
    assert hpet and ioapic, m.tail()
    # The guest's defaults are QEMU's addresses; the log must agree.
    assert int(hpet.group(1), 16) >> 12 == 0xfed00, m.tail()
    assert int(ioapic.group(1), 16) >> 12 == 0xfec00, m.tail()
    for dev in ("lapic", "msi_range", "trampoline"):
        assert r["checks"].get(f"map_{dev}_refused") == "ok", m.tail()
    for dev in ("ioapic", "hpet"):
        assert r["checks"].get(f"map_{dev}_forced_readonly") == "ok", m.tail()
        # Whichever way the entry is written, it stays read-only and a
        # write through it faults.
        for way in ("mmu_update", "preserve_ad", "update_va", "ptwr"):
            for what in ("readonly", "write_faults"):
                assert r["checks"].get(f"{dev}_{way}_{what}") == "ok", \
                    m.tail()
    assert "WON" not in m.log, m.tail()
    assert r["checks"].get("map_vga_window") == "ok", m.tail()



def run_role(boot, guests_built, role, checks):
    """Boot domain 1 as frames role=ROLE beside the control domain; each of
    checks must pass, nothing may win, and the machine powers off."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=1",
                      guest(guests_built, "frames") + f" role={role}"],
             mem="256M", smp=CTLWAIT_SMP)
    rc = m.wait_exit(TIMEOUT)
    r = passed(m, per_domain_results(m.log), 1, role)
    for check in checks:
        assert r["checks"].get(check) == "ok", m.tail()
    assert "WON" not in m.log, m.tail()
    assert "panic" not in m.log.lower(), m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_frames_given_back_still_count(boot, guests_built):  # noqa: F811
    """A domain at its quota gives back 64 frames its page tables still
    map, and a frame it holds a device mapping of, then asks for as many:
    as on Xen, a frame stays the domain's (and counts) until the last
    reference goes, so nothing is granted until it unmaps them (before:
    64 and 1 frames beyond the quota)."""
    run_role(boot, guests_built, "hoard",
             ("hoard_gave_back_mapped", "hoard_within_quota",
              "hoard_room_back", "hoard_device_gave_back",
              "hoard_device_within_quota", "hoard_device_room_back"))


def test_grant_unmap_after_its_l1_is_gone(boot, guests_built):  # noqa: F811
    """Domain 1 maps its own grant into an L1 entry named by machine
    address, unhooks and unpins that L1 and reads it as a plain page: the
    unmap is refused and the page untouched; pinned again as an empty L1,
    the unmap is still refused. It then gives the granted frame back: the
    still-pinned grant maps, device-maps and copies nothing (the freed
    frame is no longer the granter's)."""
    run_role(boot, guests_built, "stale",
             ("stale_map", "stale_unpin", "stale_unmap_refused",
              "stale_entry_left", "stale_data_untouched", "stale_repin",
              "stale_unmap_repinned_refused", "stale_frame_given_back",
              "stale_remap_refused", "stale_device_map_refused",
              "stale_copy_refused"))


def test_device_pins_stop_and_all_go(boot, guests_built):  # noqa: F811
    """Domain 1 device-maps a read-only grant of its own (a writable device
    map is refused) until the pin count stops it at 128, as Xen; every
    handle unmaps once, the grant can then be ended, and the frame given
    back is freed at once (no reference was left behind)."""
    run_role(boot, guests_built, "devpin",
             ("devpin_writable_refused", "devpin_pins_stop",
              "devpin_overflow_refused", "devpin_end_refused",
              "devpin_unmapped", "devpin_unmap_again", "devpin_end",
              "devpin_given_back", "devpin_room_back"))
