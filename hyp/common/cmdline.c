// SPDX-License-Identifier: MIT
/*
 * Hypervisor command-line parsing: split into tokens, look each name up in
 * the caller's table, check the value, and only then store it.
 */
#include <lamina/cmdline.h>
#include <lamina/string.h>

/* One token, quotes removed, split at its first unquoted '='. */
struct token {
	char text[CMDLINE_TOKEN_MAX];
	const char *name;
	const char *value; /* "" if there was no '=' */
	bool has_value;
	bool too_long;
	bool open_quote; /* a '"' was never closed */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reads the token at p into t; returns the position after it. */
static const char *read_token(const char *p, struct token *t)
{
	size_t len = 0, split = 0;
	bool quoted = false, has_value = false;

	t->too_long = false;
	for (; *p && (quoted || !is_space(*p)); p++) {
		char c = *p;

		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (len == sizeof(t->text) - 1) {
			t->too_long = true;
			continue;
		}
		if (c == '=' && !quoted && !has_value) {
			has_value = true;
			split = len;
			c = '\0';
		}
		t->text[len++] = c;
	}
	t->text[len] = '\0';
	t->open_quote = quoted;
	t->has_value = has_value;
	t->name = t->text;
	t->value = has_value ? &t->text[split + 1] : &t->text[len];
	return p;
}

const struct cmdline_option *cmdline_find(const struct cmdline_option *table,
					  size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

/* 1 for true, 0 for false, -1 for anything else. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "enable" };
	static const char *const no[] = { "0", "no", "false", "off",
					  "disable" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -1;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Decimal or 0x hex, at least one digit, no overflow. Sets *end. */
static bool parse_u64(const char *s, uint64_t *out, const char **end)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *start;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (start = s; digit_value(*s) < (int)base; s++) {
		unsigned d = (unsigned)digit_value(*s);

		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	*end = s;
	return s != start;
}

/* Binary shift of a size suffix, or -1 for an invalid one. */
static int size_shift(const char *suffix)
{
	static const char units[] = "bkmgt";
	char c = *suffix;

	if (!c)
		return 10; /* a bare number counts KiB, like Xen */
	if (suffix[1])
		return -1;
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	for (int i = 0; units[i]; i++)
		if (units[i] == c)
			return 10 * i;
	return -1;
}

static bool store_uint(const struct cmdline_option *opt, uint64_t v)
{
	if (opt->max && (v < opt->min || v > opt->max))
		return false;
	switch (opt->var_len) {
	case 1:
		if (v > UINT8_MAX)
			return false;
		*(uint8_t *)opt->var = (uint8_t)v;
		return true;
	case 2:
		if (v > UINT16_MAX)
			return false;
		*(uint16_t *)opt->var = (uint16_t)v;
		return true;
	case 4:
		if (v > UINT32_MAX)
			return false;
		*(uint32_t *)opt->var = (uint32_t)v;
		return true;
	case 8:
		*(uint64_t *)opt->var = v;
		return true;
	}
	return false;
}

/* A number with its unit suffix, all of s, in bytes. */
static bool parse_size(const char *s, uint64_t *bytes)
{
	const char *end;
	uint64_t v;
	int shift;

	if (!parse_u64(s, &v, &end))
		return false;
	shift = size_shift(end);
	if (shift < 0 || v > (UINT64_MAX >> shift))
		return false;
	*bytes = v << shift;
	return true;
}

static bool set_size(const struct cmdline_option *opt, const char *s)
{
	uint64_t v;

	return parse_size(s, &v) && store_uint(opt, v);
}

/* "[min:]<size>[,max:<size>]..." as Xen's dom0_mem; all or nothing. */
static bool set_mem(const struct cmdline_option *opt, const char *s)
{
	struct cmdline_mem m = { 0 };
	char item[CMDLINE_TOKEN_MAX];

	for (;;) {
		size_t n = 0;
		uint64_t *field = &m.size;
		const char *v = item;

		while (s[n] && s[n] != ',' && n < sizeof(item) - 1)
			n++;
		memcpy(item, s, n);
		item[n] = '\0';
		if (!strncmp(item, "min:", 4)) {
			field = &m.min;
			v += 4;
		} else if (!strncmp(item, "max:", 4)) {
			field = &m.max;
			v += 4;
		}
		if (!parse_size(v, field))
			return false;
		if (s[n] != ',')
			break;
		s += n + 1;
	}
	if (m.max && m.min > m.max)
		return false;
	*(struct cmdline_mem *)opt->var = m;
	return true;
}

static bool set_uint(const struct cmdline_option *opt, const char *s)
{
	const char *end;
	uint64_t v;

	if (!parse_u64(s, &v, &end) || *end)
		return false;
	return store_uint(opt, v);
}

static bool set_string(const struct cmdline_option *opt, const char *s)
{
	size_t n = strlen(s);

	if (n >= opt->var_len)
		return false;
	memcpy(opt->var, s, n + 1);
	return true;
}

static bool set_enum(const struct cmdline_option *opt, const char *s)
{
	for (unsigned i = 0; opt->names[i]; i++) {
		if (!strcmp(opt->names[i], s)) {
			*(unsigned *)opt->var = i;
			return true;
		}
	}
	return false;
}

/* Checks and stores one value; false if it is bad. */
static bool set_value(const struct cmdline_option *opt, const struct token *t,
		      bool negated)
{
	int b;

	if (opt->type == CMDLINE_BOOL) {
		/* "name" alone means true, and "no-" inverts any value. */
		b = t->has_value ? parse_bool(t->value) : 1;
		if (b < 0)
			return false;
		*(bool *)opt->var = negated ? !b : b;
		return true;
	}
	if (negated)
		return false;
	switch (opt->type) {
	case CMDLINE_UINT:
		return set_uint(opt, t->value);
	case CMDLINE_SIZE:
		return set_size(opt, t->value);
	case CMDLINE_STRING:
		return set_string(opt, t->value);
	case CMDLINE_ENUM:
		return set_enum(opt, t->value);
	case CMDLINE_MEM:
		return set_mem(opt, t->value);
	default:
		return false;
	}
}

/* Applies one token; returns the number of problems (0 or 1). */
static int apply_token(const struct token *t,
		       const struct cmdline_option *table, size_t count,
		       cmdline_report_fn report, void *ctx)
{
	const struct cmdline_option *opt = cmdline_find(table, count, t->name);
	bool negated = false;

	if (!opt && !strncmp(t->name, "no-", 3)) {
		opt = cmdline_find(table, count, t->name + 3);
		if (opt && opt->type != CMDLINE_BOOL)
			opt = NULL;
		negated = true;
	}
	if (!opt) {
		if (report)
			report(ctx, CMDLINE_UNKNOWN, t->name, t->value);
		return 1;
	}
	if (t->too_long || t->open_quote || !set_value(opt, t, negated)) {
		if (report)
			report(ctx, CMDLINE_BAD_VALUE, t->name, t->value);
		return 1;
	}
	return 0;
}

int cmdline_parse(const char *line, const struct cmdline_option *table,
		  size_t count, cmdline_report_fn report, void *ctx)
{
	struct token t;
	int problems = 0;

	if (!line)
		return 0;
	for (;;) {
		while (is_space(*line))
			line++;
		if (!*line)
			break;
		line = read_token(line, &t);
		problems += apply_token(&t, table, count, report, ctx);
	}
	return problems;
}
