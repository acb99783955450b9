// SPDX-License-Identifier: MIT
/*
 * Event channels: the upcall scans evtchn_pending_sel (2-level ABI),
 * clears each pending unmasked port and calls its handler; after
 * evtchn_fifo_init the FIFO queues are consumed instead (event_fifo.c).
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/test.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#define MAX_PORTS 1024

extern char upcall_entry[], failsafe_entry[], syscall_entry[];
void event_upcall(void);

volatile unsigned long upcall_count;
static struct {
	evtchn_handler_t fn;
	void *data;
} handlers[MAX_PORTS];

void events_init(void)
{
	if (hyp_set_callbacks((unsigned long)upcall_entry,
			      (unsigned long)failsafe_entry,
			      (unsigned long)syscall_entry))
		test_fatal("set_callbacks failed");
}

void event_upcall(void)
{
	struct vcpu_info *v = vcpu0_info;
	unsigned long sel;

	upcall_count++;
	v->evtchn_upcall_pending = 0;
	if (evtchn_fifo_on) {
		evtchn_fifo_consume();
		return;
	}
	sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = __builtin_ctzl(sel);
		unsigned long pend;

		sel &= sel - 1;
		pend = shared_info->evtchn_pending[w] &
		       ~shared_info->evtchn_mask[w];
		while (pend) {
			unsigned int b = __builtin_ctzl(pend);
			evtchn_port_t port = w * 64 + b;

			pend &= pend - 1;
			evtchn_clear(port);
			evtchn_call_handler(port);
		}
	}
}

void evtchn_call_handler(evtchn_port_t port)
{
	if (port < MAX_PORTS && handlers[port].fn)
		handlers[port].fn(port, handlers[port].data);
}

long evtchn_bind_virq(unsigned int virq, unsigned int vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
	long rc = hyp_event_channel_op(EVTCHNOP_bind_virq, &op);

	if (!rc)
		*port = op.port;
	return rc;
}

long evtchn_bind_ipi(unsigned int vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi op = { .vcpu = vcpu };
	long rc = hyp_event_channel_op(EVTCHNOP_bind_ipi, &op);

	if (!rc)
		*port = op.port;
	return rc;
}

void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *data)
{
	if (port >= MAX_PORTS)
		test_fatal("port %u out of range", port);
	handlers[port].data = data;
	handlers[port].fn = fn;
}

void evtchn_clear(evtchn_port_t port)
{
	if (evtchn_fifo_on) {
		evtchn_fifo_word_clear(port, 1u << EVTCHN_FIFO_PENDING);
		return;
	}
	__atomic_and_fetch(&shared_info->evtchn_pending[port / 64],
			   ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

void evtchn_mask(evtchn_port_t port)
{
	if (evtchn_fifo_on) {
		event_word_t *w = evtchn_fifo_word(port);

		if (w)
			__atomic_or_fetch(w, 1u << EVTCHN_FIFO_MASKED,
					  __ATOMIC_SEQ_CST);
		return;
	}
	__atomic_or_fetch(&shared_info->evtchn_mask[port / 64],
			  1UL << (port % 64), __ATOMIC_SEQ_CST);
}

void evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	/* The hypervisor clears the mask (both ABIs) and re-raises the
	 * event if it is pending. */
	hyp_event_channel_op(EVTCHNOP_unmask, &op);
}

long evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send op = { .port = port };

	return hyp_event_channel_op(EVTCHNOP_send, &op);
}

long vcpu_info_register(struct vcpu_info *where)
{
	struct vcpu_register_vcpu_info r = {
		.mfn = virt_to_mfn(where),
		.offset = (unsigned long)where & (PAGE_SIZE - 1),
	};
	long rc = hyp_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);

	if (!rc)
		vcpu0_info = where;
	return rc;
}

uint8_t events_disable(void)
{
	struct vcpu_info *v = vcpu0_info;
	uint8_t old = v->evtchn_upcall_mask;

	v->evtchn_upcall_mask = 1;
	barrier();
	return old;
}

void events_restore(uint8_t mask)
{
	struct vcpu_info *v = vcpu0_info;

	barrier();
	v->evtchn_upcall_mask = mask;
	barrier();
	/* Any hypercall makes the hypervisor deliver a pending upcall. */
	if (!mask && v->evtchn_upcall_pending)
		hyp_xen_version(XENVER_version, NULL);
}
