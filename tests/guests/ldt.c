// SPDX-License-Identifier: MIT
/*
 * ldt: MMUEXT_SET_LDT. A read-only page of descriptors becomes the LDT;
 * its selectors then work (lar/lsl see them, a data selector loads into
 * %fs), update_descriptor edits it, and clearing the LDT makes them
 * invalid again. Bad requests are refused.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/test.h>
#include <xen/errno.h>

/* Flat 32-bit data, DPL 3, present; and the same with limit 0xfff. */
#define FLAT_DATA 0x00cff2000000ffffUL
#define SMALL_DATA 0x0040f20000000fffUL
#define LDT_SEL(i) (((i) << 3) | 4 | 3)

static long set_ldt(void *va, unsigned int ents)
{
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT,
				.arg1.linear_addr = (unsigned long)va,
				.arg2.nr_ents = ents };

	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* lar: the access rights, or -1 when the selector is not usable. */
static long lar(unsigned int sel)
{
	unsigned long ar;
	uint8_t ok;

	asm volatile("lar %2, %0; setz %1" : "=r"(ar), "=q"(ok) : "r"(
		(unsigned long)sel) : "cc");
	return ok ? (long)(ar & 0xffff00) : -1;
}

static long lsl(unsigned int sel)
{
	unsigned long limit;
	uint8_t ok;

	asm volatile("lsl %2, %0; setz %1" : "=r"(limit), "=q"(ok) : "r"(
		(unsigned long)sel) : "cc");
	return ok ? (long)limit : -1;
}

void test_main(void)
{
	uint64_t *ldt = page_alloc();
	unsigned int fs = 0;

	ldt[0] = 0;
	ldt[1] = FLAT_DATA;
	ldt[2] = SMALL_DATA;
	CHECK_EQ("ldt_page_read_only", page_set_writable(ldt, false), 0);

	CHECK_EQ("set_ldt_unaligned", set_ldt((char *)ldt + 8, 3),
		 -XEN_EINVAL);
	CHECK("set_ldt_too_many", set_ldt(ldt, 8193) < 0);
	CHECK_EQ("no_ldt_selector_invalid", lar(LDT_SEL(1)), -1);

	CHECK_EQ("set_ldt", set_ldt(ldt, 3), 0);
	/* lar gives type, DPL, P and the G/D flags: not limit bits 19:16. */
	CHECK_EQ("lar_flat_data", lar(LDT_SEL(1)), 0xc0f200);
	CHECK_EQ("lsl_small_data", lsl(LDT_SEL(2)), 0xfff);
	CHECK_EQ("beyond_ldt_invalid", lar(LDT_SEL(3)), -1);
	asm volatile("mov %1, %%fs; mov %%fs, %0"
		     : "=r"(fs)
		     : "r"((unsigned int)LDT_SEL(1)));
	CHECK_EQ("fs_loads_ldt_selector", fs, LDT_SEL(1));
	asm volatile("mov %0, %%fs" : : "r"(0));

	/* Edits go through update_descriptor; the LDT sees them. */
	CHECK_EQ("update_ldt_descriptor",
		 hyp_update_descriptor(virt_to_machine(&ldt[2]), FLAT_DATA),
		 0);
	CHECK_EQ("lsl_after_update", lsl(LDT_SEL(2)), 0xffffffff);

	CHECK_EQ("clear_ldt", set_ldt(NULL, 0), 0);
	CHECK_EQ("cleared_selector_invalid", lar(LDT_SEL(1)), -1);
}
