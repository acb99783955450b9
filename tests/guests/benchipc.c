// SPDX-License-Identifier: MIT
/*
 * benchipc: the costs a split driver pays, measured from inside one
 * domain so the same kernel runs as dom0 on Xen 4.17 and on Lamina
 * (tests/bench/ipc prints them side by side).
 *
 *   null hypercall     xen_version(XENVER_version), the floor under all
 *   event round trip   send on one end of a loopback pair, the upcall
 *                      runs the handler of the other end, which sends
 *                      back; the first end's handler counts the trip
 *   grant copy         GNTTABOP_copy of whole pages from a page granted
 *                      to ourselves into local frames, 16 per call
 *   timer lateness     how long after its deadline a half-millisecond
 *                      set_timer_op timer wakes SCHEDOP_block (median)
 *
 * Each prints "BENCH <name> <value> <unit>"; the CHECK lines say the work
 * was really done (every trip counted, the copied bytes right), so the
 * numbers mean something. "iters=N" scales the run (tests use a small N).
 */
#include <libpv/console.h>
#include <libpv/event.h>
#include <libpv/grant.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#define COPY_BATCH 16
#define COPY_SRC_REF 9

static unsigned long iters;
static volatile unsigned long trips;
static evtchn_port_t port_a, port_b;

static void report(const char *name, uint64_t ns, unsigned long n,
		   const char *unit)
{
	/* Nanoseconds per operation with two decimals, in integers. */
	uint64_t centi = n ? ns * 100 / n : 0;

	printf("BENCH %s %lu.%02lu %s\n", name, (unsigned long)(centi / 100),
	       (unsigned long)(centi % 100), unit);
}

static void bench_null_hypercall(void)
{
	uint64_t t0 = system_time_ns();
	unsigned long bad = 0;

	for (unsigned long i = 0; i < iters; i++)
		bad += hyp_xen_version(XENVER_version, NULL) != (4 << 16 | 17);
	report("null_hypercall", system_time_ns() - t0, iters, "ns");
	CHECK_EQ("null_hypercall_answers", bad, 0);
}

/* b's handler answers; a's counts a completed trip. */
static void on_b(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
	evtchn_notify(port_b);
}

static void on_a(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
	trips++;
}

static long loopback_pair(void)
{
	struct evtchn_alloc_unbound a = {
		.dom = DOMID_SELF,
		.remote_dom = DOMID_SELF,
	};
	struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF };
	long rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a);

	if (rc)
		return rc;
	b.remote_port = a.port;
	rc = hyp_event_channel_op(EVTCHNOP_bind_interdomain, &b);
	port_a = a.port;
	port_b = b.local_port;
	return rc;
}

static void bench_event_round_trip(void)
{
	uint64_t t0;

	CHECK_EQ("loopback_pair", loopback_pair(), 0);
	evtchn_set_handler(port_a, on_a, NULL);
	evtchn_set_handler(port_b, on_b, NULL);
	evtchn_unmask(port_a);
	evtchn_unmask(port_b);
	events_restore(0);
	/* Binding left b pending (as Xen): that trip is not measured. */
	trips = 0;
	t0 = system_time_ns();
	for (unsigned long i = 0; i < iters; i++) {
		unsigned long before = trips;

		evtchn_notify(port_a);
		while (trips == before)
			barrier();
	}
	report("event_round_trip", system_time_ns() - t0, iters, "ns");
	CHECK_EQ("every_trip_counted", trips, iters);
}

static void bench_grant_copy(void)
{
	static struct gnttab_copy ops[COPY_BATCH];
	uint8_t *src = page_alloc();
	uint8_t *dst[COPY_BATCH];
	unsigned long calls = iters / COPY_BATCH + 1, bad = 0;
	uint64_t t0, ns, bytes;

	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		src[i] = (uint8_t)(i * 13 + 1);
	CHECK_EQ("grant_table", gnttab_init(), 0);
	gnttab_grant(COPY_SRC_REF, 0, virt_to_mfn(src), true);
	for (unsigned int i = 0; i < COPY_BATCH; i++) {
		dst[i] = page_alloc();
		ops[i] = (struct gnttab_copy){
			.source = { .u.ref = COPY_SRC_REF,
				    .domid = DOMID_SELF },
			.dest = { .u.gmfn = virt_to_mfn(dst[i]),
				  .domid = DOMID_SELF },
			.len = PAGE_SIZE,
			.flags = GNTCOPY_source_gref,
		};
	}
	t0 = system_time_ns();
	for (unsigned long c = 0; c < calls; c++) {
		if (hyp_grant_table_op(GNTTABOP_copy, ops, COPY_BATCH))
			bad++;
		for (unsigned int i = 0; i < COPY_BATCH; i++)
			bad += ops[i].status != GNTST_okay;
	}
	ns = system_time_ns() - t0;
	bytes = calls * COPY_BATCH * PAGE_SIZE;
	/* bytes per ns, times 1000: MB/s */
	printf("BENCH grant_copy %lu MB/s\n",
	       (unsigned long)(ns ? bytes * 1000 / ns : 0));
	CHECK_EQ("grant_copies_ok", bad, 0);
	for (unsigned int i = 0; i < COPY_BATCH; i++)
		bad += memcmp(dst[i], src, PAGE_SIZE) != 0;
	CHECK_EQ("grant_copies_right", bad, 0);
}

#define TIMERS 31
#define HALF_MS 500000ULL

static volatile unsigned long timer_fired;

static void on_timer(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
	timer_fired++;
}

/* Block until the timer upcall has run once more (bounded). */
static bool wait_fired(unsigned long seen)
{
	for (int i = 0; i < 1000 && timer_fired == seen; i++) {
		events_disable();
		if (timer_fired == seen)
			hyp_sched_op(SCHEDOP_block, NULL);
	}
	events_restore(0);
	return timer_fired != seen;
}

static void bench_timer_lateness(void)
{
	uint64_t late[TIMERS];
	evtchn_port_t port;
	unsigned int missed = 0;

	/* Only our one-shot timer may raise VIRQ_TIMER (Xen starts a 10 ms
	 * periodic one). */
	hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	CHECK_EQ("bind_virq_timer", evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
	evtchn_set_handler(port, on_timer, NULL);
	evtchn_unmask(port);
	for (unsigned int i = 0; i < TIMERS; i++) {
		unsigned long seen = timer_fired;
		uint64_t due = system_time_ns() + HALF_MS;

		hyp_set_timer_op(due);
		missed += !wait_fired(seen);
		late[i] = system_time_ns() - due;
	}
	for (unsigned int i = 1; i < TIMERS; i++)
		for (unsigned int j = i; j && late[j - 1] > late[j]; j--) {
			uint64_t t = late[j];

			late[j] = late[j - 1];
			late[j - 1] = t;
		}
	report("timer_lateness", late[TIMERS / 2], 1, "ns");
	CHECK_EQ("every_timer_fired", missed, 0);
}

void test_main(void)
{
	iters = cmdline_number("iters=", 20000);
	bench_null_hypercall();
	bench_event_round_trip();
	bench_grant_copy();
	bench_timer_lateness();
}
