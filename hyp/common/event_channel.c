// SPDX-License-Identifier: MIT
/*
 * Event channels: the port table (binding, closing, sending) and the
 * EVTCHNOP_* dispatch. How a pending port reaches the guest depends on
 * the domain's ABI: 2-level bitmaps (event_2l.c) until the guest switches
 * to FIFO queues with EVTCHNOP_init_control (event_fifo.c).
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

static const struct evtchn_port_ops *port_ops(const struct domain *d)
{
	return d->evtchn_fifo ? &evtchn_fifo_ops : &evtchn_2l_ops;
}

bool evtchn_port_is_pending(const struct domain *d, uint32_t port)
{
	return port < EVTCHN_2L_PORTS && port_ops(d)->is_pending(d, port);
}

bool evtchn_port_is_masked(const struct domain *d, uint32_t port)
{
	return port >= EVTCHN_2L_PORTS || port_ops(d)->is_masked(d, port);
}

/* A poller waits for any of its domain's ports, masked ones included. */
void evtchn_wake_pollers(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i] && d->vcpu[i]->polling) {
			d->vcpu[i]->polling = false;
			vcpu_wake(d->vcpu[i]);
		}
}

void evtchn_raise_upcall(struct vcpu *v)
{
	v->vcpu_info->evtchn_upcall_pending = 1;
	vcpu_wake(v);
}

/* Mark port pending in d the way d's ABI says. */
static void set_pending(struct domain *d, uint32_t port)
{
	port_ops(d)->set_pending(d, port);
}

static int alloc_port(struct domain *d)
{
	if (evtchn_table(d))
		return -XEN_ENOMEM;
	/* As Xen: a closed port still on a FIFO queue is not reused yet. */
	for (uint32_t p = 1; p < EVTCHN_2L_PORTS; p++)
		if (d->evtchn[p].state == ECS_FREE &&
		    !port_ops(d)->is_busy(d, p)) {
			port_ops(d)->init(d, p);
			return p;
		}
	return -XEN_ENOSPC;
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

/* As Xen: these are per vCPU; the others go to vCPU 0's binding. */
static bool virq_is_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

static long bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
	struct vcpu *v;
	int port;

	if (b->virq >= NR_VIRQS)
		return -XEN_EINVAL;
	if (virq_is_global(b->virq) && b->vcpu)
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
	d->evtchn[port] =
		(struct evtchn){ .state = ECS_UNBOUND, .remote_dom = remote };
	return port;
}

static long alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
	int port;

	if (a->dom != DOMID_SELF && a->dom != d->domid)
		return -XEN_EPERM; /* allocating for others: a toolstack job */
	port = evtchn_alloc_unbound_port(
		d, a->remote_dom == DOMID_SELF ? d->domid : a->remote_dom);
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
	/* As Xen: a send on the unbound end may have gone unheard, so the
	 * new port starts out pending. */
	set_pending(d, port);
	b->local_port = port;
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

	if (e->state == ECS_VIRQ) {
		struct vcpu *v = d->vcpu[virq_is_global(e->virq) ? 0 : e->vcpu];

		if (v)
			v->virq_port[e->virq] = 0;
	}
	if (e->state == ECS_INTERDOMAIN) {
		struct domain *rd = domain_lookup(e->remote_dom);
		struct evtchn *re = rd ? port_of(rd, e->remote_port) : NULL;

		/* The peer's end goes back to waiting for us. */
		if (re && re->state == ECS_INTERDOMAIN)
			*re = (struct evtchn){ .state = ECS_UNBOUND,
					       .vcpu = re->vcpu,
					       .remote_dom = d->domid };
	}
	/* As Xen: a rebound port does not start out pending. */
	port_ops(d)->clear_pending(d, port);
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
	if (!port_of(d, port))
		return -XEN_EINVAL;
	port_ops(d)->unmask(d, port);
	return 0;
}

static long set_priority(struct domain *d, struct evtchn_set_priority *sp)
{
	struct evtchn *e = port_of(d, sp->port);

	if (!e)
		return -XEN_EINVAL;
	/* As Xen: a free port, or an ABI without priorities: -ENOSYS. */
	if (e->state == ECS_FREE || !port_ops(d)->set_priority)
		return -XEN_ENOSYS;
	return port_ops(d)->set_priority(d, sp->port, sp->priority);
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
	for (uint32_t p = 1; d->evtchn && p < EVTCHN_2L_PORTS; p++)
		if (d->evtchn[p].state != ECS_FREE)
			close_port(d, p);
	evtchn_fifo_destroy(d);
}

/* EVTCHNOP_reset: every port closed, the domain back on 2-level. */
static long evtchn_reset(struct domain *d, const struct evtchn_reset *r)
{
	domid_t id = r->dom == DOMID_SELF ? d->domid : r->dom;
	struct domain *t = domain_lookup(id);

	if (!t)
		return -XEN_ESRCH;
	if (t != d && cap_check_domain(&d->cspace, id, CAP_RIGHT_CONTROL))
		return -XEN_EPERM;
	/* Xen resets another domain only while it is paused; Lamina has
	 * no pause yet, so the answer is Xen's for a running one. */
	if (t != d)
		return -XEN_EINVAL;
	evtchn_domain_destroy(d);
	return 0;
}

/* Argument sizes by command, so one copy-in/copy-out serves them all. */
/* As Xen 4.17: the vCPU is checked first; per-vCPU VIRQs and IPIs stay
 * on the vCPU they were bound to (a moved VIRQ_TIMER would wake no one). */
static long bind_vcpu(struct domain *d, struct evtchn_bind_vcpu *b)
{
	struct evtchn *e;

	if (b->vcpu >= MAX_VIRT_CPUS || !d->vcpu[b->vcpu])
		return -XEN_ENOENT;
	e = port_of(d, b->port);
	if (!e)
		return -XEN_EINVAL;
	switch (e->state) {
	case ECS_VIRQ:
		if (!virq_is_global(e->virq))
			return -XEN_EINVAL;
		break;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
	case ECS_PIRQ:
		break;
	default:
		return -XEN_EINVAL;
	}
	e->vcpu = b->vcpu;
	return 0;
}

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
	[EVTCHNOP_reset] = sizeof(struct evtchn_reset),
	[EVTCHNOP_init_control] = sizeof(struct evtchn_init_control),
	[EVTCHNOP_expand_array] = sizeof(struct evtchn_expand_array),
	[EVTCHNOP_set_priority] = sizeof(struct evtchn_set_priority),
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
		struct evtchn_reset reset;
		struct evtchn_init_control init_control;
		struct evtchn_expand_array expand_array;
		struct evtchn_set_priority set_priority;
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
	case EVTCHNOP_reset:
		return evtchn_reset(d, &op.reset);
	case EVTCHNOP_init_control:
		rc = evtchn_fifo_init_control(d, &op.init_control);
		break;
	case EVTCHNOP_expand_array:
		return evtchn_fifo_expand_array(d, op.expand_array.array_gfn);
	case EVTCHNOP_set_priority:
		return set_priority(d, &op.set_priority);
	case EVTCHNOP_bind_vcpu:
		return bind_vcpu(d, &op.bind_vcpu);
	default:
		return -XEN_ENOSYS;
	}
	if (rc)
		return rc;
	return copy_to_guest(arg, &op, op_size[cmd]);
}
