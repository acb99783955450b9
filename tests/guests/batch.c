// SPDX-License-Identifier: MIT
/*
 * batch: long batches are preemptible. A timer set just before a large
 * multicall fires while the batch is still running: its upcall sees some
 * but not all results written, and the batch still completes in full.
 * A large mmu_update batch reports every element in *done, also as an
 * element of a multicall.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/vcpu.h>
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

static void test_multicall_preempted(void)
{
	evtchn_port_t port;
	long rc;
	unsigned long bad = 0;

	for (unsigned int i = 0; i < CALLS; i++) {
		calls[i].op = __HYPERVISOR_xen_version;
		calls[i].args[0] = XENVER_version;
		calls[i].result = UNSET;
	}
	/* Only the one-shot timer below may raise VIRQ_TIMER: Xen's default
	 * 10 ms periodic tick could fire before the batch starts. */
	CHECK_EQ("stop_periodic_timer",
		 hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	CHECK_EQ("bind_virq_timer", evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
	evtchn_set_handler(port, on_timer, NULL);
	evtchn_unmask(port);
	events_restore(0);
	hyp_set_timer_op(system_time_ns() + 2 * MS);
	rc = hyp_multicall(calls, CALLS);
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

#define REQS 5000
static struct mmu_update reqs[REQS];

/* REQS updates that write one PTE of a fresh page with its own value. */
static unsigned long *prepare_same_pte_updates(void)
{
	unsigned long *page = page_alloc();
	uint64_t ma;
	pte_t *pte = pt_lookup((unsigned long)page, 1, &ma);

	for (unsigned int i = 0; i < REQS; i++) {
		reqs[i].ptr = ma | MMU_NORMAL_PT_UPDATE;
		reqs[i].val = *pte; /* the same entry again: no change */
	}
	return page;
}

static void test_mmu_update_done(void)
{
	unsigned long *page = prepare_same_pte_updates();
	unsigned int done = 0;
	long rc;

	rc = hyp_mmu_update(reqs, REQS, &done, DOMID_SELF);
	CHECK_EQ("mmu_update_long_rc", rc, 0);
	CHECK_EQ("mmu_update_long_done", done, REQS);
	page[0] = 7;
	CHECK_EQ("mapping_intact", page[0], 7);
}

/* A long batch as one element of a multicall: it runs whole (regression:
 * its own continuation rewrote the multicall's frame). */
static void test_long_batch_in_multicall(void)
{
	struct multicall_entry mc[2] = {
		{ .op = __HYPERVISOR_mmu_update,
		  .args = { (unsigned long)reqs, REQS, 0, DOMID_SELF } },
		{ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
	};
	unsigned int done = 0;
	long rc;

	prepare_same_pte_updates();
	mc[0].args[2] = (unsigned long)&done;
	mc[0].result = mc[1].result = UNSET;
	rc = hyp_multicall(mc, 2);
	CHECK_EQ("multicall_long_element_rc", rc, 0);
	CHECK_EQ("multicall_long_element_result", mc[0].result, 0);
	CHECK_EQ("multicall_long_element_done", done, REQS);
	CHECK_EQ("multicall_after_long_element", mc[1].result, 4 << 16 | 17);
}

void test_main(void)
{
	test_multicall_preempted();
	test_mmu_update_done();
	test_long_batch_in_multicall();
}
