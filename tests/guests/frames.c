// SPDX-License-Identifier: MIT
/*
 * frames: hostile uses of the frames the hypervisor keeps pointers to
 * (docs/security.md). Harness guest, not in `make list`; the role comes
 * from the command line:
 *
 *   (none)       unprivileged boot domain: tries to make its shared_info
 *                frame an L1 table and a grant-table frame an L4, and
 *                checks GNTTABOP_swap_grant_ref's rules
 *   role=uaf     gives its console ring back (decrease_reservation) while
 *                the hypervisor still drains it; mailbox page at ref 8
 *                for the victim, never prints after the ring is gone
 *   role=victim  (domain 2 + 1) maps the mailbox, takes new frames once
 *                the ring is back in the allocator, fills them, and
 *                checks nothing of theirs was read or written for it
 *   role=hoard   (domain 1) gives back frames something still holds (its
 *                own mappings, a device mapping of its own grant) and
 *                asks for as many new ones: they must not exceed its quota
 *   role=stale   (domain 1) maps its own grant into an L1 it then unhooks,
 *                unpins and rewrites as data, gives the granted frame
 *                back, and tries to unmap and map the grant again
 *   role=devpin  (domain 1) device-maps one read-only grant of its own
 *                until the pin count stops it, unmaps every handle, and
 *                gives the frame back: every reference must be gone
 *   role=iomem   the control domain: the hypervisor's own MMIO (LAPIC
 *                and MSI range, the AP trampoline) is refused to an IOMEM
 *                capability holder, the I/O APIC and HPET are mapped
 *                read-only (as Xen); other I/O memory is writable
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
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <xen/sched.h>

#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY)
/* Unused by libpv: 512 MiB into the 1 GiB its initial mapping starts. */
#define HOOK_VA (LIBPV_VIRT_BASE + (512UL << 20))
#define WAIT_NS (20ULL * 1000000000ULL)
#define MAILBOX_REF 8
#define VICTIM_PAGES 16
/* Two words whose difference (16) looks like a console ring in use. */
#define SECRET "SECRcECR"

static bool role(const char *name)
{
	const char *p = strstr((const char *)start_info->cmd_line, "role=");

	return p && !strncmp(p + 5, name, strlen(name));
}

static unsigned long arg_hex(const char *key, unsigned long dflt)
{
	const char *p = strstr((const char *)start_info->cmd_line, key);
	unsigned long v = 0;

	if (!p)
		return dflt;
	for (p += strlen(key); *p; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
						 -1;
		if (d < 0)
			break;
		v = v * 16 + (unsigned long)d;
	}
	return v;
}

static long probe_read(unsigned long va, unsigned long *val)
{
	unsigned long before = last_trap.count;

	asm volatile("1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b)
		     : "+r"(*val)
		     : "r"(va)
		     : "memory");
	return last_trap.count == before ? 0 : -1;
}

static long unmap_va(void *va)
{
	return hyp_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG);
}

static long map_va(void *va, unsigned long mfn, bool writable)
{
	return hyp_update_va_mapping((unsigned long)va,
				     ((uint64_t)mfn << PAGE_SHIFT) | PTE_FLAGS |
					     (writable ? _PAGE_RW : 0),
				     UVMF_INVLPG);
}

static long decrease(unsigned long mfn)
{
	xen_pfn_t frame = mfn;
	struct xen_memory_reservation r = { .nr_extents = 1,
					    .domid = DOMID_SELF };

	r.extent_start.p = &frame;
	return hyp_memory_op(XENMEM_decrease_reservation, &r);
}

/* ---- shared_info as a page table ------------------------------------ */

/*
 * With shared_info an L1 hooked into the guest's L2, the word the
 * hypervisor sets for port 64 + n is bit n of a PTE: ports 64 and 66 make
 * "present, user, frame 0", a frame this domain does not own.
 */
static void shared_info_attack(unsigned long si_mfn)
{
	uint64_t l2e_ma;
	evtchn_port_t port = 0;
	unsigned long val = 0;

	if (!pt_lookup(HOOK_VA, 2, &l2e_ma) ||
	    mmu_update_one(l2e_ma, ((uint64_t)si_mfn << PAGE_SHIFT) |
					   PTE_FLAGS | _PAGE_RW | _PAGE_USER)) {
		info("shared_info pinned, not hooked");
		return;
	}
	while (port < 66 && !evtchn_bind_ipi(0, &port))
		if (port == 64 || port == 66) {
			struct evtchn_send s = { .port = port };

			hyp_event_channel_op(EVTCHNOP_send, &s);
		}
	if (!probe_read(HOOK_VA + 257 * PAGE_SIZE, &val))
		info("WON: machine frame 0 read through shared_info: %#lx",
		     val);
	mmu_update_one(l2e_ma, 0);
}

static void test_shared_info(void)
{
	unsigned long si_mfn = start_info->shared_info >> PAGE_SHIFT;
	static struct vcpu_info vi __attribute__((aligned(64)));
	uint8_t mask;
	long rc;

	/* Keep the hypervisor's time updates out of the page. */
	CHECK_EQ("vcpu_info_moved", vcpu_info_register(&vi), 0);
	mask = events_disable();
	memset(shared_info, 0, PAGE_SIZE);
	CHECK_EQ("shared_info_unmapped", unmap_va(shared_info), 0);
	rc = mmuext_one(MMUEXT_PIN_L1_TABLE, si_mfn);
	CHECK_EQ("shared_info_pin_l1_refused", rc, -XEN_EINVAL);
	if (!rc) {
		shared_info_attack(si_mfn);
		mmuext_one(MMUEXT_UNPIN_TABLE, si_mfn);
	}
	rc = mmuext_one(MMUEXT_PIN_L2_TABLE, si_mfn);
	CHECK_EQ("shared_info_pin_l2_refused", rc, -XEN_EINVAL);
	if (!rc)
		mmuext_one(MMUEXT_UNPIN_TABLE, si_mfn);
	CHECK_EQ("shared_info_remapped", map_va(shared_info, si_mfn, true), 0);
	events_restore(mask);
	/* Still a shared_info: it cannot be given back either. */
	CHECK_EQ("shared_info_not_released", decrease(si_mfn), 0);
}

/* The console ring: the hypervisor writes out_cons, in[] and in_prod. */
static void test_console_ring(void)
{
	unsigned long mfn = start_info->console.domU.mfn;
	struct xencons_interface *r = mfn_to_virt(mfn);
	void *ring = r;
	uint64_t deadline = system_time_ns() + WAIT_NS;
	long unmapped, rc = -1;

	/* Once the hypervisor has read it all, an empty ring is all zeros,
	 * a valid L1 table. Nothing may be printed until it is remapped. */
	console_flush();
	while (r->out_cons != r->out_prod && system_time_ns() < deadline)
		hyp_sched_op(SCHEDOP_yield, NULL);
	memset(ring, 0, PAGE_SIZE);
	unmapped = unmap_va(ring);
	if (!unmapped) {
		rc = mmuext_one(MMUEXT_PIN_L1_TABLE, mfn);
		if (!rc)
			mmuext_one(MMUEXT_UNPIN_TABLE, mfn);
		map_va(ring, mfn, true);
	}
	CHECK_EQ("console_ring_unmapped", unmapped, 0);
	CHECK_EQ("console_ring_pin_l1_refused", rc, -XEN_EINVAL);
}

/* ---- grant-table frames as page tables -------------------------------- */

static int16_t swap(grant_ref_t a, grant_ref_t b)
{
	struct gnttab_swap_grant_ref s = { .ref_a = a, .ref_b = b };

	if (hyp_grant_table_op(GNTTABOP_swap_grant_ref, &s, 1))
		return -1000;
	return s.status;
}

static void grant_frame_attack(unsigned long mfn, void *va)
{
	const uint64_t *l4 = va;
	int16_t st = swap(0, 260);
	long rc = map_va(va, mfn, false);

	/* 8-byte grant entries are L4 slots: ref 260 is a hypervisor slot. */
	if (st == GNTST_okay && !rc && l4[260] == 0x1234000)
		info("WON: a guest value swapped into hypervisor L4 slot 260");
	/* Left pinned: unpinning would drop references on what moved. */
}

/* A ref mapped (here by ourselves) is in use: swap leaves it alone. */
static void test_swap_in_use(void)
{
	domid_t self = (domid_t)arg_hex("self=", 1);
	void *page = page_alloc(), *va = page_alloc();
	struct gnttab_map_grant_ref m;
	struct gnttab_unmap_grant_ref u;

	gnttab_grant(4, self, virt_to_mfn(page), false);
	gnttab_map(&m, self, 4, va, GNTMAP_host_map);
	CHECK_EQ("self_map", m.status, GNTST_okay);
	CHECK_EQ("swap_in_use", swap(4, 5), GNTST_eagain);
	CHECK_EQ("swap_in_use_kept", gnttab[4].frame, virt_to_mfn(page));
	gnttab_unmap(&u, va, m.handle);
	CHECK_EQ("self_unmap", u.status, GNTST_okay);
	CHECK("self_end", gnttab_end(4));
}

static void test_grant_frames(void)
{
	struct gnttab_get_status_frames gs = { .dom = DOMID_SELF,
					       .nr_frames = 1 };
	uint64_t status_frame = 0;
	uint64_t *entries;
	unsigned long mfn;
	long rc;

	CHECK_EQ("gnttab_init", gnttab_init(), 0);
	entries = (uint64_t *)gnttab;
	/* The table's own frame, not the page gnttab_init mapped it over. */
	mfn = (pt_get_pte((unsigned long)gnttab) & PTE_ADDR_MASK) >> PAGE_SHIFT;
	/* Swap follows Xen: bounds, the same ref, entries not in use. */
	entries[2] = 0x2222;
	entries[3] = 0x3333;
	CHECK_EQ("swap_okay", swap(2, 3), GNTST_okay);
	CHECK("swap_swapped", entries[2] == 0x3333 && entries[3] == 0x2222);
	CHECK_EQ("swap_same_ref", swap(2, 2), GNTST_okay);
	CHECK_EQ("swap_bad_ref", swap(2, 512), GNTST_bad_gntref);
	test_swap_in_use();
	gs.frame_list.p = &status_frame;
	CHECK_EQ("status_frames_v1",
		 hyp_grant_table_op(GNTTABOP_get_status_frames, &gs, 1), 0);
	CHECK_EQ("status_frames_v1_status", gs.status, GNTST_general_error);

	memset(gnttab, 0, PAGE_SIZE);
	entries[0] = 0x1234000; /* not present: validates as an L4 entry */
	CHECK_EQ("grant_frame_unmapped", unmap_va(gnttab), 0);
	rc = mmuext_one(MMUEXT_PIN_L4_TABLE, mfn);
	CHECK_EQ("grant_frame_pin_l4_refused", rc, -XEN_EINVAL);
	if (!rc) {
		grant_frame_attack(mfn, gnttab);
		return;
	}
	rc = mmuext_one(MMUEXT_PIN_L1_TABLE, mfn);
	CHECK_EQ("grant_frame_pin_l1_refused", rc, -XEN_EINVAL);
	if (!rc)
		mmuext_one(MMUEXT_UNPIN_TABLE, mfn);
	CHECK_EQ("grant_frame_not_released", decrease(mfn), 0);
	CHECK_EQ("grant_frame_remapped", map_va(gnttab, mfn, true), 0);
	CHECK("grant_frame_intact", entries[0] == 0x1234000);
}

/* ---- the console ring given back -------------------------------------- */

enum { V_READY, U_RELEASED, U_RC, U_MFN, V_FILLED, U_DRAINED, V_DONE, U_HELD };

/* Each yield is a schedule (and every schedule drains the rings). The
 * attacker counts yields: its vcpu_info, and so its clock, is gone. */
static void pause_yields(unsigned long n)
{
	while (n--)
		hyp_sched_op(SCHEDOP_yield, NULL);
}

static bool wait_word(volatile uint32_t *w, uint32_t want)
{
	for (unsigned long n = 0; *w != want && n < 4000000; n++)
		hyp_sched_op(SCHEDOP_yield, NULL);
	return *w == want;
}

static void shutdown(void)
{
	struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };

	hyp_sched_op(SCHEDOP_shutdown, &s);
}

/*
 * The other frames the hypervisor writes for us: vcpu_info (time, on
 * every schedule), a FIFO control block and event array page (on every
 * event). Registered, then unmapped and given back like the ring.
 * Returns how many were given back; *held how many were registered.
 */
static uint32_t give_back_kept_frames(evtchn_port_t *port, uint32_t *held)
{
	void *kept[3] = { page_alloc(), page_alloc(), page_alloc() };
	uint32_t released = 0;

	*held = !vcpu_info_register(kept[0]) +
		!evtchn_fifo_init(kept[1], 0, NULL) +
		!evtchn_fifo_expand(kept[2]) + !evtchn_bind_ipi(0, port);
	for (unsigned int i = 0; i < 3; i++) {
		unsigned long mfn = virt_to_mfn(kept[i]);

		unmap_va(kept[i]);
		released += decrease(mfn);
	}
	return released;
}

/* Never returns: after the ring is gone, nothing may be printed. */
static void uaf_attacker(void)
{
	volatile uint32_t *box = page_alloc();
	unsigned long ring_mfn = start_info->console.domU.mfn;
	domid_t victim = (domid_t)arg_hex("victim=", 2);
	evtchn_port_t port = 0;
	uint32_t held;

	if (gnttab_init())
		shutdown();
	gnttab_grant(MAILBOX_REF + 1, victim, virt_to_mfn((void *)box), false);
	gnttab_grant(MAILBOX_REF, victim, virt_to_mfn((void *)box), false);
	info("console ring at mfn %#lx, mailbox for d%u", ring_mfn, victim);
	console_flush();
	events_disable(); /* no upcall may print (or read the ring) now */
	if (!wait_word(&box[V_READY], 1))
		shutdown();
	unmap_va(mfn_to_virt(ring_mfn));
	box[U_RC] = (uint32_t)decrease(ring_mfn) +
		    give_back_kept_frames(&port, &held);
	box[U_HELD] = held;
	box[U_MFN] = (uint32_t)ring_mfn;
	box[U_RELEASED] = 1;
	if (wait_word(&box[V_FILLED], 1)) {
		struct evtchn_send send = { .port = port };

		/* Events write the FIFO word, control block and vcpu_info. */
		for (int i = 0; i < 3; i++)
			hyp_event_channel_op(EVTCHNOP_send, &send);
		pause_yields(2000);
	}
	box[U_DRAINED] = 1;
	wait_word(&box[V_DONE], 1);
	pause_yields(20000); /* the control domain sees the victim end first */
	shutdown();
}

static bool page_is_secret(const char *p)
{
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		if (p[i] != SECRET[i % 8])
			return false;
	return true;
}

/*
 * Refs 8 and 9 grant the same frame: an unmap of 9's handle names the
 * address 8 is mapped at. Only the entry the map wrote may go (Xen takes
 * any entry that maps the frame; docs/abi-deviations.md).
 */
static void test_unmap_recorded(domid_t granter)
{
	struct gnttab_map_grant_ref a, b;
	struct gnttab_unmap_grant_ref u;
	void *va_a = page_alloc(), *va_b = page_alloc();

	CHECK("map_second_ref", !gnttab_map(&a, granter, MAILBOX_REF + 1, va_a,
					    GNTMAP_host_map) &&
					a.status == GNTST_okay);
	CHECK("map_first_ref_again",
	      !gnttab_map(&b, granter, MAILBOX_REF, va_b, GNTMAP_host_map) &&
		      b.status == GNTST_okay);
	gnttab_unmap(&u, va_b, a.handle);
	CHECK_EQ("unmap_at_other_mapping_refused", u.status,
		 GNTST_general_error);
	gnttab_unmap(&u, va_a, a.handle);
	CHECK_EQ("unmap_second_ref", u.status, GNTST_okay);
	gnttab_unmap(&u, va_b, b.handle);
	CHECK_EQ("unmap_first_ref_again", u.status, GNTST_okay);
}

static void uaf_victim(void)
{
	domid_t attacker = (domid_t)arg_hex("attacker=", 1);
	struct gnttab_map_grant_ref m;
	volatile uint32_t *box = page_alloc();
	char *pages[VICTIM_PAGES];
	xen_pfn_t mfns[VICTIM_PAGES];
	struct xen_memory_reservation r = { .nr_extents = VICTIM_PAGES,
					    .domid = DOMID_SELF };
	uint64_t deadline = system_time_ns() + WAIT_NS;
	unsigned int intact = 0, got_ring = 0;
	long rc;

	do {
		rc = gnttab_map(&m, attacker, MAILBOX_REF, (void *)box,
				GNTMAP_host_map);
		if (!rc && m.status == GNTST_okay)
			break;
		hyp_sched_op(SCHEDOP_yield, NULL);
	} while (system_time_ns() < deadline);
	CHECK("mailbox_mapped", !rc && m.status == GNTST_okay, "rc %ld st %d",
	      rc, m.status);
	if (rc || m.status)
		return;
	test_unmap_recorded(attacker);
	/* Room for new frames: give back the frames behind our own pages
	 * (unmapped first: a mapped frame still counts, test_quota). */
	for (unsigned int i = 0; i < VICTIM_PAGES; i++) {
		pages[i] = page_alloc();
		mfns[i] = virt_to_mfn(pages[i]);
		unmap_va(pages[i]);
	}
	r.extent_start.p = mfns;
	box[V_READY] = 1;
	CHECK("attacker_released", wait_word(&box[U_RELEASED], 1));
	CHECK_EQ("attacker_kept_frames", box[U_HELD], 4);
	CHECK_EQ("attacker_gave_back", box[U_RC], 4);
	CHECK_EQ("room_made", hyp_memory_op(XENMEM_decrease_reservation, &r),
		 VICTIM_PAGES);
	CHECK_EQ("new_frames", hyp_memory_op(XENMEM_increase_reservation, &r),
		 VICTIM_PAGES);
	for (unsigned int i = 0; i < VICTIM_PAGES; i++) {
		map_va(pages[i], mfns[i], true);
		for (unsigned int j = 0; j < PAGE_SIZE; j++)
			pages[i][j] = SECRET[j % 8];
		if (mfns[i] == box[U_MFN])
			got_ring = 1;
	}
	info("the attacker's ring frame %#x is %samong our new frames",
	     box[U_MFN], got_ring ? "" : "not ");
	box[V_FILLED] = 1;
	CHECK("attacker_drained", wait_word(&box[U_DRAINED], 1));
	for (unsigned int i = 0; i < VICTIM_PAGES; i++)
		intact += page_is_secret(pages[i]);
	CHECK_EQ("victim_pages_intact", intact, VICTIM_PAGES);
	box[V_DONE] = 1;
}

/* ---- memory quota ------------------------------------------------------ */

#define HOARD_PAGES 64 /* of the 128 libpv's page_alloc has */
#define HOARD_REF 8
#define HOARD_SELF 1 /* this boot domain's id (test_frames.py) */

static long populate(xen_pfn_t *mfns, unsigned long n)
{
	struct xen_memory_reservation r = { .nr_extents = n,
					    .domid = DOMID_SELF };

	r.extent_start.p = mfns;
	return hyp_memory_op(XENMEM_populate_physmap, &r);
}

static long device_unmap(grant_handle_t h, uint64_t bus)
{
	struct gnttab_unmap_grant_ref u = { .dev_bus_addr = bus, .handle = h };
	long rc = hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

	return rc ? rc : u.status;
}

/*
 * A frame given back while something still holds it stays the domain's
 * memory until the last reference goes (as Xen): it must count against
 * the quota until then, or a domain at its quota hoards without bound by
 * giving back mapped frames and taking new ones.
 */
static void test_quota(void)
{
	static xen_pfn_t mfns[HOARD_PAGES];
	static void *pages[HOARD_PAGES];
	struct gnttab_map_grant_ref m;
	uint64_t bus;
	long given = 0, got;

	for (unsigned int i = 0; i < HOARD_PAGES; i++) {
		pages[i] = page_alloc();
		given += decrease(virt_to_mfn(pages[i])); /* still mapped */
	}
	CHECK_EQ("hoard_gave_back_mapped", given, HOARD_PAGES);
	got = populate(mfns, HOARD_PAGES);
	CHECK_EQ("hoard_within_quota", got, 0);
	if (got > 0)
		info("WON: %ld frames beyond the quota", got);
	for (unsigned int i = 0; i < HOARD_PAGES; i++)
		unmap_va(pages[i]);
	/* Unmapped, the frames are free and their room is back. */
	got = populate(mfns, HOARD_PAGES);
	CHECK_EQ("hoard_room_back", got, HOARD_PAGES);

	/* A device mapping of its own grant holds the frame too. */
	CHECK_EQ("hoard_gnttab_init", gnttab_init(), 0);
	pages[0] = page_alloc();
	bus = (uint64_t)virt_to_mfn(pages[0]) << PAGE_SHIFT;
	gnttab_grant(HOARD_REF, HOARD_SELF, virt_to_mfn(pages[0]), false);
	gnttab_map(&m, HOARD_SELF, HOARD_REF, NULL, GNTMAP_device_map);
	CHECK_EQ("hoard_device_map", m.status, GNTST_okay);
	unmap_va(pages[0]);
	CHECK_EQ("hoard_device_gave_back", decrease(bus >> PAGE_SHIFT), 1);
	got = populate(mfns, 1);
	CHECK_EQ("hoard_device_within_quota", got, 0);
	if (got > 0)
		info("WON: a device-mapped frame given back left room");
	CHECK_EQ("hoard_device_unmap", device_unmap(m.handle, bus), GNTST_okay);
	CHECK_EQ("hoard_device_room_back", populate(mfns, 1), 1);
}

/* ---- device pins ------------------------------------------------------- */

#define DEVPIN_REF 10
#define DEVPIN_MAX 128 /* pins of one kind a grant takes (as Xen) */

static void test_device_pins(void)
{
	static grant_handle_t h[DEVPIN_MAX + 1];
	void *p = page_alloc();
	unsigned long mfn = virt_to_mfn(p);
	uint64_t bus = (uint64_t)mfn << PAGE_SHIFT;
	struct gnttab_map_grant_ref m;
	unsigned int pins = 0, gone = 0;
	xen_pfn_t fresh;

	CHECK_EQ("devpin_gnttab_init", gnttab_init(), 0);
	gnttab_grant(DEVPIN_REF, HOARD_SELF, mfn, true);
	gnttab_map(&m, HOARD_SELF, DEVPIN_REF, NULL, GNTMAP_device_map);
	CHECK_EQ("devpin_writable_refused", m.status, GNTST_general_error);
	while (pins <= DEVPIN_MAX) {
		gnttab_map(&m, HOARD_SELF, DEVPIN_REF, NULL,
			   GNTMAP_device_map | GNTMAP_readonly);
		if (m.status != GNTST_okay)
			break;
		h[pins++] = m.handle;
	}
	CHECK_EQ("devpin_pins_stop", pins, DEVPIN_MAX);
	CHECK_EQ("devpin_overflow_refused", m.status, GNTST_general_error);
	CHECK("devpin_end_refused", !gnttab_end(DEVPIN_REF));
	for (unsigned int i = 0; i < pins; i++)
		gone += device_unmap(h[i], bus) == GNTST_okay;
	CHECK_EQ("devpin_unmapped", gone, pins);
	CHECK_EQ("devpin_unmap_again", device_unmap(h[0], bus),
		 GNTST_bad_handle);
	CHECK("devpin_end", gnttab_end(DEVPIN_REF));
	/* No reference left behind: given back, the frame is freed and its
	 * room is back at once. */
	unmap_va(p);
	CHECK_EQ("devpin_given_back", decrease(mfn), 1);
	CHECK_EQ("devpin_room_back", populate(&fresh, 1), 1);
}

/* ---- a grant mapping whose L1 is gone ---------------------------------- */

#define STALE_REF 9

/*
 * The classic: the L1 holding a grant mapping stops being an L1 before the
 * unmap. The unmap must not write into it (it is data now), and once the
 * granted frame is given back the still-pinned grant must not map, device
 * map or copy the freed frame.
 */
static void test_stale_l1(void)
{
	uint64_t *l1 = page_alloc(), l2e_ma, pte_ma, keep;
	unsigned long l1_mfn = virt_to_mfn(l1), p_mfn;
	void *p = page_alloc(), *va = page_alloc();
	struct gnttab_map_grant_ref m, m2;
	struct gnttab_unmap_grant_ref u;
	struct gnttab_copy c = { 0 };

	p_mfn = virt_to_mfn(p);
	CHECK_EQ("stale_gnttab_init", gnttab_init(), 0);
	memset(l1, 0, PAGE_SIZE);
	unmap_va(l1);
	CHECK_EQ("stale_pin_l1", mmuext_one(MMUEXT_PIN_L1_TABLE, l1_mfn), 0);
	CHECK("stale_l2e", pt_lookup(HOOK_VA, 2, &l2e_ma));
	CHECK_EQ("stale_hook",
		 mmu_update_one(l2e_ma, ((uint64_t)l1_mfn << PAGE_SHIFT) |
						PTE_FLAGS | _PAGE_RW |
						_PAGE_USER),
		 0);
	gnttab_grant(STALE_REF, HOARD_SELF, p_mfn, false);
	/* By the entry's machine address, so an unmap can name the frame. */
	pte_ma = ((uint64_t)l1_mfn << PAGE_SHIFT) + 8;
	gnttab_map(&m, HOARD_SELF, STALE_REF, (void *)pte_ma,
		   GNTMAP_host_map | GNTMAP_contains_pte);
	CHECK_EQ("stale_map", m.status, GNTST_okay);

	/* The L1 goes: unhooked, unpinned, then written as a plain page. */
	CHECK_EQ("stale_unhook", mmu_update_one(l2e_ma, 0), 0);
	CHECK_EQ("stale_unpin", mmuext_one(MMUEXT_UNPIN_TABLE, l1_mfn), 0);
	CHECK_EQ("stale_l1_as_data", map_va(l1, l1_mfn, true), 0);
	CHECK("stale_entry_left",
	      (l1[1] & PTE_ADDR_MASK) >> PAGE_SHIFT == p_mfn, "%#lx",
	      (unsigned long)l1[1]);
	/* Data now, however much it looks like the mapping it was. */
	keep = l1[1];
	gnttab_unmap(&u, (void *)pte_ma, m.handle);
	CHECK_EQ("stale_unmap_refused", u.status, GNTST_general_error);
	CHECK("stale_data_untouched", l1[1] == keep, "%#lx",
	      (unsigned long)l1[1]);
	/* Pinned again as an L1 (empty: the frame is not ours to map). */
	l1[1] = 0;
	unmap_va(l1);
	CHECK_EQ("stale_repin", mmuext_one(MMUEXT_PIN_L1_TABLE, l1_mfn), 0);
	gnttab_unmap(&u, (void *)pte_ma, m.handle);
	CHECK_EQ("stale_unmap_repinned_refused", u.status, GNTST_general_error);
	mmuext_one(MMUEXT_UNPIN_TABLE, l1_mfn);

	/* The grant stays pinned; its frame goes back to the allocator. */
	unmap_va(p);
	CHECK_EQ("stale_frame_given_back", decrease(p_mfn), 1);
	gnttab_map(&m2, HOARD_SELF, STALE_REF, va, GNTMAP_host_map);
	CHECK_EQ("stale_remap_refused", m2.status, GNTST_general_error);
	if (m2.status == GNTST_okay)
		info("WON: a freed frame mapped through a pinned grant");
	gnttab_map(&m2, HOARD_SELF, STALE_REF, NULL, GNTMAP_device_map);
	CHECK_EQ("stale_device_map_refused", m2.status, GNTST_general_error);
	c.source.u.ref = STALE_REF;
	c.source.domid = HOARD_SELF;
	c.dest.u.gmfn = virt_to_mfn(va);
	c.dest.domid = DOMID_SELF;
	c.len = 8;
	c.flags = GNTCOPY_source_gref;
	hyp_grant_table_op(GNTTABOP_copy, &c, 1);
	CHECK_EQ("stale_copy_refused", c.status, GNTST_bad_domain);
}

/* ---- the hypervisor's MMIO -------------------------------------------- */

static void flush_tlb_va(void *va)
{
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL,
				.arg1.linear_addr = (unsigned long)va };

	hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Write va; true if it faulted. */
static bool write_faults(volatile unsigned long *va)
{
	unsigned long before = last_trap.count;

	asm volatile("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b)
		     :
		     : "r"(va), "r"(0UL)
		     : "memory");
	return last_trap.count != before;
}

/*
 * Every way an entry is written must leave a read-only device read-only:
 * mmu_update (normal and preserving A/D), update_va_mapping, and a
 * writable-pagetable write to the L1 itself. The probe writes zero at
 * offset 0x20, where that changes nothing (no I/O APIC register; the
 * HPET's write-one-to-clear interrupt status).
 */
#define RW_WAYS 4
static void try_writable(const char *dev, unsigned int way, unsigned long mfn,
			 volatile unsigned long *window, uint64_t pte_ma,
			 pte_t old)
{
	static const char *const ways[RW_WAYS] = { "mmu_update", "preserve_ad",
						   "update_va", "ptwr" };
	uint64_t e = ((uint64_t)mfn << PAGE_SHIFT) | PTE_FLAGS | _PAGE_RW |
		     _PAGE_PCD | _PAGE_PWT;
	volatile pte_t *pte = pt_lookup((unsigned long)window, 1, NULL);
	bool faulted;
	long rc = 0;
	pte_t now;
	char n[64];

	if (way == 0)
		rc = mmu_update_one(pte_ma, e);
	else if (way == 1)
		rc = mmu_update_one(pte_ma | MMU_PT_UPDATE_PRESERVE_AD, e);
	else if (way == 2)
		rc = hyp_update_va_mapping((unsigned long)window, e,
					   UVMF_INVLPG);
	else
		*pte = e; /* writable pagetables: emulated */
	flush_tlb_va((void *)window);
	now = pt_get_pte((unsigned long)window);
	snprintf(n, sizeof(n), "%s_%s_readonly", dev, ways[way]);
	CHECK(n, !rc && (now & _PAGE_PRESENT) && !(now & _PAGE_RW),
	      "rc %ld pte %#lx", rc, (unsigned long)now);
	faulted = write_faults(window + 4);
	snprintf(n, sizeof(n), "%s_%s_write_faults", dev, ways[way]);
	CHECK(n, faulted);
	if (!faulted)
		info("WON: %s written through %s", dev, ways[way]);
	mmu_update_one(pte_ma, old);
	flush_tlb_va((void *)window);
}

static void test_iomem(void)
{
	static const struct {
		const char *name, *key;
		unsigned long dflt;
	} own[] = {
		{ "lapic", "lapic=", 0xfee00 },
		{ "msi_range", "msi=", 0xfeeff },
		{ "trampoline", "trampoline=", 0x6 },
	};
	static const struct {
		const char *name, *key;
		unsigned long dflt;
	} readonly[] = {
		{ "ioapic", "ioapic=", 0xfec00 },
		{ "hpet", "hpet=", 0xfed00 },
	};
	volatile unsigned long *window = page_alloc();
	uint64_t pte_ma;
	pte_t old;
	char n[48];

	pt_lookup((unsigned long)window, 1, &pte_ma);
	old = pt_get_pte((unsigned long)window);
	CHECK_EQ("vm_assist_writable_pagetables",
		 hyp_vm_assist(VMASST_CMD_enable,
			       VMASST_TYPE_writable_pagetables),
		 0);
	for (unsigned int i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		unsigned long mfn = arg_hex(own[i].key, own[i].dflt);
		uint64_t e = ((uint64_t)mfn << PAGE_SHIFT) | PTE_FLAGS |
			     _PAGE_PCD | _PAGE_PWT;

		long rc = mmu_update_one(pte_ma, e | _PAGE_RW);

		snprintf(n, sizeof(n), "map_%s_refused", own[i].name);
		CHECK_EQ(n, rc, -XEN_EPERM);
		if (!rc) {
			flush_tlb_va((void *)window);
			info("WON: %s mapped, first word %#lx", own[i].name,
			     window[0]);
		}
		snprintf(n, sizeof(n), "map_%s_readonly_refused", own[i].name);
		CHECK_EQ(n, mmu_update_one(pte_ma, e), -XEN_EPERM);
	}
	/* As Xen's mmio_ro ranges: mapped, but never writable. */
	for (unsigned int i = 0; i < sizeof(readonly) / sizeof(readonly[0]);
	     i++)
		for (unsigned int way = 0; way < RW_WAYS; way++)
			try_writable(readonly[i].name, way,
				     arg_hex(readonly[i].key, readonly[i].dflt),
				     window, pte_ma, old);
	for (unsigned int i = 0; i < sizeof(readonly) / sizeof(readonly[0]);
	     i++) {
		unsigned long mfn = arg_hex(readonly[i].key, readonly[i].dflt);
		long rc = mmu_update_one(pte_ma, ((uint64_t)mfn << PAGE_SHIFT) |
							 PTE_FLAGS | _PAGE_RW |
							 _PAGE_PCD | _PAGE_PWT);
		pte_t e = pt_get_pte((unsigned long)window);

		snprintf(n, sizeof(n), "map_%s_rc", readonly[i].name);
		CHECK_EQ(n, rc, 0);
		snprintf(n, sizeof(n), "map_%s_forced_readonly",
			 readonly[i].name);
		CHECK(n, !rc && (e & _PAGE_PRESENT) && !(e & _PAGE_RW),
		      "pte %#lx", (unsigned long)e);
	}
	/* The VGA window is I/O memory the control domain may map. */
	CHECK_EQ("map_vga_window",
		 mmu_update_one(pte_ma, (0xa0UL << PAGE_SHIFT) | PTE_FLAGS |
						_PAGE_RW | _PAGE_PCD),
		 0);
	CHECK_EQ("window_restored", mmu_update_one(pte_ma, old), 0);
}

void test_main(void)
{
	if (role("uaf")) {
		uaf_attacker();
	} else if (role("victim")) {
		uaf_victim();
	} else if (role("devpin")) {
		test_device_pins();
	} else if (role("stale")) {
		test_stale_l1();
	} else if (role("hoard")) {
		test_quota();
	} else if (role("iomem")) {
		test_iomem();
	} else {
		test_shared_info();
		test_console_ring();
		test_grant_frames();
	}
	CHECK("still_running", 1);
}
