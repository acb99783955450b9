// SPDX-License-Identifier: MIT
/*
 * batch: long batches are preemptible. A timer set just before a large
 * multicall fires while the batch is still running: its upcall sees some
 * but not all results written, and the batch still completes in full.
 * A large mmu_update batch reports every element in *done, also when it
 * is itself an element of a multicall and is preempted in the middle: the
 * multicall resumes inside that element, and the elements after it still
 * run once each.
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
#define NESTED_UPDATES 60000

static struct multicall_entry calls[CALLS];
static evtchn_port_t timer_port;
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
	long rc;
	unsigned long bad = 0;

	/* Only the one-shot timer may raise VIRQ_TIMER: Xen's default 10 ms
	 * periodic tick could fire before the batch starts. */
	CHECK_EQ("stop_periodic_timer",
		 hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	CHECK_EQ("bind_virq_timer", evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port),
		 0);
	evtchn_set_handler(timer_port, on_timer, NULL);
	evtchn_unmask(timer_port);
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

static void test_mmu_update_done(void)
{
	static struct mmu_update reqs[5000];
	unsigned long *page = page_alloc();
	uint64_t ma;
	pte_t *pte = pt_lookup((unsigned long)page, 1, &ma);
	unsigned int done = 0;
	long rc;

	for (unsigned int i = 0; i < 5000; i++) {
		reqs[i].ptr = ma | MMU_NORMAL_PT_UPDATE;
		reqs[i].val = *pte; /* the same entry again: no change */
	}
	rc = hyp_mmu_update(reqs, 5000, &done, DOMID_SELF);
	CHECK_EQ("mmu_update_long_rc", rc, 0);
	CHECK_EQ("mmu_update_long_done", done, 5000);
	page[0] = 7;
	CHECK_EQ("mapping_intact", page[0], 7);
}

static volatile unsigned int upcalls_in_nested;

static void count_upcall(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
	upcalls_in_nested++;
}

static void test_preempted_inside_multicall(void)
{
	static struct mmu_update reqs[NESTED_UPDATES];
	static unsigned int counter;
	struct multicall_entry mc[3];
	unsigned long *page = page_alloc();
	unsigned int done = 0;
	uint64_t ma;
	pte_t *pte = pt_lookup((unsigned long)page, 1, &ma);
	long rc;

	for (unsigned int i = 0; i < NESTED_UPDATES; i++) {
		reqs[i].ptr = ma | MMU_NORMAL_PT_UPDATE;
		reqs[i].val = *pte;
	}
	mc[0] = (struct multicall_entry){
		.op = __HYPERVISOR_mmu_update,
		.args = { (unsigned long)reqs, NESTED_UPDATES,
			  (unsigned long)&done, DOMID_SELF },
		.result = UNSET,
	};
	mc[1] = (struct multicall_entry){
		.op = __HYPERVISOR_xen_version,
		.args = { XENVER_version },
		.result = UNSET,
	};
	/* Runs exactly once, or counter shows it ran again. */
	mc[2] = (struct multicall_entry){
		.op = __HYPERVISOR_mmu_update,
		.args = { (unsigned long)reqs, 1, (unsigned long)&counter,
			  DOMID_SELF },
		.result = UNSET,
	};
	evtchn_set_handler(timer_port, count_upcall, NULL);
	/* Events pending while the batch runs make both Xen and Lamina stop
	 * and continue it (Lamina also on its time budget). */
	hyp_set_timer_op(system_time_ns() + MS / 2);
	rc = hyp_multicall(mc, 3);
	CHECK_EQ("nested_multicall_rc", rc, 0);
	CHECK_EQ("nested_mmu_update_result", mc[0].result, 0);
	CHECK_EQ("nested_mmu_update_done", done, NESTED_UPDATES);
	CHECK_EQ("nested_next_element", mc[1].result, 4 << 16 | 17);
	CHECK_EQ("nested_last_element", mc[2].result, 0);
	CHECK_EQ("nested_last_once", counter, 1);
	CHECK("nested_upcall_ran", upcalls_in_nested > 0, "%u",
	      upcalls_in_nested);
	page[0] = 9;
	CHECK_EQ("nested_mapping_intact", page[0], 9);
}

void test_main(void)
{
	test_multicall_preempted();
	test_mmu_update_done();
	test_preempted_inside_multicall();
}
