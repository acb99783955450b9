/* SPDX-License-Identifier: MIT */
/*
 * EVTCHNOP_*: event channels, and the FIFO ABI's shared layout.
 * HYPERVISOR_event_channel_op(cmd, arg).
 */
#ifndef LAMINA_XEN_EVENT_CHANNEL_H
#define LAMINA_XEN_EVENT_CHANNEL_H

#include <xen/xen.h>

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13

typedef uint32_t evtchn_port_t;

/* Make a port that remote_dom may later bind to. */
struct evtchn_alloc_unbound {
	domid_t dom; /* IN: domain that gets the port (DOMID_SELF) */
	domid_t remote_dom; /* IN: domain allowed to connect */
	evtchn_port_t port; /* OUT: the new port */
};

/* Connect to a remote domain's unbound port. */
struct evtchn_bind_interdomain {
	domid_t remote_dom; /* IN: peer domain */
	evtchn_port_t remote_port; /* IN: peer's unbound port */
	evtchn_port_t local_port; /* OUT: our new port */
};

struct evtchn_bind_virq {
	uint32_t virq; /* IN: VIRQ_* */
	uint32_t vcpu; /* IN: vCPU to deliver to */
	evtchn_port_t port; /* OUT: the new port */
};

#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_bind_pirq {
	uint32_t pirq; /* IN: physical IRQ as the domain numbers it */
	uint32_t flags; /* IN: BIND_PIRQ__* */
	evtchn_port_t port; /* OUT: the new port */
};

struct evtchn_bind_ipi {
	uint32_t vcpu; /* IN: vCPU to deliver to */
	evtchn_port_t port; /* OUT: the new port */
};

struct evtchn_close {
	evtchn_port_t port; /* IN: port to close */
};

struct evtchn_send {
	evtchn_port_t port; /* IN: local port whose peer is signalled */
};

#define EVTCHNSTAT_closed 0 /* not in use */
#define EVTCHNSTAT_unbound 1 /* waiting for a peer */
#define EVTCHNSTAT_interdomain 2 /* connected to a peer */
#define EVTCHNSTAT_pirq 3 /* bound to a physical IRQ */
#define EVTCHNSTAT_virq 4 /* bound to a virtual IRQ */
#define EVTCHNSTAT_ipi 5 /* bound to an IPI */

struct evtchn_status {
	domid_t dom; /* IN: domain owning the port */
	evtchn_port_t port; /* IN: port to query */
	uint32_t status; /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu; /* OUT: vCPU the port notifies */
	union {
		struct {
			domid_t dom; /* OUT: who may connect */
		} unbound;
		struct {
			domid_t dom; /* OUT: peer domain */
			evtchn_port_t port; /* OUT: peer port */
		} interdomain;
		uint32_t pirq; /* OUT: bound physical IRQ */
		uint32_t virq; /* OUT: bound virtual IRQ */
	} u;
};

struct evtchn_bind_vcpu {
	evtchn_port_t port; /* IN: port to move */
	uint32_t vcpu; /* IN: new target vCPU */
};

struct evtchn_unmask {
	evtchn_port_t port; /* IN: port to unmask (redelivers if pending) */
};

struct evtchn_reset {
	domid_t dom; /* IN: domain whose ports are all closed */
};

/* Switch to the FIFO ABI: register one vCPU's control block. */
struct evtchn_init_control {
	uint64_t control_gfn; /* IN: frame holding the control block */
	uint32_t offset; /* IN: byte offset of the block in that frame */
	uint32_t vcpu; /* IN: vCPU the block belongs to */
	uint8_t link_bits; /* OUT: width of the LINK field */
	uint8_t _pad[7]; /* zero */
};

struct evtchn_expand_array {
	uint64_t array_gfn; /* IN: frame to add to the event array */
};

struct evtchn_set_priority {
	evtchn_port_t port; /* IN: port */
	uint32_t priority; /* IN: 0 (highest) .. 15 */
};

/* The old single-argument form (event_channel_op_compat). */
struct evtchn_op {
	uint32_t cmd; /* IN: EVTCHNOP_* */
	union {
		struct evtchn_alloc_unbound alloc_unbound;
		struct evtchn_bind_interdomain bind_interdomain;
		struct evtchn_bind_virq bind_virq;
		struct evtchn_bind_pirq bind_pirq;
		struct evtchn_bind_ipi bind_ipi;
		struct evtchn_close close;
		struct evtchn_send send;
		struct evtchn_status status;
		struct evtchn_bind_vcpu bind_vcpu;
		struct evtchn_unmask unmask;
	} u;
};

/* Ports the 2-level ABI can name: 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* FIFO ABI. */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)

typedef uint32_t event_word_t; /* one port's word in the event array */

#define EVTCHN_FIFO_PENDING 31 /* bit: event is pending */
#define EVTCHN_FIFO_MASKED 30 /* bit: event is masked */
#define EVTCHN_FIFO_LINKED 29 /* bit: event is on a queue */
#define EVTCHN_FIFO_BUSY 28 /* bit: hypervisor is unlinking it */
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

struct evtchn_fifo_control_block {
	uint32_t ready; /* OUT: bit per queue with events */
	uint32_t _rsvd; /* zero */
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES]; /* IN/OUT: first port per queue */
};

_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "bind_interdom");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control");
_Static_assert(sizeof(struct evtchn_op) == 28, "evtchn_op");
_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72, "fifo_cb");

#endif
