// SPDX-License-Identifier: MIT
/*
 * The machine memory map and the boot allocator.
 *
 * Maps hold at most a few hundred entries, so the algorithms are the simple
 * quadratic ones: insertion sort and pairwise overlap resolution.
 */
#include <stddef.h>

#include <lamina/errno.h>
#include <lamina/frame.h>
#include <lamina/memmap.h>

#define PAGE_MASK (PAGE_SIZE - 1)

static uint64_t range_end(const struct memmap_range *r)
{
	return r->base + r->len;
}

void memmap_init(struct memmap *m, struct memmap_range *storage,
		 unsigned int cap)
{
	m->ranges = storage;
	m->nr = 0;
	m->cap = cap;
}

int memmap_add(struct memmap *m, uint64_t base, uint64_t len, uint32_t type)
{
	if (len > UINT64_MAX - base)
		len = UINT64_MAX - base;
	if (!len)
		return 0;
	if (m->nr == m->cap)
		return -ENOSPC;
	m->ranges[m->nr++] = (struct memmap_range){ base, len, type };
	return 0;
}

/* How much a type restricts use of its memory; see memmap.h. */
static unsigned int type_rank(uint32_t type)
{
	switch (type) {
	case MEMMAP_RAM:
		return 0;
	case MEMMAP_ACPI:
		return 1;
	case MEMMAP_NVS:
		return 2;
	case MEMMAP_RESERVED:
	case MEMMAP_HYPERVISOR:
	case MEMMAP_MODULE:
	case MEMMAP_BOOTMEM:
	case MEMMAP_LOWMEM:
		return 3;
	case MEMMAP_UNUSABLE:
		return 5;
	default:
		return 4;
	}
}

/* True if type a wins over type b where they overlap (or a == b). */
static bool type_wins(uint32_t a, uint32_t b)
{
	if (type_rank(a) != type_rank(b))
		return type_rank(a) > type_rank(b);
	return a >= b;
}

static bool range_before(const struct memmap_range *a,
			 const struct memmap_range *b)
{
	return a->base < b->base ||
	       (a->base == b->base && range_end(a) < range_end(b));
}

static void swap_ranges(struct memmap *m, unsigned int i, unsigned int j)
{
	struct memmap_range t = m->ranges[i];

	m->ranges[i] = m->ranges[j];
	m->ranges[j] = t;
}

/* Moves entry i down while it sorts before its predecessor. */
static unsigned int sort_down(struct memmap *m, unsigned int i)
{
	while (i > 0 && range_before(&m->ranges[i], &m->ranges[i - 1])) {
		swap_ranges(m, i, i - 1);
		i--;
	}
	return i;
}

/* Moves entry i to its sorted place, assuming the rest is sorted. */
static void resort(struct memmap *m, unsigned int i)
{
	i = sort_down(m, i);
	while (i + 1 < m->nr &&
	       range_before(&m->ranges[i + 1], &m->ranges[i])) {
		swap_ranges(m, i, i + 1);
		i++;
	}
}

static void remove_range(struct memmap *m, unsigned int i)
{
	for (; i + 1 < m->nr; i++)
		m->ranges[i] = m->ranges[i + 1];
	m->nr--;
}

static void insert_range(struct memmap *m, unsigned int i,
			 struct memmap_range r)
{
	for (unsigned int j = m->nr; j > i; j--)
		m->ranges[j] = m->ranges[j - 1];
	m->ranges[i] = r;
	m->nr++;
}

/* Joins neighbours of one type that touch; drops empty entries. */
static void merge_touching(struct memmap *m)
{
	unsigned int i = 0;

	while (i < m->nr) {
		struct memmap_range *r = &m->ranges[i];

		if (!r->len) {
			remove_range(m, i);
		} else if (i + 1 < m->nr && r[1].type == r->type &&
			   r[1].base == range_end(r)) {
			r->len += r[1].len;
			remove_range(m, i + 1);
		} else {
			i++;
		}
	}
}

/*
 * Resolves the overlap of sorted neighbours a = ranges[i], b = ranges[i+1]
 * (b->base < end of a). The loser gives up the shared part; only a weaker
 * a that encloses b splits in two.
 */
static int resolve_overlap(struct memmap *m, unsigned int i)
{
	struct memmap_range *a = &m->ranges[i], *b = a + 1;
	uint64_t a_end = range_end(a), b_end = range_end(b);

	if (type_wins(a->type, b->type)) {
		if (b_end <= a_end) {
			remove_range(m, i + 1);
		} else {
			b->base = a_end;
			b->len = b_end - a_end;
			resort(m, i + 1);
		}
		return 0;
	}
	if (a_end > b_end) {
		struct memmap_range right = { b_end, a_end - b_end, a->type };

		if (m->nr == m->cap)
			return -ENOSPC;
		insert_range(m, m->nr, right);
		resort(m, m->nr - 1);
	}
	a->len = b->base - a->base;
	if (!a->len)
		remove_range(m, i);
	return 0;
}

int memmap_sanitize(struct memmap *m)
{
	unsigned int i = 0;
	int rc;

	for (i = 0; i < m->nr;) {
		if (!m->ranges[i].len)
			remove_range(m, i);
		else
			sort_down(m, i++);
	}
	i = 0;
	while (i + 1 < m->nr) {
		if (m->ranges[i + 1].base >= range_end(&m->ranges[i])) {
			i++;
			continue;
		}
		rc = resolve_overlap(m, i);
		if (rc)
			return rc;
	}
	merge_touching(m);
	return 0;
}

/* Entries RAM range r splits into when [base, end) is taken from it. */
static unsigned int pieces(const struct memmap_range *r, uint64_t base,
			   uint64_t end)
{
	if (r->type != MEMMAP_RAM || r->base >= end || range_end(r) <= base)
		return 1;
	return 1 + (r->base < base) + (range_end(r) > end);
}

int memmap_reserve(struct memmap *m, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t end = len > UINT64_MAX - base ? UINT64_MAX : base + len;
	unsigned int need = m->nr;

	for (unsigned int i = 0; i < m->nr; i++)
		need += pieces(&m->ranges[i], base, end) - 1;
	if (need > m->cap)
		return -ENOSPC;
	/* Backwards, so inserted pieces never move entries still to visit. */
	for (unsigned int i = m->nr; i-- > 0;) {
		struct memmap_range *r = &m->ranges[i];
		uint64_t r_end = range_end(r);
		uint64_t lo = r->base > base ? r->base : base;
		uint64_t hi = r_end < end ? r_end : end;

		if (r->type != MEMMAP_RAM || lo >= hi)
			continue;
		if (r_end > end)
			insert_range(m, i + 1,
				     (struct memmap_range){ end, r_end - end,
							    MEMMAP_RAM });
		insert_range(m, i + 1,
			     (struct memmap_range){ lo, hi - lo, type });
		/* What is left of r is the part below base, maybe nothing. */
		m->ranges[i].len = lo - m->ranges[i].base;
	}
	merge_touching(m);
	return 0;
}

void memmap_align_ram(struct memmap *m)
{
	for (unsigned int i = 0; i < m->nr; i++) {
		struct memmap_range *r = &m->ranges[i];
		uint64_t lo, hi;

		if (r->type != MEMMAP_RAM)
			continue;
		if (r->base > UINT64_MAX - PAGE_MASK) {
			r->len = 0;
			continue;
		}
		lo = (r->base + PAGE_MASK) & ~PAGE_MASK;
		hi = range_end(r) & ~PAGE_MASK;
		r->base = lo;
		r->len = hi > lo ? hi - lo : 0;
	}
	merge_touching(m);
}

const struct memmap_range *memmap_next_ram(const struct memmap *m,
					   const struct memmap_range *prev)
{
	const struct memmap_range *r = prev ? prev + 1 : m->ranges;

	for (; r < m->ranges + m->nr; r++)
		if (r->type == MEMMAP_RAM)
			return r;
	return NULL;
}

uint64_t memmap_total(const struct memmap *m, uint32_t type)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < m->nr; i++)
		if (m->ranges[i].type == type)
			total += m->ranges[i].len;
	return total;
}

uint64_t memmap_total_ram(const struct memmap *m)
{
	return memmap_total(m, MEMMAP_RAM);
}

const char *memmap_type_name(uint32_t type)
{
	switch (type) {
	case MEMMAP_RAM:
		return "RAM";
	case MEMMAP_RESERVED:
		return "reserved";
	case MEMMAP_ACPI:
		return "ACPI data";
	case MEMMAP_NVS:
		return "ACPI NVS";
	case MEMMAP_UNUSABLE:
		return "unusable";
	case MEMMAP_HYPERVISOR:
		return "hypervisor";
	case MEMMAP_MODULE:
		return "module";
	case MEMMAP_BOOTMEM:
		return "boot allocations";
	case MEMMAP_LOWMEM:
		return "low memory";
	default:
		return "unknown";
	}
}

uint64_t bootmem_alloc(struct memmap *m, uint64_t pages, uint64_t align,
		       uint64_t limit)
{
	uint64_t size = pages << PAGE_SHIFT;

	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (!pages || pages > (UINT64_MAX >> PAGE_SHIFT) ||
	    (align & (align - 1)))
		return BOOTMEM_FAILED;
	for (unsigned int i = m->nr; i-- > 0;) {
		const struct memmap_range *r = &m->ranges[i];
		uint64_t hi = range_end(r) < limit ? range_end(r) : limit;
		uint64_t addr;

		if (r->type != MEMMAP_RAM || hi < size)
			continue;
		addr = (hi - size) & ~(align - 1);
		if (addr < r->base)
			continue;
		if (memmap_reserve(m, addr, size, MEMMAP_BOOTMEM))
			return BOOTMEM_FAILED;
		return addr;
	}
	return BOOTMEM_FAILED;
}
