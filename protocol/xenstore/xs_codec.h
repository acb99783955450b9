/* SPDX-License-Identifier: MIT */
/*
 * Pure helpers for xenstore messages: decode and check headers, assemble
 * a message from a byte stream, split NUL-separated arguments, build
 * replies, and move bytes through the shared ring page.
 *
 * Freestanding: only <stdint.h>, <stddef.h>, <stdbool.h> and the
 * memcpy/memset/memcmp/strlen primitives; no allocation, no I/O.
 */
#ifndef LAMINA_PROTOCOL_XS_CODEC_H
#define LAMINA_PROTOCOL_XS_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_wire.h"

/* Errno name for an error reply; numbers Xen cannot name become EINVAL. */
const char *xs_error_name(int err);
/* Number for an error name of `len` bytes (NUL optional); -1 if unknown. */
int xs_error_number(const char *name, size_t len);
/* Human name of a message type ("READ"), "UNKNOWN" when out of range. */
const char *xs_type_name(uint32_t type);

void xs_header_decode(const void *buf, struct xs_msg_header *hdr);
void xs_header_encode(void *buf, const struct xs_msg_header *hdr);

/*
 * Incremental message assembly. Feed bytes as they arrive; a complete
 * message is reported once, then the reader starts over by itself on the
 * next feed. A header announcing more than XENSTORE_PAYLOAD_MAX is a
 * protocol violation: the connection cannot be resynchronised.
 */
enum xs_reader_status {
	XS_READER_MORE, /* need more bytes */
	XS_READER_MSG, /* hdr + payload hold one complete message */
	XS_READER_BAD, /* oversized: drop the connection */
};

struct xs_reader {
	struct xs_msg_header hdr;
	uint32_t have; /* bytes of header + payload received so far */
	bool done; /* last feed completed a message */
	uint8_t raw[XS_MSG_MAX]; /* header then payload, as received */
};

void xs_reader_init(struct xs_reader *r);
/* Bytes still missing for the current message (header or payload). */
size_t xs_reader_want(const struct xs_reader *r);
enum xs_reader_status xs_reader_feed(struct xs_reader *r, const void *data,
				     size_t n, size_t *used);
static inline const char *xs_reader_payload(const struct xs_reader *r)
{
	return (const char *)r->raw + XS_HEADER_SIZE;
}

/* Number of NUL bytes in p[0..len). */
unsigned int xs_count_strings(const char *p, size_t len);
/*
 * Collect the starts of the NUL-terminated strings in p[0..len) into
 * argv (at most max of them); bytes after the last NUL are ignored.
 * Returns how many terminated strings there are in total.
 */
unsigned int xs_split_args(const char *p, size_t len, const char **argv,
			   unsigned int max);
/* True when the payload is exactly one string with its NUL at the end. */
bool xs_single_arg(const char *p, size_t len);

/*
 * Write header + payload into out (cap bytes). Returns the message size,
 * or 0 if it does not fit or the payload exceeds XENSTORE_PAYLOAD_MAX.
 */
size_t xs_build_msg(void *out, size_t cap, uint32_t type, uint32_t req_id,
		    uint32_t tx_id, const void *payload, size_t len);
size_t xs_build_error(void *out, size_t cap, uint32_t req_id, uint32_t tx_id,
		      int err);
/* Join args, each with its NUL, into out; returns the length or 0. */
size_t xs_join_args(char *out, size_t cap, const char *const *args,
		    unsigned int n);

/*
 * Ring page helpers. cons and prod are snapshots the caller read once from
 * shared memory; they are hostile. Each returns the bytes copied, or -1
 * when the indices are impossible (more than a ring's worth between
 * them), in which case nothing was touched. The caller publishes the new
 * index (cons + n, prod + n) after a barrier.
 */
int xs_ring_read(const char *ring, XENSTORE_RING_IDX cons,
		 XENSTORE_RING_IDX prod, void *dst, size_t max);
int xs_ring_write(char *ring, XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod,
		  const void *src, size_t len);

#endif
