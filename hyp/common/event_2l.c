// SPDX-License-Identifier: MIT
/*
 * Event channels, 2-level ABI: a port is pending in shared_info's
 * evtchn_pending bitmap; unless masked, its word's bit is set in the
 * vCPU's evtchn_pending_sel and evtchn_upcall_pending raised, and the
 * guest's event callback runs on its next return from the hypervisor.
 */
#include <stddef.h>
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/event.h>
#include <lamina/sched.h>
#include <xen/xen.h>

#define BITS_PER_WORD 64

static bool test_and_set(volatile uint64_t *word, unsigned int bit)
{
	return __atomic_fetch_or(word, 1UL << bit, __ATOMIC_SEQ_CST) &
	       (1UL << bit);
}

static bool bit_is_set(const volatile uint64_t *bits, uint32_t port)
{
	return bits[port / BITS_PER_WORD] & (1UL << (port % BITS_PER_WORD));
}

/* Raise the upcall for a pending word (its selector bit). */
static void notify_vcpu(struct vcpu *v, uint32_t port)
{
	if (!test_and_set(&v->vcpu_info->evtchn_pending_sel,
			  port / BITS_PER_WORD))
		evtchn_raise_upcall(v);
	else
		vcpu_wake(v);
}

static void l2_init(struct domain *d, uint32_t port)
{
	(void)d, (void)port;
}

static void l2_set_pending(struct domain *d, uint32_t port)
{
	struct shared_info *si = d->shared_info;
	struct vcpu *v = d->vcpu[d->evtchn[port].vcpu];

	if (test_and_set(&si->evtchn_pending[port / BITS_PER_WORD],
			 port % BITS_PER_WORD))
		return;
	evtchn_wake_pollers(d);
	if (bit_is_set(si->evtchn_mask, port) || !v)
		return;
	notify_vcpu(v, port);
}

static void l2_clear_pending(struct domain *d, uint32_t port)
{
	__atomic_fetch_and(
		&d->shared_info->evtchn_pending[port / BITS_PER_WORD],
		~(1UL << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

static void l2_unmask(struct domain *d, uint32_t port)
{
	struct shared_info *si = d->shared_info;
	struct vcpu *v = d->vcpu[d->evtchn[port].vcpu];

	__atomic_fetch_and(&si->evtchn_mask[port / BITS_PER_WORD],
			   ~(1UL << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
	/* Pending while masked: deliver now. */
	if (v && bit_is_set(si->evtchn_pending, port))
		notify_vcpu(v, port);
}

static bool l2_is_pending(const struct domain *d, uint32_t port)
{
	return bit_is_set(d->shared_info->evtchn_pending, port);
}

static bool l2_is_masked(const struct domain *d, uint32_t port)
{
	return bit_is_set(d->shared_info->evtchn_mask, port);
}

static bool l2_is_busy(const struct domain *d, uint32_t port)
{
	(void)d, (void)port;
	return false;
}

const struct evtchn_port_ops evtchn_2l_ops = {
	.init = l2_init,
	.set_pending = l2_set_pending,
	.clear_pending = l2_clear_pending,
	.unmask = l2_unmask,
	.is_pending = l2_is_pending,
	.is_masked = l2_is_masked,
	.is_busy = l2_is_busy,
	.set_priority = NULL, /* -ENOSYS, as Xen's 2-level ABI */
};
