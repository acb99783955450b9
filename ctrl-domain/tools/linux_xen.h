/* SPDX-License-Identifier: MIT */
/*
 * The ioctl ABI of Linux's Xen devices (/dev/xen/evtchn, gntdev,
 * gntalloc, privcmd), written out from the layouts the Linux UAPI
 * documents so that the musl build needs no kernel headers. Every request
 * is _IOC(_IOC_NONE, type, nr, size): the size is part of the number, the
 * direction bits are not used.
 */
#ifndef LAMINA_LINUX_XEN_H
#define LAMINA_LINUX_XEN_H

#include <stdint.h>
#include <sys/ioctl.h>

/* /dev/xen/evtchn: ioctls return the local port; read() yields pending
 * ports (uint32_t each, masked until written back with write()). */
struct lx_evtchn_bind_interdomain {
	uint32_t remote_domain;
	uint32_t remote_port;
};
struct lx_evtchn_bind_unbound_port {
	uint32_t remote_domain;
};
struct lx_evtchn_port {
	uint32_t port;
};
#define LX_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct lx_evtchn_bind_interdomain))
#define LX_EVTCHN_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct lx_evtchn_bind_unbound_port))
#define LX_EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct lx_evtchn_port))
#define LX_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct lx_evtchn_port))

/* /dev/xen/gntdev: map other domains' grants; index is the mmap offset. */
struct lx_gntdev_grant_ref {
	uint32_t domid;
	uint32_t ref;
};
struct lx_gntdev_map_grant_ref {
	uint32_t count; /* IN */
	uint32_t pad;
	uint64_t index; /* OUT */
	struct lx_gntdev_grant_ref refs[1];
};
struct lx_gntdev_unmap_grant_ref {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};
#define LX_GNTDEV_MAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct lx_gntdev_map_grant_ref))
#define LX_GNTDEV_UNMAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 1, sizeof(struct lx_gntdev_unmap_grant_ref))

/* /dev/xen/gntalloc: share pages of this domain by grant. */
struct lx_gntalloc_alloc_gref {
	uint16_t domid; /* IN: the grantee */
	uint16_t flags; /* IN: LX_GNTALLOC_WRITABLE */
	uint32_t count; /* IN */
	uint64_t index; /* OUT: mmap offset */
	uint32_t gref_ids[1]; /* OUT */
};
struct lx_gntalloc_dealloc_gref {
	uint64_t index;
	uint32_t count;
};
#define LX_GNTALLOC_WRITABLE 1
#define LX_GNTALLOC_ALLOC_GREF \
	_IOC(_IOC_NONE, 'G', 5, sizeof(struct lx_gntalloc_alloc_gref))
#define LX_GNTALLOC_DEALLOC_GREF \
	_IOC(_IOC_NONE, 'G', 6, sizeof(struct lx_gntalloc_dealloc_gref))

/* /dev/xen/privcmd: a raw hypercall; the ioctl returns its result. */
struct lx_privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define LX_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct lx_privcmd_hypercall))

/* Xen hypercall and sub-op numbers the tests use. */
#define LX_HYPERVISOR_xen_version 17
#define LX_XENVER_version 0
#define LX_XENVER_extraversion 1

#endif
