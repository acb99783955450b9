/* SPDX-License-Identifier: MIT */
/*
 * XEN_DOMCTL_*: domain management for the control domain's tools.
 * HYPERVISOR_domctl(struct xen_domctl *). Interface version 0x15 is the
 * one Xen 4.17 speaks; a caller with another version gets -EACCES.
 *
 * Only the commands Lamina handles are spelled out; the rest of the
 * 128-byte argument area is reachable through xen_domctl.u.pad.
 */
#ifndef LAMINA_XEN_DOMCTL_H
#define LAMINA_XEN_DOMCTL_H

#include <xen/xen.h>

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

#define XEN_DOMCTL_setvcpuaffinity 9
#define XEN_DOMCTL_scheduler_op 16
#define XEN_DOMCTL_getvcpuaffinity 25

/* A bitmap of CPUs in guest memory: bit n is byte n / 8, bit n % 8. */
struct xenctl_bitmap {
	XEN_GUEST_HANDLE(uint8_t) bitmap; /* IN: the guest's bytes */
	uint32_t nr_bits; /* IN: how many bits the guest's buffer holds */
};

/* XEN_DOMCTL_{set,get}vcpuaffinity */
#define XEN_VCPUAFFINITY_HARD (1u << 0) /* the CPUs it may run on */
#define XEN_VCPUAFFINITY_SOFT (1u << 1) /* the CPUs it prefers */
#define XEN_VCPUAFFINITY_FORCE (1u << 2) /* undo SCHEDOP_pin_override */
struct xen_domctl_vcpuaffinity {
	uint32_t vcpu; /* IN */
	uint32_t flags; /* IN: XEN_VCPUAFFINITY_* */
	/* set: IN the wanted map, OUT the effective one; get: OUT. */
	struct xenctl_bitmap cpumap_hard;
	struct xenctl_bitmap cpumap_soft;
};

/* XEN_DOMCTL_scheduler_op */
#define XEN_SCHEDULER_CREDIT 5
#define XEN_SCHEDULER_CREDIT2 6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS 8
#define XEN_SCHEDULER_NULL 9

#define XEN_DOMCTL_SCHEDOP_putinfo 0 /* set the domain's parameters */
#define XEN_DOMCTL_SCHEDOP_getinfo 1 /* read them */
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2 /* per vCPU: not for credit */
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3

struct xen_domctl_sched_credit {
	uint16_t weight; /* relative share; putinfo: 0 = leave unchanged */
	uint16_t cap; /* % of one CPU, 0 = none; putinfo: 0xffff = unchanged */
};

struct xen_domctl_scheduler_op {
	uint32_t sched_id; /* IN: XEN_SCHEDULER_*, must be the running one */
	uint32_t cmd; /* IN: XEN_DOMCTL_SCHEDOP_* */
	union {
		struct xen_domctl_sched_credit credit; /* IN/OUT */
		uint8_t pad[16]; /* the other schedulers' parameters */
	} u;
};

struct xen_domctl {
	uint32_t cmd; /* IN: XEN_DOMCTL_* */
	uint32_t interface_version; /* IN: XEN_DOMCTL_INTERFACE_VERSION */
	domid_t domain; /* IN: the target domain */
	uint16_t _pad[3];
	union {
		struct xen_domctl_vcpuaffinity vcpuaffinity;
		struct xen_domctl_scheduler_op scheduler_op;
		uint8_t pad[128];
	} u;
};

_Static_assert(sizeof(struct xen_domctl) == 144, "domctl is 16 + 128 bytes");

#endif
