/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_EVENT_H
#define LAMINA_EVENT_H

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

void evtchn_send_virq(struct vcpu *v, unsigned int virq);
/* The hypervisor notifies one of d's own ports (a console ring's). */
void evtchn_notify_port(struct domain *d, uint32_t port);
void evtchn_domain_destroy(struct domain *d);
/* A port of d waiting for remote to bind (builder: console, store). */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote);

#endif
