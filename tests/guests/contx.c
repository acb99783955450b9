// SPDX-License-Identifier: MIT
/*
 * contx: a hostile domain against the memory calls' accounting and their
 * continuation arguments (harness guest, not in `make list`; run by
 * tests/system/test_contx.py):
 *   - the guest-owned progress of a continuation rewritten: extent-start
 *     bits at or past nr_extents, on a call that takes none, nr_exchanged
 *     past nr_extents or at its end, exchange address bits below a page
 *   - frames an exchange must refuse (mapped, the console ring), a mapped
 *     frame given back twice: charged until unmapped, once
 *   - leak: gives back frames it still maps and asks for as many again,
 *     each round's new frames mapped through a new L1 (one of them) that
 *     it gives back too. A frame given back while still mapped must keep
 *     counting against max_pages until it is really freed, as on Xen;
 *     otherwise the domain's reach grows by 2 MiB a round until the host
 *     has no memory left.
 *   - race (two vCPUs): vCPU 0 makes self-feeding exchanges, preempted
 *     many times, while vCPU 1 rewrites their nr_exchanged, counts, order
 *     and output pointer and the input list under them; the hypervisor
 *     must survive, the charge stay put, and an exchange work after.
 */
#include <libpv/grant.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/xen.h>

#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define CHUNK PT_ENTRIES
/* Free L2 slots of the initial mapping's L2 (it spans 1 GiB). */
#define LEAK_VA (LIBPV_VIRT_BASE + (512UL << 20))
#define LEAK_CHUNKS 256

static uint64_t *list;

static long reserve(unsigned int cmd, unsigned long n)
{
	struct xen_memory_reservation r = { .nr_extents = n,
					    .domid = DOMID_SELF };

	r.extent_start.p = list;
	return hyp_memory_op(cmd, &r);
}

static long tot_pages(void)
{
	domid_t self = DOMID_SELF;

	return hyp_memory_op(XENMEM_current_reservation, &self);
}

static long exchange_orders(uint64_t *in, uint64_t *out, unsigned long n,
			    unsigned int in_order, unsigned int out_order,
			    unsigned long done, unsigned int bits)
{
	struct xen_memory_exchange x = {
		.in = { .nr_extents = n,
			.extent_order = in_order,
			.domid = DOMID_SELF },
		.out = { .nr_extents = (n << in_order) >> out_order,
			 .extent_order = out_order,
			 .domid = DOMID_SELF,
			 .mem_flags = XENMEMF_address_bits(bits) },
		.nr_exchanged = done,
	};

	x.in.extent_start.p = in;
	x.out.extent_start.p = out;
	return hyp_memory_op(XENMEM_exchange, &x);
}

static long exchange(uint64_t *in, uint64_t *out, unsigned long n,
		     unsigned long done, unsigned int bits)
{
	return exchange_orders(in, out, n, 0, 0, done, bits);
}

/* A zeroed frame of ours mapped nowhere. */
static uint64_t free_frame(void)
{
	void *p = page_alloc();

	memset(p, 0, PAGE_SIZE);
	hyp_update_va_mapping((unsigned long)p, 0, UVMF_INVLPG);
	return virt_to_mfn(p);
}

static void continuation_args(void)
{
	uint64_t *in = page_alloc(), *out = page_alloc();
	void *victim = page_alloc();
	long tot = tot_pages();

	/* Extent-start bits at or past nr_extents: nothing is done, the
	 * start comes back (Xen's memory_op). */
	CHECK_EQ("increase_start_past_end",
		 reserve(XENMEM_increase_reservation |
				 (3U << MEMOP_EXTENT_SHIFT),
			 2),
		 3);
	CHECK_EQ("populate_start_at_end",
		 reserve(XENMEM_populate_physmap | (2U << MEMOP_EXTENT_SHIFT),
			 2),
		 2);
	CHECK_EQ("start_past_end_no_pages", tot_pages(), tot);
	/* A call that never continues refuses extent-start bits. */
	CHECK_EQ("exchange_start_bits",
		 hyp_memory_op(XENMEM_exchange | (1U << MEMOP_EXTENT_SHIFT),
			       in),
		 -XEN_EINVAL);

	/* A grant batch continues by its op pointer and count; state in
	 * the command's upper bits is refused (Xen: but for cache_flush). */
	CHECK_EQ("gntcopy_continuation_bits",
		 hyp_grant_table_op(GNTTABOP_copy | (1U << 12), in, 1),
		 -XEN_EINVAL);

	/* nr_exchanged is the guest's: past nr_extents it is refused, at
	 * nr_extents nothing is left to do. */
	hyp_update_va_mapping((unsigned long)victim, 0, UVMF_INVLPG);
	in[0] = virt_to_mfn(victim);
	out[0] = virt_to_pfn(victim);
	CHECK_EQ("exchange_done_past_end", exchange(in, out, 1, 2, 0),
		 -XEN_EINVAL);
	CHECK_EQ("exchange_done_at_end", exchange(in, out, 1, 1, 0), 0);
	CHECK("exchange_done_at_end_untouched", out[0] == virt_to_pfn(victim));
	/* Fewer address bits than a page: no frame fits (Xen: -ENOMEM). */
	CHECK_EQ("exchange_bits_below_page", exchange(in, out, 1, 0, 8),
		 -XEN_ENOMEM);
	CHECK_EQ("exchange_bits_page", exchange(in, out, 1, 0, 12),
		 -XEN_ENOMEM);
	CHECK_EQ("exchange_refused_no_pages", tot_pages(), tot);
}

/*
 * Frames an exchange must not take, and a frame given back twice: a
 * mapped frame given back stays charged until its last mapping goes, and
 * giving it back again (a continuation restarted over it) finds nothing.
 */
static void taken_frames(void)
{
	uint64_t *in = page_alloc(), *out = page_alloc();
	volatile uint64_t *mapped = page_alloc();
	long tot;

	*mapped = 0x5ec7e7;
	in[0] = virt_to_mfn((void *)mapped);
	out[0] = virt_to_pfn((void *)mapped);
	CHECK_EQ("exchange_mapped_refused", exchange(in, out, 1, 0, 0),
		 -XEN_EINVAL);
	CHECK("exchange_mapped_intact", *mapped == 0x5ec7e7);
	in[0] = start_info->console.domU.mfn;
	CHECK_EQ("exchange_console_ring_refused", exchange(in, out, 1, 0, 0),
		 -XEN_EINVAL);
	/* Mapped nowhere but pinned as an L1: its type holds it. */
	in[0] = free_frame();
	CHECK_EQ("pin_free_frame_l1", mmuext_one(MMUEXT_PIN_L1_TABLE, in[0]),
		 0);
	CHECK_EQ("exchange_pinned_refused", exchange(in, out, 1, 0, 0),
		 -XEN_EINVAL);
	CHECK_EQ("unpin_free_frame", mmuext_one(MMUEXT_UNPIN_TABLE, in[0]), 0);

	/* A group that fails part way gives back what it took: the free
	 * frame of a group whose second input is mapped, and a group with
	 * no memory below its limit (no RAM below 1 MiB is the heap's). */
	in[0] = free_frame();
	in[1] = virt_to_mfn((void *)mapped);
	tot = tot_pages();
	CHECK_EQ("exchange_partial_group_refused",
		 exchange_orders(in, out, 2, 0, 1, 0, 0), -XEN_EINVAL);
	CHECK_EQ("exchange_below_1mib_nomem", exchange(in, out, 1, 0, 20),
		 -XEN_ENOMEM);
	out[0] = 0;
	CHECK_EQ("exchange_given_back_exchanges", exchange(in, out, 1, 0, 0),
		 0);
	CHECK("exchange_given_back_new_frame", out[0] && out[0] != in[0]);
	CHECK_EQ("exchange_same_charge", tot_pages(), tot);

	tot = tot_pages();
	list[0] = virt_to_mfn((void *)mapped);
	CHECK_EQ("give_back_mapped", reserve(XENMEM_decrease_reservation, 1),
		 1);
	CHECK_EQ("given_back_mapped_still_charged", tot_pages(), tot);
	CHECK("given_back_mapped_still_usable", *mapped == 0x5ec7e7);
	CHECK_EQ("give_back_again_refused",
		 reserve(XENMEM_decrease_reservation, 1), 0);
	CHECK_EQ("give_back_again_same_charge", tot_pages(), tot);
	hyp_update_va_mapping((unsigned long)mapped, 0, UVMF_INVLPG);
	CHECK_EQ("unmapped_uncharged", tot_pages(), tot - 1);
}

/*
 * Orders at their limit (9): 512 frames into one 2 MiB extent and back,
 * which fills a group's input list; with its last frame mapped, that
 * extent fails there and gives back the 511 before it.
 */
static void order_limits(void)
{
	uint64_t *out = page_alloc(), big;
	void *spot = page_alloc();
	uint64_t spot_pte = pt_get_pte((unsigned long)spot);
	unsigned long nr = start_info->nr_pages;
	long tot = tot_pages();

	for (unsigned long i = 0; i < CHUNK; i++) {
		list[i] = pfn_to_mfn(nr - 2 * CHUNK + i);
		out[i] = nr - 2 * CHUNK + i;
	}
	CHECK_EQ("exchange_512_to_order9",
		 exchange_orders(list, out, CHUNK, 0, 9, 0, 0), 0);
	big = out[0];
	CHECK("exchange_order9_aligned", !(big & 511), "mfn %#lx", big);
	/* Its last frame mapped: the extent fails there. */
	hyp_update_va_mapping((unsigned long)spot,
			      ((big + 511) << PAGE_SHIFT) | PTE_FLAGS,
			      UVMF_INVLPG);
	list[0] = big;
	CHECK_EQ("exchange_order9_last_mapped_refused",
		 exchange_orders(list, out, 1, 9, 0, 0, 0), -XEN_EINVAL);
	hyp_update_va_mapping((unsigned long)spot, spot_pte, UVMF_INVLPG);
	list[0] = big;
	for (unsigned long i = 0; i < CHUNK; i++)
		out[i] = nr - 2 * CHUNK + i;
	CHECK_EQ("exchange_order9_to_512",
		 exchange_orders(list, out, 1, 9, 0, 0, 0), 0);
	CHECK_EQ("exchange_orders_same_charge", tot_pages(), tot);
}

/* Chunk j: the 512 frames in list, list[0] as their L1 at its 2 MiB. */
static bool map_chunk(unsigned long j, pte_t *scratch)
{
	unsigned long va = LEAK_VA + j * (2UL << 20);
	uint64_t scratch_pte = pt_get_pte((unsigned long)scratch), l2e_ma;

	if (hyp_update_va_mapping((unsigned long)scratch,
				  (list[0] << PAGE_SHIFT) | PTE_FLAGS,
				  UVMF_INVLPG))
		return false;
	memset(scratch, 0, PAGE_SIZE);
	for (unsigned long i = 1; i < CHUNK; i++)
		scratch[i] = (list[i] << PAGE_SHIFT) | PTE_FLAGS;
	if (hyp_update_va_mapping((unsigned long)scratch, scratch_pte,
				  UVMF_INVLPG) ||
	    !pt_lookup(va, 2, &l2e_ma))
		return false;
	if (mmu_update_one(l2e_ma,
			   (list[0] << PAGE_SHIFT) | PTE_FLAGS | _PAGE_USER))
		return false;
	for (unsigned long i = 1; i < CHUNK; i++)
		*(volatile uint64_t *)(va + i * PAGE_SIZE) = j << 16 | i;
	return true;
}

static void leak(void)
{
	pte_t *scratch = page_alloc();
	domid_t self = DOMID_SELF;
	long max = hyp_memory_op(XENMEM_maximum_reservation, &self);
	unsigned long nr = start_info->nr_pages, held, chunks = 0, bad = 0;
	long rc;

	/* Room for the first chunk: CHUNK frames past the initial mapping,
	 * mapped nowhere, given back for good. */
	for (unsigned long i = 0; i < CHUNK; i++)
		list[i] = pfn_to_mfn(nr - CHUNK + i);
	CHECK_EQ("leak_gave_back_unmapped",
		 reserve(XENMEM_decrease_reservation, CHUNK), CHUNK);
	held = tot_pages();
	info("contx leak max_pages=%ld tot_pages=%lu", max, held);
	for (; chunks < LEAK_CHUNKS; chunks++) {
		rc = reserve(XENMEM_increase_reservation, CHUNK);
		if (rc > 0)
			held += rc;
		if (rc < CHUNK)
			break;
		if (!map_chunk(chunks, scratch))
			test_fatal("contx: chunk %lu not mapped", chunks);
		rc = reserve(XENMEM_decrease_reservation, CHUNK);
		if (rc != CHUNK)
			test_fatal("contx: chunk %lu: gave back %ld", chunks,
				   rc);
	}
	for (unsigned long j = 0; j < chunks; j++)
		for (unsigned long i = 1; i < CHUNK; i++)
			if (*(volatile uint64_t *)(LEAK_VA + j * (2UL << 20) +
						   i * PAGE_SIZE) !=
			    (j << 16 | i))
				bad++;
	CHECK_EQ("leak_chunks_intact", bad, 0);
	info("contx leak held=%lu max_pages=%ld tot_pages=%ld chunks=%lu", held,
	     max, tot_pages(), chunks);
	CHECK("leak_within_max_pages", (long)held <= max,
	      "reaches %lu frames, max_pages %ld", held, max);
	if ((long)held > max)
		info("contx WON: %lu frames beyond max_pages", held - max);
}

#define RACE_NS (3000ULL * 1000000ULL)
#define RACE_CHAIN (16UL * 1024)
#define RACE_SEEDS 256
#define RACE_EXTENTS 1024

static volatile struct xen_memory_exchange race_x;
static volatile uint64_t *chain;
static volatile struct xen_memory_reservation race_r;
static volatile bool race_stop, race_reservation, vcpu1_up;
static uint64_t mapped_mfn;

/* vCPU 1's rewrite of a running reservation call or its list. */
static void rewrite_reservation(uint64_t r, unsigned long at)
{
	switch (r >> 61) {
	case 0:
		race_r.nr_extents = at % RACE_EXTENTS;
		break;
	case 1:
		race_r.nr_extents = ~0U;
		break;
	case 2:
		race_r.extent_start.p = (void *)(chain + (r & 7));
		break;
	case 3:
		race_r.domid = r & 1 ? 0 : DOMID_SELF;
		break;
	case 4:
		chain[at % RACE_EXTENTS] = chain[0]; /* a duplicate */
		break;
	case 5:
		chain[at % RACE_EXTENTS] = mapped_mfn;
		break;
	case 6:
		chain[at % RACE_EXTENTS] = r >> 20; /* anyone's */
		break;
	default:
		race_r.extent_order = r & 1;
	}
}
static uint8_t vcpu1_stack[16384] __attribute__((aligned(16)));

static void __attribute__((noreturn)) vcpu1_main(void)
{
	uint64_t r = 88172645463325252ULL;

	vcpu1_up = true;
	while (!race_stop) {
		unsigned long at;
		uint64_t until;

		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		/* Up to 4 ms apart: calls get going, and are preempted, first. */
		until = system_time_ns() + (r & 0x3fffff);
		while (system_time_ns() < until && !race_stop)
			;
		at = (r >> 16) % RACE_CHAIN;
		if (race_reservation) {
			rewrite_reservation(r, at);
			continue;
		}
		switch (r >> 61) {
		case 0:
			race_x.nr_exchanged = 0; /* backwards */
			break;
		case 1:
			race_x.nr_exchanged = at; /* anywhere */
			break;
		case 2:
			race_x.nr_exchanged = RACE_CHAIN + (r & 3); /* past */
			break;
		case 3:
			race_x.in.nr_extents = race_x.out.nr_extents = at;
			break;
		case 4:
			chain[at] = chain[at ? at - 1 : 0]; /* a duplicate */
			break;
		case 5:
			race_x.out.extent_start.p = (void *)chain;
			break;
		case 6:
			race_x.in.extent_order = r & 1 ? 9 : 0;
			break;
		default:
			race_x.out.mem_flags = XENMEMF_address_bits(r & 63);
		}
	}
	for (;;)
		hyp_sched_op(SCHEDOP_yield, NULL);
}

/*
 * Give back and take again RACE_EXTENTS frames (fresh ones: frames past
 * the initial mapping no exchange round used) while vCPU 1 rewrites the
 * call's count, list pointer, domain and order and the list itself.
 */
static void race_reservation_rounds(long tot)
{
	unsigned long nr = start_info->nr_pages, rounds = 0;
	uint64_t end = system_time_ns() + RACE_NS;
	domid_t self = DOMID_SELF;
	long max = hyp_memory_op(XENMEM_maximum_reservation, &self);

	mapped_mfn = virt_to_mfn(list);
	for (unsigned long i = 0; i < RACE_EXTENTS; i++)
		chain[i] = pfn_to_mfn(nr - 2 * RACE_EXTENTS + i);
	race_reservation = true;
	for (; system_time_ns() < end; rounds++) {
		unsigned int cmd = rounds & 1 ? XENMEM_increase_reservation :
						XENMEM_decrease_reservation;

		race_r = (struct xen_memory_reservation){
			.nr_extents = RACE_EXTENTS,
			.domid = DOMID_SELF,
		};
		race_r.extent_start.p = (void *)chain;
		hyp_memory_op(cmd, (void *)&race_r);
	}
	race_reservation = false;
	info("contx race reservation rounds=%lu tot_pages=%ld (was %ld)",
	     rounds, tot_pages(), tot);
	CHECK("race_reservation_rounds", rounds > 1, "%lu rounds", rounds);
	CHECK("race_reservation_within_max", tot_pages() <= max,
	      "tot_pages %ld max %ld", tot_pages(), max);
	CHECK("race_mapped_page_usable",
	      virt_to_mfn(list) == mapped_mfn && (list[0] = 7, list[0] == 7));
}

static void race(void)
{
	unsigned long nr = start_info->nr_pages, rounds = 0, ok = 0, most = 0;
	uint64_t end, *in = page_alloc(), *out = page_alloc();
	long tot = tot_pages(), rc;

	chain = page_alloc(); /* page_alloc's pages follow one another */
	for (unsigned long i = 1; i < RACE_CHAIN * 8 / PAGE_SIZE; i++)
		page_alloc();
	vcpu1_start(vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	while (!vcpu1_up)
		;
	end = system_time_ns() + RACE_NS;
	/* Each round starts from a frame of ours mapped nowhere. */
	while (system_time_ns() < end && rounds < RACE_SEEDS) {
		race_x = (struct xen_memory_exchange){
			.in = { .nr_extents = RACE_CHAIN - 1,
				.domid = DOMID_SELF },
			.out = { .nr_extents = RACE_CHAIN - 1,
				 .domid = DOMID_SELF },
		};
		race_x.in.extent_start.p = (void *)chain;
		race_x.out.extent_start.p = (void *)(chain + 1);
		chain[0] = pfn_to_mfn(nr - 1 - rounds++);
		rc = hyp_memory_op(XENMEM_exchange, (void *)&race_x);
		ok += !rc;
		if (race_x.nr_exchanged < RACE_CHAIN &&
		    race_x.nr_exchanged > most)
			most = race_x.nr_exchanged;
	}
	info("contx race rounds=%lu ok=%lu most_exchanged=%lu", rounds, ok,
	     most);
	CHECK("race_rounds", rounds > 1, "%lu rounds", rounds);
	CHECK_EQ("race_same_charge", tot_pages(), tot);
	in[0] = pfn_to_mfn(nr - 1 - rounds);
	out[0] = 0;
	CHECK_EQ("race_exchange_after", exchange(in, out, 1, 0, 0), 0);
	CHECK("race_exchange_after_new", out[0] && out[0] != in[0]);
	CHECK_EQ("race_charge_after", tot_pages(), tot);
	race_reservation_rounds(tot);
	race_stop = true;
}

void test_main(void)
{
	if (cmdline_has("race")) {
		list = page_alloc();
		race();
		return;
	}
	list = page_alloc();
	continuation_args();
	taken_frames();
	order_limits();
	leak();
}
