// SPDX-License-Identifier: MIT
/*
 * spinner: a boot domain for the scheduler tests (harness guest, not in
 * `make list`). By default it busy-loops and, each time system time
 * crosses a multiple of 500 ms, prints its own running time as the
 * hypervisor reports it (VCPUOP_get_runstate_info) and its loop count:
 *   INFO sample t=<500 ms bucket> now=<ns> run=<ns> loops=<n>
 * With "mode=worker period=MS" it instead sleeps until each period's
 * deadline (set_timer_op, SCHEDOP_block) and reports how late it woke:
 * missed (a period or more) and prompt (within one 10 ms tick) counts.
 * "secs=N" sets how long either runs (default 8 s).
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/sched.h>
#include <xen/vcpu.h>

#define MS 1000000ULL
#define SAMPLE_NS (500 * MS)
/* Timers fire at the 100 Hz tick: a prompt wake-up is within one. */
#define PROMPT_NS (12 * MS)

static volatile unsigned long timer_events;

static void on_timer(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
	timer_events++;
}

static uint64_t running_ns(void)
{
	struct vcpu_runstate_info r;

	if (hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &r))
		return 0;
	return r.time[RUNSTATE_running];
}

static void spin(uint64_t end)
{
	uint64_t now = system_time_ns();
	uint64_t next = (now / SAMPLE_NS + 1) * SAMPLE_NS;
	unsigned long loops = 0;

	while (now < end) {
		for (int i = 0; i < 4096; i++)
			barrier();
		loops++;
		now = system_time_ns();
		if (now < next)
			continue;
		info("sample t=%lu now=%lu run=%lu loops=%lu",
		     (unsigned long)(now / SAMPLE_NS), (unsigned long)now,
		     (unsigned long)running_ns(), loops);
		next = (now / SAMPLE_NS + 1) * SAMPLE_NS;
	}
}

static void work(uint64_t end, uint64_t period)
{
	uint64_t deadline = system_time_ns() + period, worst = 0;
	unsigned long periods = 0, missed = 0, prompt = 0;
	evtchn_port_t port;

	CHECK_EQ("bind_virq_timer", evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
	evtchn_set_handler(port, on_timer, NULL);
	evtchn_unmask(port);
	for (; deadline < end; deadline += period) {
		uint64_t late;

		sleep_until(deadline);
		late = system_time_ns() - deadline;
		if (late > worst)
			worst = late;
		if (late >= period)
			missed++;
		if (late < PROMPT_NS)
			prompt++;
		periods++;
	}
	info("worker periods=%lu missed=%lu prompt=%lu max_late_us=%lu",
	     periods, missed, prompt, (unsigned long)(worst / 1000));
	/* QEMU on a busy host stalls now and then: allow a few outliers. */
	CHECK("deadlines_met", periods > 0 && missed * 20 <= periods,
	      "%lu of %lu missed", missed, periods);
	CHECK("woken_within_a_tick", prompt * 10 >= periods * 9,
	      "%lu of %lu within 12 ms", prompt, periods);
}

void test_main(void)
{
	uint64_t end =
		system_time_ns() + cmdline_number("secs=", 8) * 1000 * MS;

	if (cmdline_has("mode=worker"))
		work(end, cmdline_number("period=", 20) * MS);
	else
		spin(end);
}
