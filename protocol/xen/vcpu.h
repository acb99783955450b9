/* SPDX-License-Identifier: MIT */
/*
 * VCPUOP_*: bring vCPUs up and down, per-vCPU timers, and registration of
 * guest memory the hypervisor keeps updated (runstate, vcpu_info, time).
 * HYPERVISOR_vcpu_op(cmd, vcpuid, arg).
 */
#ifndef LAMINA_XEN_VCPU_H
#define LAMINA_XEN_VCPU_H

#include <xen/xen.h>

#define VCPUOP_initialise 0 /* arg: struct vcpu_guest_context */
#define VCPUOP_up 1 /* arg: none */
#define VCPUOP_down 2 /* arg: none */
#define VCPUOP_is_up 3 /* arg: none; returns 1 or 0 */
#define VCPUOP_get_runstate_info 4 /* arg: struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area 5 /* arg: struct below */
#define VCPUOP_set_periodic_timer 6 /* arg: vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer 7 /* arg: none */
#define VCPUOP_set_singleshot_timer 8 /* arg: vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9 /* arg: none */
#define VCPUOP_register_vcpu_info 10 /* arg: vcpu_register_vcpu_info */
#define VCPUOP_send_nmi 11 /* arg: none */
#define VCPUOP_get_physid 12 /* arg: vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area 13 /* arg: struct below */

/* Where a vCPU has spent its time. */
struct vcpu_runstate_info {
	int32_t state; /* OUT: RUNSTATE_* now */
	uint64_t state_entry_time; /* OUT: system time the state began */
	uint64_t time[4]; /* OUT: ns spent in each RUNSTATE_* */
};

/* Set in state_entry_time while the hypervisor updates the area. */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

#define RUNSTATE_running 0 /* on a physical CPU */
#define RUNSTATE_runnable 1 /* ready, waiting for a CPU */
#define RUNSTATE_blocked 2 /* waiting for an event */
#define RUNSTATE_offline 3 /* down or paused */

struct vcpu_register_runstate_memory_area {
	union {
		XEN_GUEST_HANDLE(struct vcpu_runstate_info) h;
		uint64_t p; /* IN: guest virtual address of the area */
	} addr;
};

struct vcpu_set_periodic_timer {
	uint64_t period_ns; /* IN: period of VIRQ_TIMER ticks */
};

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns; /* IN: absolute system time to fire at */
	uint32_t flags; /* IN: VCPU_SSHOTTMR_* */
};

/*
 * Meant to fail with -ETIME if the timeout is already in the past; Xen
 * 4.17.7 (as Debian ships it) ignores the flag and the timer fires at once.
 */
#define VCPU_SSHOTTMR_future (1U << 0)

struct vcpu_register_vcpu_info {
	uint64_t mfn; /* IN: frame that will hold this vCPU's vcpu_info */
	uint32_t offset; /* IN: byte offset in that frame */
	uint32_t rsvd; /* IN: zero */
};

struct vcpu_get_physid {
	uint64_t phys_id; /* OUT: APIC id (low 32) and ACPI id (high 32) */
};

#define xen_vcpu_physid_to_x86_apicid(id) ((uint32_t)(id))
#define xen_vcpu_physid_to_x86_acpiid(id) ((uint32_t)((id) >> 32))

struct vcpu_register_time_memory_area {
	union {
		XEN_GUEST_HANDLE(struct vcpu_time_info) h;
		uint64_t p; /* IN: guest virtual address of a vcpu_time_info */
	} addr;
};

_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "runstate_info");
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "sshot");
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_info reg");

#endif
