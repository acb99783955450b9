// SPDX-License-Identifier: MIT
/*
 * failsafe: a data selector that no longer loads when the hypervisor
 * switches the vCPU back in. The guest (booted with dom0_max_vcpus=2) puts
 * a second vCPU in a yield loop, loads %ds and %es with a selector of its
 * LDT, then takes the LDT away and yields: when vCPU 0 comes back the
 * failsafe callback runs with the old selectors on its frame (ds, es, fs,
 * gs after rcx and r11) and %ds and %es are null.
 *
 * With "nocallback" (a Lamina harness run) no failsafe callback is
 * registered: the domain must be crashed at that switch, so the guest's
 * "survived" line never comes.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <xen/sched.h>

#include "selectors.h"
#include <xen/vcpu.h>

#define FLAT_DATA 0x00cff2000000ffffUL
#define LDT_SEL1 ((1 << 3) | 4 | 3)
#define MAX_YIELDS 2000
#define STACK_SIZE 8192

static uint8_t vcpu1_stack[STACK_SIZE] __attribute__((aligned(16)));
static struct vcpu_guest_context vcpu1_ctx;
static volatile unsigned long vcpu1_rounds;

/* vCPU 1: give the CPU back forever, so vCPU 0 is switched out and in. */
static void __attribute__((noreturn)) vcpu1_main(void)
{
	for (;;) {
		vcpu1_rounds++;
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static long start_vcpu1(void)
{
	struct vcpu_guest_context *c = &vcpu1_ctx;
	unsigned long top = (unsigned long)vcpu1_stack + STACK_SIZE;
	long rc;

	c->flags = VGCF_in_kernel;
	c->user_regs.rip = (unsigned long)vcpu1_main;
	c->user_regs.rsp = top - 8; /* as after a call */
	c->user_regs.cs = FLAT_KERNEL_CS;
	c->user_regs.ss = FLAT_KERNEL_SS;
	c->kernel_ss = FLAT_KERNEL_SS;
	c->kernel_sp = top;
	c->ctrlreg[3] = (uint64_t)virt_to_mfn(current_l4) << PAGE_SHIFT;
	rc = hyp_vcpu_op(VCPUOP_initialise, 1, c);
	return rc ? rc : hyp_vcpu_op(VCPUOP_up, 1, NULL);
}

static volatile unsigned long failsafe_count;
static volatile uint64_t failsafe_rip, failsafe_cs;
static uint64_t seen_selectors[4];

static int on_failsafe(struct trap_frame *f)
{
	failsafe_count++;
	failsafe_rip = f->rip;
	failsafe_cs = f->cs;
	for (int i = 0; i < 4; i++)
		seen_selectors[i] = failsafe_selectors[i];
	return 1; /* resume where the vCPU was */
}

/* Yield until vCPU 1 has run n more rounds or a failsafe came. */
static void yield_while_peer_runs(unsigned long n)
{
	unsigned long until = vcpu1_rounds + n, seen = failsafe_count;

	for (unsigned int i = 0; i < MAX_YIELDS; i++) {
		if (vcpu1_rounds >= until || failsafe_count != seen)
			return;
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static long set_ldt(void *page, unsigned int entries)
{
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT,
				.arg1.linear_addr = (unsigned long)page,
				.arg2.nr_ents = entries };

	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

extern char upcall_entry[], syscall_entry[];

static void without_failsafe_callback(void)
{
	uint64_t *page = page_alloc();

	hyp_set_callbacks((unsigned long)upcall_entry, 0,
			  (unsigned long)syscall_entry);
	CHECK_EQ("vcpu1_up", start_vcpu1(), 0);
	page[1] = FLAT_DATA;
	page_set_writable(page, false);
	CHECK_EQ("set_ldt", set_ldt(page, 2), 0);
	asm volatile("mov %0, %%ds" : : "r"(LDT_SEL1));
	CHECK_EQ("ldt_removed", set_ldt(NULL, 0), 0);
	yield_while_peer_runs(3);
	info("survived a bad selector without a failsafe callback");
}

void test_main(void)
{
	uint64_t *page;
	unsigned long stub =
		(unsigned long)hypercall_page + 32 * __HYPERVISOR_sched_op;

	if (strstr((const char *)start_info->cmd_line, "nocallback")) {
		without_failsafe_callback();
		return;
	}
	page = page_alloc();
	trap_set_hook(TRAP_failsafe, on_failsafe);
	CHECK_EQ("vcpu1_up", start_vcpu1(), 0);
	yield_while_peer_runs(3);
	CHECK("vcpu1_runs", vcpu1_rounds >= 3, "rounds %lu", vcpu1_rounds);

	page[1] = FLAT_DATA;
	page_set_writable(page, false);
	CHECK_EQ("set_ldt", set_ldt(page, 2), 0);
	asm volatile("mov %0, %%ds; mov %0, %%es" : : "r"(LDT_SEL1));
	yield_while_peer_runs(3);
	CHECK_EQ("no_failsafe_while_ldt_valid", failsafe_count, 0);
	CHECK_EQ("ds_kept_while_ldt_valid", READ_SELECTOR(ds), LDT_SEL1);

	/* The LDT goes; %ds and %es still hold its selector until reloaded. */
	CHECK_EQ("ldt_removed", set_ldt(NULL, 0), 0);
	CHECK_EQ("ds_until_switch", READ_SELECTOR(ds), LDT_SEL1);
	yield_while_peer_runs(3);
	CHECK_EQ("failsafe_called", failsafe_count, 1);
	info("failsafe frame ds 0x%lx es 0x%lx fs 0x%lx gs 0x%lx rip 0x%lx "
	     "cs 0x%lx",
	     (unsigned long)seen_selectors[0], (unsigned long)seen_selectors[1],
	     (unsigned long)seen_selectors[2], (unsigned long)seen_selectors[3],
	     (unsigned long)failsafe_rip, (unsigned long)failsafe_cs);
	CHECK_EQ("frame_ds", seen_selectors[0], LDT_SEL1);
	CHECK_EQ("frame_es", seen_selectors[1], LDT_SEL1);
	CHECK_EQ("frame_fs", seen_selectors[2], 0);
	CHECK_EQ("frame_gs", seen_selectors[3], 0);
	/* It interrupted the guest kernel right after its yield hypercall. */
	CHECK("frame_rip_in_yield_stub",
	      failsafe_rip > stub && failsafe_rip < stub + 32, "rip 0x%lx",
	      (unsigned long)failsafe_rip);
	CHECK_EQ("frame_cs_kernel", (uint16_t)failsafe_cs, FLAT_KERNEL_CS & ~3);
	CHECK_EQ("ds_null_after", READ_SELECTOR(ds), 0);
	CHECK_EQ("es_null_after", READ_SELECTOR(es), 0);

	/* Null selectors load fine: no second callback. */
	yield_while_peer_runs(3);
	CHECK_EQ("failsafe_once", failsafe_count, 1);
}
