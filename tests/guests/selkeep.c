// SPDX-License-Identifier: MIT
/*
 * selkeep: data selectors stay a domain's own across vCPU switches. With
 * "mode=ldt" the guest loads %fs and %gs... with an LDT selector of its
 * own; with "mode=null" it keeps them null. Either way it yields many
 * times (other domains run meanwhile) and checks its selectors each time.
 * Harness guest, run side by side as boot domains.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/sched.h>

#include "selectors.h"

#define FLAT_DATA 0x00cff2000000ffffUL
#define LDT_SEL1 ((1 << 3) | 4 | 3)
#define ROUNDS 300

void test_main(void)
{
	bool ldt = strstr((const char *)start_info->cmd_line, "mode=ldt");
	unsigned int want = 0, changed = 0;

	if (ldt) {
		uint64_t *page = page_alloc();
		struct mmuext_op op = { .cmd = MMUEXT_SET_LDT,
					.arg1.linear_addr = (unsigned long)page,
					.arg2.nr_ents = 2 };

		page[1] = FLAT_DATA;
		page_set_writable(page, false);
		CHECK_EQ("set_ldt", hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
		want = LDT_SEL1;
		asm volatile("mov %0, %%fs; mov %0, %%es" : : "r"(want));
	}
	/* The null-mode peer runs longer, so the two exits are reported to
	 * the control domain one at a time (VIRQ_DOM_EXC events coalesce). */
	for (unsigned int i = 0; i < (ldt ? ROUNDS : 2 * ROUNDS); i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
		changed += READ_SELECTOR(fs) != want ||
			   READ_SELECTOR(es) != want;
	}
	CHECK_EQ("selectors_kept", changed, 0);
	info("fs 0x%x es 0x%x after the yields", READ_SELECTOR(fs),
	     READ_SELECTOR(es));
}
