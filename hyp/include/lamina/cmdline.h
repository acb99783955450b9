/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor command line, parsed into typed options.
 *
 * Syntax follows Xen: tokens separated by spaces; "name=value"; a bare
 * "name" sets a BOOL true and "no-name" sets it false. Double quotes group
 * spaces into one token and are removed ("opt=\"a b\"" gives "a b").
 *
 * Values:
 *   BOOL    yes/no, true/false, on/off, enable/disable, 1/0
 *   UINT    decimal or 0x hex, checked against [min, max] and the width of
 *           the variable (var_len: 1, 2, 4 or 8 bytes)
 *   SIZE    a number with an optional B/K/M/G/T suffix (any case). As in
 *           Xen's parse_size_and_unit, a bare number counts KiB:
 *           "dom0_mem=512M" is 512 MiB, "dom0_mem=4096" is 4 MiB; use "B"
 *           for bytes. Checked against [min, max] and the variable width.
 *   STRING  copied into var (var_len bytes with the NUL); too long is an
 *           error and leaves var unchanged
 *   ENUM    one of the NULL-terminated names; var (unsigned int) gets the
 *           index
 *   MEM     Xen's dom0_mem list: comma-separated "<size>", "min:<size>",
 *           "max:<size>" items in any order, each a SIZE; var (struct
 *           cmdline_mem) gets the three, 0 for any not given
 * A bad value never changes the variable. Later tokens override earlier
 * ones. Unlike Xen, numbers with a leading 0 are decimal, not octal.
 */
#ifndef LAMINA_CMDLINE_H
#define LAMINA_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest token (name=value, quotes removed) kept; longer ones are refused. */
#define CMDLINE_TOKEN_MAX 512

enum cmdline_type {
	CMDLINE_BOOL, /* var: bool */
	CMDLINE_UINT, /* var: unsigned integer of var_len bytes */
	CMDLINE_SIZE, /* var: unsigned integer of var_len bytes, in bytes */
	CMDLINE_STRING, /* var: char[var_len] */
	CMDLINE_ENUM, /* var: unsigned int, index into names */
	CMDLINE_MEM, /* var: struct cmdline_mem */
};

/* A memory amount with optional bounds, in bytes; 0 = not given. */
struct cmdline_mem {
	uint64_t size, min, max;
};

struct cmdline_option {
	const char *name;
	enum cmdline_type type;
	void *var;
	union {
		size_t var_len; /* UINT, SIZE, STRING */
		const char *const *names; /* ENUM: NULL-terminated list */
	};
	uint64_t min, max; /* UINT, SIZE: inclusive range; max 0: no limit */
	const char *help;
};

#define CMDLINE_BOOL_OPT(n, v, h)                                           \
	{                                                                   \
		.name = (n), .type = CMDLINE_BOOL, .var = &(v), .help = (h) \
	}
#define CMDLINE_UINT_OPT(n, v, lo, hi, h)                                   \
	{                                                                   \
		.name = (n), .type = CMDLINE_UINT, .var = &(v),             \
		.var_len = sizeof(v), .min = (lo), .max = (hi), .help = (h) \
	}
#define CMDLINE_SIZE_OPT(n, v, lo, hi, h)                                   \
	{                                                                   \
		.name = (n), .type = CMDLINE_SIZE, .var = &(v),             \
		.var_len = sizeof(v), .min = (lo), .max = (hi), .help = (h) \
	}
#define CMDLINE_STRING_OPT(n, v, h)                              \
	{                                                        \
		.name = (n), .type = CMDLINE_STRING, .var = (v), \
		.var_len = sizeof(v), .help = (h)                \
	}
#define CMDLINE_ENUM_OPT(n, v, list, h)                         \
	{                                                       \
		.name = (n), .type = CMDLINE_ENUM, .var = &(v), \
		.names = (list), .help = (h)                    \
	}

#define CMDLINE_MEM_OPT(n, v, h)                                           \
	{                                                                  \
		.name = (n), .type = CMDLINE_MEM, .var = &(v), .help = (h) \
	}

enum cmdline_problem {
	CMDLINE_UNKNOWN, /* no option of that name: "unknown option 'name'" */
	CMDLINE_BAD_VALUE, /* "bad value for 'name': 'value'" */
};

/*
 * Called once per problem. name and value are NUL-terminated and only valid
 * during the call; value is "" when the token had none. Over-long tokens
 * are reported cut to CMDLINE_TOKEN_MAX - 1 characters.
 */
typedef void (*cmdline_report_fn)(void *ctx, enum cmdline_problem kind,
				  const char *name, const char *value);

/*
 * Parses line against table and stores each good value. Returns the number
 * of problems (each also passed to report, if report is not NULL).
 */
int cmdline_parse(const char *line, const struct cmdline_option *table,
		  size_t count, cmdline_report_fn report, void *ctx);

/* The option called name, or NULL. */
const struct cmdline_option *cmdline_find(const struct cmdline_option *table,
					  size_t count, const char *name);

#endif
