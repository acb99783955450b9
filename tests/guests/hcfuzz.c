// SPDX-License-Identifier: MIT
/*
 * hcfuzz: a structure-aware hypercall fuzzer (harness guest, not in
 * `make list`). From `seed=N` it draws random sequences over every
 * hypercall and sub-op Lamina dispatches, alone or packed in multicalls,
 * with arguments drawn from values an attacker would try: its own frames
 * of every type, guessed frames of other domains, freed frames, hypervisor
 * and non-canonical addresses, counts at their bounds, repeated and
 * overlapping arrays. It keeps itself alive (it never points a destructive
 * operation at its own code, stack or kernel page tables) and runs for
 * `secs=N` seconds; every `report=N` seconds (5) it prints iterations per
 * second and how much of the coverage table it reached, at its end the
 * table itself (COVER lines), and powers off. `self=N` names its own domid (never
 * shut down remotely); `trace=N` prints every call from iteration N on, so
 * a seed that broke the hypervisor replays with its last calls shown.
 * A successful call that must fail for an unprivileged domain prints an
 * ANOMALY line. Mappings of frames that are not its own are written to.
 * For bisecting a failure: skip=MASK leaves out generators (bit i is
 * gens[i]), off=MASK the side actions (1 toggling mappings, 2 writing
 * freed frames, 4 pinning held frames, 8 multicalls, 16 an int3 after
 * each call to catch a lost trap table), nest=PCT nested multicalls,
 * cmd=N forces the sched_op command.
 */
#include <libpv/console.h>
#include <libpv/event.h>
#include <libpv/grant.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <libpv/traps.h>
#include <xen/callback.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#define NR_HC 64
#define NR_SUB 32
#define SCRATCH_SLOT 384UL
#define SCRATCH_VA (0xffff000000000000UL | (SCRATCH_SLOT << 39))
#define HYP_LO 0xffff800000000000UL
#define ARENA_PAGES 48
#define MAX_FRAMES 96

extern char upcall_entry[], failsafe_entry[], syscall_entry[];

/* ---- randomness ---------------------------------------------------- */

static uint64_t rng_state;
static unsigned long force_cmd = ~0UL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned long below(unsigned long n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

/* ---- the frames it plays with -------------------------------------- */

enum kind {
	K_DATA, /* writable page of its own */
	K_SPARE, /* its own, unmapped: what exchange wants */
	K_L1,
	K_L2,
	K_L3,
	K_L4, /* pinned page tables of its own */
	K_DESC, /* read-only, for GDT/LDT */
	K_GRANT, /* its grant-table frame */
	K_SHINFO,
	K_START,
	K_CONS,
	K_STORE,
	K_LIVE_L4, /* the L4 in CR3: pin/unpin/baseptr only */
	K_FREED, /* given back with decrease_reservation */
	NR_KINDS
};

struct frame {
	unsigned long mfn;
	void *va; /* its mapping in the initial area, or NULL */
	enum kind kind;
};

static struct frame frames[MAX_FRAMES];
static unsigned int nr_frames;
static unsigned long max_ram_page, live_l4_mfn, scratch_l1, scratch_l2,
	scratch_l3;
static unsigned long self_domid = DOMID_SELF;
static evtchn_port_t timer_port;
static char *arena;
static struct multicall_entry *mc_end;
static unsigned long arena_used;
static unsigned long iter, trace_from = ~0UL, anomalies;

static struct frame *frame_of_kind(enum kind k);

/* When full, a new frame takes a freed one's place (or is dropped). */
static struct frame *add_frame(unsigned long mfn, void *va, enum kind k)
{
	struct frame *f = nr_frames < MAX_FRAMES ? &frames[nr_frames++] :
						   frame_of_kind(K_FREED);

	if (!f)
		return NULL;
	f->mfn = mfn;
	f->va = va;
	f->kind = k;
	return f;
}

static struct frame *frame_of_kind(enum kind k)
{
	unsigned int start = below(nr_frames);

	for (unsigned int i = 0; i < nr_frames; i++) {
		struct frame *f = &frames[(start + i) % nr_frames];

		if (f->kind == k)
			return f;
	}
	return NULL;
}

static struct frame *find_frame(unsigned long mfn)
{
	for (unsigned int i = 0; i < nr_frames; i++)
		if (frames[i].mfn == mfn)
			return &frames[i];
	return NULL;
}

/* One of the domain's own frames (p2m) or a tracked one. */
static bool is_own(unsigned long mfn)
{
	unsigned long pfn;
	struct frame *f = find_frame(mfn);

	if (f)
		return f->kind != K_FREED;
	if (mfn > max_ram_page)
		return false;
	pfn = m2p()[mfn];
	return pfn < start_info->nr_pages && pfn_to_mfn(pfn) == mfn;
}

static unsigned long foreign_mfn(void)
{
	for (int tries = 0; tries < 8; tries++) {
		unsigned long base = frames[below(nr_frames)].mfn, mfn;

		switch (below(3)) {
		case 0: /* just beside our own */
			mfn = base + below(64) - 32;
			break;
		case 1: /* anywhere in RAM */
			mfn = below(max_ram_page + 1);
			break;
		default: /* another 32 MiB domain's likely place */
			mfn = base + (below(4) - 2) * 8192 + below(16);
			break;
		}
		if (!is_own(mfn))
			return mfn;
	}
	return max_ram_page + 1 + below(16);
}

static unsigned long pick_mfn(void)
{
	static const unsigned long odd[] = { 0,		1,
					     ~0UL,	0xfffffffffUL,
					     1UL << 40, 0x7fffffffUL };

	switch (below(10)) {
	case 0 ... 5:
		return frames[below(nr_frames)].mfn;
	case 6:
	case 7:
		return foreign_mfn();
	case 8: {
		struct frame *f = frame_of_kind(K_FREED);

		return f ? f->mfn : foreign_mfn();
	}
	default:
		return odd[below(ARRAY_SIZE(odd))];
	}
}

/* An own frame of kind k if there is one, else any pick. */
static unsigned long mfn_of(enum kind k)
{
	struct frame *f = frame_of_kind(k);

	return f && chance(85) ? f->mfn : pick_mfn();
}

/* For writes into the frame: its own frame of kind k, never a fallback
 * (a random pick could be start_info or the live L4). */
static unsigned long strict_of(enum kind k)
{
	struct frame *f = frame_of_kind(k);

	return f ? f->mfn : scratch_l1;
}

static unsigned long hyp_addr(void)
{
	return HYP_LO + (below(0x80000000000UL) & ~7UL);
}

static unsigned long noncanon(void)
{
	return 0x0000800000000000UL + (below(1UL << 46) & ~7UL);
}

static void *arena_alloc(unsigned long size)
{
	void *p;

	size = (size + 15) & ~15UL;
	if (arena_used + size > ARENA_PAGES * PAGE_SIZE)
		arena_used = 0;
	p = arena + arena_used;
	arena_used += size;
	return p;
}

static unsigned long scratch_va(void)
{
	return SCRATCH_VA + below(512) * PAGE_SIZE;
}

/* A buffer pointer: mostly somewhere valid of its own, else hostile. */
static unsigned long pick_ptr(unsigned long size)
{
	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return hyp_addr();
	case 2:
		return noncanon();
	case 3:
		return scratch_va() + below(PAGE_SIZE);
	case 4: /* straddling the arena's end into what follows */
		return (unsigned long)arena + ARENA_PAGES * PAGE_SIZE - 8;
	default:
		return (unsigned long)arena_alloc(size);
	}
}

/* An argument pointer that is not its own memory: an arena buffer left
 * from earlier calls could name its timer port or its own domain. */
static unsigned long bad_ptr(void)
{
	switch (below(4)) {
	case 0:
		return 0;
	case 1:
		return hyp_addr();
	case 2:
		return noncanon();
	default: /* straddling the arena's end */
		return (unsigned long)arena + ARENA_PAGES * PAGE_SIZE - 4;
	}
}

static unsigned long pick_count(unsigned long small)
{
	static const unsigned long bound[] = { 0,	   1,	       2,
					       0x7fffffff, 0x80000000, ~0U,
					       ~0UL,	   512,	       4096 };

	if (chance(70))
		return 1 + below(small);
	return bound[below(ARRAY_SIZE(bound))];
}

static unsigned long pick_domid(void)
{
	static const unsigned long ids[] = {
		0,	1,	    2,	      3,	 4,
		5,	DOMID_SELF, DOMID_IO, DOMID_XEN, DOMID_INVALID,
		0x7fff, 0xffff
	};

	return ids[below(ARRAY_SIZE(ids))];
}

/* A writable mapping of its own shared_info, console ring or grant
 * table would let a hypercall's output land there (a masked timer
 * port: it never wakes). Data frames and frames not its own only. */
static bool may_write(unsigned long mfn)
{
	struct frame *f = find_frame(mfn);

	if (!f)
		return !is_own(mfn);
	return f->kind == K_DATA || f->kind == K_SPARE || f->kind == K_FREED;
}

static uint64_t pick_pte(void)
{
	unsigned long mfn;

	static const uint64_t extra[] = { _PAGE_USER, _PAGE_PWT,    _PAGE_PCD,
					  _PAGE_PSE,  _PAGE_GLOBAL, _PAGE_NX,
					  1UL << 52,  1UL << 62,    0x200 };
	uint64_t pte;

	if (chance(5))
		return 0;
	mfn = pick_mfn();
	/* Never its live L4 as a table: a self-map in any L4 slot reaches
	 * its kernel's L1s, and an update_va_mapping or grant map through it
	 * unmaps its code, stack or arguments. */
	if (mfn == live_l4_mfn)
		mfn = scratch_l3;
	pte = ((uint64_t)mfn << PAGE_SHIFT) & PTE_ADDR_MASK;
	pte |= _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY;
	if (chance(60) && may_write(mfn))
		pte |= _PAGE_RW;
	if (chance(20))
		pte |= extra[below(ARRAY_SIZE(extra))];
	if (chance(3))
		pte &= ~_PAGE_PRESENT;
	return pte;
}

/* Any 64-bit word an argument field might receive. */
static uint64_t pick_word(void)
{
	switch (below(9)) {
	case 0:
		return below(16);
	case 1:
		return pick_mfn();
	case 2:
		return pick_ptr(64);
	case 3:
		return pick_count(8);
	case 4:
		return pick_domid();
	case 5:
		return pick_pte();
	case 6:
		return scratch_va();
	case 7:
		return rnd();
	default:
		return (uint64_t)pick_mfn() << PAGE_SHIFT;
	}
}

static void *fill(unsigned long size)
{
	uint64_t *p = arena_alloc(size);

	for (unsigned long i = 0; i < size / 8; i++)
		p[i] = pick_word();
	return p;
}

/* A machine address of a page-table entry it may change: its own pool
 * and scratch tables, the live L4 away from the kernel's slot, data
 * frames, or hostile values. Never its kernel page tables. */
static uint64_t pick_pte_ptr(void)
{
	unsigned long slot = below(512);
	unsigned long mfn;

	switch (below(10)) {
	case 0:
		mfn = live_l4_mfn;
		slot = below(511);
		if (slot == SCRATCH_SLOT)
			slot = 256 + below(16); /* the hypervisor's slots */
		break;
	case 1:
	case 2:
		mfn = scratch_l1;
		break;
	case 3:
		mfn = chance(50) ? scratch_l2 : scratch_l3;
		if (!slot)
			slot = 1;
		break;
	case 4:
		mfn = strict_of(K_L1 + below(4));
		break;
	case 5:
		mfn = strict_of(chance(50) ? K_DATA : K_GRANT);
		break;
	case 6:
		mfn = foreign_mfn();
		break;
	case 7:
		return hyp_addr();
	default:
		mfn = scratch_l1;
		break;
	}
	return ((uint64_t)mfn << PAGE_SHIFT) | (slot << 3);
}

/* ---- calls and coverage ------------------------------------------- */

struct call {
	unsigned long nr, sub;
	unsigned long a[5];
	void (*post)(struct call *c);
	long rc;
	unsigned long ctx; /* for post */
};

static unsigned long cov_calls[NR_HC][NR_SUB], cov_ok[NR_HC][NR_SUB];

static void record(unsigned long nr, unsigned long sub, long rc)
{
	if (nr >= NR_HC)
		nr = NR_HC - 1;
	if (sub >= NR_SUB)
		sub = NR_SUB - 1;
	cov_calls[nr][sub]++;
	if (rc >= 0)
		cov_ok[nr][sub]++;
}

static void anomaly(const char *what, struct call *c)
{
	anomalies++;
	if (anomalies <= 40)
		printf("ANOMALY iter=%lu %s: nr %lu sub %lu rc %ld a %#lx %#lx\n",
		       iter, what, c->nr, c->sub, c->rc, c->a[0], c->a[1]);
}

static void trace(const char *tag, struct call *c)
{
	printf("TRACE %lu %s nr %lu sub %lu (%#lx %#lx %#lx %#lx %#lx)\n", iter,
	       tag, c->nr, c->sub, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
}

static void set(struct call *c, unsigned long nr, unsigned long sub,
		unsigned long a0, unsigned long a1, unsigned long a2)
{
	c->nr = nr;
	c->sub = sub;
	c->a[0] = a0;
	c->a[1] = a1;
	c->a[2] = a2;
	c->a[3] = pick_domid() == 0 ? pick_word() : DOMID_SELF;
	c->a[4] = chance(90) ? 0 : pick_word();
}

/* ---- generators: memory_op ---------------------------------------- */

static xen_pfn_t *mfn_array(unsigned long n, bool dup)
{
	xen_pfn_t *a = arena_alloc(n * sizeof(*a));

	for (unsigned long i = 0; i < n; i++) {
		static const enum kind k[] = { K_DATA, K_SPARE, K_SPARE,
					       K_FREED };
		struct frame *f = frame_of_kind(k[below(ARRAY_SIZE(k))]);

		a[i] = f && chance(80) ? f->mfn : pick_mfn();
		if (dup && i && chance(40))
			a[i] = a[below(i)]; /* the exchange double-free */
	}
	return a;
}

/* Results are read back only from buffers it gave (in its arena). */
static bool in_arena(const void *p, unsigned long n)
{
	unsigned long a = (unsigned long)p, lo = (unsigned long)arena;

	return a >= lo && a + n <= lo + ARENA_PAGES * PAGE_SIZE && a + n > a;
}

static void post_unmapped(struct call *c)
{
	/* A frame given back is remembered as freed, its old mfn reused. */
	struct xen_memory_reservation *r = (void *)c->a[1];

	if (c->rc <= 0 || !in_arena(r, sizeof(*r)) ||
	    !in_arena(r->extent_start.p, 16 * 8))
		return;
	for (long i = 0; i < c->rc && i < 16; i++) {
		struct frame *f = find_frame(r->extent_start.p[i]);

		if (f && (f->kind == K_DATA || f->kind == K_SPARE))
			f->kind = K_FREED;
	}
}

/* A frame the hypervisor just gave it: if it was one it gave back
 * earlier, that entry is its own again (unmapped). True if known. */
static bool reclaim(unsigned long mfn)
{
	struct frame *f = find_frame(mfn);

	if (!f)
		return false;
	if (f->kind == K_FREED)
		f->kind = f->va ? K_SPARE : K_DATA;
	return true;
}

static void post_populated(struct call *c)
{
	struct xen_memory_reservation *r = (void *)c->a[1];

	if (c->rc <= 0 || !in_arena(r, sizeof(*r)) ||
	    !in_arena(r->extent_start.p, 16 * 8))
		return;
	for (long i = 0; i < c->rc && i < 16; i++) {
		unsigned long mfn = r->extent_start.p[i];
		struct frame *f = frame_of_kind(K_FREED);

		if (!mfn || mfn > max_ram_page || reclaim(mfn))
			continue;
		/* Map the new frame where a freed one was: a data page
		 * again. */
		if (f && f->va &&
		    !hyp_update_va_mapping((unsigned long)f->va,
					   ((uint64_t)mfn << PAGE_SHIFT) |
						   _PAGE_PRESENT | _PAGE_RW |
						   _PAGE_ACCESSED | _PAGE_DIRTY,
					   UVMF_INVLPG)) {
			f->mfn = mfn;
			f->kind = K_DATA;
		} else if (!f) {
			add_frame(mfn, NULL, K_DATA);
		}
	}
}

/* Exchanged inputs are gone (freed), their frames' places take the new
 * mfns, still unmapped. */
static void post_exchanged(struct call *c)
{
	struct xen_memory_exchange *x = (void *)c->a[1];
	xen_pfn_t *old = (void *)c->ctx;
	unsigned long n = old[0];

	if (!in_arena(x, sizeof(*x)) || x->in.extent_order ||
	    x->out.extent_order || !in_arena(x->out.extent_start.p, n * 8))
		return;
	for (unsigned long i = 0; i < x->nr_exchanged && i < n; i++) {
		struct frame *f = find_frame(old[1 + i]);
		unsigned long mfn = x->out.extent_start.p[i];

		if (!f || f->kind != K_SPARE)
			continue;
		if (mfn && mfn <= max_ram_page && !reclaim(mfn)) {
			f->mfn = mfn;
			add_frame(old[1 + i], NULL, K_FREED);
		} else {
			f->kind = K_FREED;
		}
	}
}

static void gen_memory_op(struct call *c)
{
	static const unsigned int cmds[] = {
		XENMEM_increase_reservation,
		XENMEM_decrease_reservation,
		XENMEM_populate_physmap,
		XENMEM_exchange,
		XENMEM_exchange,
		XENMEM_decrease_reservation,
		XENMEM_maximum_ram_page,
		XENMEM_current_reservation,
		XENMEM_maximum_reservation,
		XENMEM_machphys_mfn_list,
		XENMEM_add_to_physmap,
		XENMEM_add_to_physmap_batch,
		XENMEM_memory_map,
		XENMEM_machine_memory_map,
		XENMEM_machphys_mapping,
		XENMEM_maximum_gpfn,
	};
	unsigned int cmd = chance(95) ? cmds[below(ARRAY_SIZE(cmds))] :
					below(32);
	void *arg = fill(128);

	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap: {
		struct xen_memory_reservation *r = arg;
		unsigned long n = pick_count(4);
		unsigned long room = n < 64 ? n : 1;

		r->extent_start.p = mfn_array(room, true);
		if (cmd != XENMEM_decrease_reservation)
			for (unsigned long i = 0; i < room; i++)
				r->extent_start.p[i] =
					chance(80) ?
						below(start_info->nr_pages +
						      8) :
						pick_word();
		if (chance(5))
			r->extent_start.p = (void *)pick_ptr(8);
		r->nr_extents = n;
		r->extent_order = chance(85) ? 0 : below(4) * (below(3) + 1);
		r->mem_flags = chance(80) ? 0 : (uint32_t)pick_word();
		r->domid = chance(85) ? DOMID_SELF : pick_domid();
		c->post = cmd == XENMEM_decrease_reservation ? post_unmapped :
							       post_populated;
		break;
	}
	case XENMEM_exchange: {
		struct xen_memory_exchange *x = arg;
		unsigned long n = pick_count(6);
		unsigned long room = n < 64 ? n : 1;
		xen_pfn_t *in = mfn_array(room, true);
		bool overlap = chance(30);

		x->in.extent_start.p = in;
		x->in.nr_extents = n;
		x->in.extent_order = chance(80) ? 0 : below(3);
		x->in.domid = chance(90) ? DOMID_SELF : pick_domid();
		/* Output overlapping the input: the self-feeding chain. */
		x->out.extent_start.p = overlap ? in + below(room + 1) :
						  mfn_array(room, false);
		x->out.nr_extents = chance(80) ? n : pick_count(6);
		x->out.extent_order = chance(80) ? x->in.extent_order :
						   below(3);
		x->out.mem_flags = chance(50) ? XENMEMF_address_bits(32) : 0;
		x->out.domid = chance(90) ? DOMID_SELF : pick_domid();
		x->nr_exchanged = chance(90) ? 0 : pick_count(4);
		if (!overlap) {
			xen_pfn_t *copy = arena_alloc((room + 1) * 8);

			copy[0] = room;
			memcpy(copy + 1, in, room * 8);
			c->ctx = (unsigned long)copy;
			c->post = post_exchanged;
		}
		break;
	}
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		*(domid_t *)arg = (domid_t)pick_domid();
		break;
	default:
		break;
	}
	set(c, __HYPERVISOR_memory_op, cmd, cmd | (chance(3) ? rnd() << 6 : 0),
	    chance(95) ? (unsigned long)arg : bad_ptr(), 0);
}

/* ---- mmu_update, update_va_mapping, mmuext_op ---------------------- */

static void post_mapped(struct call *c);

static void gen_mmu_update(struct call *c)
{
	unsigned long n = pick_count(4), room = n < 32 ? n : 2;
	struct mmu_update *u = arena_alloc(room * sizeof(*u));

	for (unsigned long i = 0; i < room; i++) {
		if (i && chance(20)) {
			u[i] = u[below(i)]; /* repeated entries */
			u[i].val = pick_pte();
			continue;
		}
		switch (below(10)) {
		case 0: /* MMU_MACHPHYS_UPDATE */
			u[i].ptr = ((uint64_t)(chance(80) ? strict_of(K_DATA) :
							    foreign_mfn())
				    << PAGE_SHIFT) |
				   MMU_MACHPHYS_UPDATE;
			u[i].val = below(start_info->nr_pages * 2);
			break;
		case 1:
			u[i].ptr = pick_pte_ptr() | below(4);
			u[i].val = pick_pte();
			break;
		default:
			u[i].ptr = pick_pte_ptr() |
				   (chance(80) ? MMU_NORMAL_PT_UPDATE :
						 MMU_PT_UPDATE_PRESERVE_AD);
			u[i].val = pick_pte();
			break;
		}
	}
	set(c, __HYPERVISOR_mmu_update, 0, (unsigned long)u, n,
	    chance(80) ? (unsigned long)arena_alloc(8) : pick_ptr(8));
	c->a[3] = chance(90) ? DOMID_SELF : pick_domid();
	c->post = post_mapped;
}

static void gen_update_va_mapping(struct call *c)
{
	unsigned long va;
	static const unsigned long flags[] = { UVMF_NONE, UVMF_INVLPG,
					       UVMF_TLB_FLUSH,
					       UVMF_INVLPG | UVMF_ALL,
					       UVMF_TLB_FLUSH | UVMF_ALL };

	switch (below(8)) {
	case 0:
		va = hyp_addr();
		break;
	case 1:
		va = noncanon();
		break;
	case 2:
		va = below(1UL << 47) & ~0xfffUL; /* user half, no tables */
		break;
	case 3:
		va = SCRATCH_VA + (1 + below(511)) * (2UL << 20);
		break;
	default:
		va = scratch_va();
		break;
	}
	c->ctx = va;
	set(c, __HYPERVISOR_update_va_mapping, 0, va, pick_pte(),
	    chance(85) ? flags[below(ARRAY_SIZE(flags))] :
			 (unsigned long)arena_alloc(8) | (below(4)));
	if (chance(5)) {
		c->nr = __HYPERVISOR_update_va_mapping_otherdomain;
		c->a[3] = pick_domid();
	}
	c->post = post_mapped;
}

static void gen_mmuext_op(struct call *c)
{
	unsigned long n = pick_count(3), room = n < 16 ? n : 2;
	struct mmuext_op *op = arena_alloc(room * sizeof(*op));
	unsigned int first = 0;

	for (unsigned long i = 0; i < room; i++) {
		unsigned int cmd = chance(97) ? below(19) : below(64);
		unsigned int pin = below(4);

		if (i && chance(15)) {
			op[i] = op[below(i)];
			continue;
		}
		op[i].cmd = cmd;
		op[i].arg1.mfn = pick_mfn();
		op[i].arg2.src_mfn = pick_word();
		switch (cmd) {
		case MMUEXT_PIN_L1_TABLE ... MMUEXT_PIN_L4_TABLE:
			/* Its tables, and the frames the hypervisor keeps
			 * (shared_info, grant, rings) that must never
			 * become page tables. */
			op[i].arg1.mfn =
				chance(50) ? mfn_of(K_L1 + cmd) :
				chance(50) ? mfn_of(K_SHINFO + below(5)) :
					     mfn_of(K_DATA);
			(void)pin;
			break;
		case MMUEXT_UNPIN_TABLE:
			op[i].arg1.mfn = chance(10) ? live_l4_mfn :
						      mfn_of(K_L1 + pin);
			break;
		case MMUEXT_NEW_BASEPTR:
			/* Never a table it cannot run on: a frame it got from
			 * populate_physmap looks foreign (its p2m is not
			 * updated) but would load as an empty L4. */
			op[i].arg1.mfn =
				chance(50) ? live_l4_mfn :
				chance(50) ? max_ram_page + 1 + below(9) :
					     0;
			break;
		case MMUEXT_NEW_USER_BASEPTR:
			op[i].arg1.mfn = chance(30) ? 0 : mfn_of(K_L4);
			break;
		case MMUEXT_INVLPG_LOCAL:
		case MMUEXT_INVLPG_ALL:
		case MMUEXT_INVLPG_MULTI:
			op[i].arg1.linear_addr = chance(50) ? scratch_va() :
							      pick_word();
			/* fall through */
		case MMUEXT_TLB_FLUSH_MULTI:
			op[i].arg2.vcpumask.p = (void *)pick_ptr(8);
			break;
		case MMUEXT_SET_LDT: {
			struct frame *f = frame_of_kind(K_DESC);

			op[i].arg1.linear_addr = f && chance(60) ?
							 (unsigned long)f->va :
							 pick_word();
			op[i].arg2.nr_ents = chance(20) ? 0 : pick_count(512);
			break;
		}
		case MMUEXT_CLEAR_PAGE:
		case MMUEXT_COPY_PAGE:
			/* Destination: its data pages or someone else's. */
			op[i].arg1.mfn = chance(80) ? strict_of(K_DATA) :
						      foreign_mfn();
			op[i].arg2.src_mfn = pick_mfn();
			break;
		default:
			break;
		}
		if (!i)
			first = cmd;
	}
	set(c, __HYPERVISOR_mmuext_op, first, (unsigned long)op, n,
	    chance(80) ? (unsigned long)arena_alloc(8) : pick_ptr(8));
	c->a[3] = chance(90) ? DOMID_SELF : pick_domid();
	c->ctx = n <= room ? n : 0;
	c->post = post_mapped;
}

/* ---- grant_table_op ------------------------------------------------ */

static void grant_some(void)
{
	for (int i = 0; i < 4; i++) {
		unsigned int ref = 8 + below(64);
		unsigned long mfn = chance(60) ? strict_of(K_DATA) : pick_mfn();
		uint16_t flags =
			chance(80) ? GTF_permit_access |
					     (chance(30) ? GTF_readonly : 0) :
				     (uint16_t)rnd();
		struct frame *f = find_frame(mfn);

		/* Its other frames only read-only: a grant copy into its
		 * shared_info or start_info through a writable grant would
		 * wreck it (mask its timer: it would never wake). */
		if (is_own(mfn) && (!f || f->kind != K_DATA))
			flags = GTF_permit_access | GTF_readonly;
		gnttab[ref].frame = (uint32_t)mfn;
		gnttab[ref].domid =
			(domid_t)(chance(50) ? self_domid : pick_domid());
		barrier();
		gnttab[ref].flags = flags;
	}
}

static unsigned long hostile_va(void)
{
	return chance(50) ? bad_ptr() : below(1UL << 47) & ~0xfffUL;
}

static grant_ref_t pick_ref(void)
{
	static const grant_ref_t odd[] = { 0, 511, 512, 1024, 0x7fffffff, ~0U };

	return chance(85) ? 8 + below(64) : odd[below(ARRAY_SIZE(odd))];
}

static void gen_grant_table_op(struct call *c)
{
	unsigned int cmd = chance(97) ? below(13) : below(32);
	unsigned long n = chance(80) ? 1 + below(3) : pick_count(4);
	unsigned long room = n < 16 ? n : 2;
	void *arg = fill(room * 64 + 64);

	if (chance(30))
		grant_some();
	for (unsigned long i = 0; i < room; i++) {
		switch (cmd) {
		case GNTTABOP_map_grant_ref: {
			struct gnttab_map_grant_ref *m = arg;

			/* Never its own kernel area: a grant mapped over
			 * its arguments (or unmapped from there) kills it. */
			m[i].host_addr = chance(70) ? scratch_va() :
					 chance(50) ? pick_pte_ptr() :
						      hostile_va();
			m[i].flags = chance(70) ?
					     GNTMAP_host_map |
						     (chance(30) ?
							      GNTMAP_readonly :
							      0) :
					     (uint32_t)rnd() & 0x3f;
			m[i].ref = pick_ref();
			m[i].dom = (domid_t)(chance(60) ? DOMID_SELF :
							  pick_domid());
			break;
		}
		case GNTTABOP_unmap_grant_ref:
		case GNTTABOP_unmap_and_replace: {
			struct gnttab_unmap_grant_ref *u = arg;

			u[i].host_addr = chance(70) ? scratch_va() :
						      hostile_va();
			u[i].dev_bus_addr = chance(70) ? scratch_va() : 0;
			u[i].handle = chance(80) ? below(8) : (uint32_t)rnd();
			break;
		}
		case GNTTABOP_setup_table: {
			struct gnttab_setup_table *s = arg;

			s[i].dom = (domid_t)(chance(80) ? DOMID_SELF :
							  pick_domid());
			s[i].nr_frames = (uint32_t)pick_count(4);
			s[i].frame_list.p = (void *)pick_ptr(64);
			break;
		}
		case GNTTABOP_transfer: {
			struct gnttab_transfer *t = arg;

			t[i].mfn = mfn_of(chance(50) ? K_DATA : K_GRANT);
			t[i].domid = (domid_t)pick_domid();
			t[i].ref = pick_ref();
			break;
		}
		case GNTTABOP_copy: {
			struct gnttab_copy *g = arg;

			g[i].source.u.gmfn = chance(50) ? pick_ref() :
							  pick_mfn();
			g[i].dest.u.gmfn = chance(50) ? pick_ref() :
							strict_of(K_DATA);
			g[i].source.domid = (domid_t)pick_domid();
			g[i].dest.domid = (domid_t)(chance(70) ? DOMID_SELF :
								 pick_domid());
			g[i].source.offset = (uint16_t)below(4100);
			g[i].dest.offset = (uint16_t)below(4100);
			g[i].len = (uint16_t)(chance(80) ? below(4097) : rnd());
			g[i].flags = (uint16_t)below(4);
			break;
		}
		case GNTTABOP_swap_grant_ref: {
			struct gnttab_swap_grant_ref *s = arg;

			s[i].ref_a = pick_ref();
			s[i].ref_b = chance(20) ? s[i].ref_a : pick_ref();
			break;
		}
		case GNTTABOP_query_size:
		case GNTTABOP_get_version:
		case GNTTABOP_dump_table:
			*(domid_t *)((char *)arg + i * 16) =
				(domid_t)pick_domid();
			break;
		case GNTTABOP_set_version:
			*(uint32_t *)arg = chance(70) ? 1 : (uint32_t)below(4);
			break;
		case GNTTABOP_get_status_frames: {
			struct gnttab_get_status_frames *s = arg;

			s->nr_frames = (uint32_t)pick_count(4);
			s->dom = (domid_t)pick_domid();
			s->frame_list.p = (void *)pick_ptr(64);
			break;
		}
		default:
			break;
		}
	}
	set(c, __HYPERVISOR_grant_table_op, cmd, cmd,
	    chance(95) ? (unsigned long)arg : bad_ptr(), n);
	if (cmd == GNTTABOP_map_grant_ref || cmd == GNTTABOP_copy)
		c->post = post_mapped;
}

/* ---- event_channel_op ---------------------------------------------- */

/* Ask the hypervisor: only a frame's owner may set its M2P entry
 * (its own bookkeeping misses frames given back and handed out again). */
static bool owned(unsigned long mfn)
{
	if (mfn > max_ram_page)
		return false;
	return is_own(mfn) || !mmu_update_one(((uint64_t)mfn << PAGE_SHIFT) |
						      MMU_MACHPHYS_UPDATE,
					      m2p()[mfn]);
}

static bool protected_port(unsigned long port)
{
	return port == start_info->console.domU.evtchn || port == timer_port;
}

static evtchn_port_t pick_port(void)
{
	static const evtchn_port_t odd[] = { 0, 4095, 4096, 131071, ~0U };

	return chance(85) ? below(24) : odd[below(ARRAY_SIZE(odd))];
}

static void gen_event_channel_op(struct call *c)
{
	unsigned int cmd = chance(97) ? below(14) : below(32);
	uint32_t *w = fill(64);

	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
		w[0] = (uint32_t)(pick_domid() | (pick_domid() << 16));
		break;
	case EVTCHNOP_bind_interdomain:
		w[0] = (uint32_t)pick_domid();
		w[1] = pick_port();
		break;
	case EVTCHNOP_bind_virq:
		w[0] = chance(80) ? below(16) : (uint32_t)rnd();
		w[1] = chance(80) ? 0 : (uint32_t)pick_count(4);
		break;
	case EVTCHNOP_bind_ipi:
		w[0] = chance(80) ? 0 : (uint32_t)pick_count(4);
		break;
	case EVTCHNOP_close:
	case EVTCHNOP_unmask:
	case EVTCHNOP_send:
	case EVTCHNOP_bind_vcpu:
	case EVTCHNOP_set_priority:
		do
			w[0] = pick_port();
		while ((cmd == EVTCHNOP_close || cmd == EVTCHNOP_bind_vcpu) &&
		       protected_port(w[0]));
		w[1] = chance(70) ? below(3) : (uint32_t)rnd();
		break;
	case EVTCHNOP_status:
		w[0] = (uint32_t)pick_domid();
		w[1] = pick_port();
		break;
	case EVTCHNOP_reset: /* never its own: the console port would go */
		do
			w[0] = (uint32_t)pick_domid();
		while (w[0] == DOMID_SELF || w[0] == self_domid);
		break;
	case EVTCHNOP_init_control:
	case EVTCHNOP_expand_array:
		/* Only what must be refused: other domains' or freed
		 * frames, or its own with an offset out of the page. A FIFO switch that worked would lose its timer
		 * (no event array) and it would never wake again. */
		*(uint64_t *)w = chance(30) ? strict_of(K_GRANT) : pick_mfn();
		w[2] = 4096 - 32 + below(64);
		if (!owned(*(uint64_t *)w))
			w[2] = (uint32_t)(chance(50) ? below(64) * 64 : rnd());
		w[3] = chance(50) ? 0 : (uint32_t)pick_count(4);
		break;
	}
	set(c, __HYPERVISOR_event_channel_op, cmd, cmd,
	    chance(95) ? (unsigned long)w : bad_ptr(), 0);
}

/* ---- vcpu_op, sched_op, timers ------------------------------------- */

/* Other vCPUs run only this: they take themselves down at once. */
static char park_stack[4096] __attribute__((aligned(16)));

static void park(void)
{
	for (;;)
		for (unsigned int v = 1; v < 8; v++)
			hyp_vcpu_op(VCPUOP_down, v, NULL);
}

/* vCPUs 2 and 3 get garbage and are never brought up; any other gets a
 * context it can run (brought up and down at random). */
static void *vcpu_context(unsigned long vcpu)
{
	struct vcpu_guest_context *g = fill(sizeof(*g));

	if (vcpu == 2 || vcpu == 3)
		return g;
	memset(g, 0, sizeof(*g));
	g->flags = VGCF_in_kernel;
	g->user_regs.rip = (unsigned long)park;
	g->user_regs.rsp = (unsigned long)park_stack + sizeof(park_stack) - 8;
	g->user_regs.cs = FLAT_KERNEL_CS;
	g->user_regs.ss = FLAT_KERNEL_SS;
	g->kernel_ss = FLAT_KERNEL_SS;
	g->kernel_sp = g->user_regs.rsp;
	g->ctrlreg[3] = (uint64_t)live_l4_mfn << PAGE_SHIFT;
	g->event_callback_eip = (unsigned long)upcall_entry;
	g->failsafe_callback_eip = (unsigned long)failsafe_entry;
	for (unsigned int v = 0; v < 20; v++)
		g->trap_ctxt[v] = (struct trap_info){
			.vector = v,
			.cs = FLAT_KERNEL_CS,
			.address = (unsigned long)trap_entry_table[v],
		};
	/* Its events stay masked: libpv's upcall serves vCPU 0 only. */
	if (vcpu < ARRAY_SIZE(shared_info->vcpu_info))
		shared_info->vcpu_info[vcpu].evtchn_upcall_mask = 1;
	if (chance(30)) /* its own debug registers, breakpoints on others */
		for (int i = 0; i < 8; i++)
			g->debugreg[i] = i == 7 ? 0xff : hyp_addr();
	return g;
}

static void gen_vcpu_op(struct call *c)
{
	unsigned int cmd = chance(97) ? below(14) : below(32);
	unsigned long vcpu = chance(60) ? 1 + below(3) : pick_count(4);
	uint64_t *w = fill(256);

	switch (cmd) {
	case VCPUOP_initialise:
		if (vcpu == 0 || vcpu == ~0UL)
			vcpu = 1;
		w = vcpu_context(vcpu);
		break;
	case VCPUOP_up:
		if (vcpu == 2 || vcpu == 3)
			vcpu = 1;
		break;
	case VCPUOP_down:
		if (vcpu == 0 || vcpu == ~0UL)
			vcpu = 1;
		break;
	case VCPUOP_register_vcpu_info: {
		/* vCPU 0 only with frames that must be refused. */
		/* Never its rings or shared_info: vcpu_info written there
		 * would wreck them. */
		w[0] = vcpu ? (chance(50) ? strict_of(K_DATA) : foreign_mfn()) :
		       chance(50) ? foreign_mfn() :
				    mfn_of(K_FREED);
		/* A frame it gave back may be its own again: vCPU 0's
		 * vcpu_info moved there would freeze the time it reads. */
		if (!vcpu && (is_own(w[0]) || owned(w[0])))
			w[0] = max_ram_page + 1 + below(16);
		w[1] = chance(70) ? below(64) * 64 : (uint32_t)rnd();
		break;
	}
	case VCPUOP_register_runstate_memory_area:
		w[0] = chance(60) ? scratch_va() : pick_ptr(64);
		break;
	case VCPUOP_set_singleshot_timer:
	case VCPUOP_set_periodic_timer:
		w[0] = chance(50) ? system_time_ns() + below(1000000) :
				    pick_word();
		w[1] = below(4);
		vcpu = chance(80) ? 0 : vcpu;
		break;
	default:
		if (chance(40))
			vcpu = 0;
		break;
	}
	set(c, __HYPERVISOR_vcpu_op, cmd, cmd, vcpu,
	    chance(95) ? (unsigned long)w : bad_ptr());
}

static bool is_timer_port(evtchn_port_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	return !hyp_event_channel_op(EVTCHNOP_status, &st) &&
	       st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER &&
	       st.vcpu == 0;
}

/* Its timer port bound and its ports unmasked before it blocks: a call
 * with stale arguments may have closed or masked them (on Xen too), and
 * it would never wake. */
static void keep_ports(void)
{
	if (!is_timer_port(timer_port) &&
	    evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port))
		for (evtchn_port_t p = 1; p < 64; p++)
			if (is_timer_port(p)) {
				timer_port = p;
				break;
			}
	evtchn_unmask(timer_port);
	evtchn_unmask(start_info->console.domU.evtchn);
}

static void post_block(struct call *c)
{
	(void)c;
	events_restore(0);
}

static void gen_sched_op(struct call *c)
{
	unsigned int cmd = chance(95) ? below(8) : below(32);
	uint64_t *w = fill(64);

	if (force_cmd != ~0UL)
		cmd = force_cmd;
	switch (cmd) {
	case SCHEDOP_shutdown:
		cmd = SCHEDOP_yield;
		break;
	case SCHEDOP_block:
		/* Woken by the timer bound at start. */
		keep_ports();
		events_disable();
		hyp_set_timer_op(system_time_ns() + 200000);
		c->post = post_block;
		break;
	case SCHEDOP_poll: {
		struct sched_poll *p = (void *)w;

		p->ports.p = (void *)(chance(80) ? (unsigned long)fill(64) :
						   pick_ptr(8));
		p->nr_ports = (uint32_t)pick_count(4);
		p->timeout = chance(70) ? system_time_ns() + 100000 :
					  pick_word();
		if (p->timeout == 0 || p->timeout > system_time_ns() + 1000000)
			p->timeout = system_time_ns() + 100000;
		break;
	}
	case SCHEDOP_remote_shutdown: {
		struct sched_remote_shutdown *r = (void *)w;

		do
			r->domain_id = (domid_t)pick_domid();
		while (r->domain_id == DOMID_SELF ||
		       r->domain_id == self_domid);
		r->reason = below(6);
		break;
	}
	case SCHEDOP_shutdown_code:
		*(uint32_t *)w = SHUTDOWN_poweroff;
		break;
	}
	set(c, __HYPERVISOR_sched_op, cmd, cmd,
	    chance(95) || cmd == SCHEDOP_poll ? (unsigned long)w : bad_ptr(),
	    0);
}

/* ---- the rest ------------------------------------------------------- */

static void post_traps(struct call *c)
{
	(void)c;
	traps_init();
}

static void post_callbacks(struct call *c)
{
	(void)c;
	events_init();
	events_restore(0);
}

static void post_fpu(struct call *c)
{
	(void)c;
	hyp_fpu_taskswitch(0);
}

/* A hostile address, or `good`: never a random spot of its own code
 * (the hypervisor would send it there, and it would run garbage). */
static unsigned long good_or_hostile(unsigned long good)
{
	switch (below(4)) {
	case 0:
		return hyp_addr();
	case 1:
		return noncanon();
	case 2:
		return 0;
	default:
		return good;
	}
}

static unsigned long code_addr(void)
{
	return (unsigned long)_text + below((unsigned long)(_etext - _text));
}

static void gen_misc(struct call *c)
{
	switch (below(17)) {
	case 0: { /* set_trap_table, then its own again */
		struct trap_info *t = fill(16 * 8);

		for (int i = 0; i < 8; i++) {
			t[i].vector = (uint8_t)below(260);
			t[i].cs = chance(70) ? FLAT_KERNEL_CS : (uint16_t)rnd();
			t[i].address = good_or_hostile(
				(unsigned long)
					trap_entry_table[t[i].vector & 31]);
		}
		t[below(8)].address = 0;
		set(c, __HYPERVISOR_set_trap_table, 0,
		    chance(90) ? (unsigned long)t : bad_ptr(), 0, 0);
		c->post = post_traps;
		break;
	}
	case 1: { /* set_gdt with its descriptor frames and others */
		xen_pfn_t *f = mfn_array(16, true);

		for (int i = 0; i < 16; i++)
			if (chance(60))
				f[i] = mfn_of(K_DESC);
		set(c, __HYPERVISOR_set_gdt, 0,
		    chance(90) ? (unsigned long)f : pick_ptr(8),
		    chance(70) ? below(16 * 512) : pick_count(8), 0);
		break;
	}
	case 2: { /* update_descriptor on descriptor frames, hostile gates */
		uint64_t ma = ((uint64_t)mfn_of(K_DESC) << PAGE_SHIFT) |
			      (below(512) * 8);
		uint64_t d = rnd();

		if (chance(30)) /* a DPL-3 call gate to ring 0 */
			d = 0x0000ec0000e00000ULL | (rnd() & 0xffff0000ffffULL);
		if (chance(10))
			ma = pick_word();
		set(c, __HYPERVISOR_update_descriptor, 0, ma, d, 0);
		break;
	}
	case 3: { /* debug registers: breakpoints where others run */
		unsigned long reg = chance(90) ? below(8) : pick_count(8);
		unsigned long v = pick_word();

		if (reg < 4)
			v = chance(50) ?
				    good_or_hostile(code_addr()) :
				    (boot.entry_rsp & ~0xfffUL) +
					    (120 + below(120)) * PAGE_SIZE +
					    below(512) * 8;
		else if (reg == 7)
			v = chance(60) ? (0xffUL | (0xdddd0000UL &
						    (rnd() & 0xffff0000UL))) :
					 rnd();
		set(c, __HYPERVISOR_set_debugreg, reg, reg, v, 0);
		break;
	}
	case 4:
		set(c, __HYPERVISOR_get_debugreg, 0, pick_count(8), 0, 0);
		break;
	case 5: { /* console_io: refused for an unprivileged domain */
		unsigned long len = pick_count(64);

		set(c, __HYPERVISOR_console_io, 0, below(3), len,
		    chance(80) ? (unsigned long)fill(128) : pick_ptr(8));
		c->sub = c->a[0];
		break;
	}
	case 6: {
		unsigned int cmd = chance(95) ? below(11) : below(32);

		set(c, __HYPERVISOR_xen_version, cmd, cmd,
		    chance(85) ? (unsigned long)fill(1024) : pick_ptr(8), 0);
		break;
	}
	case 7: { /* physdev_op */
		unsigned int cmd = chance(90) ? below(32) : (uint32_t)rnd();

		set(c, __HYPERVISOR_physdev_op, cmd, cmd,
		    chance(90) ? (unsigned long)fill(64) : pick_ptr(8), 0);
		break;
	}
	case 8: { /* callback_op: events off and libpv's restored after */
		struct callback_register *r = fill(32);

		r->type = chance(90) ? below(8) : (uint16_t)rnd();
		r->address =
			good_or_hostile(r->type == CALLBACKTYPE_event ?
						(unsigned long)upcall_entry :
					r->type == CALLBACKTYPE_failsafe ?
						(unsigned long)failsafe_entry :
						(unsigned long)syscall_entry);
		r->flags = (uint16_t)below(2);
		events_disable();
		set(c, __HYPERVISOR_callback_op, 0, below(3), (unsigned long)r,
		    0);
		c->sub = c->a[0];
		c->post = post_callbacks;
		break;
	}
	case 9:
		events_disable();
		set(c, __HYPERVISOR_set_callbacks, 0,
		    good_or_hostile((unsigned long)upcall_entry),
		    good_or_hostile((unsigned long)failsafe_entry),
		    good_or_hostile((unsigned long)syscall_entry));
		c->post = post_callbacks;
		break;
	case 10:
		set(c, __HYPERVISOR_fpu_taskswitch, 0, below(3), 0, 0);
		c->post = post_fpu;
		break;
	case 11:
		set(c, __HYPERVISOR_stack_switch, 0, pick_word(),
		    good_or_hostile(boot.entry_rsp), 0);
		break;
	case 12:
		set(c, __HYPERVISOR_set_timer_op, 0,
		    chance(50) ? system_time_ns() + below(10000000) :
				 pick_word(),
		    0, 0);
		break;
	case 13:
		set(c, __HYPERVISOR_vm_assist, 0, below(3),
		    chance(80) ? below(6) : pick_word(), 0);
		break;
	case 14: {
		/* SEGBASE_GS_KERNEL would move libpv's own base: not used. */
		unsigned long which = chance(90) ? below(4) : pick_word();

		if (which == SEGBASE_GS_KERNEL)
			which = SEGBASE_GS_USER;
		set(c, __HYPERVISOR_set_segment_base, which, which,
		    which == SEGBASE_GS_USER_SEL ? below(0x10000) :
						   good_or_hostile(code_addr()),
		    0);
		break;
	}
	case 15: { /* privileged: must be refused without capabilities */
		static const unsigned long priv[] = {
			__HYPERVISOR_domctl, __HYPERVISOR_sysctl,
			__HYPERVISOR_platform_op, 48 /* mca */
		};
		uint32_t *w = fill(256);
		unsigned long nr = priv[below(ARRAY_SIZE(priv))];

		w[0] = chance(90) ? below(NR_SUB) : (uint32_t)rnd();
		w[1] = nr == __HYPERVISOR_domctl ?
			       XEN_DOMCTL_INTERFACE_VERSION :
		       nr == __HYPERVISOR_platform_op ?
			       XENPF_INTERFACE_VERSION :
			       w[1];
		if (chance(20))
			w[1] = (uint32_t)rnd();
		w[2] = (uint32_t)pick_domid();
		set(c, nr, w[0], (unsigned long)w, 0, 0);
		c->ctx = 1; /* success is an anomaly */
		break;
	}
	default: { /* any other number */
		unsigned long nr;

		do
			nr = below(128);
		/* Nor the old forms of those (an argument word may be its
		 * own arena with stale contents, its domid beside it). */
		while (nr == __HYPERVISOR_iret || nr == 6 /* sched compat */ ||
		       nr == 16 /* event_channel_op_compat */ ||
		       nr == 19 /* physdev_op_compat */ ||
		       nr == __HYPERVISOR_update_va_mapping_otherdomain ||
		       nr == __HYPERVISOR_sched_op ||
		       nr == __HYPERVISOR_multicall ||
		       nr == __HYPERVISOR_set_trap_table ||
		       nr == __HYPERVISOR_set_callbacks ||
		       nr == __HYPERVISOR_callback_op ||
		       nr == __HYPERVISOR_fpu_taskswitch ||
		       nr == __HYPERVISOR_vcpu_op ||
		       nr == __HYPERVISOR_event_channel_op ||
		       nr == __HYPERVISOR_memory_op ||
		       nr == __HYPERVISOR_mmu_update ||
		       nr == __HYPERVISOR_mmuext_op ||
		       nr == __HYPERVISOR_update_va_mapping ||
		       nr == __HYPERVISOR_grant_table_op ||
		       nr == __HYPERVISOR_set_segment_base);
		set(c, nr, 0, pick_word(), pick_word(), pick_word());
		break;
	}
	}
}

/* ---- oracles ------------------------------------------------------- */

/* A scratch mapping of a frame that is not its own: write to it, as an
 * attacker would (the victim notices, or the hypervisor breaks). */
static void scribble_scratch(void)
{
	for (int i = 0; i < 4; i++) {
		unsigned long va = scratch_va();
		pte_t *p = pt_lookup(va, 1, NULL);
		unsigned long mfn;

		if (!p || (*p & (_PAGE_PRESENT | _PAGE_RW)) !=
				  (_PAGE_PRESENT | _PAGE_RW))
			continue;
		mfn = (*p & PTE_ADDR_MASK) >> PAGE_SHIFT;
		if (is_own(mfn) && find_frame(mfn) &&
		    find_frame(mfn)->kind != K_DATA)
			continue; /* its rings, shared_info, tables */
		if (is_own(mfn) && !find_frame(mfn))
			continue; /* its kernel image */
		if (!is_own(mfn) &&
		    !owned(mfn)) /* populated frames are its own */
			printf("ANOMALY iter=%lu writable mapping of foreign "
			       "mfn %#lx at %#lx\n",
			       iter, mfn, va),
				anomalies++;
		((volatile uint64_t *)va)[below(512)] = rnd();
	}
}

static void post_mapped(struct call *c)
{
	if (c->rc >= 0)
		scribble_scratch();
}

/* Frames the hypervisor keeps a pointer to (the store ring is only
 * the store daemon's business, as on Xen). */
static bool held(enum kind k)
{
	return k == K_SHINFO || k == K_GRANT || k == K_CONS;
}

static void check_anomalies(struct call *c)
{
	if (c->ctx == 1 && c->rc >= 0 &&
	    (c->nr == __HYPERVISOR_domctl || c->nr == __HYPERVISOR_sysctl))
		anomaly("privileged call succeeded", c);
	if (c->nr == __HYPERVISOR_event_channel_op &&
	    c->sub == EVTCHNOP_init_control && c->rc == 0) {
		struct evtchn_init_control *ic = (void *)c->a[1];
		struct frame *f = find_frame(ic->control_gfn);

		if (in_arena(ic, sizeof(*ic)) && !owned(ic->control_gfn)) {
			anomaly("FIFO control block in a frame not its own", c);
			printf("ANOMALY init_control mfn %#lx kind %d\n",
			       (unsigned long)ic->control_gfn,
			       f ? (int)f->kind : -1);
		}
	}
	if (c->nr == __HYPERVISOR_mmuext_op && c->rc == 0 && c->ctx) {
		struct mmuext_op *op = (void *)c->a[0];

		for (unsigned long i = 0; i < c->ctx; i++) {
			struct frame *f;

			if (op[i].cmd > MMUEXT_PIN_L4_TABLE)
				continue;
			f = find_frame(op[i].arg1.mfn);
			if (!f || !held(f->kind))
				continue;
			anomaly("a frame the hypervisor holds was pinned as a "
				"page table",
				c);
			mmuext_one(MMUEXT_UNPIN_TABLE, f->mfn);
		}
	}
}

/* Unmap a data page (exchange and decrease_reservation want unmapped
 * frames) or map a spare one back. */
static void toggle_mapping(void)
{
	struct frame *f = frame_of_kind(chance(50) ? K_DATA : K_SPARE);
	uint64_t pte;

	if (!f || !f->va)
		return;
	pte = f->kind == K_DATA ?
		      0 :
		      ((uint64_t)f->mfn << PAGE_SHIFT) | _PAGE_PRESENT |
			      _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
	if (!hyp_update_va_mapping((unsigned long)f->va, pte, UVMF_INVLPG))
		f->kind = f->kind == K_DATA ? K_SPARE : K_DATA;
}

/* A frame given back that is still mapped at its old place: write to it.
 * If the hypervisor handed it on, the new owner notices. */
static void scribble_freed(void)
{
	struct frame *f = frame_of_kind(K_FREED);
	pte_t pte;

	if (!f || !f->va)
		return;
	pte = pt_get_pte((unsigned long)f->va);
	if ((pte & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW) &&
	    ((pte & PTE_ADDR_MASK) >> PAGE_SHIFT) == f->mfn)
		((volatile uint64_t *)f->va)[below(512)] = rnd();
}

/* The frames the hypervisor keeps a pointer to (shared_info, the grant
 * table, the console ring) must never become page tables.
 * Drop its own writable mapping, try to pin one, map it back. */
static void pin_held_frame(void)
{
	static const enum kind kinds[] = { K_SHINFO, K_GRANT, K_CONS };
	struct frame *f = frame_of_kind(kinds[below(ARRAY_SIZE(kinds))]);
	unsigned int level = below(4);
	unsigned long va;
	struct call c;
	uint8_t mask;

	if (!f)
		return;
	va = f->kind == K_SHINFO ? (unsigned long)vcpu0_info :
	     f->va		 ? (unsigned long)f->va :
				   (unsigned long)mfn_to_virt(f->mfn);
	va &= ~(PAGE_SIZE - 1);
	mask = events_disable();
	console_flush();
	if (hyp_update_va_mapping(va,
				  ((uint64_t)f->mfn << PAGE_SHIFT) |
					  _PAGE_PRESENT | _PAGE_ACCESSED,
				  UVMF_INVLPG)) {
		events_restore(mask);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.nr = __HYPERVISOR_mmuext_op;
	c.sub = MMUEXT_PIN_L1_TABLE + level;
	c.a[0] = f->mfn;
	c.rc = mmuext_one(MMUEXT_PIN_L1_TABLE + level, f->mfn);
	if (c.rc == 0)
		mmuext_one(MMUEXT_UNPIN_TABLE, f->mfn);
	c.a[1] = hyp_update_va_mapping(va,
				       ((uint64_t)f->mfn << PAGE_SHIFT) |
					       _PAGE_PRESENT | _PAGE_RW |
					       _PAGE_ACCESSED | _PAGE_DIRTY,
				       UVMF_INVLPG);
	events_restore(mask);
	record(c.nr, c.sub, c.rc);
	if (c.rc == 0)
		anomaly(f->kind == K_SHINFO ? "shared_info pinned as a table" :
			f->kind == K_GRANT  ? "grant frame pinned as a table" :
					      "console ring pinned as a table",
			&c);
}

/* ---- the loop ------------------------------------------------------- */

typedef void (*gen_fn)(struct call *c);
static const struct {
	gen_fn fn;
	unsigned int weight;
} gens[] = {
	{ gen_memory_op, 14 },
	{ gen_mmu_update, 12 },
	{ gen_update_va_mapping, 10 },
	{ gen_mmuext_op, 12 },
	{ gen_grant_table_op, 14 },
	{ gen_event_channel_op, 10 },
	{ gen_vcpu_op, 6 },
	{ gen_sched_op, 4 },
	{ gen_misc, 18 },
};

/* skip=MASK leaves out generator i where bit i is set (bisecting). */
static unsigned long skip_mask, nest_pct = 3, maint_off;

static void generate(struct call *c)
{
	unsigned int total = 0, r;

	for (unsigned int i = 0; i < ARRAY_SIZE(gens); i++)
		if (!(skip_mask >> i & 1))
			total += gens[i].weight;
	r = below(total);
	memset(c, 0, sizeof(*c));
	for (unsigned int i = 0; i < ARRAY_SIZE(gens); i++) {
		if (skip_mask >> i & 1)
			continue;
		if (r < gens[i].weight) {
			gens[i].fn(c);
			return;
		}
		r -= gens[i].weight;
	}
}

static void finish(struct call *c)
{
	record(c->nr, c->sub, c->rc);
	check_anomalies(c);
	if (c->post)
		c->post(c);
}

static uint32_t time_mul;
static unsigned long clobbered;

/* Its clock's scale changed under it: name the call that did it (its
 * time would jump or stop, and the run with it). */
static void check_clock(struct call *c)
{
	uint32_t mul = vcpu0_info->time.tsc_to_system_mul;

	if (mul == time_mul)
		return;
	if (clobbered++ < 5) {
		printf("FUZZ clock clobbered iter=%lu mul %#x was %#x\n", iter,
		       mul, time_mul);
		trace("by", c);
	}
	time_mul = mul;
}

static void run_one(void)
{
	struct call c;

	generate(&c);
	if (iter >= trace_from)
		trace("call", &c);
	c.rc = hypercall_raw(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
	check_clock(&c);
	finish(&c);
	check_clock(&c);
}

#define MC_NOT_RUN 0x5a5a5a5a5a5a5a5aUL

/* A batch of calls in one multicall (a nested one sometimes). */
static void run_multicall(void)
{
	struct call calls[8];
	unsigned int n = 1 + below(ARRAY_SIZE(calls));
	/* At the end of its own page, an unmapped one after it: a count
	 * beyond the entries faults instead of running its own memory as
	 * calls (zeroes are set_trap_table(NULL)). */
	struct multicall_entry *mc = mc_end - ARRAY_SIZE(calls);
	unsigned long count = chance(90) ? n : pick_count(8);
	long rc;

	/* All entries are filled: a count above n runs real ones (a stale
	 * or zero entry could be set_trap_table(NULL)). */
	for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++) {
		/* Not those that change where its traps and events go: the
		 * multicall could deliver one before it puts them back. Nor
		 * a poll: a later entry's arguments may overwrite its
		 * timeout, and it would wait for ever. */
		do
			generate(&calls[i]);
		while (calls[i].post == post_traps ||
		       calls[i].post == post_callbacks ||
		       calls[i].post == post_block ||
		       (calls[i].nr == __HYPERVISOR_sched_op &&
			calls[i].sub == SCHEDOP_poll));
		mc[i].op = calls[i].nr;
		mc[i].result = MC_NOT_RUN;
		memcpy(mc[i].args, calls[i].a, sizeof(calls[i].a));
		mc[i].args[5] = 0;
		if (chance(nest_pct)) { /* a multicall inside a multicall */
			mc[i].op = __HYPERVISOR_multicall;
			mc[i].args[0] = (unsigned long)mc;
			mc[i].args[1] = n;
			calls[i].nr = __HYPERVISOR_multicall;
			calls[i].sub = 1;
		}
		if (iter >= trace_from && i < count)
			trace("mc", &calls[i]);
	}
	events_restore(0);
	/* A bad list is hostile, never its own memory: that would run as
	 * calls (zeroes are set_trap_table(NULL)). */
	rc = hyp_multicall(chance(95) ? mc :
			   chance(50) ? (void *)hyp_addr() :
					(void *)noncanon(),
			   (unsigned int)count);
	record(__HYPERVISOR_multicall, 0, rc);
	for (unsigned int i = 0; i < count && i < ARRAY_SIZE(calls); i++)
		if (vcpu0_info->time.tsc_to_system_mul != time_mul)
			check_clock(&calls[i]); /* one of these */
	for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++) {
		calls[i].rc = (long)mc[i].result;
		if (mc[i].result == MC_NOT_RUN) {
			calls[i].rc = -XEN_EFAULT; /* nothing to read back */
			if (calls[i].post)
				calls[i].post(&calls[i]);
			continue;
		}
		finish(&calls[i]);
	}
	scribble_scratch();
}

/* Scratch tables: an L3 in slot 384 of the live L4, one L2, one L1. */
static void repair_scratch(void)
{
	uint64_t flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
			 _PAGE_DIRTY;
	struct mmu_update u[3] = {
		{ ((uint64_t)scratch_l2 << PAGE_SHIFT),
		  ((uint64_t)scratch_l1 << PAGE_SHIFT) | flags },
		{ ((uint64_t)scratch_l3 << PAGE_SHIFT),
		  ((uint64_t)scratch_l2 << PAGE_SHIFT) | flags },
		{ ((uint64_t)live_l4_mfn << PAGE_SHIFT) | (SCRATCH_SLOT << 3),
		  ((uint64_t)scratch_l3 << PAGE_SHIFT) | flags },
	};

	hyp_mmu_update(u, 3, NULL, DOMID_SELF);
}

static unsigned long table_page(void)
{
	void *p = page_alloc();

	if (page_set_writable(p, false))
		test_fatal("cannot map a table page read-only");
	return virt_to_mfn(p);
}

static unsigned long arena_mfn[ARENA_PAGES], repairs;

/* A write fault in its own arena: a call with a stale argument remapped
 * it (a bug of its own or the hypervisor's). Map it back and retry, and
 * say so, so the run goes on and shows how it happened. */
static int on_page_fault(struct trap_frame *f)
{
	unsigned long va = last_trap.cr2 & ~(PAGE_SIZE - 1);
	unsigned long i = (va - (unsigned long)arena) / PAGE_SIZE;

	if (va < (unsigned long)arena || i >= ARENA_PAGES || repairs >= 100)
		return 0;
	if (repairs++ < 10)
		printf("FUZZ repair iter=%lu arena page %lu pte %#lx rip %#lx\n",
		       iter, i, (unsigned long)pt_get_pte(va),
		       (unsigned long)f->rip);
	return !hyp_update_va_mapping(va,
				      ((uint64_t)arena_mfn[i] << PAGE_SHIFT) |
					      _PAGE_PRESENT | _PAGE_RW |
					      _PAGE_ACCESSED | _PAGE_DIRTY,
				      UVMF_INVLPG);
}

static int on_debug(struct trap_frame *f)
{
	(void)f;
	hyp_set_debugreg(7, 0); /* its own breakpoint: drop it */
	return 1;
}

static void setup(void)
{
	struct xen_memory_reservation none = { .domid = DOMID_SELF };
	unsigned long grant_mfn;
	pte_t pte;

	(void)none;
	max_ram_page = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
	live_l4_mfn = virt_to_mfn(current_l4);
	trap_set_hook(TRAP_db, on_debug);
	if (evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port))
		test_fatal("bind VIRQ_TIMER");
	evtchn_unmask(timer_port);

	scratch_l1 = table_page();
	scratch_l2 = table_page();
	scratch_l3 = table_page();
	repair_scratch();
	if (!pt_lookup(SCRATCH_VA, 1, NULL))
		test_fatal("scratch tables not in place");

	for (int i = 0; i < 40; i++) {
		void *p = page_alloc();

		add_frame(virt_to_mfn(p), p, K_DATA);
	}
	for (int l = 0; l < 4; l++) {
		for (int i = 0; i < 3; i++) {
			unsigned long mfn = table_page();

			mmuext_one(MMUEXT_PIN_L1_TABLE + l, mfn);
			add_frame(mfn, NULL, K_L1 + l);
		}
	}
	for (int i = 0; i < 3; i++) {
		void *p = page_alloc();

		page_set_writable(p, false);
		add_frame(virt_to_mfn(p), p, K_DESC);
	}
	if (gnttab_init() == 0) {
		pte = pt_get_pte((unsigned long)gnttab);
		grant_mfn = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
		add_frame(grant_mfn, gnttab, K_GRANT);
	}
	add_frame(start_info->shared_info >> PAGE_SHIFT, NULL, K_SHINFO);
	add_frame(virt_to_mfn(start_info), NULL, K_START);
	add_frame(start_info->console.domU.mfn, NULL, K_CONS);
	add_frame(start_info->store_mfn, NULL, K_STORE);
	add_frame(live_l4_mfn, NULL, K_LIVE_L4);
	mc_end = (void *)((char *)page_alloc() + PAGE_SIZE);
	if (hyp_update_va_mapping((unsigned long)page_alloc(), 0, UVMF_INVLPG))
		test_fatal("cannot unmap the multicall guard page");
	/* The arena last: oversized counts run off its end into nothing
	 * it needs. */
	arena = page_alloc();
	arena_mfn[0] = virt_to_mfn(arena);
	for (int i = 1; i < ARENA_PAGES; i++)
		arena_mfn[i] = virt_to_mfn(page_alloc());
	trap_set_hook(TRAP_pf, on_page_fault);
	info("hcfuzz frames=%u max_ram_page=%#lx l4=%#lx", nr_frames,
	     max_ram_page, live_l4_mfn);
}

/* ---- coverage table ------------------------------------------------ */

/* Every hypercall and sub-op the hypervisor dispatches. */
static const struct {
	unsigned char nr, sub;
	const char *name;
} dispatched[] = {
#define HC0(n)                          \
	{                               \
		__HYPERVISOR_##n, 0, #n \
	}
#define SUB(n, s, name)                          \
	{                                        \
		__HYPERVISOR_##n, s, #n "/" name \
	}
	HC0(set_trap_table),
	HC0(mmu_update),
	HC0(set_gdt),
	HC0(stack_switch),
	HC0(set_callbacks),
	HC0(fpu_taskswitch),
	HC0(platform_op),
	HC0(update_descriptor),
	HC0(multicall),
	HC0(update_va_mapping),
	HC0(set_timer_op),
	HC0(vm_assist),
	HC0(update_va_mapping_otherdomain),
	HC0(xsm_op),
	HC0(nmi_op),
	HC0(domctl),
	HC0(get_debugreg),
	SUB(set_debugreg, 0, "dr0"),
	SUB(set_debugreg, 3, "dr3"),
	SUB(set_debugreg, 6, "dr6"),
	SUB(set_debugreg, 7, "dr7"),
	SUB(memory_op, 0, "increase_reservation"),
	SUB(memory_op, 1, "decrease_reservation"),
	SUB(memory_op, 2, "maximum_ram_page"),
	SUB(memory_op, 3, "current_reservation"),
	SUB(memory_op, 4, "maximum_reservation"),
	SUB(memory_op, 5, "machphys_mfn_list"),
	SUB(memory_op, 6, "populate_physmap"),
	SUB(memory_op, 7, "add_to_physmap"),
	SUB(memory_op, 9, "memory_map"),
	SUB(memory_op, 10, "machine_memory_map"),
	SUB(memory_op, 11, "exchange"),
	SUB(memory_op, 12, "machphys_mapping"),
	SUB(memory_op, 14, "maximum_gpfn"),
	SUB(memory_op, 23, "add_to_physmap_batch"),
	SUB(xen_version, 0, "version"),
	SUB(xen_version, 1, "extraversion"),
	SUB(xen_version, 2, "compile_info"),
	SUB(xen_version, 3, "capabilities"),
	SUB(xen_version, 4, "changeset"),
	SUB(xen_version, 5, "platform_parameters"),
	SUB(xen_version, 6, "get_features"),
	SUB(xen_version, 7, "pagesize"),
	SUB(xen_version, 8, "guest_handle"),
	SUB(xen_version, 9, "commandline"),
	SUB(xen_version, 10, "build_id"),
	SUB(console_io, 0, "write"),
	SUB(console_io, 1, "read"),
	SUB(grant_table_op, 0, "map_grant_ref"),
	SUB(grant_table_op, 1, "unmap_grant_ref"),
	SUB(grant_table_op, 2, "setup_table"),
	SUB(grant_table_op, 4, "transfer"),
	SUB(grant_table_op, 5, "copy"),
	SUB(grant_table_op, 6, "query_size"),
	SUB(grant_table_op, 7, "unmap_and_replace"),
	SUB(grant_table_op, 8, "set_version"),
	SUB(grant_table_op, 9, "get_status_frames"),
	SUB(grant_table_op, 10, "get_version"),
	SUB(grant_table_op, 11, "swap_grant_ref"),
	SUB(vcpu_op, 0, "initialise"),
	SUB(vcpu_op, 1, "up"),
	SUB(vcpu_op, 2, "down"),
	SUB(vcpu_op, 3, "is_up"),
	SUB(vcpu_op, 4, "get_runstate_info"),
	SUB(vcpu_op, 5, "register_runstate_memory_area"),
	SUB(vcpu_op, 7, "stop_periodic_timer"),
	SUB(vcpu_op, 8, "set_singleshot_timer"),
	SUB(vcpu_op, 9, "stop_singleshot_timer"),
	SUB(vcpu_op, 10, "register_vcpu_info"),
	SUB(set_segment_base, 0, "fs"),
	SUB(set_segment_base, 1, "gs_user"),
	SUB(set_segment_base, 3, "gs_user_sel"),
	SUB(mmuext_op, 0, "pin_l1"),
	SUB(mmuext_op, 1, "pin_l2"),
	SUB(mmuext_op, 2, "pin_l3"),
	SUB(mmuext_op, 3, "pin_l4"),
	SUB(mmuext_op, 4, "unpin"),
	SUB(mmuext_op, 5, "new_baseptr"),
	SUB(mmuext_op, 6, "tlb_flush_local"),
	SUB(mmuext_op, 7, "invlpg_local"),
	SUB(mmuext_op, 8, "tlb_flush_multi"),
	SUB(mmuext_op, 9, "invlpg_multi"),
	SUB(mmuext_op, 10, "tlb_flush_all"),
	SUB(mmuext_op, 11, "invlpg_all"),
	SUB(mmuext_op, 12, "flush_cache"),
	SUB(mmuext_op, 13, "set_ldt"),
	SUB(mmuext_op, 15, "new_user_baseptr"),
	SUB(mmuext_op, 16, "clear_page"),
	SUB(mmuext_op, 17, "copy_page"),
	SUB(mmuext_op, 18, "flush_cache_global"),
	SUB(sched_op, 0, "yield"),
	SUB(sched_op, 1, "block"),
	SUB(sched_op, 3, "poll"),
	SUB(sched_op, 4, "remote_shutdown"),
	SUB(sched_op, 5, "shutdown_code"),
	SUB(callback_op, 0, "register"),
	SUB(callback_op, 1, "unregister"),
	SUB(event_channel_op, 0, "bind_interdomain"),
	SUB(event_channel_op, 1, "bind_virq"),
	SUB(event_channel_op, 2, "bind_pirq"),
	SUB(event_channel_op, 3, "close"),
	SUB(event_channel_op, 4, "send"),
	SUB(event_channel_op, 5, "status"),
	SUB(event_channel_op, 6, "alloc_unbound"),
	SUB(event_channel_op, 7, "bind_ipi"),
	SUB(event_channel_op, 8, "bind_vcpu"),
	SUB(event_channel_op, 9, "unmask"),
	SUB(event_channel_op, 10, "reset"),
	SUB(event_channel_op, 11, "init_control"),
	SUB(event_channel_op, 12, "expand_array"),
	SUB(event_channel_op, 13, "set_priority"),
	SUB(physdev_op, 5, "irq_status_query"),
	SUB(physdev_op, 6, "set_iopl"),
	SUB(physdev_op, 12, "eoi"),
	SUB(physdev_op, 13, "map_pirq"),
	SUB(physdev_op, 14, "unmap_pirq"),
	SUB(physdev_op, 21, "setup_gsi"),
	{ 48, 0, "mca" },
#undef HC0
#undef SUB
};

/* Iterations per second and what it reached so far; the table too at
 * the end. Printed every few seconds, so a run that stops early still
 * shows both. */
static void report(uint64_t elapsed_ns, bool table)
{
	unsigned long reached = 0, ms = elapsed_ns / 1000000;

	for (unsigned int i = 0; i < ARRAY_SIZE(dispatched); i++) {
		unsigned int nr = dispatched[i].nr, sub = dispatched[i].sub;

		if (cov_calls[nr][sub])
			reached++;
		if (table)
			printf("COVER %s calls=%lu ok=%lu\n",
			       dispatched[i].name, cov_calls[nr][sub],
			       cov_ok[nr][sub]);
	}
	printf("FUZZ %s iters=%lu ms=%lu per_s=%lu anomalies=%lu\n",
	       table ? "end" : "at", iter, ms, ms ? iter * 1000 / ms : 0,
	       anomalies);
	printf("COVER reached=%lu of=%lu\n", reached,
	       (unsigned long)ARRAY_SIZE(dispatched));
}

void test_main(void)
{
	unsigned long seed = cmdline_number("seed=", 1);
	unsigned long secs = cmdline_number("secs=", 30);
	unsigned long every = cmdline_number("report=", 5);
	uint64_t start, end, next;

	trace_from = cmdline_number("trace=", ~0UL);
	self_domid = cmdline_number("self=", DOMID_SELF);
	skip_mask = cmdline_number("skip=", 0);
	nest_pct = cmdline_number("nest=", 3);
	maint_off = cmdline_number("off=", 0);
	force_cmd = cmdline_number("cmd=", ~0UL);
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	printf("FUZZ seed=%lu secs=%lu self=%lu\n", seed, secs, self_domid);
	setup();
	start = system_time_ns();
	time_mul = vcpu0_info->time.tsc_to_system_mul;
	end = start + secs * 1000000000ULL;
	next = start + every * 1000000000ULL;
	for (iter = 0; system_time_ns() < end; iter++) {
		if (system_time_ns() >= next) {
			report(system_time_ns() - start, false);
			next += every * 1000000000ULL;
		}
		arena_used = 0; /* each iteration's arguments from the start */
		if (iter % 64 == 0) {
			repair_scratch();
			keep_ports();
		}
		if (chance(10) && !(maint_off & 1))
			toggle_mapping();
		if (chance(3) && !(maint_off & 2))
			scribble_freed();
		if (chance(1) && !(maint_off & 4))
			pin_held_frame();
		if (chance(15) && !(maint_off & 8))
			run_multicall();
		else
			run_one();
		if (maint_off & 16) { /* debugging: are its traps intact? */
			unsigned long before = last_trap.count;

			asm volatile("int3");
			if (last_trap.count == before)
				test_fatal("int3 not delivered after %lu",
					   iter);
		}
	}
	report(system_time_ns() - start, true);
	CHECK("fuzz_survived", 1);
}
