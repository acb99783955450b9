/* SPDX-License-Identifier: MIT */
/*
 * The xenstore wire format, as the Xen public ABI documents it
 * (docs/misc/xenstore.txt, io/xs_wire.h). Written for Lamina; shared by
 * lamstored and by guest-side xenbus clients, so it needs no libc.
 *
 * A message is a 16-byte header followed by `len` payload bytes. Every
 * field is a 32-bit integer in the byte order of the machine (x86-64:
 * little endian). Arguments inside the payload are NUL-terminated strings;
 * WRITE's last argument is raw data with no terminator.
 */
#ifndef LAMINA_PROTOCOL_XS_WIRE_H
#define LAMINA_PROTOCOL_XS_WIRE_H

#include <stdint.h>

/* Message types. The numbers are ABI: never renumber. */
enum xs_msg_type {
	XS_CONTROL = 0, /* toolstack commands to the daemon (was DEBUG) */
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15, /* daemon -> client only */
	XS_ERROR = 16, /* daemon -> client only */
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was RESTRICT; retired and never to be reused. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_TYPE_COUNT = 23, /* first number not defined above */
	XS_INVALID = 0xffff, /* promised never to become a valid type */
};

struct xs_msg_header {
	uint32_t type; /* enum xs_msg_type */
	uint32_t req_id; /* IN: chosen by the client; OUT: echoed */
	uint32_t tx_id; /* transaction id, 0 outside transactions */
	uint32_t len; /* payload bytes after this header */
};

#define XS_HEADER_SIZE 16u
#define XENSTORE_PAYLOAD_MAX 4096u
#define XS_MSG_MAX (XS_HEADER_SIZE + XENSTORE_PAYLOAD_MAX)

/* Path limits: absolute, and relative to /local/domain/<id>/. */
#define XENSTORE_ABS_PATH_MAX 3072u
#define XENSTORE_REL_PATH_MAX 2048u

/* WATCH_EVENT payload: path NUL token NUL. */
enum { XS_WATCH_PATH = 0, XS_WATCH_TOKEN = 1 };

/*
 * Error replies: type XS_ERROR, payload the errno *name* with its NUL
 * ("ENOENT\0"). The numbers are Xen's public errno values, which equal
 * Linux's for all of these.
 */
#define XS_EPERM 1
#define XS_ENOENT 2
#define XS_EIO 5
#define XS_E2BIG 7
#define XS_EAGAIN 11
#define XS_ENOMEM 12
#define XS_EACCES 13
#define XS_EBUSY 16
#define XS_EEXIST 17
#define XS_EISDIR 21
#define XS_EINVAL 22
#define XS_ENOSPC 28
#define XS_EROFS 30
#define XS_ENOSYS 38
#define XS_ENOTEMPTY 39
#define XS_EISCONN 106

/* Node permission letters: n (none), r, w, b (both). */
#define XS_PERM_NONE 0u
#define XS_PERM_READ 1u
#define XS_PERM_WRITE 2u
#define XS_PERM_OWNER 8u /* internal: never on the wire */

/*
 * The shared page between a domain and the daemon (one 4 KiB page,
 * granted at reference 1 or given as a frame number in INTRODUCE).
 * req: guest produces, daemon consumes. rsp: the other way round.
 * Indices are free-running; a byte lives at idx & (RING_SIZE - 1).
 */
#define XENSTORE_RING_SIZE 1024u
typedef uint32_t XENSTORE_RING_IDX;
#define XS_RING_MASK(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE]; /* requests to the daemon */
	char rsp[XENSTORE_RING_SIZE]; /* replies and watch events */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features; /* OUT: XENSTORE_SERVER_FEATURE_* */
	uint32_t connection; /* XENSTORE_CONNECTED / _RECONNECT */
	uint32_t error; /* OUT: XENSTORE_ERROR_* when the daemon gave up */
};

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1u
#define XENSTORE_SERVER_FEATURE_ERROR 2u

#define XENSTORE_CONNECTED 0u
#define XENSTORE_RECONNECT 1u

#define XENSTORE_ERROR_NONE 0u
#define XENSTORE_ERROR_COMM 1u
#define XENSTORE_ERROR_RINGIDX 2u
#define XENSTORE_ERROR_PROTO 3u

_Static_assert(sizeof(struct xs_msg_header) == XS_HEADER_SIZE,
	       "xenstore header is 16 bytes");
_Static_assert(sizeof(struct xenstore_domain_interface) == 2048 + 7 * 4,
	       "xenstore interface layout");

#endif
