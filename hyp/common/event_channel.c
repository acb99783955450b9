// SPDX-License-Identifier: MIT
/*
 * Event channels, 2-level ABI: a port is pending in shared_info's
 * evtchn_pending bitmap; unless masked, its word's bit is set in the
 * vCPU's evtchn_pending_sel and evtchn_upcall_pending raised, and the
 * guest's event callback runs on its next return from the hypervisor.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/event.h>
#include <lamina/heap.h>
#include <lamina/hypercall.h>
#include <lamina/sched.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/xen.h>

#define BITS_PER_WORD 64

static int evtchn_table(struct domain *d)
{
	if (d->evtchn)
		return 0;
	d->evtchn = kzalloc(EVTCHN_2L_PORTS * sizeof(struct evtchn));
	return d->evtchn ? 0 : -XEN_ENOMEM;
}

static struct evtchn *port_of(struct domain *d, uint32_t port)
{
	if (!d->evtchn || port == 0 || port >= EVTCHN_2L_PORTS)
		return NULL;
	return &d->evtchn[port];
}

static int alloc_port(struct domain *d)
{
	if (evtchn_table(d))
		return -XEN_ENOMEM;
	for (uint32_t p = 1; p < EVTCHN_2L_PORTS; p++)
		if (d->evtchn[p].state == ECS_FREE)
			return p;
	return -XEN_ENOSPC;
}

static bool test_and_set(volatile uint64_t *word, unsigned int bit)
{
	return __atomic_fetch_or(word, 1UL << bit, __ATOMIC_SEQ_CST) &
	       (1UL << bit);
}

/* Raise the upcall for a pending word and wake the vCPU. */
static void notify_vcpu(struct vcpu *v, unsigned int word)
{
	if (!test_and_set(&v->vcpu_info->evtchn_pending_sel, word))
		v->vcpu_info->evtchn_upcall_pending = 1;
	vcpu_wake(v);
}

/* Mark port pending in d and notify its vCPU unless masked. */
static void set_pending(struct domain *d, uint32_t port)
{
	struct shared_info *si = d->shared_info;
	struct evtchn *e = &d->evtchn[port];
	struct vcpu *v = d->vcpu[e->vcpu];
	unsigned int word = port / BITS_PER_WORD, bit = port % BITS_PER_WORD;

	if (test_and_set(&si->evtchn_pending[word], bit))
		return;
	/* A poller waits for any of its ports, masked ones included. */
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i] && d->vcpu[i]->polling) {
			d->vcpu[i]->polling = false;
			vcpu_wake(d->vcpu[i]);
		}
	if (si->evtchn_mask[word] & (1UL << bit) || !v)
		return;
	notify_vcpu(v, word);
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;

	if (virq >= NR_VIRQS || !v->virq_port[virq])
		return;
	set_pending(d, v->virq_port[virq]);
}

void evtchn_notify_port(struct domain *d, uint32_t port)
{
	struct evtchn *e = port_of(d, port);

	/* The guest may have closed or rebound it: only d itself hears. */
	if (e && e->state != ECS_FREE)
		set_pending(d, port);
}

static long bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
	struct vcpu *v;
	int port;

	if (b->virq >= NR_VIRQS)
		return -XEN_EINVAL;
	if (b->vcpu >= MAX_VIRT_CPUS || !(v = d->vcpu[b->vcpu]))
		return -XEN_ENOENT;
	if (v->virq_port[b->virq])
		return -XEN_EEXIST;
	port = alloc_port(d);
	if (port < 0)
		return port;
	d->evtchn[port] = (struct evtchn){ .state = ECS_VIRQ,
					   .vcpu = b->vcpu,
					   .virq = b->virq };
	v->virq_port[b->virq] = port;
	b->port = port;
	return 0;
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote)
{
	int port = alloc_port(d);

	if (port < 0)
		return port;
	d->evtchn[port] = (struct evtchn){ .state = ECS_UNBOUND,
					   .remote_dom = remote };
	return port;
}

static long alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
	int port;

	if (a->dom != DOMID_SELF && a->dom != d->domid)
		return -XEN_EPERM; /* allocating for others: a toolstack job */
	port = evtchn_alloc_unbound_port(d, a->remote_dom == DOMID_SELF ?
						    d->domid :
						    a->remote_dom);
	if (port < 0)
		return port;
	a->port = port;
	return 0;
}

static long bind_interdomain(struct domain *d,
			     struct evtchn_bind_interdomain *b)
{
	domid_t rid = b->remote_dom == DOMID_SELF ? d->domid : b->remote_dom;
	struct domain *rd = domain_lookup(rid);
	struct evtchn *re;
	int port;

	if (!rd)
		return -XEN_ESRCH;
	re = port_of(rd, b->remote_port);
	if (!re || re->state != ECS_UNBOUND || re->remote_dom != d->domid)
		return -XEN_EINVAL;
	port = alloc_port(d);
	if (port < 0)
		return port;
	d->evtchn[port] = (struct evtchn){ .state = ECS_INTERDOMAIN,
					   .remote_dom = rid,
					   .remote_port = b->remote_port };
	*re = (struct evtchn){ .state = ECS_INTERDOMAIN,
			       .vcpu = re->vcpu,
			       .remote_dom = d->domid,
			       .remote_port = port };
	b->local_port = port;
	/* As Xen: the peer may have sent before this end existed. */
	set_pending(d, port);
	return 0;
}

static long bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
	int port;

	if (b->vcpu >= MAX_VIRT_CPUS || !d->vcpu[b->vcpu])
		return -XEN_ENOENT;
	port = alloc_port(d);
	if (port < 0)
		return port;
	d->evtchn[port] = (struct evtchn){ .state = ECS_IPI, .vcpu = b->vcpu };
	b->port = port;
	return 0;
}

static void close_port(struct domain *d, uint32_t port)
{
	struct evtchn *e = &d->evtchn[port];

	if (e->state == ECS_VIRQ && d->vcpu[e->vcpu])
		d->vcpu[e->vcpu]->virq_port[e->virq] = 0;
	if (e->state == ECS_INTERDOMAIN) {
		struct domain *rd = domain_lookup(e->remote_dom);
		struct evtchn *re = rd ? port_of(rd, e->remote_port) : NULL;

		/* The peer's end goes back to waiting for us. */
		if (re && re->state == ECS_INTERDOMAIN)
			*re = (struct evtchn){ .state = ECS_UNBOUND,
					       .vcpu = re->vcpu,
					       .remote_dom = d->domid };
	}
	*e = (struct evtchn){ .state = ECS_FREE };
}

static long evtchn_send(struct domain *d, uint32_t port)
{
	struct evtchn *e = port_of(d, port);

	if (!e)
		return -XEN_EINVAL;
	switch (e->state) {
	case ECS_INTERDOMAIN: {
		struct domain *rd = domain_lookup(e->remote_dom);

		if (rd && rd->state == DOMAIN_RUNNING)
			set_pending(rd, e->remote_port);
		return 0;
	}
	case ECS_IPI:
		set_pending(d, port);
		return 0;
	case ECS_UNBOUND:
		return 0; /* nobody to tell yet, as Xen */
	default:
		return -XEN_EINVAL;
	}
}

static long evtchn_unmask(struct domain *d, uint32_t port)
{
	struct shared_info *si = d->shared_info;
	unsigned int word = port / BITS_PER_WORD, bit = port % BITS_PER_WORD;
	struct evtchn *e = port_of(d, port);
	struct vcpu *v;

	if (!e)
		return -XEN_EINVAL;
	v = d->vcpu[e->vcpu];
	__atomic_fetch_and(&si->evtchn_mask[word], ~(1UL << bit),
			   __ATOMIC_SEQ_CST);
	/* Pending while masked: deliver now. */
	if (v && (si->evtchn_pending[word] & (1UL << bit)))
		notify_vcpu(v, word);
	return 0;
}

static long evtchn_status(struct domain *d, struct evtchn_status *st)
{
	domid_t id = st->dom == DOMID_SELF ? d->domid : st->dom;
	struct domain *t = domain_lookup(id);
	struct evtchn *e;

	if (!t)
		return -XEN_ESRCH;
	if (t != d && cap_check_domain(&d->cspace, id, CAP_RIGHT_QUERY))
		return -XEN_EPERM;
	if (st->port >= EVTCHN_2L_PORTS)
		return -XEN_EINVAL;
	e = port_of(t, st->port);
	st->vcpu = e ? e->vcpu : 0;
	st->status = EVTCHNSTAT_closed;
	if (!e)
		return 0;
	switch (e->state) {
	case ECS_UNBOUND:
		st->status = EVTCHNSTAT_unbound;
		st->u.unbound.dom = e->remote_dom;
		break;
	case ECS_INTERDOMAIN:
		st->status = EVTCHNSTAT_interdomain;
		st->u.interdomain.dom = e->remote_dom;
		st->u.interdomain.port = e->remote_port;
		break;
	case ECS_VIRQ:
		st->status = EVTCHNSTAT_virq;
		st->u.virq = e->virq;
		break;
	case ECS_IPI:
		st->status = EVTCHNSTAT_ipi;
		break;
	case ECS_PIRQ:
		st->status = EVTCHNSTAT_pirq;
		st->u.pirq = e->virq;
		break;
	}
	return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
	if (!d->evtchn)
		return;
	for (uint32_t p = 1; p < EVTCHN_2L_PORTS; p++)
		if (d->evtchn[p].state != ECS_FREE)
			close_port(d, p);
}

/* Argument sizes by command, so one copy-in/copy-out serves them all. */
static const uint8_t op_size[] = {
	[EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
	[EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
	[EVTCHNOP_bind_pirq] = sizeof(struct evtchn_bind_pirq),
	[EVTCHNOP_close] = sizeof(struct evtchn_close),
	[EVTCHNOP_send] = sizeof(struct evtchn_send),
	[EVTCHNOP_status] = sizeof(struct evtchn_status),
	[EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
	[EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
	[EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
	[EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
};

long do_event_channel_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
			 uint64_t a5)
{
	struct domain *d = current->domain;
	union {
		struct evtchn_bind_interdomain bind_interdomain;
		struct evtchn_bind_virq bind_virq;
		struct evtchn_bind_pirq bind_pirq;
		struct evtchn_close close;
		struct evtchn_send send;
		struct evtchn_status status;
		struct evtchn_alloc_unbound alloc_unbound;
		struct evtchn_bind_ipi bind_ipi;
		struct evtchn_bind_vcpu bind_vcpu;
		struct evtchn_unmask unmask;
	} op;
	long rc;

	(void)a3, (void)a4, (void)a5;
	if (cmd >= sizeof(op_size) || !op_size[cmd])
		return -XEN_ENOSYS;
	if (copy_from_guest(&op, arg, op_size[cmd]))
		return -XEN_EFAULT;
	switch (cmd) {
	case EVTCHNOP_bind_virq:
		rc = bind_virq(d, &op.bind_virq);
		break;
	case EVTCHNOP_alloc_unbound:
		rc = alloc_unbound(d, &op.alloc_unbound);
		break;
	case EVTCHNOP_bind_interdomain:
		rc = bind_interdomain(d, &op.bind_interdomain);
		break;
	case EVTCHNOP_bind_ipi:
		rc = bind_ipi(d, &op.bind_ipi);
		break;
	case EVTCHNOP_bind_pirq: {
		int port;

		/* A mapped PIRQ gets its port; delivery comes with IRQ routing. */
		if (op.bind_pirq.pirq >= NR_PIRQS ||
		    !(d->pirq_mapped[op.bind_pirq.pirq / 64] &
		      (1UL << (op.bind_pirq.pirq % 64))))
			return -XEN_EINVAL;
		port = alloc_port(d);
		if (port < 0)
			return port;
		d->evtchn[port] = (struct evtchn){ .state = ECS_PIRQ,
						   .virq = op.bind_pirq.pirq };
		op.bind_pirq.port = port;
		rc = 0;
		break;
	}
	case EVTCHNOP_close:
		if (!port_of(d, op.close.port) ||
		    d->evtchn[op.close.port].state == ECS_FREE)
			return -XEN_EINVAL;
		close_port(d, op.close.port);
		return 0;
	case EVTCHNOP_send:
		return evtchn_send(d, op.send.port);
	case EVTCHNOP_unmask:
		return evtchn_unmask(d, op.unmask.port);
	case EVTCHNOP_status:
		rc = evtchn_status(d, &op.status);
		break;
	case EVTCHNOP_bind_vcpu: {
		struct evtchn *e = port_of(d, op.bind_vcpu.port);

		if (!e || e->state == ECS_FREE)
			return -XEN_EINVAL;
		if (op.bind_vcpu.vcpu >= MAX_VIRT_CPUS ||
		    !d->vcpu[op.bind_vcpu.vcpu])
			return -XEN_ENOENT;
		/* As Xen: VIRQs and IPIs stay with the vCPU they name. */
		if (e->state == ECS_VIRQ || e->state == ECS_IPI)
			return -XEN_EINVAL;
		e->vcpu = op.bind_vcpu.vcpu;
		return 0;
	}
	default:
		return -XEN_ENOSYS;
	}
	if (rc)
		return rc;
	return copy_to_guest(arg, &op, op_size[cmd]);
}
