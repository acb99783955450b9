/* SPDX-License-Identifier: MIT */
/* Transport entry points used by the event loop. */
#ifndef LAMSTORED_TRANSPORT_H
#define LAMSTORED_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

int unix_listen(const char *path);
/* Accept one client; false when out of descriptors (stop listening). */
bool unix_accept(int listen_fd);

/* Xen device access (xen_dev.c); every call fails cleanly on a host. */
int xendev_evtchn_open(void);
int xendev_evtchn_fd(void);
int xendev_bind(uint32_t domid, uint32_t remote_port, uint32_t *local);
void xendev_unbind(uint32_t local_port);
void xendev_notify(uint32_t local_port);
/* Pending local ports: up to max, returns the count (0 if none). */
int xendev_pending(uint32_t *ports, int max);
void xendev_unmask(uint32_t local_port);
void *xendev_map_ring(uint32_t domid, uint64_t *handle, int *err);
void xendev_unmap_ring(void *page, uint64_t handle);
/* The control domain's own kernel (xenbus_backend): page and port. */
void *xendev_map_local(uint32_t *port, int *err);

#endif
