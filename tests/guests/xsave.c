// SPDX-License-Identifier: MIT
/*
 * xsave: the XSAVE/AVX view of a PV guest. CPUID (forced emulation) leaf 1
 * XSAVE/OSXSAVE/AVX and leaf 0xD, XCR0 as xgetbv reads it, the emulated
 * xsetbv (needs the guest's CR4.OSXSAVE, takes valid subsets only), the
 * first enabling of AVX giving clean upper halves, and the ymm registers
 * surviving hypercalls, SCHEDOP_yield, exceptions and guest user mode.
 * On a CPU without XSAVE it checks that none of it is offered.
 *
 * With "mode=keep" (a harness run, several domains side by side) it only
 * fills its ymm registers with a pattern of its own (from its command
 * line) and checks them after each of many yields while the other domains
 * do the same; "long" doubles the rounds, so peers end one at a time.
 *
 * Built without -mgeneral-regs-only; compared registers are loaded, used
 * and stored inside one asm statement.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <libpv/user.h>
#include <xen/sched.h>
#include <xen/version.h>

#include "regs_asm.h"

#define XSTATE_X87 1UL
#define XSTATE_SSE 2UL
#define XSTATE_YMM 4UL
#define CR4_OSXSAVE (1UL << 18)
#define CPUID1_XSAVE (1u << 26)
#define CPUID1_OSXSAVE (1u << 27)
#define CPUID1_AVX (1u << 28)
#define KEEP_ROUNDS 300

struct cpuid_regs {
	uint32_t a, b, c, d;
};

/* Sixteen ymm registers as vmovdqu stores them. */
struct ymm_regs {
	uint8_t r[16][32];
};

static struct ymm_regs pattern, got;

/* What a PV guest sees: CPUID behind the forced-emulation prefix. */
static struct cpuid_regs pv_cpuid(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	asm volatile("ud2; .ascii \"xen\"; cpuid"
		     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "a"(leaf), "c"(sub));
	return r;
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* 0 if xsetbv went through, else the exception vector * 100 + error. */
static long xsetbv(uint32_t index, uint64_t value)
{
	unsigned long before = last_trap.count;

	asm volatile("1: xsetbv\n2:\n" EXTABLE(1b, 2b)
		     :
		     : "c"(index), "a"((uint32_t)value),
		       "d"((uint32_t)(value >> 32))
		     : "memory");
	if (last_trap.count == before)
		return 0;
	return last_trap.vector * 100 + (long)last_trap.error_code;
}

static unsigned long read_cr4(void)
{
	unsigned long v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(unsigned long v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v));
}

/* Load *r12 into ymm0-15; store ymm0-15 into *r13. */
#define FILL                              \
	"vmovdqu 0(%%r12), %%ymm0\n\t"    \
	"vmovdqu 32(%%r12), %%ymm1\n\t"   \
	"vmovdqu 64(%%r12), %%ymm2\n\t"   \
	"vmovdqu 96(%%r12), %%ymm3\n\t"   \
	"vmovdqu 128(%%r12), %%ymm4\n\t"  \
	"vmovdqu 160(%%r12), %%ymm5\n\t"  \
	"vmovdqu 192(%%r12), %%ymm6\n\t"  \
	"vmovdqu 224(%%r12), %%ymm7\n\t"  \
	"vmovdqu 256(%%r12), %%ymm8\n\t"  \
	"vmovdqu 288(%%r12), %%ymm9\n\t"  \
	"vmovdqu 320(%%r12), %%ymm10\n\t" \
	"vmovdqu 352(%%r12), %%ymm11\n\t" \
	"vmovdqu 384(%%r12), %%ymm12\n\t" \
	"vmovdqu 416(%%r12), %%ymm13\n\t" \
	"vmovdqu 448(%%r12), %%ymm14\n\t" \
	"vmovdqu 480(%%r12), %%ymm15\n\t"
#define SAVE                              \
	"vmovdqu %%ymm0, 0(%%r13)\n\t"    \
	"vmovdqu %%ymm1, 32(%%r13)\n\t"   \
	"vmovdqu %%ymm2, 64(%%r13)\n\t"   \
	"vmovdqu %%ymm3, 96(%%r13)\n\t"   \
	"vmovdqu %%ymm4, 128(%%r13)\n\t"  \
	"vmovdqu %%ymm5, 160(%%r13)\n\t"  \
	"vmovdqu %%ymm6, 192(%%r13)\n\t"  \
	"vmovdqu %%ymm7, 224(%%r13)\n\t"  \
	"vmovdqu %%ymm8, 256(%%r13)\n\t"  \
	"vmovdqu %%ymm9, 288(%%r13)\n\t"  \
	"vmovdqu %%ymm10, 320(%%r13)\n\t" \
	"vmovdqu %%ymm11, 352(%%r13)\n\t" \
	"vmovdqu %%ymm12, 384(%%r13)\n\t" \
	"vmovdqu %%ymm13, 416(%%r13)\n\t" \
	"vmovdqu %%ymm14, 448(%%r13)\n\t" \
	"vmovdqu %%ymm15, 480(%%r13)\n\t"

#define YMM_CLOBBERS                                                         \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",      \
		"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", \
		"xmm15", "memory", "cc"

static void make_pattern(unsigned int seed)
{
	for (int r = 0; r < 16; r++)
		for (int i = 0; i < 32; i++)
			pattern.r[r][i] =
				(uint8_t)(seed * 59 + r * 32 + i * 5 + 3);
}

static void check_ymm(const char *name)
{
	for (int r = 0; r < 16; r++) {
		if (memcmp(got.r[r], pattern.r[r], 16)) {
			CHECK(name, 0, "xmm%d differs", r);
			return;
		}
		if (memcmp(got.r[r] + 16, pattern.r[r] + 16, 16)) {
			CHECK(name, 0, "ymm%d upper half differs", r);
			return;
		}
	}
	CHECK(name, 1);
}

DEFINE_FILL_HYPERCALL_SAVE(ymm_hypercall, struct ymm_regs, struct ymm_regs,
			   FILL, SAVE, YMM_CLOBBERS)

/* Load the pattern, make hypercall nr(cmd, NULL), store the registers. */
static void fill_hypercall_save(unsigned int nr, unsigned long cmd)
{
	ymm_hypercall(&pattern, &got, nr, cmd);
}

static void test_no_xsave(struct cpuid_regs l1)
{
	CHECK("no_xsave_no_osxsave_avx",
	      !(l1.c & (CPUID1_OSXSAVE | CPUID1_AVX)), "ecx 0x%x", l1.c);
	CHECK_EQ("no_xsave_leaf_d_empty", pv_cpuid(0xd, 0).a, 0);
	/* Without CR4.OSXSAVE in the CPU, xsetbv is #UD. */
	CHECK_EQ("no_xsave_xsetbv_ud", xsetbv(0, XSTATE_X87 | XSTATE_SSE),
		 TRAP_ud * 100);
}

static void test_cpuid(struct cpuid_regs l1)
{
	struct cpuid_regs d0 = pv_cpuid(0xd, 0), d1 = pv_cpuid(0xd, 1),
			  d2 = pv_cpuid(0xd, 2);

	info("leaf 1 ecx 0x%x; 0xd.0 %x %x %x %x; 0xd.1 %x %x; 0xd.2 %x %x",
	     l1.c, d0.a, d0.b, d0.c, d0.d, d1.a, d1.b, d2.a, d2.b);
	/* OSXSAVE is set although the guest's CR4 does not have it yet. */
	CHECK("cpuid1_osxsave", l1.c & CPUID1_OSXSAVE, "ecx 0x%x", l1.c);
	CHECK("cpuid1_avx", l1.c & CPUID1_AVX, "ecx 0x%x", l1.c);
	CHECK_EQ("leaf_d_xcr0_offered", d0.a & 7, 7);
	CHECK_EQ("leaf_d_ymm_size", d2.a, 256);
	CHECK_EQ("leaf_d_ymm_offset", d2.b, 576);
	CHECK_EQ("leaf_d_max_size", d0.c, d2.a + d2.b);
	CHECK_EQ("leaf_d_size_for_x87_sse", d0.b, 576);
	CHECK_EQ("leaf_d1_no_xsaves", d1.a & 8, 0);
	CHECK_EQ("leaf_d1_ebx", d1.b, 0);
}

static void test_xsetbv(void)
{
	unsigned long cr4 = read_cr4();
	register struct ymm_regs *p asm("r12") = &pattern;
	register struct ymm_regs *s asm("r13") = &got;
	unsigned long before;

	CHECK_EQ("xcr0_at_start", xgetbv0(), XSTATE_X87 | XSTATE_SSE);
	CHECK_EQ("cr4_osxsave_clear_at_start", cr4 & CR4_OSXSAVE, 0);
	/* The emulation follows the guest's CR4.OSXSAVE: #UD without it. */
	CHECK_EQ("xsetbv_without_osxsave_ud", xsetbv(0, 7), TRAP_ud * 100);
	write_cr4(cr4 | CR4_OSXSAVE);
	CHECK("cr4_osxsave_set", read_cr4() & CR4_OSXSAVE, "cr4 0x%lx",
	      read_cr4());

	/* AVX instructions are #UD while XCR0 leaves AVX out. */
	before = last_trap.count;
	asm volatile("1: vmovdqu %%ymm0, %%ymm1\n2:\n" EXTABLE(1b, 2b)
		     :
		     :
		     : "xmm1");
	CHECK_EQ("avx_ud_before_xsetbv", last_trap.count - before, 1);
	CHECK_EQ("avx_ud_vector", last_trap.vector, TRAP_ud);

	CHECK_EQ("xsetbv_0", xsetbv(0, 0), TRAP_gp * 100);
	CHECK_EQ("xsetbv_sse_only", xsetbv(0, XSTATE_SSE), TRAP_gp * 100);
	CHECK_EQ("xsetbv_ymm_without_sse", xsetbv(0, XSTATE_X87 | XSTATE_YMM),
		 TRAP_gp * 100);
	CHECK_EQ("xsetbv_not_offered", xsetbv(0, 0xf), TRAP_gp * 100);
	CHECK_EQ("xsetbv_high_bit", xsetbv(0, (1UL << 32) | 7), TRAP_gp * 100);
	CHECK_EQ("xsetbv_xcr1", xsetbv(1, 3), TRAP_gp * 100);
	CHECK_EQ("xcr0_kept_after_refusals", xgetbv0(), 3);
	CHECK_EQ("xsetbv_x87_only", xsetbv(0, XSTATE_X87), 0);
	CHECK_EQ("xcr0_x87_only", xgetbv0(), XSTATE_X87);

	/* xmm0-15 hold the pattern's lower halves; enabling AVX for the
	 * first time keeps them and starts the upper halves clear. */
	asm volatile("movdqu 0(%%r12), %%xmm0\n\tmovdqu 32(%%r12), %%xmm1\n\t"
		     "movdqu 480(%%r12), %%xmm15\n\t"
		     "mov $7, %%eax\n\txor %%edx, %%edx\n\txor %%ecx, %%ecx\n\t"
		     "xsetbv\n\t" SAVE
		     :
		     : "r"(p), "r"(s)
		     : "rax", "rcx", "rdx", YMM_CLOBBERS);
	CHECK_EQ("xcr0_x87_sse_avx", xgetbv0(), 7);
	CHECK("first_avx_keeps_xmm",
	      !memcmp(got.r[0], pattern.r[0], 16) &&
		      !memcmp(got.r[1], pattern.r[1], 16) &&
		      !memcmp(got.r[15], pattern.r[15], 16));
	CHECK("first_avx_upper_clear",
	      !memcmp(got.r[0] + 16, (uint8_t[16]){ 0 }, 16) &&
		      !memcmp(got.r[15] + 16, (uint8_t[16]){ 0 }, 16));
	CHECK_EQ("leaf_d_size_for_avx", pv_cpuid(0xd, 0).b, 832);
}

DEFINE_FILL_EXCEPTIONS_SAVE(ymm_exceptions, struct ymm_regs, struct ymm_regs,
			    FILL, SAVE, YMM_CLOBBERS)

static void test_ymm_kept(void)
{
	fill_hypercall_save(__HYPERVISOR_xen_version, XENVER_version);
	check_ymm("ymm_survive_hypercall");
	fill_hypercall_save(__HYPERVISOR_sched_op, SCHEDOP_yield);
	check_ymm("ymm_survive_yield");
	CHECK_EQ("exceptions_taken", ymm_exceptions(&pattern, &got), 3);
	check_ymm("ymm_survive_exceptions");
}

static long user_xsetbv_result;

static void user_main(void)
{
	register struct ymm_regs *p asm("r12") = &pattern;
	register struct ymm_regs *s asm("r13") = &got;

	/* A syscall to the guest kernel and back, ymm in use throughout. */
	asm volatile(FILL "mov $7, %%eax\n\t"
			  "syscall\n\t" SAVE
		     :
		     : "r"(p), "r"(s)
		     : CALL_CLOBBERS, YMM_CLOBBERS);
	user_xsetbv_result = xsetbv(0, 7);
	user_exit(0);
}

static void on_syscall(struct trap_frame *f)
{
	f->rax = 0;
}

static void test_user_mode(void)
{
	user_mode_init();
	user_set_syscall_handler(on_syscall);
	CHECK_EQ("user_exit_code", user_run(user_main), 0);
	check_ymm("ymm_survive_user_syscall");
	/* Privileged in user mode: #GP(0), as on any CPU. */
	CHECK_EQ("user_xsetbv_gp", user_xsetbv_result, TRAP_gp * 100);
	CHECK_EQ("xcr0_after_user", xgetbv0(), 7);
}

/* Harness: keep a pattern of one's own in ymm across many yields. */
static void keep_ymm(void)
{
	unsigned int changed = 0, seed = 0, rounds;

	write_cr4(read_cr4() | CR4_OSXSAVE);
	CHECK_EQ("xsetbv_avx", xsetbv(0, 7), 0);
	/* Each domain its own pattern: its command line differs. */
	for (const char *c = (const char *)start_info->cmd_line; *c; c++)
		seed += (uint8_t)*c;
	make_pattern(seed);
	rounds = strstr((const char *)start_info->cmd_line, "long") ?
			 2 * KEEP_ROUNDS :
			 KEEP_ROUNDS;
	for (unsigned int i = 0; i < rounds; i++) {
		fill_hypercall_save(__HYPERVISOR_sched_op, SCHEDOP_yield);
		changed += memcmp(&got, &pattern, sizeof(got)) != 0;
	}
	CHECK_EQ("ymm_kept", changed, 0);
}

void test_main(void)
{
	struct cpuid_regs l1 = pv_cpuid(1, 0);

	if (!(l1.c & CPUID1_XSAVE)) {
		test_no_xsave(l1);
		return;
	}
	if (strstr((const char *)start_info->cmd_line, "mode=keep")) {
		keep_ymm();
		return;
	}
	make_pattern(1);
	test_cpuid(l1);
	test_xsetbv();
	test_ymm_kept();
	make_pattern(2);
	test_user_mode();
}
