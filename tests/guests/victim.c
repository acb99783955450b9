// SPDX-License-Identifier: MIT
/*
 * victim: a heartbeat domain to run beside hostile ones (harness guest,
 * not in `make list`). It fills `pages=N` pages of its own memory with a
 * pattern, then sleeps `period=MS` at a time (set_timer_op, SCHEDOP_block)
 * and records the longest gap between a deadline and the wake-up. Every
 * `report=N` beats and at the end it prints
 *   HEARTBEAT max_gap_us=<longest gap so far> beats=<beats so far>
 * and re-checks its pattern; after `beats=N` beats it prints
 *   CHECK victim_memory_intact ok   (or FAIL with the first bad word)
 * and powers off. A stalled hypervisor shows as a large max_gap_us.
 */
#include <libpv/console.h>
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/sched.h>

#define MS 1000000ULL
#define MAX_PAGES 1024
#define WORDS (PAGE_SIZE / sizeof(uint64_t))

static uint64_t *pages[MAX_PAGES];
static unsigned long nr_pages;
static bool memory_ok = true;

static uint64_t pattern(unsigned long page, unsigned long word)
{
	return 0x5eed000000000000ULL ^ (page << 20) ^ (word * 0x9e3779b9ULL);
}

static void fill(void)
{
	for (unsigned long p = 0; p < nr_pages; p++) {
		pages[p] = page_alloc();
		for (unsigned long w = 0; w < WORDS; w++)
			pages[p][w] = pattern(p, w);
	}
}

static void verify(void)
{
	for (unsigned long p = 0; p < nr_pages && memory_ok; p++) {
		for (unsigned long w = 0; w < WORDS; w++) {
			if (pages[p][w] == pattern(p, w))
				continue;
			memory_ok = false;
			info("victim page %lu word %lu: %#lx want %#lx", p, w,
			     (unsigned long)pages[p][w],
			     (unsigned long)pattern(p, w));
			break;
		}
	}
}

static void on_timer(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
}

/* Sleep until deadline; the timer VIRQ may also end a block early. */
static void sleep_until(uint64_t deadline)
{
	while (system_time_ns() < deadline) {
		events_disable();
		hyp_set_timer_op(deadline);
		if (system_time_ns() < deadline)
			hyp_sched_op(SCHEDOP_block, NULL);
		events_restore(0);
	}
}

void test_main(void)
{
	uint64_t period = cmdline_number("period=", 10) * MS;
	unsigned long beats = cmdline_number("beats=", 500);
	unsigned long report = cmdline_number("report=", 100);
	uint64_t deadline, worst = 0;
	evtchn_port_t port;

	nr_pages = cmdline_number("pages=", 256);
	if (nr_pages > MAX_PAGES)
		nr_pages = MAX_PAGES;
	if (nr_pages > pages_free() / 2)
		nr_pages = pages_free() / 2;
	fill();
	CHECK_EQ("bind_virq_timer", evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
	evtchn_set_handler(port, on_timer, NULL);
	evtchn_unmask(port);
	info("victim pages=%lu period_ms=%lu beats=%lu", nr_pages,
	     (unsigned long)(period / MS), beats);
	deadline = system_time_ns() + period;
	for (unsigned long b = 1; b <= beats; b++, deadline += period) {
		uint64_t now;

		sleep_until(deadline);
		now = system_time_ns();
		if (now - deadline > worst)
			worst = now - deadline;
		/* After a stall, beat on from now rather than catch up. */
		if (now > deadline + period)
			deadline = now;
		if (b % report && b != beats)
			continue;
		verify();
		printf("HEARTBEAT max_gap_us=%lu beats=%lu\n",
		       (unsigned long)(worst / 1000), b);
	}
	CHECK("victim_memory_intact", memory_ok, "pattern changed");
}
