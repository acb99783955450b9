/* SPDX-License-Identifier: MIT */
/*
 * Single-call decompressors for kernel images: the whole input is in memory
 * and the whole output buffer is given, so the output itself serves as the
 * history window and nothing is allocated. Shared by the hypervisor (boot-only
 * code, freed after boot) and the control domain's domain builder.
 *
 * Freestanding: only <stddef.h>/<stdint.h>; the includer provides memcpy,
 * memset and memmove. Every input is hostile: a corrupt stream returns an
 * error, it never reads past in_len, writes past out_cap or loops without
 * consuming input or producing output.
 */
#ifndef PROTOCOL_DECOMPRESS_H
#define PROTOCOL_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum decomp_format {
	DECOMP_UNKNOWN = 0,
	DECOMP_GZIP, /* 1f 8b 08: RFC 1952 around RFC 1951 deflate */
	DECOMP_XZ, /* fd '7zXZ' 00: xz container, LZMA2 (+ x86 BCJ) */
	DECOMP_ZSTD, /* 28 b5 2f fd: RFC 8878 frames */
	DECOMP_LZ4, /* 02 21 4c 18: lz4 legacy frame (lz4 -l, Linux) */
};

enum {
	DECOMP_OK = 0,
	DECOMP_ECORRUPT = -1, /* malformed or checksum mismatch */
	DECOMP_ENOSPC = -2, /* output would exceed out_cap */
	DECOMP_EUNSUPPORTED = -3, /* valid but a feature we do not implement */
	DECOMP_EWORK = -4, /* work area too small */
};

/* Bytes of work area any format needs (LZMA probabilities, Huffman and FSE
 * tables, inflate tables). */
#define DECOMP_WORK_SIZE (160u * 1024u)

enum decomp_format decomp_detect(const void *in, size_t in_len);
const char *decomp_name(enum decomp_format f);

/*
 * Decompress in[0..in_len) into out[0..out_cap). On DECOMP_OK *out_len is the
 * number of bytes produced. Trailing bytes after the last frame/member are
 * ignored (a bzImage payload may be followed by padding). work must be at
 * least DECOMP_WORK_SIZE bytes, aligned to 8.
 */
int decomp_run(enum decomp_format f, const void *in, size_t in_len, void *out,
	       size_t out_cap, size_t *out_len, void *work, size_t work_len);

/* One entry per format, each in its own file (decomp_gzip.c, ...). */
int decomp_gzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
		size_t *out_len, void *work, size_t work_len);
int decomp_xz(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
	      size_t *out_len, void *work, size_t work_len);
int decomp_zstd(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
		size_t *out_len, void *work, size_t work_len);
int decomp_lz4(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
	       size_t *out_len, void *work, size_t work_len);

#endif
