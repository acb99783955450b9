// SPDX-License-Identifier: MIT
/* The wire codec and ring helpers, with no daemon behind them. */
#define TEST_MAIN
#include "../test.h"

#include "../../../protocol/xenstore/xs_codec.h"

TEST(codec_error_names)
{
	CHECK_STR(xs_error_name(XS_ENOENT), "ENOENT");
	CHECK_STR(xs_error_name(XS_EAGAIN), "EAGAIN");
	CHECK_STR(xs_error_name(XS_EPERM), "EPERM");
	/* Xen sends EINVAL for anything its table cannot name. */
	CHECK_STR(xs_error_name(9999), "EINVAL");
	CHECK_EQ(xs_error_number("E2BIG", 6), 7);
	CHECK_EQ(xs_error_number("EISCONN", 7), 106);
	CHECK_EQ(xs_error_number("ENOPE", 5), -1);
}

TEST(codec_type_numbers_are_abi)
{
	CHECK_EQ(XS_WATCH_EVENT, 15);
	CHECK_EQ(XS_ERROR, 16);
	CHECK_EQ(XS_RESET_WATCHES, 21);
	CHECK_EQ(XS_DIRECTORY_PART, 22);
	CHECK_STR(xs_type_name(XS_TRANSACTION_END), "TRANSACTION_END");
	CHECK_STR(xs_type_name(20), "UNKNOWN");
	CHECK_STR(xs_type_name(0xffffffffu), "UNKNOWN");
}

TEST(codec_build_and_reassemble_byte_by_byte)
{
	uint8_t buf[64];
	struct xs_reader r;
	size_t n, used, total = 0;
	enum xs_reader_status st = XS_READER_MORE;

	n = xs_build_msg(buf, sizeof(buf), XS_READ, 7, 3, "/a\0", 3);
	CHECK_EQ(n, 19);
	/* Little-endian 32-bit fields, in order type, req_id, tx_id, len. */
	CHECK_EQ(buf[0], XS_READ);
	CHECK_EQ(buf[4], 7);
	CHECK_EQ(buf[8], 3);
	CHECK_EQ(buf[12], 3);
	xs_reader_init(&r);
	for (size_t i = 0; i < n; i++) {
		st = xs_reader_feed(&r, buf + i, 1, &used);
		total += used;
		if (i + 1 < n)
			CHECK_EQ(st, XS_READER_MORE);
	}
	CHECK_EQ(st, XS_READER_MSG);
	CHECK_EQ(total, n);
	CHECK_EQ(r.hdr.req_id, 7);
	CHECK_STR(xs_reader_payload(&r), "/a");
}

TEST(codec_two_messages_in_one_feed)
{
	uint8_t buf[64];
	struct xs_reader r;
	size_t n, used;

	n = xs_build_msg(buf, sizeof(buf), XS_READ, 1, 0, "x\0", 2);
	n += xs_build_msg(buf + n, sizeof(buf) - n, XS_RM, 2, 0, "y\0", 2);
	xs_reader_init(&r);
	CHECK_EQ(xs_reader_feed(&r, buf, n, &used), XS_READER_MSG);
	CHECK_EQ(used, 18);
	CHECK_EQ(r.hdr.type, XS_READ);
	CHECK_EQ(xs_reader_feed(&r, buf + used, n - used, &used),
		 XS_READER_MSG);
	CHECK_EQ(r.hdr.type, XS_RM);
	CHECK_STR(xs_reader_payload(&r), "y");
}

TEST(codec_oversized_header_is_rejected)
{
	struct xs_msg_header h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	uint8_t buf[16];
	struct xs_reader r;
	size_t used;

	xs_header_encode(buf, &h);
	xs_reader_init(&r);
	CHECK_EQ(xs_reader_feed(&r, buf, 16, &used), XS_READER_BAD);
	h.len = XENSTORE_PAYLOAD_MAX;
	xs_header_encode(buf, &h);
	xs_reader_init(&r);
	CHECK_EQ(xs_reader_feed(&r, buf, 16, &used), XS_READER_MORE);
	CHECK_EQ(xs_reader_want(&r), XENSTORE_PAYLOAD_MAX);
	CHECK_EQ(xs_build_msg(buf, sizeof(buf), 0, 0, 0, "", 4097), 0);
}

TEST(codec_split_args)
{
	const char *argv[3];

	CHECK_EQ(xs_split_args("a\0bc\0", 5, argv, 3), 2);
	CHECK_STR(argv[1], "bc");
	/* Trailing bytes without a NUL are not an argument (WRITE data). */
	CHECK_EQ(xs_split_args("p\0data", 6, argv, 3), 1);
	CHECK_EQ(xs_split_args("a\0b\0c\0d\0", 8, argv, 2), 4);
	CHECK(xs_single_arg("/x", 3));
	CHECK(!xs_single_arg("/x", 2));
	CHECK(!xs_single_arg("/x\0y", 5));
	CHECK(!xs_single_arg("", 0));
	CHECK_EQ(xs_count_strings("\0\0\0", 3), 3);
}

TEST(codec_error_reply)
{
	uint8_t buf[64];
	size_t n = xs_build_error(buf, sizeof(buf), 9, 4, XS_EACCES);

	CHECK_EQ(n, 16 + 7);
	CHECK_EQ(buf[0], XS_ERROR);
	CHECK_EQ(buf[4], 9);
	CHECK_EQ(buf[8], 4);
	CHECK_STR((char *)buf + 16, "EACCES");
}

TEST(ring_read_wraps)
{
	char ring[XENSTORE_RING_SIZE], out[16];

	memset(ring, 0, sizeof(ring));
	memcpy(ring + 1020, "abcd", 4);
	memcpy(ring, "efgh", 4);
	/* Free-running indices near the 32-bit wrap. */
	CHECK_EQ(xs_ring_read(ring, 0xfffffffcu - 1024 * 3, 4 - 1024 * 3, out,
			      sizeof(out)),
		 8);
	CHECK(!memcmp(out, "abcdefgh", 8));
	CHECK_EQ(xs_ring_read(ring, 1020, 1028, out, 3), 3);
	CHECK_EQ(xs_ring_read(ring, 5, 5, out, 16), 0);
}

TEST(ring_hostile_indices_are_refused)
{
	char ring[XENSTORE_RING_SIZE] = { 0 }, out[2048];

	memset(out, 'z', sizeof(out));
	CHECK_EQ(xs_ring_read(ring, 0, 1025, out, sizeof(out)), -1);
	CHECK_EQ(xs_ring_read(ring, 10, 5, out, sizeof(out)), -1);
	CHECK_EQ(out[0], 'z'); /* nothing copied */
	CHECK_EQ(xs_ring_write(ring, 0, 1025, "x", 1), -1);
	CHECK_EQ(xs_ring_write(ring, 100, 99, "x", 1), -1);
	/* Exactly full is legal, and leaves no room. */
	CHECK_EQ(xs_ring_write(ring, 0, 1024, "x", 1), 0);
	CHECK_EQ(xs_ring_read(ring, 0, 1024, out, sizeof(out)), 1024);
}

TEST(ring_write_limited_by_space)
{
	char ring[XENSTORE_RING_SIZE] = { 0 }, src[2000];

	memset(src, 'q', sizeof(src));
	CHECK_EQ(xs_ring_write(ring, 0, 1000, src, sizeof(src)), 24);
	CHECK_EQ(xs_ring_write(ring, 1000, 1000, src, sizeof(src)), 1024);
	CHECK_EQ(ring[1000 & 1023], 'q');
}
