// SPDX-License-Identifier: MIT
/*
 * Freestanding memory and string routines, and vsnprintf for printk.
 *
 * Simple loops, eight bytes a step where memory moves in bulk (grant
 * copies, page copies and clears). GCC would turn these very loops back
 * into calls to memcpy/memset, which recurse here, so pattern recognition
 * is switched off for them.
 */
#include <stdbool.h>
#include <stdint.h>

#include <lamina/string.h>

#define NO_LIBCALLS \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))

/* A 64-bit word at any alignment, allowed to alias anything. */
typedef uint64_t __attribute__((may_alias, aligned(1))) any_u64;

/* Forward copy; safe for overlap when dst is below src (each word is
 * read before any byte at or above it is written). */
NO_LIBCALLS static void copy_up(unsigned char *d, const unsigned char *s,
				size_t n)
{
	for (; n >= 8; n -= 8, d += 8, s += 8)
		*(any_u64 *)d = *(const any_u64 *)s;
	while (n--)
		*d++ = *s++;
}

/* Backward copy, for dst above src. */
NO_LIBCALLS static void copy_down(unsigned char *d, const unsigned char *s,
				  size_t n)
{
	for (; n >= 8; n -= 8)
		*(any_u64 *)(d + n - 8) = *(const any_u64 *)(s + n - 8);
	while (n--)
		d[n] = s[n];
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_up(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst < (uintptr_t)src)
		copy_up(dst, src, n);
	else if (dst != src)
		copy_down(dst, src, n);
	return dst;
}

NO_LIBCALLS void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	uint64_t word = (unsigned char)c * 0x0101010101010101ULL;

	for (; n >= 8; n -= 8, p += 8)
		*(any_u64 *)p = word;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* Output cursor: counts every character, stores those that fit. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left; /* '-': pad on the right */
	bool zero; /* '0': pad numbers with zeros */
	bool alt; /* '#': 0x prefix for %x */
	int width;
	int prec; /* -1 if none */
	int lmod; /* number of 'l' (a 'z' counts as one) */
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	int n;

	if (!s)
		s = "(null)";
	n = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : SIZE_MAX);
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_num(struct out *o, const struct spec *sp, uint64_t v, bool neg,
		    unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, prefix = neg ? 1 : 0, fill;
	bool hex_prefix = sp->alt && base == 16 && v;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (hex_prefix)
		prefix += 2;
	fill = sp->width - n - prefix;
	if (!sp->left && !sp->zero)
		pad(o, ' ', fill);
	if (neg)
		put(o, '-');
	if (hex_prefix) {
		put(o, '0');
		put(o, upper ? 'X' : 'x');
	}
	if (!sp->left && sp->zero)
		pad(o, '0', fill);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', fill);
}

static int parse_int(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (v < 100000)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return v;
}

/* Reads the flags, width, precision and length of one conversion. */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; (*fmt)++) {
		if (**fmt == '-')
			sp->left = true;
		else if (**fmt == '0')
			sp->zero = true;
		else if (**fmt == '#')
			sp->alt = true;
		else
			break;
	}
	if (**fmt == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		(*fmt)++;
	} else {
		sp->width = parse_int(fmt);
	}
	if (**fmt == '.') {
		(*fmt)++;
		if (**fmt == '*') {
			sp->prec = va_arg(*ap, int);
			(*fmt)++;
		} else {
			sp->prec = parse_int(fmt);
		}
	}
	if (**fmt == 'z') {
		sp->lmod = 1;
		(*fmt)++;
	}
	while (**fmt == 'l') {
		sp->lmod++;
		(*fmt)++;
	}
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->lmod >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->lmod == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->lmod >= 2)
		return va_arg(*ap, long long);
	if (sp->lmod == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void convert(struct out *o, struct spec *sp, char c, va_list *ap)
{
	int64_t s;

	switch (c) {
	case 'd':
	case 'i':
		s = arg_signed(sp, ap);
		/* Negate in unsigned arithmetic so INT64_MIN works. */
		put_num(o, sp, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10,
			false);
		break;
	case 'u':
		put_num(o, sp, arg_unsigned(sp, ap), false, 10, false);
		break;
	case 'x':
	case 'X':
		put_num(o, sp, arg_unsigned(sp, ap), false, 16, c == 'X');
		break;
	case 'p': {
		void *p = va_arg(*ap, void *);

		sp->zero = false;
		if (!p) {
			put_str(o, sp, "(nil)");
			break;
		}
		sp->alt = true;
		put_num(o, sp, (uintptr_t)p, false, 16, false);
		break;
	}
	case 's':
		sp->zero = false;
		put_str(o, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		if (!sp->left)
			pad(o, ' ', sp->width - 1);
		put(o, (char)va_arg(*ap, int));
		if (sp->left)
			pad(o, ' ', sp->width - 1);
		break;
	default:
		/* Unknown conversion: show it rather than guess. */
		put(o, '%');
		if (c)
			put(o, c);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	struct spec sp;
	va_list args;

	/* A copy, so helpers can take its address portably. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			put(&o, *fmt++);
			continue;
		}
		parse_spec(&fmt, &sp, &args);
		convert(&o, &sp, *fmt, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
