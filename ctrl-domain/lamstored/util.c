// SPDX-License-Identifier: MIT
/*
 * Allocation and logging. Quotas bound what clients can make us allocate,
 * so running out of memory is treated as fatal rather than threaded
 * through every path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lamstored.h"

static FILE *log_fp;
static char *log_file_path;

static void oom(void)
{
	fputs("lamstored: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xzalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xmemdup(const void *p, size_t n)
{
	void *q = xmalloc(n);

	if (n)
		memcpy(q, p, n);
	return q;
}

char *xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

void log_open(const char *path)
{
	log_close();
	if (path && path != log_file_path) {
		free(log_file_path);
		log_file_path = xstrdup(path);
	}
	if (!log_file_path)
		return;
	log_fp = fopen(log_file_path, "a");
	if (log_fp)
		setvbuf(log_fp, NULL, _IOLBF, 0);
}

void log_close(void)
{
	if (log_fp)
		fclose(log_fp);
	log_fp = NULL;
}

const char *log_path(void)
{
	return log_file_path;
}

void log_msg(const char *fmt, ...)
{
	va_list ap;
	struct timespec ts;

	if (!log_fp)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(log_fp, "%lld.%03ld ", (long long)ts.tv_sec,
		ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(log_fp, fmt, ap);
	va_end(ap);
	fputc('\n', log_fp);
}

bool opt_test_mode;
const char *opt_log_file;

void core_init(bool test_mode)
{
	opt_test_mode = test_mode;
	quota_reset_defaults();
	domain_init(test_mode);
	store_init();
}

void core_fini(void)
{
	conn_destroy_all();
	store_reset();
	domain_reset();
}
