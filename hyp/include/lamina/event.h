/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_EVENT_H
#define LAMINA_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <lamina/domain.h>

/* Ports of the 2-level ABI: 64 selector bits x 64 bits per word. */
#define EVTCHN_2L_PORTS 4096

enum evtchn_state {
	ECS_FREE,
	ECS_UNBOUND,
	ECS_INTERDOMAIN,
	ECS_VIRQ,
	ECS_IPI,
	ECS_PIRQ, /* virq holds the pirq */
};

struct evtchn {
	uint8_t state;
	uint8_t vcpu;
	uint16_t remote_dom; /* UNBOUND: who may bind; INTERDOMAIN: peer */
	uint32_t remote_port; /* INTERDOMAIN */
	uint32_t virq; /* VIRQ */
};

/*
 * What a port's ABI (2-level bitmaps in shared_info, or the FIFO event
 * array) does with it; event_channel.c calls these for the domain's ABI.
 */
struct evtchn_port_ops {
	/* A newly allocated port (FIFO: default priority). */
	void (*init)(struct domain *d, uint32_t port);
	/* Raise port for the vCPU it is bound to; upcall unless masked. */
	void (*set_pending)(struct domain *d, uint32_t port);
	void (*clear_pending)(struct domain *d, uint32_t port);
	/* EVTCHNOP_unmask: a pending port is delivered now. */
	void (*unmask)(struct domain *d, uint32_t port);
	bool (*is_pending)(const struct domain *d, uint32_t port);
	bool (*is_masked)(const struct domain *d, uint32_t port);
	/* Still on a guest queue: not reused by a new binding (FIFO). */
	bool (*is_busy)(const struct domain *d, uint32_t port);
	/* EVTCHNOP_set_priority: 0 or -XEN_E*; NULL where not supported. */
	long (*set_priority)(struct domain *d, uint32_t port,
			     uint32_t priority);
};

extern const struct evtchn_port_ops evtchn_2l_ops, evtchn_fifo_ops;

/* Shared by both ABIs: wake pollers, raise a vCPU's upcall. */
void evtchn_wake_pollers(struct domain *d);
void evtchn_raise_upcall(struct vcpu *v);

bool evtchn_port_is_pending(const struct domain *d, uint32_t port);
bool evtchn_port_is_masked(const struct domain *d, uint32_t port);

/* FIFO ABI (event_fifo.c): the hypercalls and the domain's end. */
struct evtchn_init_control;
long evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *c);
long evtchn_fifo_expand_array(struct domain *d, uint64_t array_gfn);
/* Back to 2-level: the control blocks and array pages are released. */
void evtchn_fifo_destroy(struct domain *d);

void evtchn_send_virq(struct vcpu *v, unsigned int virq);
/* The hypervisor notifies one of d's own ports (a console ring's). */
void evtchn_notify_port(struct domain *d, uint32_t port);
/* Every port closed, FIFO state released (a dying domain). */
void evtchn_domain_destroy(struct domain *d);
/* A port of d waiting for remote to bind (builder: console, store). */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote);

#endif
