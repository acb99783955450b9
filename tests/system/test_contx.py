"""The memory calls' accounting and continuation arguments (issue 10,
docs/security.md "Continuations and the reservation, attacked"): a hostile
boot domain (tests/guests/contx.c) rewrites the progress a continuation
keeps in guest memory or in the command's extent bits, and gives back
frames it still maps, asking for as many again each round. A frame given
back while still mapped counts against max_pages until it is freed, as on
Xen; before that (main at 56b743e), the domain reached 219 MiB of a
256 MiB machine with max_pages of 16 MiB and the machine had none left.
An exchange with fewer address bits than a page is -ENOMEM, as Xen (it
took any frame)."""

from machine import qemu
from test_boot_domains import CTLWAIT_SMP, guest, passed, per_domain_results
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 240


def test_given_back_mapped_frames_stay_charged(boot, guests_built):  # noqa: F811
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:16M",
             modules=[guest(guests_built, "ctlwait") + " wait=1",
                      guest(guests_built, "contx")],
             mem="256M", smp=CTLWAIT_SMP)
    rc = m.wait_exit(TIMEOUT)
    assert "panic" not in m.log.lower(), m.tail()
    r = passed(m, per_domain_results(m.log), 1, "contx")
    for check in ("increase_start_past_end", "populate_start_at_end",
                  "start_past_end_no_pages", "exchange_start_bits",
                  "gntcopy_continuation_bits",
                  "exchange_done_past_end", "exchange_done_at_end",
                  "exchange_done_at_end_untouched",
                  "exchange_bits_below_page", "exchange_bits_page",
                  "exchange_refused_no_pages", "exchange_mapped_refused",
                  "exchange_mapped_intact", "exchange_console_ring_refused",
                  "pin_free_frame_l1", "exchange_pinned_refused",
                  "unpin_free_frame",
                  "exchange_partial_group_refused",
                  "exchange_below_1mib_nomem",
                  "exchange_given_back_exchanges",
                  "exchange_given_back_new_frame", "exchange_same_charge",
                  "give_back_mapped", "given_back_mapped_still_charged",
                  "given_back_mapped_still_usable",
                  "give_back_again_refused", "give_back_again_same_charge",
                  "unmapped_uncharged", "exchange_512_to_order9",
                  "exchange_order9_aligned",
                  "exchange_order9_last_mapped_refused",
                  "exchange_order9_to_512", "exchange_orders_same_charge", "leak_gave_back_unmapped",
                  "leak_chunks_intact", "leak_within_max_pages"):
        assert r["checks"].get(check) == "ok", m.tail()
    assert "WON" not in m.log, m.tail()
    assert "Domain 1 (boot) shut down: poweroff" in m.log, m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()


def test_exchange_progress_rewritten_by_another_vcpu(boot, guests_built):  # noqa: F811
    """vCPU 1 rewrites a running exchange's nr_exchanged, counts, order,
    address bits, output pointer and input list while vCPU 0 makes
    self-feeding exchanges of 16K extents (each preempted many times), on
    two CPUs. Every round re-reads and re-checks what it uses: the
    hypervisor survives, the domain's charge is unchanged, and a plain
    exchange works after. Then the same for decrease/increase_reservation
    of 1024 frames: the charge never passes max_pages."""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:16M:vcpus=2",
             modules=[guest(guests_built, "ctlwait") + " wait=1",
                      guest(guests_built, "contx") + " race"],
             mem="256M", smp=2)
    rc = m.wait_exit(TIMEOUT)
    print("\n".join(ln for ln in m.log.splitlines() if "race" in ln))
    assert "panic" not in m.log.lower(), m.tail()
    r = passed(m, per_domain_results(m.log), 1, "contx")
    for check in ("vcpu1_initialise", "vcpu1_up", "race_rounds",
                  "race_same_charge", "race_exchange_after",
                  "race_exchange_after_new", "race_charge_after",
                  "race_reservation_rounds", "race_reservation_within_max",
                  "race_mapped_page_usable"):
        assert r["checks"].get(check) == "ok", m.tail()
    assert rc == qemu.EXIT_POWEROFF, m.tail()
