// SPDX-License-Identifier: MIT
/*
 * foreignmap: the control domain maps another domain's frame (mmu_update
 * with foreigndom, update_va_mapping_otherdomain) under its DOMAIN map
 * capability, reads and writes it, and keeps a valid mapping while that
 * domain exits. Pairs with `marker` as domain 1. Harness guest.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <xen/sched.h>

#define MARKER 0x4c414d494e412121UL
#define PEER 1

static uint64_t pte(unsigned long mfn, bool rw)
{
	return ((uint64_t)mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
	       (rw ? _PAGE_RW | _PAGE_DIRTY : 0);
}

/* A stale TLB entry would show the previous frame. */
static void flush_one(unsigned long va)
{
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL,
				.arg1.linear_addr = va };

	hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void test_main(void)
{
	volatile unsigned long *window = page_alloc();
	uint64_t window_pte_ma;
	long max = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
	unsigned long found = 0;
	unsigned int done;
	struct mmu_update req;

	pt_lookup((unsigned long)window, 1, &window_pte_ma);
	/* Try every frame: only the peer's map with foreigndom = PEER. */
	for (long mfn = max; mfn > 0 && !found; mfn--) {
		req.ptr = window_pte_ma | MMU_NORMAL_PT_UPDATE;
		req.val = pte(mfn, false);
		if (hyp_mmu_update(&req, 1, &done, PEER))
			continue;
		flush_one((unsigned long)window);
		if (window[0] == MARKER && window[510] == MARKER)
			found = mfn;
	}
	CHECK("foreign_frame_found", found, "no frame with the marker");
	if (!found)
		return;
	info("peer's marker page at mfn 0x%lx", found);
	/* Its own frames are refused as foreign ones (wrong owner). */
	req.val = pte(virt_to_mfn(page_alloc()), false);
	CHECK("own_frame_not_foreign", hyp_mmu_update(&req, 1, &done, PEER) < 0);
	/* The same frame through update_va_mapping_otherdomain, writable. */
	CHECK_EQ("otherdomain_map",
		 hyp_update_va_mapping_otherdomain((unsigned long)window,
						   pte(found, true),
						   UVMF_INVLPG, PEER),
		 0);
	CHECK("otherdomain_read", window[0] == MARKER);
	window[511] = ~MARKER; /* tells the peer we are done */
	/* A domain that does not exist. */
	CHECK_EQ("foreign_nonexistent_domain",
		 hyp_update_va_mapping_otherdomain((unsigned long)window,
						   pte(found, true),
						   UVMF_INVLPG, 77),
		 -XEN_ESRCH);
	/* After the peer is gone, our mapping still holds its frame. */
	{
		struct sched_remote_shutdown rs = { .domain_id = PEER,
						    .reason = SHUTDOWN_poweroff };

		CHECK_EQ("remote_shutdown_peer",
			 hyp_sched_op(SCHEDOP_remote_shutdown, &rs), 0);
	}
	CHECK("mapping_survives_peer", window[0] == MARKER);
	CHECK_EQ("unmap", hyp_update_va_mapping((unsigned long)window, 0,
						UVMF_INVLPG), 0);
}
