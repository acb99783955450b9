// SPDX-License-Identifier: MIT
/* Node names: what a valid path is, and where relative paths point. */
#include <stdio.h>
#include <string.h>

#include "lamstored.h"

int path_canonical(const struct conn *c, const char *in, char *out, size_t cap)
{
	int n;

	if (in[0] == '/' || in[0] == '@')
		n = snprintf(out, cap, "%s", in);
	else
		n = snprintf(out, cap, "/local/domain/%u/%s", c->id, in);
	return (n < 0 || (size_t)n >= cap) ? XS_EINVAL : 0;
}

static bool valid_chars(const char *p)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "abcdefghijklmnopqrstuvwxyz"
				 "0123456789-/_@";

	return strspn(p, ok) == strlen(p);
}

/* Offset just past "/local/domain/<up to 5 digits>/", or 0. */
static size_t domain_prefix_len(const char *p)
{
	static const char pre[] = "/local/domain/";
	size_t i = sizeof(pre) - 1, digits = 0;

	if (strncmp(p, pre, i))
		return 0;
	while (p[i] >= '0' && p[i] <= '9' && digits < 5) {
		i++;
		digits++;
	}
	if (!digits || p[i] != '/')
		return 0;
	return i + 1;
}

bool path_valid(const char *p)
{
	size_t len = strlen(p);

	if (p[0] != '/')
		return false;
	if (len > 1 && p[len - 1] == '/')
		return false;
	if (strstr(p, "//"))
		return false;
	if (len > domain_prefix_len(p) + (size_t)quota_path_max)
		return false;
	return valid_chars(p);
}

void path_parent(const char *path, char *out)
{
	const char *slash = strrchr(path + 1, '/');

	if (!slash) {
		strcpy(out, "/");
		return;
	}
	memcpy(out, path, slash - path);
	out[slash - path] = '\0';
}

const char *path_base(const char *path)
{
	return strrchr(path, '/') + 1;
}

bool path_is_child(const char *child, const char *parent)
{
	size_t len = strlen(parent);

	if (!strcmp(parent, "/"))
		return true;
	if (strncmp(child, parent, len))
		return false;
	return child[len] == '/' || child[len] == '\0';
}

unsigned int parse_uint(const char *s)
{
	unsigned long v = 0;

	/* atoi semantics: leading digits, anything else ends the number. */
	while (*s == ' ' || *s == '\t')
		s++;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s++ - '0');
		if (v > 0xffffffffu)
			v = 0xffffffffu;
	}
	return (unsigned int)v;
}
