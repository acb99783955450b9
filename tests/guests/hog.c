// SPDX-License-Identifier: MIT
/*
 * hog: a hostile domain that makes one hypercall at the largest size it
 * can (harness guest, not in `make list`), to run beside `victim`. It
 * spends all its free memory on the call's array:
 *   op=exchange  XENMEM_exchange whose output array is its input array
 *                moved up by one slot, so each new frame is the next input
 *                (a self-feeding chain as long as the domain's memory)
 *   op=gntcopy   GNTTABOP_copy, count 2^31-1, each element a 4 KiB copy
 *                between two of its own frames, until the array ends
 *   op=console   CONSOLEIO_write of 4 MiB (needs the console capability)
 *   op=reservation  decrease_reservation of all its frames but the list,
 *                then increase_reservation of as many
 *   op=multicall    multicall, count 2^32-1, of xen_version calls, until
 *                   the array ends
 *   op=mmu_update   MMU_MACHPHYS_UPDATEs, count 2^31-1, until the array ends
 *   op=pin       MMUEXT_PIN_L4_TABLE (then unpin) of a page-table tree
 *                made of all that memory: every L1 entry is validated
 * and, on a tree whose L4 also maps the hog itself, each once:
 *   op=hookpin   MMUEXT_PIN_L4_TABLE of the tree's L4
 *   op=hookbase  MMUEXT_NEW_BASEPTR to it (then pin it, switch back)
 *   op=hookmmu   mmu_update of a free slot of the hog's own L4 to the
 *                tree's L3
 *   op=hookptwr  the same written straight into the L4 (ptwr)
 *   op=hookmulti the pin and an mmu_update hooking the tree's L3 into
 *                the hog's L4, as two elements of one multicall
 *   op=unhook    pin it, then unpin it (every entry released)
 *   op=nasty     pin (or unpin) it with a timer upcall due mid-way,
 *                whose handler does one hostile thing to the partly
 *                validated (or released) tree per round; every frame retyped writable between
 *                rounds, all given back at the end
 *   op=abandon   pin it, the list rewritten mid-way: left partial, then
 *                all given back (nothing may stay referenced)
 *   op=poisonl2  pin it, its first L2's last entry refused: its 511
 *                L1s released again
 *   op=initsplit (vcpus=2) VCPUOP_initialise with the tree's two halves
 *                as kernel and user L4
 *   op=smprace   (vcpus=2) vCPU 0 pins and unpins it while vCPU 1 pins,
 *                loads, hooks and maps the same frames (see there)
 * It prints `INFO hog op=<op> calling` before the first call; the call is
 * repeated for `secs=N` seconds (at least once), and each round prints
 * `INFO hog op=<op> round=<n> rc=<rc> us=<time the call took>`.
 */
#include <libpv/event.h>
#include <libpv/grant.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <libpv/traps.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/vcpu.h>
#include <xen/xen.h>

#define CONSOLE_BYTES (4UL << 20)
#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static uint8_t *region;
static unsigned long region_bytes;
static void *spare[3]; /* pages outside the region */

/* Map pfn's 2 MiB chunk with a new L1 taken from l1 (read-only). */
static void map_chunk(unsigned long pfn, pte_t *l1)
{
	unsigned long va = (unsigned long)pfn_to_virt(pfn);
	uint64_t l2e_ma;
	pte_t *l2e = pt_lookup(va, 2, &l2e_ma);

	if (!l2e)
		test_fatal("hog: no L2 for %#lx", va);
	for (unsigned long i = 0; i < PT_ENTRIES; i++) {
		unsigned long p = (pfn & ~511UL) + i;

		if (p >= start_info->nr_pages)
			break;
		l1[i] = ((uint64_t)pfn_to_mfn(p) << PAGE_SHIFT) | PTE_FLAGS;
	}
	page_set_writable(l1, false);
	if (mmu_update_one(l2e_ma, ((uint64_t)virt_to_mfn(l1) << PAGE_SHIFT) |
					   PTE_FLAGS | _PAGE_USER))
		test_fatal("hog: L2 update for %#lx failed", va);
}

/*
 * All the domain's memory but a few pages, contiguous in VA: libpv's
 * free pages (page_alloc's order), then every pfn past them, mapped at
 * pfn_to_virt() with L1 tables taken from the free pages first.
 */
static void take_region(void)
{
	unsigned long first, end = start_info->nr_pages;
	pte_t *l1s[PT_ENTRIES / 8];
	unsigned long nr_l1 = 0;

	for (unsigned long i = 0; i < ARRAY_SIZE(l1s); i++)
		l1s[i] = page_alloc();
	for (unsigned long i = 0; i < ARRAY_SIZE(spare); i++)
		spare[i] = page_alloc();
	first = virt_to_pfn(page_alloc());
	while (pages_free())
		page_alloc();
	for (unsigned long pfn = first + 1; pfn < end; pfn++) {
		unsigned long va = (unsigned long)pfn_to_virt(pfn);
		pte_t *l1e = pt_lookup(va, 1, NULL);

		if (!l1e) {
			if (nr_l1 == ARRAY_SIZE(l1s))
				test_fatal("hog: out of L1 tables");
			map_chunk(pfn, l1s[nr_l1++]);
		} else if (!(*l1e & _PAGE_PRESENT) &&
			   hyp_update_va_mapping(va,
						 ((uint64_t)pfn_to_mfn(pfn)
						  << PAGE_SHIFT) |
							 PTE_FLAGS,
						 UVMF_INVLPG)) {
			test_fatal("hog: mapping pfn %#lx failed", pfn);
		}
	}
	region = pfn_to_virt(first);
	region_bytes = (end - first) * PAGE_SIZE;
	info("hog region pages=%lu new_l1s=%lu", end - first, nr_l1);
}

static unsigned long spare_frame(void)
{
	hyp_update_va_mapping((unsigned long)spare[0], 0, UVMF_INVLPG);
	return virt_to_mfn(spare[0]);
}

static uint64_t *chain;
static unsigned long chain_len;

static void exchange_setup(void)
{
	chain = (uint64_t *)region;
	chain_len = region_bytes / sizeof(uint64_t) - 1;
	chain[0] = spare_frame();
}

static long exchange_round(void)
{
	struct xen_memory_exchange x = {
		.in = { .nr_extents = chain_len, .domid = DOMID_SELF },
		.out = { .nr_extents = chain_len, .domid = DOMID_SELF },
	};
	long rc;

	x.in.extent_start.p = chain;
	x.out.extent_start.p = chain + 1;
	rc = hyp_memory_op(XENMEM_exchange, &x);
	CHECK_EQ("hog_exchange_done", x.nr_exchanged, chain_len);
	chain[0] = chain[chain_len]; /* the last new frame starts again */
	return rc;
}

static struct gnttab_copy *copies;
static unsigned long nr_copies;

static void gntcopy_setup(void)
{
	uint8_t *from = spare[1], *to = spare[2];

	copies = (struct gnttab_copy *)region;
	nr_copies = region_bytes / sizeof(*copies);
	for (unsigned long i = 0; i < nr_copies; i++) {
		copies[i] = (struct gnttab_copy){
			.source = { .u.gmfn = virt_to_mfn(from),
				    .domid = DOMID_SELF },
			.dest = { .u.gmfn = virt_to_mfn(to),
				  .domid = DOMID_SELF },
			.len = PAGE_SIZE,
		};
	}
}

static long gntcopy_round(void)
{
	long rc;

	copies[nr_copies - 1].status = 1;
	rc = hyp_grant_table_op(GNTTABOP_copy, copies, 0x7fffffff);
	/* Every element in the array was done; the fault is past its end. */
	CHECK_EQ("hog_gntcopy_last_done", copies[nr_copies - 1].status,
		 GNTST_okay);
	return rc;
}

static void console_setup(void)
{
	for (unsigned long i = 0; i < CONSOLE_BYTES; i++)
		region[i] = i % 80 == 79 ? '\n' : '.';
	region[CONSOLE_BYTES - 1] = '\n';
}

static long console_round(void)
{
	return hyp_console_io(CONSOLEIO_write, CONSOLE_BYTES,
			      (const char *)region);
}

/*
 * A page-table tree over the whole region: one L4, one L3, then L2s and
 * as many L1s as are left, each L1 entry mapping a region frame
 * read-only; pinning the L4 validates every one of those entries.
 */
static uint64_t tree_l4;

static pte_t *tree_page(unsigned long i)
{
	return (pte_t *)(region + i * PAGE_SIZE);
}

static uint64_t tree_entry(unsigned long i, uint64_t flags)
{
	return ((uint64_t)virt_to_mfn(tree_page(i)) << PAGE_SHIFT) | flags;
}

static unsigned int hook_slot; /* a slot of our own L4 we do not use */

/* The tree's L4 maps us too (our L4's entries), the tree in hook_slot. */
static bool tree_with_kernel;

static void pin_setup(void)
{
	unsigned long n = region_bytes / PAGE_SIZE;
	unsigned long nl2 = (n - 2 + PT_ENTRIES) / (PT_ENTRIES + 1);
	unsigned long l1 = 2 + nl2, nl1 = n - l1;
	struct mmu_update u[PT_ENTRIES];
	unsigned long nu = 0;

	if (nl2 > PT_ENTRIES)
		test_fatal("hog: region too large for one L3");
	memset(region, 0, 2 * PAGE_SIZE);
	for (unsigned int i = 0; tree_with_kernel && i < PT_ENTRIES; i++)
		if (i < 256 || i > 271) /* not the hypervisor's */
			tree_page(0)[i] = current_l4[i];
	while (tree_with_kernel && (current_l4[hook_slot] & _PAGE_PRESENT))
		hook_slot++;
	tree_page(0)[hook_slot] = tree_entry(1, PTE_FLAGS | _PAGE_USER);
	for (unsigned long k = 0; k < nl2; k++)
		tree_page(1)[k] = tree_entry(2 + k, PTE_FLAGS | _PAGE_USER);
	for (unsigned long i = 0; i < nl2 * PT_ENTRIES; i++)
		tree_page(2)[i] =
			i < nl1 ? tree_entry(l1 + i, PTE_FLAGS | _PAGE_USER) :
				  0;
	for (unsigned long i = 0; i < nl1 * PT_ENTRIES; i++)
		tree_page(l1)[i] =
			tree_entry(i % n, _PAGE_PRESENT | _PAGE_ACCESSED);
	/* Every page of the tree read-only in our own mapping. */
	for (unsigned long i = 0; i < n; i++) {
		uint64_t ma;

		pt_lookup((unsigned long)tree_page(i), 1, &ma);
		u[nu].ptr = ma;
		u[nu++].val = tree_entry(i, _PAGE_PRESENT | _PAGE_ACCESSED);
		if (nu == PT_ENTRIES || i + 1 == n) {
			CHECK_EQ("hog_tree_read_only",
				 hyp_mmu_update(u, nu, NULL, DOMID_SELF), 0);
			nu = 0;
		}
	}
	hyp_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL }, 1,
		      NULL, DOMID_SELF);
	tree_l4 = virt_to_mfn(tree_page(0));
	info("hog tree l2s=%lu l1s=%lu entries=%lu", nl2, nl1,
	     nl1 * PT_ENTRIES);
}

/* Pin the tree (validating it all), then unpin it (releasing it all). */
static long pin_round(void)
{
	long rc = mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4);

	if (!rc)
		rc = mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4);
	return rc;
}

/*
 * Give back every region frame but those holding the list itself, then
 * as many new ones: two calls of as many extents as the domain has.
 */
static uint64_t *extents;
static unsigned long nr_extents;

static void reservation_setup(void)
{
	unsigned long n = region_bytes / PAGE_SIZE;
	unsigned long list_pages = (n * 8 + PAGE_SIZE - 1) / PAGE_SIZE;

	extents = (uint64_t *)region;
	nr_extents = n - list_pages;
	for (unsigned long i = 0; i < nr_extents; i++) {
		uint8_t *va = region + (list_pages + i) * PAGE_SIZE;

		extents[i] = virt_to_mfn(va);
		/* Unmapped: a frame still mapped counts until it is freed. */
		hyp_update_va_mapping((unsigned long)va, 0, 0);
	}
	mmuext_one(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static long reservation_call(unsigned int cmd)
{
	struct xen_memory_reservation r = { .nr_extents = nr_extents,
					    .domid = DOMID_SELF };

	r.extent_start.p = extents;
	return hyp_memory_op(cmd, &r);
}

static long reservation_round(void)
{
	CHECK_EQ("hog_decrease_all",
		 reservation_call(XENMEM_decrease_reservation), nr_extents);
	return reservation_call(XENMEM_increase_reservation) - nr_extents;
}

/* Batches that were preemptible already, at their largest size too. */
static struct multicall_entry *calls;
static struct mmu_update *updates;
static unsigned long nr_calls, nr_updates;

static void multicall_setup(void)
{
	calls = (struct multicall_entry *)region;
	nr_calls = region_bytes / sizeof(*calls);
	for (unsigned long i = 0; i < nr_calls; i++)
		calls[i] = (struct multicall_entry){
			.op = __HYPERVISOR_xen_version,
			.args = { XENVER_version },
		};
}

static long multicall_round(void)
{
	long rc;

	calls[nr_calls - 1].result = ~0UL;
	rc = hyp_multicall(calls, 0xffffffffU);
	/* Every element in the array was done; the fault is past its end. */
	CHECK("hog_multicall_last_done", calls[nr_calls - 1].result != ~0UL);
	return rc;
}

static void mmu_setup(void)
{
	uint64_t mfn = virt_to_mfn(spare[1]);

	updates = (struct mmu_update *)region;
	nr_updates = region_bytes / sizeof(*updates);
	for (unsigned long i = 0; i < nr_updates; i++)
		updates[i] = (struct mmu_update){
			.ptr = (mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
			.val = virt_to_pfn(spare[1]),
		};
}

static long mmu_round(void)
{
	unsigned int done = 0;
	long rc = hyp_mmu_update(updates, 0xffffffffU >> 1, &done, DOMID_SELF);

	/* Every element in the array was done; the fault is past its end. */
	CHECK_EQ("hog_mmu_update_done", done, nr_updates);
	return rc;
}

static void hook_setup(void)
{
	tree_with_kernel = true;
	hook_slot = 1;
	pin_setup();
}

static long hookpin_round(void)
{
	CHECK_EQ("hog_hookpin", mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4), 0);
	/* Validated and pinned: a second pin is refused. */
	return mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4);
}

static long hookbase_round(void)
{
	unsigned long own = virt_to_mfn(current_l4);

	CHECK_EQ("hog_hookbase", mmuext_one(MMUEXT_NEW_BASEPTR, tree_l4), 0);
	CHECK_EQ("hog_hookbase_pin", mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4),
		 0);
	return mmuext_one(MMUEXT_NEW_BASEPTR, own);
}

static uint64_t hook_entry(void)
{
	return tree_entry(1, PTE_FLAGS | _PAGE_USER);
}

static long hookmmu_round(void)
{
	CHECK_EQ("hog_hookmmu",
		 mmu_update_one(virt_to_machine(&current_l4[hook_slot]),
				hook_entry()),
		 0);
	return (current_l4[hook_slot] & PTE_ADDR_MASK) !=
	       (hook_entry() & PTE_ADDR_MASK);
}

static long hookptwr_round(void)
{
	CHECK_EQ("hog_writable_pagetables",
		 hyp_vm_assist(VMASST_CMD_enable,
			       VMASST_TYPE_writable_pagetables),
		 0);
	*(volatile pte_t *)&current_l4[hook_slot] = hook_entry();
	return (current_l4[hook_slot] & PTE_ADDR_MASK) !=
	       (hook_entry() & PTE_ADDR_MASK);
}

static long hookmulti_round(void)
{
	struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE,
				 .arg1.mfn = tree_l4 };
	struct mmu_update hook = {
		.ptr = virt_to_machine(&current_l4[hook_slot]),
		.val = hook_entry(),
	};
	struct multicall_entry mc[2] = {
		{ .op = __HYPERVISOR_mmuext_op,
		  .args = { (unsigned long)&pin, 1, 0, DOMID_SELF } },
		{ .op = __HYPERVISOR_mmu_update,
		  .args = { (unsigned long)&hook, 1, 0, DOMID_SELF } },
	};

	CHECK_EQ("hog_hookmulti", hyp_multicall(mc, 2), 0);
	CHECK_EQ("hog_hookmulti_pin", mc[0].result, 0);
	return (long)mc[1].result;
}

static void unhook_setup(void)
{
	uint64_t t;

	hook_setup();
	t = system_time_ns();
	CHECK_EQ("hog_unhook_pin", mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4), 0);
	info("hog pinned us=%lu",
	     (unsigned long)((system_time_ns() - t) / 1000));
}

static long unhook_round(void)
{
	return mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4);
}

/*
 * op=nasty: one pin (or unpin) of the tree per round, with a timer upcall
 * due 2 ms in, when the call has been preempted and the tree is partly
 * validated (or released). The handler does the round's hostile thing. What
 * it does cannot depend on how far the validation got, so each action's
 * and the pin's results are checked. Between rounds every frame of the
 * tree must take a writable mapping again (no type left on any).
 */
static evtchn_port_t nasty_port;
static long nasty_rc;
static bool nasty_in_pin, nasty_ran;

static uint64_t tree_mfn(unsigned long i)
{
	return virt_to_mfn(tree_page(i));
}

static long tot_pages_now(void)
{
	domid_t self = DOMID_SELF;

	return hyp_memory_op(XENMEM_current_reservation, &self);
}

static long give_back(uint64_t mfn)
{
	struct xen_memory_reservation r = { .nr_extents = 1,
					    .domid = DOMID_SELF };

	r.extent_start.p = &mfn;
	return hyp_memory_op(XENMEM_decrease_reservation, &r);
}

/* The last L1's first entry made to map the L4 writable, or restored. */
static long last_l1_poison(bool on)
{
	pte_t *e = tree_page(region_bytes / PAGE_SIZE - 1);
	static pte_t was;

	if (on)
		was = *e;
	/* Not validated yet: a plain write to a page we may write. */
	return mmu_update_one(virt_to_machine(e),
			      on ? tree_entry(0, PTE_FLAGS) : was);
}

struct nasty {
	const char *name;
	bool dying; /* interrupts an unpin of the pinned tree, not a pin */
	long action_rc; /* the handler's call */
	long call_rc; /* the pin or unpin it interrupted */
};

enum { GIVE_BACK_PARTIAL = 2, GIVE_BACK_DYING = 3 }; /* tree pages: L2s */

static const struct nasty nasties[] = {
	{ "unpin_partial", false, -XEN_EINVAL, 0 },
	{ "pin_as_l3", false, -XEN_EINVAL, 0 },
	{ "write_partial_l4", false, -XEN_EINVAL, 0 },
	{ "map_partial_writable", false, -XEN_EINVAL, 0 },
	{ "ptwr_partial_l4", false, 1, 0 }, /* no table yet: the #PF is ours */
	{ "pin_partial_l3", false, 0, 0 },
	{ "pin_partial_l4", false, 0, -XEN_EINVAL }, /* pinned twice */
	{ "hook_partial_l3", false, 0, 0 },
	{ "baseptr_partial_l4", false, 0, 0 },
	{ "poison_later_l1", false, 0, -XEN_EINVAL }, /* maps the L4 */
	{ "pin_dying_l4", true, 0, 0 },
	/* Any hypercall releases the dying tables first. */
	{ "map_dying_writable", true, 0, 0 },
	{ "write_dying_l3", true, 0, 0 },
	{ "ptwr_dying_l4", true, 1, 0 },
	{ "hook_dying_l3", true, 0, 0 },
	{ "give_back_dying_l2", true, 1, 0 },
	{ "give_back_partial_l2", false, 1, -XEN_EINVAL },
};

/* Write the tree's L4 entry as it is, straight: 1 if that faulted. */
static long ptwr_l4(void)
{
	unsigned long before = last_trap.count;
	pte_t *e = &tree_page(0)[hook_slot];

	asm volatile("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b)
		     :
		     : "r"(e), "r"(*e)
		     : "memory");
	return last_trap.count != before && last_trap.vector == TRAP_pf;
}

static long nasty_act(const char *name)
{
	unsigned long own = virt_to_mfn(current_l4);
	long rc;

	if (!strcmp(name, "unpin_partial"))
		return mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4);
	if (!strcmp(name, "pin_as_l3"))
		return mmuext_one(MMUEXT_PIN_L3_TABLE, tree_l4);
	if (!strcmp(name, "write_partial_l4"))
		return mmu_update_one(tree_l4 << PAGE_SHIFT, 0);
	if (!strcmp(name, "write_dying_l3")) /* released first: a plain write */
		return mmu_update_one(tree_mfn(1) << PAGE_SHIFT,
				      tree_page(1)[0]);
	if (!strcmp(name, "map_partial_writable"))
		return hyp_update_va_mapping((unsigned long)tree_page(0),
					     tree_entry(0, PTE_FLAGS),
					     UVMF_INVLPG);
	if (!strcmp(name, "map_dying_writable"))
		return hyp_update_va_mapping((unsigned long)tree_page(1),
					     tree_entry(1, PTE_FLAGS),
					     UVMF_INVLPG);
	if (!strcmp(name, "pin_partial_l3"))
		return mmuext_one(MMUEXT_PIN_L3_TABLE, tree_mfn(1));
	if (!strcmp(name, "pin_partial_l4") || !strcmp(name, "pin_dying_l4"))
		return mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4);
	if (!strcmp(name, "hook_partial_l3") || !strcmp(name, "hook_dying_l3"))
		return mmu_update_one(virt_to_machine(&current_l4[hook_slot]),
				      hook_entry());
	if (!strcmp(name, "baseptr_partial_l4")) {
		rc = mmuext_one(MMUEXT_NEW_BASEPTR, tree_l4);
		return rc ? rc : mmuext_one(MMUEXT_NEW_BASEPTR, own);
	}
	if (!strcmp(name, "ptwr_partial_l4") || !strcmp(name, "ptwr_dying_l4"))
		return ptwr_l4();
	if (!strcmp(name, "poison_later_l1"))
		return last_l1_poison(true);
	if (!strcmp(name, "give_back_dying_l2"))
		return give_back(tree_mfn(GIVE_BACK_DYING));
	return give_back(tree_mfn(GIVE_BACK_PARTIAL));
}

static const struct nasty *nasty_now;

static void on_nasty_timer(evtchn_port_t port, void *data)
{
	uint64_t stub = (uint64_t)hypercall_page + 32 * __HYPERVISOR_mmuext_op;

	(void)port, (void)data;
	if (!nasty_in_pin || nasty_ran)
		return;
	/* Only once the call has begun (a busy host can deliver the timer
	 * before it): the upcall then interrupts its continuation. */
	if (upcall_rip - stub >= 32) {
		hyp_set_timer_op(system_time_ns() + 1000000);
		return;
	}
	nasty_ran = true;
	nasty_rc = nasty_act(nasty_now->name);
}

static bool given_back[GIVE_BACK_DYING + 1];

/* L2 x given back: out of the L3, and no L1 entry maps it (plain
 * writes: between rounds no tree page is a table). */
static void tree_forget(unsigned long x)
{
	unsigned long n = region_bytes / PAGE_SIZE, bad = 0;
	unsigned long nl2 = (n - 2 + PT_ENTRIES) / (PT_ENTRIES + 1);
	unsigned long l1 = 2 + nl2;

	bad += mmu_update_one(virt_to_machine(&tree_page(1)[x - 2]), 0) != 0;
	for (unsigned long g = x; g < (n - l1) * PT_ENTRIES; g += n)
		bad += mmu_update_one(
			       virt_to_machine(&tree_page(
				       l1 + g / PT_ENTRIES)[g % PT_ENTRIES]),
			       0) != 0;
	CHECK_EQ("hog_nasty_tree_forget", bad, 0);
}

/* Every tree frame (but those given back) writable, then read-only. */
static void nasty_check_untyped(void)
{
	unsigned long n = region_bytes / PAGE_SIZE, bad = 0;

	for (unsigned long i = 0; i < n; i++) {
		unsigned long va = (unsigned long)tree_page(i);

		if (i < ARRAY_SIZE(given_back) && given_back[i])
			continue;
		bad += hyp_update_va_mapping(va, tree_entry(i, PTE_FLAGS),
					     UVMF_INVLPG) != 0;
		bad += hyp_update_va_mapping(
			       va,
			       tree_entry(i, _PAGE_PRESENT | _PAGE_ACCESSED),
			       UVMF_INVLPG) != 0;
	}
	CHECK_EQ("hog_nasty_frames_untyped", bad, 0);
}

/* The one-shot timer's upcall runs handler (set_timer_op arms it). */
static void timer_upcall(void (*handler)(evtchn_port_t, void *))
{
	CHECK_EQ("stop_periodic_timer",
		 hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	CHECK_EQ("bind_virq_timer",
		 evtchn_bind_virq(VIRQ_TIMER, 0, &nasty_port), 0);
	evtchn_set_handler(nasty_port, handler, NULL);
	evtchn_unmask(nasty_port);
	events_restore(0);
}

static void nasty_setup(void)
{
	hook_setup();
	CHECK_EQ("hog_writable_pagetables",
		 hyp_vm_assist(VMASST_CMD_enable,
			       VMASST_TYPE_writable_pagetables),
		 0);
	timer_upcall(on_nasty_timer);
}

static long nasty_round(void)
{
	unsigned long n = region_bytes / PAGE_SIZE;
	long rc;

	for (unsigned int a = 0; a < ARRAY_SIZE(nasties); a++) {
		const struct nasty *x = &nasties[a];

		if (x->dying)
			CHECK_EQ("hog_nasty_pin",
				 mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4), 0);
		nasty_now = x;
		nasty_ran = false;
		nasty_in_pin = true;
		hyp_set_timer_op(system_time_ns() + 2000000);
		rc = mmuext_one(x->dying ? MMUEXT_UNPIN_TABLE :
					   MMUEXT_PIN_L4_TABLE,
				tree_l4);
		nasty_in_pin = false;
		info("hog nasty %s ran=%d action_rc=%ld call_rc=%ld", x->name,
		     nasty_ran, nasty_rc, rc);
		CHECK("hog_nasty_upcall_mid_call", nasty_ran, "%s", x->name);
		CHECK("hog_nasty_action_rc", nasty_rc == x->action_rc,
		      "%s: %ld", x->name, nasty_rc);
		CHECK("hog_nasty_call_rc", rc == x->call_rc, "%s: %ld", x->name,
		      rc);
		/* Undo what the round left: pins, the hook, the poison. */
		mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4);
		mmuext_one(MMUEXT_UNPIN_TABLE, tree_mfn(1));
		mmu_update_one(virt_to_machine(&current_l4[hook_slot]), 0);
		if (!strcmp(x->name, "poison_later_l1"))
			CHECK_EQ("hog_nasty_unpoison", last_l1_poison(false),
				 0);
		if (!strcmp(x->name, "give_back_dying_l2")) {
			given_back[GIVE_BACK_DYING] = true;
			tree_forget(GIVE_BACK_DYING);
		}
		if (!strcmp(x->name, "give_back_partial_l2"))
			given_back[GIVE_BACK_PARTIAL] = true;
		nasty_check_untyped();
	}
	/* Give back every frame of the tree still ours, unmapped first so
	 * that each is freed (ours was its last use). */
	rc = 0;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t mfn = tree_mfn(i);

		if (i < ARRAY_SIZE(given_back) && given_back[i])
			continue;
		hyp_update_va_mapping((unsigned long)tree_page(i), 0,
				      UVMF_INVLPG);
		rc += give_back(mfn) != 1;
	}
	return rc;
}

/*
 * op=smprace (vcpus=2): vCPU 0 pins and unpins the hooked tree, each pin
 * preempted many times, while vCPU 1 on the other CPU does to the same
 * frames what a guest may: pins them (going on with the same partial
 * validation), loads the tree's L4 as its kernel or user base, hooks the
 * tree's L3 into our L4 by mmu_update and by a ptwr write, maps an L1 of
 * the tree writable and back. Every result must be 0 or -EINVAL (never
 * -ERESTART), and afterwards no tree frame keeps a type.
 * vCPU 1 starts on the tree: a VCPUOP_initialise (in a multicall) whose
 * kernel and user L4 are the tree's, validated over many rounds.
 * First, on the fresh vCPU 1: a multicall whose VCPUOP_initialise takes
 * a new L4 and then fails (a GDT frame it cannot have), releasing the L4;
 * the next element maps that L4 writable, which must succeed: the table
 * released by one element is gone before the next runs.
 */
#define SMPRACE_NS 2000000000ULL /* at least, and a pass of vCPU 1 */
#define SMPRACE_MAX_NS 120000000000ULL /* smp=2 TCG on a loaded host */
#define SMPRACE_ACTS 8 /* each case once */

static volatile bool race_stop, race_stopped, race_up;
static volatile unsigned long race_acts, race_bad, race_ok;
static volatile long race_bad_rc;
static volatile unsigned int race_bad_act;
static uint8_t race_stack[16384] __attribute__((aligned(16)));

static void race_note(unsigned int act, long rc)
{
	if (rc == 0) {
		race_ok++;
	} else if (rc != -XEN_EINVAL) {
		race_bad++;
		race_bad_rc = rc;
		race_bad_act = act;
	}
}

/* Our L4's hook slot written straight (ptwr): 0, or -EINVAL if refused. */
static long race_ptwr_hook(uint64_t val)
{
	unsigned long before = last_trap.count;
	pte_t *e = &current_l4[hook_slot];

	asm volatile("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b)
		     :
		     : "r"(e), "r"(val)
		     : "memory");
	return last_trap.count != before ? -XEN_EINVAL : 0;
}

static void race_vcpu1(void)
{
	unsigned long own = virt_to_mfn(current_l4);
	unsigned long n = region_bytes / PAGE_SIZE;
	unsigned long last = (unsigned long)tree_page(n - 1);
	long rc;

	/* Started on the tree (both bases): back on our own L4. */
	race_note(8, mmuext_one(MMUEXT_NEW_BASEPTR, own) ? -1 : 0);
	race_note(8, mmuext_one(MMUEXT_NEW_USER_BASEPTR, 0) ? -1 : 0);
	race_up = true;
	for (unsigned int act = 0; !race_stop;
	     act = (act + 1) % 8, race_acts++) {
		switch (act) {
		case 0:
			race_note(act,
				  mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4));
			break;
		case 1:
			race_note(act, mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4));
			break;
		case 2:
			rc = mmuext_one(MMUEXT_NEW_BASEPTR, tree_l4);
			race_note(act, rc);
			if (!rc)
				race_note(act,
					  mmuext_one(MMUEXT_NEW_BASEPTR, own));
			break;
		case 3:
			race_note(act,
				  mmuext_one(MMUEXT_NEW_USER_BASEPTR, tree_l4));
			race_note(act, mmuext_one(MMUEXT_NEW_USER_BASEPTR, 0));
			break;
		case 4:
			race_note(act,
				  mmuext_one(MMUEXT_PIN_L3_TABLE, tree_mfn(1)));
			race_note(act,
				  mmuext_one(MMUEXT_UNPIN_TABLE, tree_mfn(1)));
			break;
		case 5:
			race_note(act, mmu_update_one(
					       virt_to_machine(
						       &current_l4[hook_slot]),
					       hook_entry()));
			race_note(act, mmu_update_one(
					       virt_to_machine(
						       &current_l4[hook_slot]),
					       0));
			break;
		case 6:
			race_note(act, race_ptwr_hook(hook_entry()));
			race_note(act, race_ptwr_hook(0));
			break;
		case 7:
			/* The tree's last L1 writable (a pin then fails on
			 * it, part way), and read-only again. */
			rc = hyp_update_va_mapping(last,
						   tree_entry(n - 1, PTE_FLAGS),
						   UVMF_INVLPG);
			race_note(act, rc);
			race_note(act,
				  hyp_update_va_mapping(
					  last,
					  tree_entry(n - 1,
						     _PAGE_PRESENT |
							     _PAGE_ACCESSED),
					  UVMF_INVLPG));
			break;
		}
	}
	race_stopped = true;
	for (;;)
		hyp_sched_op(SCHEDOP_block, NULL);
}

/* The multicall check: see above. */
static void race_multicall_release(void)
{
	pte_t *l4 = spare[1];
	struct vcpu_guest_context *c;
	struct multicall_entry mc[2];

	memset(l4, 0, PAGE_SIZE);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		if (i < 256 || i > 271)
			l4[i] = current_l4[i];
	CHECK_EQ("race_l4_read_only", page_set_writable(l4, false), 0);
	c = vcpu_context_kernel(race_vcpu1, race_stack, sizeof(race_stack));
	c->ctrlreg[3] = virt_to_machine(l4) & ~(PAGE_SIZE - 1);
	c->gdt_ents = 1;
	c->gdt_frames[0] = ~0UL >> 20; /* no frame of ours */
	mc[0] = (struct multicall_entry){
		.op = __HYPERVISOR_vcpu_op,
		.args = { VCPUOP_initialise, 1, (unsigned long)c },
	};
	mc[1] = (struct multicall_entry){
		.op = __HYPERVISOR_update_va_mapping,
		.args = { (unsigned long)l4,
			  (virt_to_machine(l4) & PTE_ADDR_MASK) | PTE_FLAGS,
			  UVMF_INVLPG },
	};
	CHECK_EQ("race_multicall", hyp_multicall(mc, 2), 0);
	info("hog smprace multicall initialise=%ld map_writable=%ld",
	     (long)mc[0].result, (long)mc[1].result);
	CHECK_EQ("race_initialise_refused", (long)mc[0].result, -XEN_EINVAL);
	CHECK_EQ("race_released_l4_writable", (long)mc[1].result, 0);
}

static void smprace_setup(void)
{
	struct vcpu_guest_context *c;
	struct multicall_entry mc;
	uint64_t t;

	hook_setup();
	CHECK_EQ("hog_writable_pagetables",
		 hyp_vm_assist(VMASST_CMD_enable,
			       VMASST_TYPE_writable_pagetables),
		 0);
	race_multicall_release();
	/* vCPU 1 starts on the whole tree as kernel and user base: its
	 * VCPUOP_initialise, in a multicall, goes on over many rounds. */
	c = vcpu_context_kernel(race_vcpu1, race_stack, sizeof(race_stack));
	c->ctrlreg[3] = c->ctrlreg[1] = tree_l4 << PAGE_SHIFT;
	mc = (struct multicall_entry){
		.op = __HYPERVISOR_vcpu_op,
		.args = { VCPUOP_initialise, 1, (unsigned long)c },
	};
	t = system_time_ns();
	CHECK_EQ("race_initialise_multicall", hyp_multicall(&mc, 1), 0);
	info("hog smprace initialise on the tree rc=%ld us=%lu",
	     (long)mc.result, (unsigned long)((system_time_ns() - t) / 1000));
	CHECK_EQ("race_initialise_on_tree", (long)mc.result, 0);
	CHECK_EQ("vcpu1_up", hyp_vcpu_op(VCPUOP_up, 1, NULL), 0);
	while (!race_up)
		;
}

static long smprace_round(void)
{
	uint64_t start = system_time_ns();
	unsigned long rounds = 0, pins = 0, bad = 0,
		      n = region_bytes / PAGE_SIZE;
	long rc;

	while ((system_time_ns() - start < SMPRACE_NS ||
		race_acts < SMPRACE_ACTS) &&
	       system_time_ns() - start < SMPRACE_MAX_NS) {
		rc = mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4);
		pins += !rc;
		bad += rc && rc != -XEN_EINVAL;
		rc = mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4);
		bad += rc && rc != -XEN_EINVAL;
		rounds++;
	}
	race_stop = true;
	while (!race_stopped)
		;
	info("hog smprace rounds=%lu pins=%lu vcpu1_acts=%lu ok=%lu bad=%lu "
	     "(act %u rc %ld) vcpu0_bad=%lu",
	     rounds, pins, race_acts, race_ok, race_bad, race_bad_act,
	     race_bad_rc, bad);
	CHECK("race_vcpu1_results", !race_bad, "act %u rc %ld", race_bad_act,
	      race_bad_rc);
	CHECK_EQ("race_vcpu0_results", bad, 0);
	CHECK("race_vcpu1_acted", race_acts >= SMPRACE_ACTS, "%lu", race_acts);
	/* What either left: pins, the hook. Then no type on any frame. */
	mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4);
	mmuext_one(MMUEXT_UNPIN_TABLE, tree_mfn(1));
	mmu_update_one(virt_to_machine(&current_l4[hook_slot]), 0);
	nasty_check_untyped();
	rc = 0;
	for (unsigned long i = 0; i < n; i++) {
		hyp_update_va_mapping((unsigned long)tree_page(i), 0,
				      UVMF_INVLPG);
		rc += give_back(tree_mfn(i)) != 1;
	}
	return rc;
}

/*
 * op=abandon: a pin of the tree whose list the timer upcall rewrites
 * mid-way (a TLB flush instead), so that the continuation never goes on
 * with it: the tree stays partial (its L4 takes no writable mapping).
 * Then every tree frame is given back: nothing of the partial chain
 * (L4, L3, L2s stopped part way, the L1s they hold) may leak, so once a
 * hypercall has run the domain's reservation is down by all of them.
 */
static struct mmuext_op abandon_op;
static bool abandon_armed, abandon_done;

static void on_abandon_timer(evtchn_port_t port, void *data)
{
	uint64_t stub = (uint64_t)hypercall_page + 32 * __HYPERVISOR_mmuext_op;

	(void)port, (void)data;
	if (!abandon_armed || abandon_done)
		return;
	if (upcall_rip - stub >= 32) {
		hyp_set_timer_op(system_time_ns() + 1000000);
		return;
	}
	abandon_op.cmd = MMUEXT_TLB_FLUSH_LOCAL;
	abandon_done = true;
}

static void abandon_setup(void)
{
	nasty_setup();
	evtchn_set_handler(nasty_port, on_abandon_timer, NULL);
}

static long abandon_round(void)
{
	unsigned long n = region_bytes / PAGE_SIZE, bad = 0;
	long tot = tot_pages_now(), rc;

	abandon_op = (struct mmuext_op){ .cmd = MMUEXT_PIN_L4_TABLE,
					 .arg1.mfn = tree_l4 };
	abandon_done = false;
	abandon_armed = true;
	hyp_set_timer_op(system_time_ns() + 2000000);
	rc = hyp_mmuext_op(&abandon_op, 1, NULL, DOMID_SELF);
	abandon_armed = false;
	CHECK("hog_abandon_rewritten", abandon_done, "pin not interrupted");
	CHECK_EQ("hog_abandon_call", rc, 0);
	/* Not pinned (the pin never finished), yet typed: partial. */
	CHECK_EQ("hog_abandon_not_pinned",
		 mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4), -XEN_EINVAL);
	CHECK_EQ("hog_abandon_still_partial",
		 hyp_update_va_mapping((unsigned long)tree_page(0),
				       tree_entry(0, PTE_FLAGS), UVMF_INVLPG),
		 -XEN_EINVAL);
	for (unsigned long i = 0; i < n; i++) {
		hyp_update_va_mapping((unsigned long)tree_page(i), 0,
				      UVMF_INVLPG);
		bad += give_back(tree_mfn(i)) != 1;
	}
	CHECK_EQ("hog_abandon_given_back", bad, 0);
	info("hog abandon pages before=%ld after=%ld tree=%lu", tot,
	     tot_pages_now(), n);
	return tot - tot_pages_now() - (long)n;
}

/*
 * op=poisonl2: the first L2's last entry names a frame that cannot be an
 * L1 (the tree's L4): a pin validates that L2's other 511 L1s over many
 * rounds, then fails on it and releases them all.
 */
static void poisonl2_setup(void)
{
	hook_setup();
	CHECK_EQ("hog_poison_l2",
		 mmu_update_one(virt_to_machine(&tree_page(2)[PT_ENTRIES - 1]),
				tree_entry(0, PTE_FLAGS | _PAGE_USER)),
		 0);
}

static long poisonl2_round(void)
{
	unsigned long n = region_bytes / PAGE_SIZE, bad = 0;
	long rc = mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4), tot;

	/* Released once a call has run: every frame untyped, then freed. */
	tot = tot_pages_now();
	nasty_check_untyped();
	for (unsigned long i = 0; i < n; i++) {
		hyp_update_va_mapping((unsigned long)tree_page(i), 0,
				      UVMF_INVLPG);
		bad += give_back(tree_mfn(i)) != 1;
	}
	CHECK_EQ("hog_poison_given_back", bad, 0);
	CHECK_EQ("hog_poison_all_freed", tot - tot_pages_now(), (long)n);
	return rc;
}

/*
 * op=initsplit (vcpus=2): the tree split in two, the first half of its
 * L2s under the tree's L4 (with our own mappings), the second under a
 * second L4 and L3 of their own; vCPU 1's VCPUOP_initialise names the
 * first as kernel and the second as user L4. Each half's pin alone is
 * timed first. A timer upcall gives up on the initialise after
 * INITSPLIT_NS (the user L4 dropped from the context): the call's time
 * says whether each round validated the kernel L4 again.
 */
#define INITSPLIT_NS 60000000000ULL /* the two pins: 0.4-3 s */

static struct vcpu_guest_context *split_ctx;
static uint64_t split_deadline;
static bool split_gave_up;

static void on_split_timer(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
	if (!split_ctx)
		return;
	if (system_time_ns() < split_deadline) {
		hyp_set_timer_op(system_time_ns() + 10000000);
		return;
	}
	split_ctx->ctrlreg[1] = 0;
	split_gave_up = true;
}

static void initsplit_setup(void)
{
	unsigned long n = region_bytes / PAGE_SIZE;
	unsigned long nl2 = (n - 2 + PT_ENTRIES) / (PT_ENTRIES + 1);
	pte_t *l4b = spare[1], *l3b = spare[2];

	hook_setup();
	memset(l4b, 0, PAGE_SIZE);
	memset(l3b, 0, PAGE_SIZE);
	for (unsigned long k = nl2 / 2; k < nl2; k++) {
		l3b[k] = tree_page(1)[k];
		CHECK_EQ("hog_split_l3",
			 mmu_update_one(virt_to_machine(&tree_page(1)[k]), 0),
			 0);
	}
	l4b[hook_slot] = (virt_to_machine(l3b) & PTE_ADDR_MASK) | PTE_FLAGS |
			 _PAGE_USER;
	CHECK_EQ("hog_split_ro", page_set_writable(l3b, false), 0);
	CHECK_EQ("hog_split_ro", page_set_writable(l4b, false), 0);
	timer_upcall(on_split_timer);
	info("hog initsplit l2s=%lu+%lu", nl2 / 2, nl2 - nl2 / 2);
}

static long initsplit_round(void)
{
	uint64_t l4b = virt_to_mfn(spare[1]), t;
	long rc;

	t = system_time_ns();
	CHECK_EQ("hog_split_pin_a", mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4),
		 0);
	info("hog initsplit pin_kernel us=%lu",
	     (unsigned long)((system_time_ns() - t) / 1000));
	t = system_time_ns();
	CHECK_EQ("hog_split_pin_b", mmuext_one(MMUEXT_PIN_L4_TABLE, l4b), 0);
	info("hog initsplit pin_user us=%lu",
	     (unsigned long)((system_time_ns() - t) / 1000));
	CHECK_EQ("hog_split_unpin", mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4), 0);
	CHECK_EQ("hog_split_unpin", mmuext_one(MMUEXT_UNPIN_TABLE, l4b), 0);
	split_ctx =
		vcpu_context_kernel(race_vcpu1, race_stack, sizeof(race_stack));
	split_ctx->ctrlreg[3] = tree_l4 << PAGE_SHIFT;
	split_ctx->ctrlreg[1] = l4b << PAGE_SHIFT;
	split_deadline = system_time_ns() + INITSPLIT_NS;
	hyp_set_timer_op(system_time_ns() + 10000000);
	t = system_time_ns();
	rc = hyp_vcpu_op(VCPUOP_initialise, 1, split_ctx);
	split_ctx = NULL;
	info("hog initsplit initialise rc=%ld us=%lu gave_up=%d", rc,
	     (unsigned long)((system_time_ns() - t) / 1000), split_gave_up);
	CHECK("hog_split_initialise_finished", !split_gave_up,
	      "gave up after %llu s", INITSPLIT_NS / 1000000000ULL);
	return rc;
}

struct attack {
	const char *name;
	void (*setup)(void);
	long (*round)(void);
	long want; /* the call's result */
};

static const struct attack attacks[] = {
	{ "op=exchange", exchange_setup, exchange_round, 0 },
	{ "op=gntcopy", gntcopy_setup, gntcopy_round, -XEN_EFAULT },
	{ "op=console", console_setup, console_round, 0 },
	{ "op=pin", pin_setup, pin_round, 0 },
	{ "op=reservation", reservation_setup, reservation_round, 0 },
	{ "op=multicall", multicall_setup, multicall_round, -XEN_EFAULT },
	{ "op=mmu_update", mmu_setup, mmu_round, -XEN_EFAULT },
	{ "op=hookpin", hook_setup, hookpin_round, -XEN_EINVAL },
	{ "op=hookbase", hook_setup, hookbase_round, 0 },
	{ "op=hookmmu", hook_setup, hookmmu_round, 0 },
	{ "op=hookptwr", hook_setup, hookptwr_round, 0 },
	{ "op=hookmulti", hook_setup, hookmulti_round, 0 },
	{ "op=unhook", unhook_setup, unhook_round, 0 },
	{ "op=nasty", nasty_setup, nasty_round, 0 },
	{ "op=smprace", smprace_setup, smprace_round, 0 },
	{ "op=abandon", abandon_setup, abandon_round, 0 },
	{ "op=poisonl2", poisonl2_setup, poisonl2_round, -XEN_EINVAL },
	{ "op=initsplit", initsplit_setup, initsplit_round, 0 },
};

void test_main(void)
{
	uint64_t end =
		system_time_ns() + cmdline_number("secs=", 5) * 1000000000ULL;
	const struct attack *a = NULL;

	for (unsigned int i = 0; i < ARRAY_SIZE(attacks); i++)
		if (cmdline_has(attacks[i].name))
			a = &attacks[i];
	if (!a)
		test_fatal("hog: no op= given");
	take_region();
	a->setup();
	info("hog %s calling", a->name);
	for (unsigned long round = 1;; round++) {
		uint64_t t = system_time_ns();
		long rc = a->round();

		info("hog %s round=%lu rc=%ld us=%lu", a->name, round, rc,
		     (unsigned long)((system_time_ns() - t) / 1000));
		CHECK_EQ("hog_rc", rc, a->want);
		if (system_time_ns() >= end)
			break;
	}
}
