/* SPDX-License-Identifier: MIT */
/* Drive lamstored's core through an in-memory connection. */
#ifndef XS_UNIT_HARNESS_H
#define XS_UNIT_HARNESS_H

#include "../../../ctrl-domain/lamstored/lamstored.h"

struct msg {
	struct xs_msg_header hdr;
	char body[XENSTORE_PAYLOAD_MAX + 1]; /* NUL added after len bytes */
};

/* Fresh daemon state (test mode on), with nothing connected. */
void fresh(void);
/* A dom0-style local client; become() turns it into domain `domid`. */
struct conn *client(void);
void become(struct conn *c, uint32_t domid);
/* A client acting as domain `id`, which owns its home (made by dom0). */
struct conn *guest(uint32_t id);
/* CONTROL quota set <name> <val> from a dom0 client: its result. */
const char *set_quota(const char *name, const char *val);
/* Send one request; returns the reply (skipping and keeping events). */
struct msg *req(struct conn *c, uint32_t type, uint32_t tx, const void *p,
		size_t len);
/* Same, for NUL-separated string arguments (count given). */
struct msg *reqv(struct conn *c, uint32_t type, uint32_t tx, int n, ...);
/* The reply's error name, or NULL if it is not an error. */
const char *err_of(const struct msg *m);
/* Watch events received by c and not yet taken, oldest first. */
int events_pending(struct conn *c);
struct msg *next_event(struct conn *c);
/* Short forms. */
const char *xs_read(struct conn *c, uint32_t tx, const char *path);
const char *xs_write(struct conn *c, uint32_t tx, const char *path,
		     const char *val);
const char *xs_result(struct msg *m); /* error name or "OK"/payload */

#endif
