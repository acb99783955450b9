/* SPDX-License-Identifier: MIT */
/*
 * SCHEDOP_*: yield, block, poll and shut down. HYPERVISOR_sched_op(cmd, arg).
 */
#ifndef LAMINA_XEN_SCHED_H
#define LAMINA_XEN_SCHED_H

#include <xen/event_channel.h>

#define SCHEDOP_yield 0 /* arg: none; give up the CPU */
#define SCHEDOP_block 1 /* arg: none; sleep until an event, unmasking */
#define SCHEDOP_shutdown 2 /* arg: struct sched_shutdown */
#define SCHEDOP_poll 3 /* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown 4 /* arg: struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code 5 /* arg: struct sched_shutdown; record only */
#define SCHEDOP_watchdog 6 /* arg: struct sched_watchdog */
#define SCHEDOP_pin_override 7 /* arg: struct sched_pin_override */

struct sched_shutdown {
	uint32_t reason; /* IN: SHUTDOWN_* */
};

struct sched_poll {
	XEN_GUEST_HANDLE(evtchn_port_t) ports; /* IN: ports to wait on */
	uint32_t nr_ports; /* IN: entries in ports */
	uint64_t timeout; /* IN: absolute system time, 0 = none */
};

struct sched_remote_shutdown {
	domid_t domain_id; /* IN: domain to shut down */
	uint32_t reason; /* IN: SHUTDOWN_* */
};

struct sched_watchdog {
	uint32_t id; /* IN: 0 = new watchdog; OUT: its id */
	uint32_t timeout; /* IN: seconds, 0 = destroy */
};

struct sched_pin_override {
	int32_t pcpu; /* IN: physical CPU, -1 = undo */
};

#define SHUTDOWN_poweroff 0 /* halted; clean up */
#define SHUTDOWN_reboot 1 /* clean up and restart */
#define SHUTDOWN_suspend 2 /* state saved for resume */
#define SHUTDOWN_crash 3 /* guest crashed */
#define SHUTDOWN_watchdog 4 /* watchdog expired */
#define SHUTDOWN_soft_reset 5 /* reset in place (kexec) */
#define SHUTDOWN_MAX 5

_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");
_Static_assert(sizeof(struct sched_remote_shutdown) == 8, "remote_shutdown");

#endif
