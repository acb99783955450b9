/* SPDX-License-Identifier: MIT */
/*
 * Event channels and the upcall. libpv registers the event and failsafe
 * callbacks; a guest binds ports and gets a handler called from the
 * upcall with events masked. The 2-level ABI until evtchn_fifo_init
 * switches to FIFO queues; mask, unmask and clear follow the ABI in use.
 */
#ifndef LIBPV_EVENT_H
#define LIBPV_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/event_channel.h>

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *data);

void events_init(void);
long evtchn_bind_virq(unsigned int virq, unsigned int vcpu,
		      evtchn_port_t *port);
long evtchn_bind_ipi(unsigned int vcpu, evtchn_port_t *port);
void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *data);
void evtchn_unmask(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
void evtchn_clear(evtchn_port_t port);
long evtchn_notify(evtchn_port_t port);

/* vCPU 0's upcall mask: disable returns the previous value. */
uint8_t events_disable(void);
void events_restore(uint8_t mask);
/*
 * Move vCPU 0's vcpu_info to `where` (in a writable page of the initial
 * mapping) with VCPUOP_register_vcpu_info; libpv follows it. Events must
 * be masked (events_disable) across the call.
 */
long vcpu_info_register(struct vcpu_info *where);
/*
 * FIFO ABI (vCPU 0). evtchn_fifo_init registers a control block at
 * `offset` in the page `control` (EVTCHNOP_init_control) and, on success,
 * makes the upcall consume the FIFO queues; evtchn_fifo_expand adds the
 * page `array` (filled by the caller) to the event array. Both return the
 * hypercall's result. evtchn_reset (EVTCHNOP_reset of the domain itself)
 * closes every port and goes back to the 2-level ABI.
 */
extern bool evtchn_fifo_on;
long evtchn_fifo_init(void *control, unsigned int offset,
		      unsigned int *link_bits);
long evtchn_fifo_expand(void *array);
struct evtchn_fifo_control_block *evtchn_fifo_control(void);
/* The port's event word, NULL beyond the pages added so far. */
event_word_t *evtchn_fifo_word(evtchn_port_t port);
void evtchn_fifo_word_clear(evtchn_port_t port, uint32_t bits);
long evtchn_set_priority(evtchn_port_t port, uint32_t priority);
long evtchn_reset(void);
/* Forget the queues' state (after the guest rewrote them itself). */
void evtchn_fifo_forget(void);
/* For event.c and event_fifo.c: one upcall's worth of queued events. */
void evtchn_fifo_consume(void);
void evtchn_call_handler(evtchn_port_t port);

/* Upcalls taken so far. */
extern volatile unsigned long upcall_count;

#endif
