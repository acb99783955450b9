/* SPDX-License-Identifier: MIT */
/*
 * A tiny host test harness shared by every tests/unit/ suite.
 *
 *   TEST(name) { CHECK(x); CHECK_EQ(a, b); }
 *
 * Tests register themselves through a constructor, so a suite is just a set
 * of .c files linked with one that defines TEST_MAIN before including this
 * header. The runner prints one line per failure and a closing
 * "unit: N passed, N failed" line; its exit status is non-zero on failure.
 */
#ifndef LAMINA_TEST_H
#define LAMINA_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

extern struct unit_test *unit_tests_head;
extern int unit_test_failed;

void unit_test_register(struct unit_test *t);

#define TEST(tname)                                                          \
	static void test_##tname(void);                                      \
	static struct unit_test test_desc_##tname = { #tname, test_##tname,  \
						      NULL };                \
	__attribute__((constructor)) static void test_reg_##tname(void)      \
	{                                                                    \
		unit_test_register(&test_desc_##tname);                      \
	}                                                                    \
	static void test_##tname(void)

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			printf("  FAIL %s:%d: %s\n", __FILE__, __LINE__,     \
			       #cond);                                       \
			unit_test_failed = 1;                                \
		}                                                            \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		long long va_ = (long long)(a), vb_ = (long long)(b);        \
		if (va_ != vb_) {                                            \
			printf("  FAIL %s:%d: %s == %s (%lld != %lld)\n",    \
			       __FILE__, __LINE__, #a, #b, va_, vb_);        \
			unit_test_failed = 1;                                \
		}                                                            \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *sa_ = (a), *sb_ = (b);                           \
		if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                 \
			printf("  FAIL %s:%d: %s == \"%s\" (got \"%s\")\n",  \
			       __FILE__, __LINE__, #a, sb_ ? sb_ : "(null)", \
			       sa_ ? sa_ : "(null)");                        \
			unit_test_failed = 1;                                \
		}                                                            \
	} while (0)

#ifdef TEST_MAIN
struct unit_test *unit_tests_head;
int unit_test_failed;

void unit_test_register(struct unit_test *t)
{
	/* Keep file order: append. */
	struct unit_test **p = &unit_tests_head;

	while (*p)
		p = &(*p)->next;
	*p = t;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *only = argc > 1 ? argv[1] : NULL;

	for (struct unit_test *t = unit_tests_head; t; t = t->next) {
		if (only && !strstr(t->name, only))
			continue;
		unit_test_failed = 0;
		t->fn();
		if (unit_test_failed) {
			printf("FAIL %s\n", t->name);
			failed++;
		} else {
			printf("ok   %s\n", t->name);
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
#endif

#endif
