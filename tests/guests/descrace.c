// SPDX-License-Identifier: MIT
/*
 * descrace: a hostile two-vCPU guest races descriptor-page validation
 * against the TLB flush. vCPU 1 keeps a stale writable TLB entry for a
 * frame that vCPU 0 has just made read-only (local flush only) and hands
 * to set_gdt (or MMUEXT_SET_LDT with "mode=ldt"); after a delay it writes
 * a DPL-3 call gate to the hypervisor's code segment into the frame. Too
 * early, validation refuses the frame; too late, the write must fault
 * (the hypervisor flushed vCPU 1's TLB when the frame changed type). In
 * between, on a hypervisor that validates before the flush, the gate
 * lands in a frame already accepted, and `lar` finds it in the CPU's
 * descriptor table. The delay adapts to straddle that window.
 * Harness guest: boot_domains=1:32M:vcpus=2 on two CPUs.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <libpv/traps.h>
#include <xen/vcpu.h>

#define MS 1000000ULL
#define ATTEMPTS 3000
#define RACE_TIME (40000 * MS)
#define GATE_INDEX 1
/* Present, DPL 3, type 0xc (64-bit call gate), selector 0xe008. */
#define CALL_GATE ((0xe008UL << 16) | (0xecUL << 40))
#define DESC_ENTRIES 512

enum stage { IDLE, ARM, ARMED, GO, DONE_EARLY, DONE_FAULT };

static volatile enum stage stage;
static volatile unsigned long delay, vcpu1_up;
static volatile uint64_t *frame;
static bool ldt;

static uint8_t vcpu1_stack[16384] __attribute__((aligned(16)));

/* One store of the gate; 1 if it faulted. */
static unsigned long write_gate(volatile uint64_t *at)
{
	unsigned long faulted = 0;

	asm volatile("1: movq %2, (%1)\n\t"
		     "jmp 3f\n"
		     "2: movq $1, %0\n"
		     "3:\n\t" EXTABLE(1b, 2b)
		     : "+r"(faulted)
		     : "r"(at), "r"(CALL_GATE)
		     : "memory");
	return faulted;
}

static void __attribute__((noreturn)) vcpu1_main(void)
{
	vcpu1_up = 1;
	for (;;) {
		if (stage != ARM)
			continue;
		/* A writable TLB entry for the frame, from a harmless store. */
		frame[DESC_ENTRIES - 1] = 0;
		stage = ARMED;
		while (stage == ARMED)
			;
		for (volatile unsigned long i = 0; i < delay; i++)
			;
		stage = write_gate(&frame[GATE_INDEX]) ? DONE_FAULT :
							 DONE_EARLY;
	}
}

static void start_vcpu1(void)
{
	vcpu1_start(vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	while (!vcpu1_up)
		;
}

static long install(bool on)
{
	unsigned long mfn = virt_to_mfn((void *)frame);
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT,
				.arg1.linear_addr = (unsigned long)frame,
				.arg2.nr_ents = on ? DESC_ENTRIES : 0 };

	if (ldt)
		return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
	return hyp_set_gdt(on ? &mfn : NULL, on ? DESC_ENTRIES : 0);
}

/* Does the CPU's table hold a system descriptor at the gate's slot? */
static bool gate_visible(void)
{
	unsigned long sel = (GATE_INDEX << 3) | (ldt ? 4 : 0) | 3, ar = 0;
	uint8_t ok;

	asm volatile("lar %2, %0; setz %1" : "+r"(ar), "=q"(ok) : "r"(sel));
	return ok && !(ar & (1UL << 12));
}

void test_main(void)
{
	unsigned long wins = 0, seen = 0, early = 0, late = 0, attempts = 0;
	uint64_t end = system_time_ns() + RACE_TIME;

	ldt = cmdline_has("mode=ldt");
	frame = page_alloc();
	start_vcpu1();
	delay = 0;
	while (attempts < ATTEMPTS && system_time_ns() < end) {
		long rc;

		memset((void *)frame, 0, PAGE_SIZE);
		stage = ARM;
		while (stage != ARMED)
			;
		page_set_writable((void *)frame, false); /* this CPU only */
		stage = GO;
		rc = install(true);
		while (stage == GO)
			;
		attempts++;
		if (!rc && (frame[GATE_INDEX] == CALL_GATE || gate_visible())) {
			wins++;
			seen += gate_visible();
		} else if (rc) {
			early++;
			delay += 1 + delay / 8; /* the gate came too soon */
		} else {
			late++;
			delay -= delay / 8 + (delay > 0);
		}
		install(false);
		page_set_writable((void *)frame, true);
	}
	info("%s race: %lu attempts, %lu won (%lu seen by lar), %lu refused, "
	     "%lu faulted, delay %lu",
	     ldt ? "ldt" : "gdt", attempts, wins, seen, early, late, delay);
	CHECK("race_ran", early && late, "refused %lu faulted %lu", early,
	      late);
	CHECK("no_call_gate_installed", wins == 0, "%lu of %lu attempts", wins,
	      attempts);
}
