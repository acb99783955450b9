// SPDX-License-Identifier: MIT
/*
 * segments: FS and GS bases. set_segment_base (FS, GS kernel, GS user, a
 * null GS user selector, non-canonical bases refused), rdmsr/wrmsr of
 * FS_BASE, GS_BASE and SHADOW_GS_BASE from the guest kernel (emulated), #GP
 * for an unknown MSR and for rdmsr from guest user mode, and GS swapping
 * across user/kernel switches: user mode sees the user GS base, the kernel
 * its own; FS is shared by both.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <libpv/user.h>
#include <xen/errno.h>

#define MSR_EFER 0xc0000080U
#define MSR_FS_BASE 0xc0000100U
#define MSR_GS_BASE 0xc0000101U
#define MSR_SHADOW_GS_BASE 0xc0000102U
#define MSR_UNKNOWN 0x12345U
#define NON_CANONICAL 0x8000000000001000UL

/* Pages whose first word names them: a segment base points at one. */
enum { PAGE_FS_A, PAGE_FS_B, PAGE_GS_K, PAGE_GS_U, PAGE_GS_K2, NR_PAGES };
static uint64_t pages[NR_PAGES][512] __attribute__((aligned(4096)));
#define MAGIC(n) (0x5e600000UL + (n))
#define BASE(n) ((unsigned long)pages[n])

static unsigned long traps_before;

static bool trapped(unsigned int vector)
{
	return last_trap.count == traps_before + 1 &&
	       last_trap.vector == vector && last_trap.error_code == 0;
}

/* rdmsr; a fault leaves *val at ~0. */
static unsigned long rdmsr(unsigned int msr)
{
	uint32_t lo = ~0U, hi = ~0U;

	traps_before = last_trap.count;
	asm volatile("1: rdmsr\n2:\n" EXTABLE(1b, 2b)
		     : "+a"(lo), "+d"(hi)
		     : "c"(msr));
	return (unsigned long)hi << 32 | lo;
}

static void wrmsr(unsigned int msr, unsigned long val)
{
	traps_before = last_trap.count;
	asm volatile("1: wrmsr\n2:\n" EXTABLE(1b, 2b)
		     :
		     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
}

static unsigned long fs0(void)
{
	unsigned long v;

	asm volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static unsigned long gs0(void)
{
	unsigned long v;

	asm volatile("mov %%gs:0, %0" : "=r"(v));
	return v;
}

static void test_fs(void)
{
	long rc;

	rc = hyp_set_segment_base(SEGBASE_FS, BASE(PAGE_FS_A));
	CHECK_EQ("set_fs_base", rc, 0);
	CHECK_EQ("fs_base_used", fs0(), MAGIC(PAGE_FS_A));
	CHECK_EQ("rdmsr_fs_base", rdmsr(MSR_FS_BASE), BASE(PAGE_FS_A));
	CHECK("rdmsr_fs_base_no_fault", last_trap.count == traps_before);

	wrmsr(MSR_FS_BASE, BASE(PAGE_FS_B));
	CHECK("wrmsr_fs_base_no_fault", last_trap.count == traps_before);
	CHECK_EQ("wrmsr_fs_base_used", fs0(), MAGIC(PAGE_FS_B));

	rc = hyp_set_segment_base(SEGBASE_FS, NON_CANONICAL);
	CHECK_EQ("set_fs_base_noncanonical", rc, -XEN_EINVAL);
	wrmsr(MSR_FS_BASE, NON_CANONICAL);
	CHECK("wrmsr_fs_base_noncanonical_gp", trapped(TRAP_gp),
	      "traps %lu vector %u", last_trap.count - traps_before,
	      last_trap.vector);
	CHECK_EQ("fs_base_unchanged", rdmsr(MSR_FS_BASE), BASE(PAGE_FS_B));

	rc = hyp_set_segment_base(4, 0);
	CHECK_EQ("set_segment_base_bad_which", rc, -XEN_EINVAL);

	/* Loading %fs loads its descriptor's base (0 for the flat one):
	 * FS_BASE reads what the CPU holds, not the last base written. */
	hyp_set_segment_base(SEGBASE_FS, BASE(PAGE_FS_A));
	asm volatile("mov %0, %%fs" : : "r"((unsigned long)FLAT_USER_DS));
	CHECK_EQ("rdmsr_fs_base_after_selector", rdmsr(MSR_FS_BASE), 0);
	asm volatile("mov %0, %%fs" : : "r"(0UL));
	hyp_set_segment_base(SEGBASE_FS, BASE(PAGE_FS_B));
}

static void test_gs(void)
{
	long rc;

	rc = hyp_set_segment_base(SEGBASE_GS_KERNEL, BASE(PAGE_GS_K));
	CHECK_EQ("set_gs_kernel_base", rc, 0);
	CHECK_EQ("gs_kernel_base_used", gs0(), MAGIC(PAGE_GS_K));
	CHECK_EQ("rdmsr_gs_base", rdmsr(MSR_GS_BASE), BASE(PAGE_GS_K));

	rc = hyp_set_segment_base(SEGBASE_GS_USER, BASE(PAGE_GS_U));
	CHECK_EQ("set_gs_user_base", rc, 0);
	CHECK_EQ("rdmsr_shadow_gs_base", rdmsr(MSR_SHADOW_GS_BASE),
		 BASE(PAGE_GS_U));
	CHECK_EQ("gs_user_base_not_used_in_kernel", gs0(), MAGIC(PAGE_GS_K));

	rc = hyp_set_segment_base(SEGBASE_GS_KERNEL, NON_CANONICAL);
	CHECK_EQ("set_gs_kernel_noncanonical", rc, -XEN_EINVAL);
	rc = hyp_set_segment_base(SEGBASE_GS_USER, NON_CANONICAL);
	CHECK_EQ("set_gs_user_noncanonical", rc, -XEN_EINVAL);

	wrmsr(MSR_GS_BASE, BASE(PAGE_GS_K2));
	CHECK_EQ("wrmsr_gs_base_used", gs0(), MAGIC(PAGE_GS_K2));
	wrmsr(MSR_SHADOW_GS_BASE, BASE(PAGE_FS_A));
	CHECK_EQ("wrmsr_shadow_gs_base", rdmsr(MSR_SHADOW_GS_BASE),
		 BASE(PAGE_FS_A));
	wrmsr(MSR_SHADOW_GS_BASE, BASE(PAGE_GS_U));
	wrmsr(MSR_GS_BASE, BASE(PAGE_GS_K));
	CHECK_EQ("gs_kernel_base_restored", gs0(), MAGIC(PAGE_GS_K));
}

static void test_other_msrs(void)
{
	unsigned long v;

	v = rdmsr(MSR_UNKNOWN);
	CHECK("rdmsr_unknown_gp", trapped(TRAP_gp), "traps %lu vector %u",
	      last_trap.count - traps_before, last_trap.vector);
	v = rdmsr(MSR_EFER);
	info("EFER 0x%lx", v);
	CHECK("rdmsr_efer_long_mode", (v & 0x500) == 0x500, "efer 0x%lx", v);
}

/* What user mode saw, written by the user-mode code itself. */
static volatile struct {
	unsigned long gs_first, fs, gs_after_syscall;
	unsigned long rdmsr_traps, rdmsr_vector;
} u;
static volatile unsigned long syscall_gs;

static void on_syscall(struct trap_frame *f)
{
	syscall_gs = gs0();
	f->rax = 0;
}

static void user_main(void)
{
	unsigned long before;

	u.gs_first = gs0();
	u.fs = fs0();
	user_syscall(7, 0);
	u.gs_after_syscall = gs0();
	before = last_trap.count;
	rdmsr(MSR_GS_BASE);
	u.rdmsr_traps = last_trap.count - before;
	u.rdmsr_vector = last_trap.vector;
	user_exit(0);
}

static void test_user_mode(void)
{
	long rc;

	user_mode_init();
	user_set_syscall_handler(on_syscall);
	user_run(user_main);
	CHECK_EQ("user_sees_user_gs", u.gs_first, MAGIC(PAGE_GS_U));
	CHECK_EQ("user_sees_kernel_fs", u.fs, MAGIC(PAGE_FS_B));
	CHECK_EQ("syscall_sees_kernel_gs", syscall_gs, MAGIC(PAGE_GS_K));
	CHECK_EQ("user_gs_after_syscall", u.gs_after_syscall, MAGIC(PAGE_GS_U));
	CHECK("user_rdmsr_gp", u.rdmsr_traps == 1 && u.rdmsr_vector == TRAP_gp,
	      "traps %lu vector %lu", u.rdmsr_traps, u.rdmsr_vector);
	CHECK_EQ("kernel_gs_after_user", gs0(), MAGIC(PAGE_GS_K));
	CHECK_EQ("shadow_gs_after_user", rdmsr(MSR_SHADOW_GS_BASE),
		 BASE(PAGE_GS_U));

	/* A null user GS selector: the call succeeds, the kernel GS stays. */
	rc = hyp_set_segment_base(SEGBASE_GS_USER_SEL, 0);
	CHECK_EQ("set_gs_user_sel_null", rc, 0);
	/* Loading a null selector clears the base (as QEMU does). */
	CHECK_EQ("gs_user_sel_null_clears_base", rdmsr(MSR_SHADOW_GS_BASE), 0);
	CHECK_EQ("gs_user_sel_keeps_kernel_gs", gs0(), MAGIC(PAGE_GS_K));
}

void test_main(void)
{
	for (int i = 0; i < NR_PAGES; i++)
		pages[i][0] = MAGIC(i);
	test_fs();
	test_gs();
	test_other_msrs();
	test_user_mode();
}
