// SPDX-License-Identifier: MIT
/* Tests of hyp/common/cmdline.c: the hypervisor command-line parser. */
#include <stdbool.h>
#include <stdint.h>

#include <lamina/cmdline.h>
#include <lamina/string.h>

#include "test.h"

static bool opt_noreboot, opt_sync = true;
static unsigned int opt_cpus = 1;
static uint8_t opt_level;
static uint64_t opt_mem;
static uint32_t opt_small_size;
static struct cmdline_mem opt_dom0;
static char opt_console[16] = "com1";
static unsigned int opt_sched;
static const char *const sched_names[] = { "credit", "rr", "null", NULL };

static const struct cmdline_option table[] = {
	CMDLINE_BOOL_OPT("noreboot", opt_noreboot, "do not reboot on panic"),
	CMDLINE_BOOL_OPT("sync_console", opt_sync, "synchronous console"),
	CMDLINE_UINT_OPT("max_cpus", opt_cpus, 1, 64, "pCPUs to use"),
	CMDLINE_UINT_OPT("loglvl", opt_level, 0, 0, "log level"),
	CMDLINE_SIZE_OPT("dom0_mem", opt_mem, 0, 0, "control domain memory"),
	CMDLINE_SIZE_OPT("small", opt_small_size, 4096, 0x10000000, "a size"),
	CMDLINE_STRING_OPT("console", opt_console, "console devices"),
	CMDLINE_ENUM_OPT("sched", opt_sched, sched_names, "scheduler"),
	CMDLINE_MEM_OPT("dom0", opt_dom0, "memory with bounds"),
};
#define NR_OPTS (sizeof(table) / sizeof(table[0]))

/* Records every report as "kind:name=value;" for the tests to compare. */
static char reports[4096];

static void record(void *ctx, enum cmdline_problem kind, const char *name,
		   const char *value)
{
	size_t used = strlen(reports);

	CHECK(ctx == reports);
	snprintf(reports + used, sizeof(reports) - used, "%s:%s=%s;",
		 kind == CMDLINE_UNKNOWN ? "unknown" : "bad", name, value);
}

static void reset(void)
{
	opt_noreboot = false;
	opt_sync = true;
	opt_cpus = 1;
	opt_level = 0;
	opt_mem = 0;
	opt_small_size = 0;
	opt_dom0 = (struct cmdline_mem){ 0 };
	memcpy(opt_console, "com1", 5);
	opt_sched = 0;
	reports[0] = '\0';
}

static int parse(const char *line)
{
	return cmdline_parse(line, table, NR_OPTS, record, reports);
}

TEST(cmdline_empty_and_spaces)
{
	reset();
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(parse("   \t  "), 0);
	CHECK_EQ(cmdline_parse(NULL, table, NR_OPTS, record, reports), 0);
	CHECK_EQ(parse("  noreboot   max_cpus=4  "), 0);
	CHECK(opt_noreboot);
	CHECK_EQ(opt_cpus, 4);
	CHECK_STR(reports, "");
}

TEST(cmdline_bool_forms)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "enable" };
	static const char *const no[] = { "0", "no", "false", "off",
					  "disable" };
	char line[64];

	reset();
	CHECK_EQ(parse("noreboot"), 0);
	CHECK(opt_noreboot);
	CHECK_EQ(parse("no-noreboot"), 0);
	CHECK(!opt_noreboot);
	CHECK_EQ(parse("no-sync_console"), 0);
	CHECK(!opt_sync);
	for (int i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "sync_console=%s", yes[i]);
		CHECK_EQ(parse(line), 0);
		CHECK(opt_sync);
		snprintf(line, sizeof(line), "sync_console=%s", no[i]);
		CHECK_EQ(parse(line), 0);
		CHECK(!opt_sync);
	}
	/* "no-" inverts an explicit value too, as in Xen. */
	CHECK_EQ(parse("no-sync_console=0"), 0);
	CHECK(opt_sync);
	CHECK_STR(reports, "");
}

TEST(cmdline_bool_bad_values)
{
	reset();
	opt_sync = true;
	CHECK_EQ(parse("sync_console=maybe sync_console= sync_console=YES"), 3);
	CHECK(opt_sync);
	CHECK_STR(reports, "bad:sync_console=maybe;bad:sync_console=;"
			   "bad:sync_console=YES;");
}

TEST(cmdline_uint)
{
	reset();
	CHECK_EQ(parse("max_cpus=64"), 0);
	CHECK_EQ(opt_cpus, 64);
	CHECK_EQ(parse("max_cpus=0x10"), 0);
	CHECK_EQ(opt_cpus, 16);
	CHECK_EQ(parse("max_cpus=010"), 0); /* decimal, not octal */
	CHECK_EQ(opt_cpus, 10);
	CHECK_EQ(parse("loglvl=255"), 0);
	CHECK_EQ(opt_level, 255);
	CHECK_STR(reports, "");
}

TEST(cmdline_uint_bad_values)
{
	reset();
	opt_cpus = 3;
	/* Out of [1, 64], garbage, empty, missing, negative, hex w/o digits. */
	CHECK_EQ(parse("max_cpus=65 max_cpus=0 max_cpus=12x max_cpus= "
		       "max_cpus max_cpus=-1 max_cpus=0x"),
		 7);
	CHECK_EQ(opt_cpus, 3);
	/* Wider than the uint8_t variable; 2^64 overflows the parser. */
	CHECK_EQ(parse("loglvl=256 loglvl=18446744073709551616"), 2);
	CHECK_EQ(opt_level, 0);
	CHECK_EQ(parse("no-max_cpus"), 1);
	CHECK_EQ(opt_cpus, 3);
	CHECK(strstr(reports, "bad:max_cpus=65;") == reports);
	CHECK(strstr(reports, "bad:loglvl=256;"));
	CHECK(strstr(reports, "unknown:no-max_cpus=;"));
}

TEST(cmdline_size_units)
{
	reset();
	CHECK_EQ(parse("dom0_mem=512M"), 0);
	CHECK_EQ(opt_mem, 512ULL << 20);
	CHECK_EQ(parse("dom0_mem=2g"), 0);
	CHECK_EQ(opt_mem, 2ULL << 30);
	CHECK_EQ(parse("dom0_mem=1T"), 0);
	CHECK_EQ(opt_mem, 1ULL << 40);
	CHECK_EQ(parse("dom0_mem=64k"), 0);
	CHECK_EQ(opt_mem, 64ULL << 10);
	CHECK_EQ(parse("dom0_mem=100B"), 0);
	CHECK_EQ(opt_mem, 100);
	/* A bare number counts KiB, as Xen's parse_size_and_unit does. */
	CHECK_EQ(parse("dom0_mem=4096"), 0);
	CHECK_EQ(opt_mem, 4ULL << 20);
	CHECK_EQ(parse("dom0_mem=0x100M"), 0);
	CHECK_EQ(opt_mem, 256ULL << 20);
	CHECK_EQ(parse("dom0_mem=16777215T"), 0);
	CHECK_EQ(opt_mem, 16777215ULL << 40);
	CHECK_STR(reports, "");
}

TEST(cmdline_size_bad_values)
{
	reset();
	opt_mem = 7;
	CHECK_EQ(parse("dom0_mem=12Q dom0_mem=M dom0_mem=1MB dom0_mem= "
		       "dom0_mem=16777216T dom0_mem"),
		 6);
	CHECK_EQ(opt_mem, 7);
	/* Range and width of a 32-bit variable. */
	CHECK_EQ(parse("small=4095B small=257M small=8G"), 3);
	CHECK_EQ(opt_small_size, 0);
	CHECK_EQ(parse("small=4K"), 0);
	CHECK_EQ(opt_small_size, 4096);
}

TEST(cmdline_mem_list)
{
	reset();
	CHECK_EQ(parse("dom0=512M"), 0);
	CHECK_EQ(opt_dom0.size, 512ULL << 20);
	CHECK_EQ(opt_dom0.max, 0);
	/* Xen's list: items in any order, a bare number in KiB. */
	CHECK_EQ(parse("dom0=512M,max:1G"), 0);
	CHECK_EQ(opt_dom0.size, 512ULL << 20);
	CHECK_EQ(opt_dom0.max, 1ULL << 30);
	CHECK_EQ(parse("dom0=max:2G,min:64M,4096"), 0);
	CHECK_EQ(opt_dom0.size, 4ULL << 20);
	CHECK_EQ(opt_dom0.min, 64ULL << 20);
	CHECK_EQ(opt_dom0.max, 2ULL << 30);
	/* A later option replaces the whole list. */
	CHECK_EQ(parse("dom0=max:256M"), 0);
	CHECK_EQ(opt_dom0.size, 0);
	CHECK_EQ(opt_dom0.max, 256ULL << 20);
	CHECK_STR(reports, "");
}

TEST(cmdline_mem_list_bad_values)
{
	reset();
	opt_dom0.size = 7;
	CHECK_EQ(parse("dom0= dom0=512M, dom0=,512M dom0=max: dom0=mux:1G "
		       "dom0=512M,max:1Q dom0=min:2G,max:1G dom0"),
		 8);
	/* Nothing of a bad list is kept. */
	CHECK_EQ(opt_dom0.size, 7);
	CHECK_EQ(opt_dom0.min, 0);
	CHECK_EQ(opt_dom0.max, 0);
	CHECK(strstr(reports, "bad:dom0=min:2G,max:1G;"));
}

TEST(cmdline_string)
{
	reset();
	CHECK_EQ(parse("console=vga,com2"), 0);
	CHECK_STR(opt_console, "vga,com2");
	/* 15 characters fit the 16-byte buffer, 16 do not. */
	CHECK_EQ(parse("console=123456789012345"), 0);
	CHECK_STR(opt_console, "123456789012345");
	CHECK_EQ(parse("console=1234567890123456"), 1);
	CHECK_STR(opt_console, "123456789012345");
	CHECK_STR(reports, "bad:console=1234567890123456;");
	/* The value may itself hold '='. */
	CHECK_EQ(parse("console=a=b"), 0);
	CHECK_STR(opt_console, "a=b");
	CHECK_EQ(parse("console="), 0);
	CHECK_STR(opt_console, "");
}

TEST(cmdline_quotes)
{
	reset();
	CHECK_EQ(parse("console=\"a b  c\" noreboot"), 0);
	CHECK_STR(opt_console, "a b  c");
	CHECK(opt_noreboot);
	CHECK_EQ(parse("\"console\"=\"x y\""), 0);
	CHECK_STR(opt_console, "x y");
	/* A quoted '=' does not split. */
	CHECK_EQ(parse("console=\"p=q r\""), 0);
	CHECK_STR(opt_console, "p=q r");
	CHECK_EQ(parse("console=\"\""), 0);
	CHECK_STR(opt_console, "");
	/* An unclosed quote runs to the end of the line and is refused. */
	CHECK_EQ(parse("console=\"open max_cpus=9"), 1);
	CHECK_STR(opt_console, "");
	CHECK_EQ(opt_cpus, 1);
	CHECK_STR(reports, "bad:console=open max_cpus=9;");
}

TEST(cmdline_enum)
{
	reset();
	CHECK_EQ(parse("sched=null"), 0);
	CHECK_EQ(opt_sched, 2);
	CHECK_EQ(parse("sched=rr"), 0);
	CHECK_EQ(opt_sched, 1);
	CHECK_EQ(parse("sched=credit2 sched= sched"), 3);
	CHECK_EQ(opt_sched, 1);
}

TEST(cmdline_unknown_options)
{
	reset();
	CHECK_EQ(parse("foo noreboot bar=1 no-bar Max_cpus=2 no-"), 5);
	CHECK(opt_noreboot);
	CHECK_EQ(opt_cpus, 1);
	CHECK_STR(reports, "unknown:foo=;unknown:bar=1;unknown:no-bar=;"
			   "unknown:Max_cpus=2;unknown:no-=;");
	/* Without a report function problems are still counted. */
	CHECK_EQ(cmdline_parse("foo x=y", table, NR_OPTS, NULL, NULL), 2);
}

TEST(cmdline_last_wins)
{
	reset();
	CHECK_EQ(parse("max_cpus=2 max_cpus=8 max_cpus=99"), 1);
	CHECK_EQ(opt_cpus, 8);
}

TEST(cmdline_long_tokens)
{
	static char line[20000];
	size_t len;

	reset();
	/* A giant unknown name, reported cut to the token limit. */
	memset(line, 'n', 10000);
	line[10000] = '\0';
	CHECK_EQ(parse(line), 1);
	CHECK_EQ(strlen(reports), strlen("unknown:=;") + CMDLINE_TOKEN_MAX - 1);

	/* A giant value for a known option is a bad value, not a crash. */
	reset();
	len = (size_t)snprintf(line, sizeof(line), "console=");
	memset(line + len, 'v', 15000);
	line[len + 15000] = '\0';
	strcat(line, " max_cpus=5");
	CHECK_EQ(parse(line), 1);
	CHECK_STR(opt_console, "com1");
	CHECK_EQ(opt_cpus, 5);
	CHECK(strncmp(reports, "bad:console=vvv", 15) == 0);

	/* A giant number overflows and is refused. */
	reset();
	len = (size_t)snprintf(line, sizeof(line), "max_cpus=");
	memset(line + len, '9', 300);
	line[len + 300] = '\0';
	CHECK_EQ(parse(line), 1);
	CHECK_EQ(opt_cpus, 1);

	/* Many tokens. */
	reset();
	line[0] = '\0';
	for (int i = 0; i < 1000; i++)
		strcat(line, i % 2 ? "noreboot " : "no-noreboot ");
	CHECK_EQ(parse(line), 0);
	CHECK(opt_noreboot);
}

TEST(cmdline_find_option)
{
	CHECK(cmdline_find(table, NR_OPTS, "sched") == &table[7]);
	CHECK(cmdline_find(table, NR_OPTS, "sche") == NULL);
	CHECK(cmdline_find(table, NR_OPTS, "") == NULL);
}
