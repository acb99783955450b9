// SPDX-License-Identifier: MIT
/*
 * marker: a boot domain that fills one of its pages with a known pattern
 * and then waits (blocked) until it is shut down from outside, so another
 * domain can find and map that page. Harness guest, not in `make list`.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/sched.h>

#define MARKER 0x4c414d494e412121UL /* "!!ANIMAL" read backwards */
#define WAIT_NS (60ULL * 1000000000ULL)

void test_main(void)
{
	unsigned long *page = page_alloc();
	uint64_t deadline = system_time_ns() + WAIT_NS;

	for (unsigned int i = 0; i < 512; i++)
		page[i] = MARKER;
	info("marker page at mfn 0x%lx", virt_to_mfn(page));
	/* The mapper writes its own word at the end when it is done. */
	while (page[511] == MARKER && system_time_ns() < deadline) {
		hyp_set_timer_op(system_time_ns() + 20000000ULL);
		hyp_sched_op(SCHEDOP_block, NULL);
	}
	CHECK("mapper_wrote_page", page[511] == ~MARKER, "word 0x%lx",
	      page[511]);
}
