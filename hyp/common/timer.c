// SPDX-License-Identifier: MIT
/* Guest time: pvclock updates and the per-vCPU one-shot timer. */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/event.h>
#include <lamina/hypercall.h>
#include <lamina/sched.h>
#include <lamina/timer.h>
#include <asm/time.h>

bool timer_check_expired(struct vcpu *v)
{
	uint64_t now = system_time_ns();

	if (v->polling && v->poll_deadline_ns && now >= v->poll_deadline_ns) {
		v->polling = false;
		vcpu_wake(v);
	}
	if (!v->timer_deadline_ns || now < v->timer_deadline_ns)
		return false;
	v->timer_deadline_ns = 0;
	evtchn_send_virq(v, VIRQ_TIMER);
	return true;
}

/*
 * Every vCPU timer and poll timeout that is due fires; returns the
 * earliest deadline still to come (UINT64_MAX if none). The boot CPU
 * calls this from its timer interrupt, which it arms for that deadline.
 */
uint64_t timers_run(void)
{
	uint64_t next = UINT64_MAX;

	for (unsigned int i = 0; i < NR_VCPU_SLOTS; i++) {
		struct vcpu *v = vcpu_at(i);

		if (!v || !v->running)
			continue;
		timer_check_expired(v);
		if (v->timer_deadline_ns && v->timer_deadline_ns < next)
			next = v->timer_deadline_ns;
		if (v->polling && v->poll_deadline_ns &&
		    v->poll_deadline_ns < next)
			next = v->poll_deadline_ns;
	}
	return next;
}

void time_update_vcpu(struct vcpu *v)
{
	time_fill_vcpu_info(&v->vcpu_info->time);
}

long do_set_timer_op(uint64_t timeout, uint64_t a2, uint64_t a3, uint64_t a4,
		     uint64_t a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	/* An absolute system time; 0 cancels. A past time fires at once. */
	current->timer_deadline_ns = timeout;
	if (timeout && !timer_check_expired(current))
		timer_want(timeout);
	return 0;
}
