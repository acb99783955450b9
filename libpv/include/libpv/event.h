/* SPDX-License-Identifier: MIT */
/*
 * Event channels (2-level ABI) and the upcall. libpv registers the event
 * and failsafe callbacks; a guest binds ports and gets a handler called
 * from the upcall with events masked.
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
/* Upcalls taken so far. */
extern volatile unsigned long upcall_count;

#endif
