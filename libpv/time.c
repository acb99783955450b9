// SPDX-License-Identifier: MIT
/* pvclock system time and the wallclock from shared_info. */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/time.h>
#include <xen/sched.h>

void time_snapshot(struct vcpu_time_info *out)
{
	volatile struct vcpu_time_info *t = &vcpu0_info->time;
	uint32_t ver;

	do {
		ver = t->version;
		barrier();
		*out = *(struct vcpu_time_info *)t;
		barrier();
	} while ((ver & 1) || ver != t->version);
}

static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t system_time_ns(void)
{
	volatile struct vcpu_time_info *t = &vcpu0_info->time;
	uint32_t ver;
	uint64_t now;

	do {
		ver = t->version;
		barrier();
		now = t->system_time + scale_delta(rdtsc() - t->tsc_timestamp,
						   t->tsc_to_system_mul,
						   t->tsc_shift);
		barrier();
	} while ((ver & 1) || ver != t->version);
	return now;
}

void wallclock(uint64_t *sec, uint32_t *nsec)
{
	volatile struct shared_info *s = shared_info;
	uint32_t ver;

	do {
		ver = s->wc_version;
		barrier();
		*sec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;
		*nsec = s->wc_nsec;
		barrier();
	} while ((ver & 1) || ver != s->wc_version);
}

void sleep_until(uint64_t deadline)
{
	while (system_time_ns() < deadline) {
		events_disable();
		hyp_set_timer_op(deadline);
		if (system_time_ns() < deadline)
			hyp_sched_op(SCHEDOP_block, NULL);
		events_restore(0);
	}
}
