// SPDX-License-Identifier: MIT
/* xenstore message codec: see xs_codec.h. No libc beyond mem and strlen. */
#include <string.h>

#include "xs_codec.h"

static const struct {
	int num;
	const char *name;
} xs_errors[] = {
	/* EINVAL first: it is what an untranslatable error becomes. */
	{ XS_EINVAL, "EINVAL" },       { XS_EACCES, "EACCES" },
	{ XS_EEXIST, "EEXIST" },       { XS_EISDIR, "EISDIR" },
	{ XS_ENOENT, "ENOENT" },       { XS_ENOMEM, "ENOMEM" },
	{ XS_ENOSPC, "ENOSPC" },       { XS_EIO, "EIO" },
	{ XS_ENOTEMPTY, "ENOTEMPTY" }, { XS_ENOSYS, "ENOSYS" },
	{ XS_EROFS, "EROFS" },	       { XS_EBUSY, "EBUSY" },
	{ XS_EAGAIN, "EAGAIN" },       { XS_EISCONN, "EISCONN" },
	{ XS_E2BIG, "E2BIG" },	       { XS_EPERM, "EPERM" },
};

#define N_ERRORS (sizeof(xs_errors) / sizeof(xs_errors[0]))

static const char *const xs_type_names[XS_TYPE_COUNT] = {
	[XS_CONTROL] = "CONTROL",
	[XS_DIRECTORY] = "DIRECTORY",
	[XS_READ] = "READ",
	[XS_GET_PERMS] = "GET_PERMS",
	[XS_WATCH] = "WATCH",
	[XS_UNWATCH] = "UNWATCH",
	[XS_TRANSACTION_START] = "TRANSACTION_START",
	[XS_TRANSACTION_END] = "TRANSACTION_END",
	[XS_INTRODUCE] = "INTRODUCE",
	[XS_RELEASE] = "RELEASE",
	[XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
	[XS_WRITE] = "WRITE",
	[XS_MKDIR] = "MKDIR",
	[XS_RM] = "RM",
	[XS_SET_PERMS] = "SET_PERMS",
	[XS_WATCH_EVENT] = "WATCH_EVENT",
	[XS_ERROR] = "ERROR",
	[XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
	[XS_RESUME] = "RESUME",
	[XS_SET_TARGET] = "SET_TARGET",
	[XS_RESET_WATCHES] = "RESET_WATCHES",
	[XS_DIRECTORY_PART] = "DIRECTORY_PART",
};

const char *xs_error_name(int err)
{
	for (size_t i = 0; i < N_ERRORS; i++)
		if (xs_errors[i].num == err)
			return xs_errors[i].name;
	return xs_errors[0].name;
}

int xs_error_number(const char *name, size_t len)
{
	if (len && name[len - 1] == '\0')
		len--;
	for (size_t i = 0; i < N_ERRORS; i++) {
		const char *n = xs_errors[i].name;

		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return xs_errors[i].num;
	}
	return -1;
}

const char *xs_type_name(uint32_t type)
{
	if (type < XS_TYPE_COUNT && xs_type_names[type])
		return xs_type_names[type];
	return "UNKNOWN";
}

void xs_header_decode(const void *buf, struct xs_msg_header *hdr)
{
	memcpy(hdr, buf, sizeof(*hdr));
}

void xs_header_encode(void *buf, const struct xs_msg_header *hdr)
{
	memcpy(buf, hdr, sizeof(*hdr));
}

void xs_reader_init(struct xs_reader *r)
{
	memset(&r->hdr, 0, sizeof(r->hdr));
	r->have = 0;
	r->done = false;
}

size_t xs_reader_want(const struct xs_reader *r)
{
	if (r->done)
		return XS_HEADER_SIZE;
	if (r->have < XS_HEADER_SIZE)
		return XS_HEADER_SIZE - r->have;
	return XS_HEADER_SIZE + r->hdr.len - r->have;
}

enum xs_reader_status xs_reader_feed(struct xs_reader *r, const void *data,
				     size_t n, size_t *used)
{
	const uint8_t *src = data;
	size_t take;

	*used = 0;
	if (r->done)
		xs_reader_init(r);
	while (n) {
		take = xs_reader_want(r);
		if (take > n)
			take = n;
		memcpy(r->raw + r->have, src, take);
		r->have += take;
		src += take;
		n -= take;
		*used += take;
		if (r->have == XS_HEADER_SIZE) {
			xs_header_decode(r->raw, &r->hdr);
			if (r->hdr.len > XENSTORE_PAYLOAD_MAX)
				return XS_READER_BAD;
		}
		if (r->have >= XS_HEADER_SIZE &&
		    r->have == XS_HEADER_SIZE + r->hdr.len) {
			r->done = true;
			return XS_READER_MSG;
		}
	}
	return XS_READER_MORE;
}

unsigned int xs_count_strings(const char *p, size_t len)
{
	unsigned int n = 0;

	for (size_t i = 0; i < len; i++)
		if (p[i] == '\0')
			n++;
	return n;
}

unsigned int xs_split_args(const char *p, size_t len, const char **argv,
			   unsigned int max)
{
	unsigned int n = 0;
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] != '\0')
			continue;
		if (n < max)
			argv[n] = p + start;
		n++;
		start = i + 1;
	}
	return n;
}

bool xs_single_arg(const char *p, size_t len)
{
	return len > 0 && p[len - 1] == '\0' && xs_count_strings(p, len) == 1;
}

size_t xs_build_msg(void *out, size_t cap, uint32_t type, uint32_t req_id,
		    uint32_t tx_id, const void *payload, size_t len)
{
	struct xs_msg_header hdr = { type, req_id, tx_id, (uint32_t)len };

	if (len > XENSTORE_PAYLOAD_MAX || cap < XS_HEADER_SIZE + len)
		return 0;
	xs_header_encode(out, &hdr);
	if (len)
		memcpy((uint8_t *)out + XS_HEADER_SIZE, payload, len);
	return XS_HEADER_SIZE + len;
}

size_t xs_build_error(void *out, size_t cap, uint32_t req_id, uint32_t tx_id,
		      int err)
{
	const char *name = xs_error_name(err);

	return xs_build_msg(out, cap, XS_ERROR, req_id, tx_id, name,
			    strlen(name) + 1);
}

size_t xs_join_args(char *out, size_t cap, const char *const *args,
		    unsigned int n)
{
	size_t len = 0, l;

	for (unsigned int i = 0; i < n; i++) {
		l = strlen(args[i]) + 1;
		if (cap - len < l)
			return 0;
		memcpy(out + len, args[i], l);
		len += l;
	}
	return len;
}

/* Copy n bytes between buf and the ring starting at idx, wrapping. */
static void ring_copy(char *ring, XENSTORE_RING_IDX idx, char *buf, uint32_t n,
		      bool to_ring)
{
	uint32_t off, chunk, done = 0;

	while (done < n) {
		off = XS_RING_MASK(idx + done);
		chunk = XENSTORE_RING_SIZE - off;
		if (chunk > n - done)
			chunk = n - done;
		if (to_ring)
			memcpy(ring + off, buf + done, chunk);
		else
			memcpy(buf + done, ring + off, chunk);
		done += chunk;
	}
}

int xs_ring_read(const char *ring, XENSTORE_RING_IDX cons,
		 XENSTORE_RING_IDX prod, void *dst, size_t max)
{
	uint32_t avail = prod - cons;

	if (avail > XENSTORE_RING_SIZE)
		return -1;
	if (max < avail)
		avail = (uint32_t)max;
	ring_copy((char *)ring, cons, dst, avail, false);
	return (int)avail;
}

int xs_ring_write(char *ring, XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod,
		  const void *src, size_t len)
{
	uint32_t used = prod - cons, space;

	if (used > XENSTORE_RING_SIZE)
		return -1;
	space = XENSTORE_RING_SIZE - used;
	if (len < space)
		space = (uint32_t)len;
	ring_copy(ring, prod, (char *)src, space, true);
	return (int)space;
}
