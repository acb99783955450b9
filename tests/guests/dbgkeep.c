// SPDX-License-Identifier: MIT
/*
 * dbgkeep: debug registers stay a domain's own across vCPU switches.
 * With "mode=set" the guest puts a write watchpoint (DR0, DR7) on its
 * variable `target`; with "mode=watch" it sets nothing. Both (the same
 * image, so `target` has the same address in each) write `target` after
 * every yield and count the #DB exceptions they get: the setter one per
 * write, the watcher none. Harness guest, run side by side on one CPU.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <xen/sched.h>

#define ROUNDS 300
#define DR7_L0 1UL
#define DR7_RW0_WRITE (1UL << 16)
#define DR7_LEN0_8 (2UL << 18)
#define DR6_B0 1UL

static volatile uint64_t target;
static volatile unsigned long db_count;
static volatile uint64_t db_dr6;

static int on_debug(struct trap_frame *f)
{
	(void)f;
	db_count++;
	db_dr6 = hyp_get_debugreg(6);
	hyp_set_debugreg(6, 0); /* as a kernel's #DB handler clears it */
	return 1;
}

void test_main(void)
{
	bool set = strstr((const char *)start_info->cmd_line, "mode=set");
	unsigned long want = set ? ROUNDS : 0;

	trap_set_hook(TRAP_db, on_debug);
	if (set) {
		CHECK_EQ("set_dr0", hyp_set_debugreg(0, (unsigned long)&target),
			 0);
		CHECK_EQ("set_dr7",
			 hyp_set_debugreg(7,
					  DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_8),
			 0);
	}
	/* The watcher runs longer, so the two exits are reported to the
	 * control domain one at a time (VIRQ_DOM_EXC events coalesce). */
	for (unsigned int i = 0; i < (set ? ROUNDS : 2 * ROUNDS); i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
		if (i < ROUNDS)
			target = i;
	}
	CHECK("debug_traps_own", db_count == want, "got %lu #DB want %lu",
	      db_count, want);
	if (set)
		CHECK("dr6_reports_b0", (db_dr6 & 0xf) == DR6_B0, "dr6 0x%lx",
		      (unsigned long)db_dr6);
	else
		CHECK_EQ("dr7_clear", hyp_get_debugreg(7) & 0xff, 0);
	info("dr7 0x%lx after the yields", hyp_get_debugreg(7));
}
