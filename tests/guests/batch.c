// SPDX-License-Identifier: MIT
/*
 * batch: long batches are preemptible. A timer set just before a large
 * multicall fires while the batch is still running: its upcall sees some
 * but not all results written, and the batch still completes in full.
 * A large mmu_update batch reports every element in *done, also as an
 * element of a multicall, where it is preempted halfway and resumed.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/version.h>

#define CALLS 20000
#define UNSET 0x5eed5eed5eedUL
#define MS 1000000ULL

static struct multicall_entry calls[CALLS];
static volatile unsigned long written_at_upcall = ~0UL;

static unsigned long results_written(void)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < CALLS; i++)
		n += calls[i].result != UNSET;
	return n;
}

static void on_timer(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
	if (written_at_upcall == ~0UL)
		written_at_upcall = results_written();
}

/* One run of the batch with the timer due 2 ms in; the multicall's rc. */
static long timed_batch(void)
{
	for (unsigned int i = 0; i < CALLS; i++) {
		calls[i].op = __HYPERVISOR_xen_version;
		calls[i].args[0] = XENVER_version;
		calls[i].result = UNSET;
	}
	written_at_upcall = ~0UL;
	hyp_set_timer_op(system_time_ns() + 2 * MS);
	return hyp_multicall(calls, CALLS);
}

static void test_multicall_preempted(void)
{
	evtchn_port_t port;
	long rc;
	unsigned long bad = 0;

	CHECK_EQ("bind_virq_timer", evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
	evtchn_set_handler(port, on_timer, NULL);
	evtchn_unmask(port);
	events_restore(0);
	/* A busy host can delay this vCPU past the timer before the batch
	 * even starts (the upcall then sees nothing written): run again. */
	rc = timed_batch();
	for (int tries = 1; tries < 5 && written_at_upcall == 0; tries++)
		rc = timed_batch();
	CHECK_EQ("multicall_rc", rc, 0);
	for (unsigned int i = 0; i < CALLS; i++)
		bad += calls[i].result != (4 << 16 | 17);
	CHECK_EQ("multicall_all_results", bad, 0);
	info("results written when the timer upcall ran: %lu of %u",
	     written_at_upcall, CALLS);
	CHECK("upcall_during_batch",
	      written_at_upcall > 0 && written_at_upcall < CALLS, "%lu of %u",
	      written_at_upcall, CALLS);
}

/* n requests that write page's own L1 entry again: no change. */
static void same_entry_requests(struct mmu_update *reqs, unsigned int n,
				const void *page)
{
	uint64_t ma;
	pte_t *pte = pt_lookup((unsigned long)page, 1, &ma);

	for (unsigned int i = 0; i < n; i++) {
		reqs[i].ptr = ma | MMU_NORMAL_PT_UPDATE;
		reqs[i].val = *pte;
	}
}

static void test_mmu_update_done(void)
{
	static struct mmu_update reqs[5000];
	unsigned long *page = page_alloc();
	unsigned int done = 0;
	long rc;

	same_entry_requests(reqs, 5000, page);
	rc = hyp_mmu_update(reqs, 5000, &done, DOMID_SELF);
	CHECK_EQ("mmu_update_long_rc", rc, 0);
	CHECK_EQ("mmu_update_long_done", done, 5000);
	page[0] = 7;
	CHECK_EQ("mapping_intact", page[0], 7);
}

/* The same long batch inside a multicall, with an element after it. */
static void test_preempted_element(void)
{
	static struct mmu_update reqs[CALLS];
	static struct multicall_entry mc[2];
	unsigned int done = 0;
	long rc;

	same_entry_requests(reqs, CALLS, page_alloc());
	mc[0] = (struct multicall_entry){
		.op = __HYPERVISOR_mmu_update,
		.result = UNSET,
		.args = { (unsigned long)reqs, CALLS, (unsigned long)&done,
			  DOMID_SELF },
	};
	mc[1] = (struct multicall_entry){
		.op = __HYPERVISOR_xen_version,
		.result = UNSET,
		.args = { XENVER_version },
	};
	rc = hyp_multicall(mc, 2);
	CHECK_EQ("multicall_long_element_rc", rc, 0);
	CHECK_EQ("multicall_long_element_result", mc[0].result, 0);
	CHECK_EQ("multicall_long_element_done", done, CALLS);
	CHECK_EQ("multicall_after_long_element", mc[1].result, 4 << 16 | 17);
}

void test_main(void)
{
	test_multicall_preempted();
	test_mmu_update_done();
	test_preempted_element();
}
