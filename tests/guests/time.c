// SPDX-License-Identifier: MIT
/*
 * time: the shared_info wallclock, the vcpu_time_info version protocol,
 * set_timer_op and VCPUOP_set_singleshot_timer waking SCHEDOP_block through
 * VIRQ_TIMER and the event upcall.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/vcpu.h>

#define MS 1000000ULL
#define READS 1000
/* Blocks before we give up on a timer (each one ends at some event). */
#define MAX_BLOCKS 200

static volatile unsigned long timer_events;

static void on_timer(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	timer_events++;
}

static void test_wallclock(void)
{
	uint64_t sec;
	uint32_t nsec;

	wallclock(&sec, &nsec);
	info("wallclock %lu.%09u", (unsigned long)sec, nsec);
	CHECK("wc_version_even", !(shared_info->wc_version & 1));
	/* QEMU's RTC gives the host's date: after 2020-01-01. */
	CHECK("wallclock_plausible", sec > 1577836800UL, "sec %lu",
	      (unsigned long)sec);
	CHECK("wallclock_nsec_range", nsec < 1000000000U, "nsec %u", nsec);
}

static void test_pvclock(void)
{
	struct vcpu_time_info t;
	uint64_t prev = 0, now;
	unsigned long back = 0, odd = 0;

	time_snapshot(&t);
	info("tsc_to_system_mul %u tsc_shift %d flags 0x%x",
	     t.tsc_to_system_mul, t.tsc_shift, t.flags);
	CHECK("pvclock_mul_nonzero", t.tsc_to_system_mul != 0);
	for (int i = 0; i < READS; i++) {
		time_snapshot(&t);
		if (t.version & 1)
			odd++;
		now = system_time_ns();
		if (now < prev)
			back++;
		prev = now;
	}
	CHECK_EQ("pvclock_version_even", odd, 0);
	CHECK_EQ("system_time_monotonic", back, 0);
	CHECK("system_time_positive", prev > 0);
}

/* Block until the timer VIRQ has fired once more; false on give-up. */
static bool wait_timer(unsigned long seen)
{
	for (int i = 0; i < MAX_BLOCKS && timer_events == seen; i++) {
		events_disable();
		if (timer_events != seen)
			break;
		/* Unmasks events and sleeps until one is pending. */
		hyp_sched_op(SCHEDOP_block, NULL);
	}
	events_restore(0);
	return timer_events != seen;
}

static void test_timers(void)
{
	evtchn_port_t port;
	struct vcpu_set_singleshot_timer st = { 0 };
	unsigned long seen;
	uint64_t start, woke;
	long rc;

	/* Xen gives a PV vCPU a 10 ms periodic VIRQ_TIMER from the start;
	 * without stopping it, a periodic tick can look like the one-shot
	 * timer under test firing early. */
	CHECK_EQ("stop_periodic_timer",
		 hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	rc = evtchn_bind_virq(VIRQ_TIMER, 0, &port);
	CHECK_EQ("bind_virq_timer", rc, 0);
	if (rc)
		return;
	evtchn_set_handler(port, on_timer, NULL);
	evtchn_unmask(port);

	seen = timer_events;
	start = system_time_ns();
	rc = hyp_set_timer_op(start + 10 * MS);
	CHECK_EQ("set_timer_op", rc, 0);
	CHECK("set_timer_op_wakes_block", wait_timer(seen));
	woke = system_time_ns();
	CHECK("set_timer_op_not_early", woke >= start + 10 * MS, "after %lu ns",
	      (unsigned long)(woke - start));
	CHECK("upcall_taken", upcall_count > 0);

	seen = timer_events;
	start = system_time_ns();
	st.timeout_abs_ns = start + 5 * MS;
	rc = hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
	CHECK_EQ("singleshot_timer", rc, 0);
	CHECK("singleshot_wakes_block", wait_timer(seen));
	woke = system_time_ns();
	CHECK("singleshot_not_early", woke >= start + 5 * MS, "after %lu ns",
	      (unsigned long)(woke - start));

	st.timeout_abs_ns = system_time_ns() - 1 * MS;
	st.flags = VCPU_SSHOTTMR_future;
	/* Xen 4.17.7 ignores VCPU_SSHOTTMR_future (no -ETIME): the past
	 * timeout just fires at once. */
	rc = hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
	CHECK_EQ("singleshot_future_flag_ignored", rc, 0);

	rc = hyp_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
	CHECK_EQ("stop_singleshot_timer", rc, 0);
	/* A timeout of 0 cancels the set_timer_op timer. */
	rc = hyp_set_timer_op(0);
	CHECK_EQ("set_timer_op_cancel", rc, 0);
}

void test_main(void)
{
	test_wallclock();
	test_pvclock();
	test_timers();
}
