// SPDX-License-Identifier: MIT
/* Tests of hyp/common/memmap.c: the memory map and the boot allocator. */
#include <stdint.h>

#include <lamina/errno.h>
#include <lamina/frame.h>
#include <lamina/memmap.h>

#include "test.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

static struct memmap_range storage[128];
static struct memmap map;

static void expect_range(unsigned int i, uint64_t base, uint64_t len,
			 uint32_t type)
{
	CHECK(i < map.nr);
	if (i >= map.nr)
		return;
	CHECK_EQ(map.ranges[i].base, base);
	CHECK_EQ(map.ranges[i].len, len);
	CHECK_EQ(map.ranges[i].type, type);
}

/* Sorted, disjoint, no empty entry, touching neighbours differ in type. */
static void check_sane(void)
{
	for (unsigned int i = 0; i < map.nr; i++) {
		const struct memmap_range *r = &map.ranges[i];

		CHECK(r->len > 0);
		if (i + 1 < map.nr) {
			CHECK(r->base + r->len <= r[1].base);
			if (r->base + r->len == r[1].base)
				CHECK(r->type != r[1].type);
		}
	}
}

/* QEMU's E820 for -m 128M (SeaBIOS). */
static void qemu_128m(void)
{
	memmap_init(&map, storage, 128);
	CHECK_EQ(memmap_add(&map, 0, 0x9fc00, MEMMAP_RAM), 0);
	CHECK_EQ(memmap_add(&map, 0x9fc00, 0x400, MEMMAP_RESERVED), 0);
	CHECK_EQ(memmap_add(&map, 0xf0000, 0x10000, MEMMAP_RESERVED), 0);
	CHECK_EQ(memmap_add(&map, 0x100000, 0x7ee0000, MEMMAP_RAM), 0);
	CHECK_EQ(memmap_add(&map, 0x7fe0000, 0x20000, MEMMAP_RESERVED), 0);
	CHECK_EQ(memmap_add(&map, 0xfffc0000, 0x40000, MEMMAP_RESERVED), 0);
}

/* QEMU's E820 for -m 4G: 3 GiB below the PCI hole, 1 GiB above 4 GiB. */
static void qemu_4g(void)
{
	memmap_init(&map, storage, 128);
	memmap_add(&map, 0, 0x9fc00, MEMMAP_RAM);
	memmap_add(&map, 0x9fc00, 0x400, MEMMAP_RESERVED);
	memmap_add(&map, 0xf0000, 0x10000, MEMMAP_RESERVED);
	memmap_add(&map, 0x100000, 0xbfee0000, MEMMAP_RAM);
	memmap_add(&map, 0xbffe0000, 0x20000, MEMMAP_RESERVED);
	memmap_add(&map, 0xfeffc000, 0x4000, MEMMAP_RESERVED);
	memmap_add(&map, 0xfffc0000, 0x40000, MEMMAP_RESERVED);
	memmap_add(&map, 0x100000000ULL, 0x40000000, MEMMAP_RAM);
}

TEST(memmap_qemu_128m_total)
{
	qemu_128m();
	CHECK_EQ(memmap_sanitize(&map), 0);
	check_sane();
	CHECK_EQ(map.nr, 6);
	CHECK_EQ(memmap_total_ram(&map), 0x9fc00 + 0x7ee0000);
	memmap_align_ram(&map);
	/*
	 * 636 KiB below the EBDA, 126.875 MiB above 1 MiB: 128 MiB less the
	 * 388 KiB up to 1 MiB and the 128 KiB SeaBIOS keeps at the top.
	 */
	CHECK_EQ(memmap_total_ram(&map), 0x9f000 + 0x7ee0000);
	CHECK_EQ(memmap_total_ram(&map), 128 * MiB - 388 * KiB - 128 * KiB);
}

TEST(memmap_qemu_4g_total)
{
	const struct memmap_range *r = NULL;
	uint64_t sum = 0;
	unsigned int n = 0;

	qemu_4g();
	CHECK_EQ(memmap_sanitize(&map), 0);
	memmap_align_ram(&map);
	check_sane();
	CHECK_EQ(memmap_total_ram(&map), 0x9f000 + 0xbfee0000 + GiB);
	/* Nothing of the PCI hole between 3 GiB and 4 GiB is RAM. */
	while ((r = memmap_next_ram(&map, r))) {
		CHECK(r->base + r->len <= 3 * GiB || r->base >= 4 * GiB);
		CHECK_EQ(r->base % PAGE_SIZE, 0);
		CHECK_EQ(r->len % PAGE_SIZE, 0);
		sum += r->len;
		n++;
	}
	CHECK_EQ(n, 3);
	CHECK_EQ(sum, memmap_total_ram(&map));
	CHECK_EQ(memmap_total(&map, MEMMAP_RESERVED),
		 0x400 + 0x10000 + 0x20000 + 0x4000 + 0x40000);
}

TEST(memmap_unsorted_and_adjacent)
{
	memmap_init(&map, storage, 128);
	memmap_add(&map, 0x300000, 0x100000, MEMMAP_RAM);
	memmap_add(&map, 0x100000, 0x100000, MEMMAP_RAM);
	memmap_add(&map, 0x200000, 0x100000, MEMMAP_RAM);
	memmap_add(&map, 0x0, 0x1000, MEMMAP_ACPI);
	memmap_add(&map, 0x500000, 0, MEMMAP_RAM); /* empty: ignored */
	CHECK_EQ(memmap_sanitize(&map), 0);
	CHECK_EQ(map.nr, 2);
	expect_range(0, 0x0, 0x1000, MEMMAP_ACPI);
	expect_range(1, 0x100000, 0x300000, MEMMAP_RAM);
}

TEST(memmap_overlap_restrictive_wins)
{
	memmap_init(&map, storage, 128);
	/* RAM with a reserved hole in its middle: RAM splits in two. */
	memmap_add(&map, 0x0, 0x1000000, MEMMAP_RAM);
	memmap_add(&map, 0x400000, 0x100000, MEMMAP_RESERVED);
	/* ACPI overlapping the end of RAM and the start of NVS. */
	memmap_add(&map, 0xf00000, 0x200000, MEMMAP_ACPI);
	memmap_add(&map, 0x1080000, 0x100000, MEMMAP_NVS);
	/* RAM entirely inside unusable: gone. */
	memmap_add(&map, 0x2000000, 0x100000, MEMMAP_UNUSABLE);
	memmap_add(&map, 0x2040000, 0x1000, MEMMAP_RAM);
	CHECK_EQ(memmap_sanitize(&map), 0);
	check_sane();
	CHECK_EQ(map.nr, 6);
	expect_range(0, 0x0, 0x400000, MEMMAP_RAM);
	expect_range(1, 0x400000, 0x100000, MEMMAP_RESERVED);
	expect_range(2, 0x500000, 0xa00000, MEMMAP_RAM);
	expect_range(3, 0xf00000, 0x180000, MEMMAP_ACPI);
	expect_range(4, 0x1080000, 0x100000, MEMMAP_NVS);
	expect_range(5, 0x2000000, 0x100000, MEMMAP_UNUSABLE);
}

TEST(memmap_duplicate_and_nested_same_type)
{
	memmap_init(&map, storage, 128);
	memmap_add(&map, 0x1000, 0x5000, MEMMAP_RAM);
	memmap_add(&map, 0x1000, 0x5000, MEMMAP_RAM);
	memmap_add(&map, 0x2000, 0x1000, MEMMAP_RAM);
	memmap_add(&map, 0x5000, 0x3000, MEMMAP_RAM);
	CHECK_EQ(memmap_sanitize(&map), 0);
	CHECK_EQ(map.nr, 1);
	expect_range(0, 0x1000, 0x7000, MEMMAP_RAM);
}

TEST(memmap_unknown_type_kept)
{
	memmap_init(&map, storage, 128);
	memmap_add(&map, 0x0, 0x10000, MEMMAP_RAM);
	memmap_add(&map, 0x8000, 0x1000, 12); /* E820 PRAM-like */
	CHECK_EQ(memmap_sanitize(&map), 0);
	CHECK_EQ(map.nr, 3);
	expect_range(1, 0x8000, 0x1000, 12);
	CHECK_STR(memmap_type_name(12), "unknown");
	CHECK_STR(memmap_type_name(MEMMAP_NVS), "ACPI NVS");
}

TEST(memmap_wrapping_entry_cut)
{
	memmap_init(&map, storage, 128);
	CHECK_EQ(memmap_add(&map, UINT64_MAX - 0xfff, 0x10000, MEMMAP_RAM), 0);
	expect_range(0, UINT64_MAX - 0xfff, 0xfff, MEMMAP_RAM);
	memmap_align_ram(&map);
	CHECK_EQ(map.nr, 0);
}

TEST(memmap_align_inward)
{
	memmap_init(&map, storage, 128);
	memmap_add(&map, 0x1001, 0x3000, MEMMAP_RAM); /* [0x1001, 0x4001) */
	memmap_add(&map, 0x10000, 0x800, MEMMAP_RAM); /* under a page */
	memmap_add(&map, 0x20800, 0x1000, MEMMAP_RAM); /* no whole page */
	memmap_add(&map, 0x30000, 0x123, MEMMAP_RESERVED); /* untouched */
	CHECK_EQ(memmap_sanitize(&map), 0);
	memmap_align_ram(&map);
	CHECK_EQ(map.nr, 2);
	expect_range(0, 0x2000, 0x2000, MEMMAP_RAM);
	expect_range(1, 0x30000, 0x123, MEMMAP_RESERVED);
}

TEST(memmap_reserve_modules)
{
	qemu_128m();
	memmap_sanitize(&map);
	memmap_align_ram(&map);
	/* Image, two modules in the middle of RAM and the first MiB. */
	CHECK_EQ(memmap_reserve(&map, 0x100000, 0x200000, MEMMAP_HYPERVISOR),
		 0);
	CHECK_EQ(memmap_reserve(&map, 0x1000000, 0x800000, MEMMAP_MODULE), 0);
	CHECK_EQ(memmap_reserve(&map, 0x1800000, 0x400000, MEMMAP_MODULE), 0);
	CHECK_EQ(memmap_reserve(&map, 0, 0x100000, MEMMAP_LOWMEM), 0);
	check_sane();
	CHECK_EQ(memmap_total(&map, MEMMAP_MODULE), 0xc00000);
	CHECK_EQ(memmap_total(&map, MEMMAP_HYPERVISOR), 0x200000);
	/* Only the RAM part of the first MiB changes type. */
	CHECK_EQ(memmap_total(&map, MEMMAP_LOWMEM), 0x9f000);
	CHECK_EQ(memmap_total_ram(&map), 0x7ee0000 - 0x200000 - 0xc00000);
	expect_range(0, 0, 0x9f000, MEMMAP_LOWMEM);
	expect_range(3, 0x100000, 0x200000, MEMMAP_HYPERVISOR);
	expect_range(4, 0x300000, 0xd00000, MEMMAP_RAM);
	/* Two touching modules merged into one entry. */
	expect_range(5, 0x1000000, 0xc00000, MEMMAP_MODULE);
	expect_range(6, 0x1c00000, 0x7fe0000 - 0x1c00000, MEMMAP_RAM);
	/* Reserving again, or over non-RAM, changes nothing. */
	CHECK_EQ(memmap_reserve(&map, 0x1000000, 0x100000, MEMMAP_MODULE), 0);
	CHECK_EQ(memmap_reserve(&map, 0xfffc0000, 0x40000, MEMMAP_MODULE), 0);
	CHECK_EQ(memmap_total(&map, MEMMAP_MODULE), 0xc00000);
}

TEST(memmap_capacity)
{
	struct memmap_range small[4];

	memmap_init(&map, small, 4);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(memmap_add(&map, i * 0x10000ULL, 0x1000, MEMMAP_RAM),
			 0);
	CHECK_EQ(memmap_add(&map, 0x100000, 0x1000, MEMMAP_RAM), -ENOSPC);
	CHECK_EQ(map.nr, 4);

	/* A reservation that would split RAM beyond capacity is refused. */
	memmap_init(&map, small, 3);
	memmap_add(&map, 0, 0x100000, MEMMAP_RAM);
	memmap_add(&map, 0x200000, 0x100000, MEMMAP_RESERVED);
	CHECK_EQ(memmap_reserve(&map, 0x1000, 0x1000, MEMMAP_MODULE), -ENOSPC);
	CHECK_EQ(map.nr, 2);
	expect_range(0, 0, 0x100000, MEMMAP_RAM);
	/* One more entry is enough at the edge of RAM. */
	CHECK_EQ(memmap_reserve(&map, 0, 0x1000, MEMMAP_MODULE), 0);
	CHECK_EQ(map.nr, 3);

	/* Sanitizing that needs a split without room reports it. */
	memmap_init(&map, small, 2);
	memmap_add(&map, 0, 0x100000, MEMMAP_RAM);
	memmap_add(&map, 0x1000, 0x1000, MEMMAP_RESERVED);
	CHECK_EQ(memmap_sanitize(&map), -ENOSPC);
}

/* Random small maps against a unit-by-unit model of the rules. */
static unsigned int rank_model(uint32_t t)
{
	static const unsigned int ranks[] = { 9, 0, 3, 1, 2, 5, 4, 4, 4, 4 };

	return ranks[t];
}

TEST(memmap_sanitize_random_against_model)
{
	/* 7 and 9: unknown types of equal rank, the higher number wins. */
	static const uint32_t types[] = { 1, 1, 1, 2, 3, 4, 5, 7, 9 };
	uint64_t seed = 12345;

	for (int round = 0; round < 3000; round++) {
		uint32_t want[64] = { 0 };
		struct memmap_range in[12];
		int n;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		n = 1 + (int)((seed >> 33) % 12);
		memmap_init(&map, storage, 128);
		for (int i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ULL + 1;
			in[i].base = (seed >> 20) % 60;
			in[i].len = 1 + (seed >> 40) % 20;
			if (in[i].base + in[i].len > 64)
				in[i].len = 64 - in[i].base;
			in[i].type = types[(seed >> 50) % 9];
			memmap_add(&map, in[i].base * PAGE_SIZE,
				   in[i].len * PAGE_SIZE, in[i].type);
		}
		for (int u = 0; u < 64; u++)
			for (int i = 0; i < n; i++) {
				uint32_t t = in[i].type;

				if (u < (int)in[i].base ||
				    u >= (int)(in[i].base + in[i].len))
					continue;
				if (!want[u] ||
				    rank_model(t) > rank_model(want[u]) ||
				    (rank_model(t) == rank_model(want[u]) &&
				     t > want[u]))
					want[u] = t;
			}
		CHECK_EQ(memmap_sanitize(&map), 0);
		check_sane();
		for (int u = 0; u < 64; u++) {
			uint32_t got = 0;

			for (unsigned int i = 0; i < map.nr; i++)
				if (u * PAGE_SIZE >= map.ranges[i].base &&
				    u * PAGE_SIZE < map.ranges[i].base +
							    map.ranges[i].len)
					got = map.ranges[i].type;
			CHECK_EQ(got, want[u]);
		}
		if (unit_test_failed)
			break;
	}
}

TEST(bootmem_highest_below_limit)
{
	uint64_t a, b, c;

	qemu_4g();
	memmap_sanitize(&map);
	memmap_align_ram(&map);
	/* Below 4 GiB: the top of the RAM under the PCI hole. */
	a = bootmem_alloc(&map, 16, 0, 4 * GiB);
	CHECK_EQ(a, 0xbffe0000 - 16 * PAGE_SIZE);
	b = bootmem_alloc(&map, 1, 2 * MiB, 4 * GiB);
	CHECK_EQ(b, 0xbfe00000);
	/* Without a limit: the top of RAM above 4 GiB. */
	c = bootmem_alloc(&map, 1, 0, UINT64_MAX);
	CHECK_EQ(c, 5 * GiB - PAGE_SIZE);
	CHECK_EQ(memmap_total(&map, MEMMAP_BOOTMEM), 18 * PAGE_SIZE);
	CHECK_EQ(memmap_total_ram(&map),
		 0x9f000 + 0xbfee0000 + GiB - 18 * PAGE_SIZE);
	check_sane();
	/* What bootmem took is no longer offered as RAM. */
	for (const struct memmap_range *r = NULL;
	     (r = memmap_next_ram(&map, r));) {
		CHECK(a + 16 * PAGE_SIZE <= r->base || a >= r->base + r->len);
		CHECK(b + PAGE_SIZE <= r->base || b >= r->base + r->len);
		CHECK(c + PAGE_SIZE <= r->base || c >= r->base + r->len);
	}
}

TEST(bootmem_failures)
{
	qemu_128m();
	memmap_sanitize(&map);
	memmap_align_ram(&map);
	CHECK_EQ(bootmem_alloc(&map, 0, 0, UINT64_MAX), BOOTMEM_FAILED);
	CHECK_EQ(bootmem_alloc(&map, 1, 3 * PAGE_SIZE, UINT64_MAX),
		 BOOTMEM_FAILED);
	/* More than all RAM, and a limit below any whole range. */
	CHECK_EQ(bootmem_alloc(&map, 0x8000, 0, UINT64_MAX), BOOTMEM_FAILED);
	CHECK_EQ(bootmem_alloc(&map, 1, 0, 0xfff), BOOTMEM_FAILED);
	CHECK_EQ(bootmem_alloc(&map, UINT64_MAX, 0, UINT64_MAX),
		 BOOTMEM_FAILED);
	/* A limit inside low RAM: allocated just under it. */
	CHECK_EQ(bootmem_alloc(&map, 2, 0, 0x50000), 0x4e000);
	/* Eat the rest of the big range page by page, then fall back. */
	CHECK_EQ(bootmem_alloc(&map, 0x7ee0, 0, UINT64_MAX), 0x100000);
	CHECK_EQ(bootmem_alloc(&map, 1, 0, UINT64_MAX), 0x9e000);
}
