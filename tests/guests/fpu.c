// SPDX-License-Identifier: MIT
/*
 * fpu: the x87/SSE state of the vCPU survives hypercalls, exceptions bounced
 * to the guest, guest user/kernel switches, SCHEDOP_yield and SCHEDOP_block;
 * fpu_taskswitch(1) makes the next FPU instruction raise #NM to the guest,
 * fpu_taskswitch(0) clears it; CR0.TS as the guest reads it (emulated
 * `mov %cr0`), clts and `mov to %cr0`.
 *
 * This file is built without -mgeneral-regs-only. Every sequence whose
 * registers are compared runs inside one asm statement (load a pattern, the
 * event under test, fxsave), so compiled code in between cannot disturb it.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <libpv/traps.h>
#include <libpv/user.h>
#include <xen/sched.h>
#include <xen/version.h>

#include "regs_asm.h"

#define CR0_TS (1UL << 3)
#define MS 1000000ULL

/* What the FILL sequence loads: the x87 control word, a few x87 stack
 * values, MXCSR and the sixteen XMM registers. */
struct fpu_pattern {
	uint16_t fcw;
	uint16_t pad;
	uint32_t mxcsr;
	int64_t x87[2];
	uint64_t pad2[2];
	uint8_t xmm[16][16];
} __attribute__((aligned(16)));

/* An FXSAVE image. */
struct fxarea {
	uint8_t b[512];
} __attribute__((aligned(16)));

/* Load *p (in r12) into the FPU; the x87 stack gets x87[0], x87[1], pi. */
#define FILL                             \
	"fninit\n\t"                     \
	"fldcw 0(%%r12)\n\t"             \
	"fildq 8(%%r12)\n\t"             \
	"fildq 16(%%r12)\n\t"            \
	"fldpi\n\t"                      \
	"ldmxcsr 4(%%r12)\n\t"           \
	"movdqu 40(%%r12), %%xmm0\n\t"   \
	"movdqu 56(%%r12), %%xmm1\n\t"   \
	"movdqu 72(%%r12), %%xmm2\n\t"   \
	"movdqu 88(%%r12), %%xmm3\n\t"   \
	"movdqu 104(%%r12), %%xmm4\n\t"  \
	"movdqu 120(%%r12), %%xmm5\n\t"  \
	"movdqu 136(%%r12), %%xmm6\n\t"  \
	"movdqu 152(%%r12), %%xmm7\n\t"  \
	"movdqu 168(%%r12), %%xmm8\n\t"  \
	"movdqu 184(%%r12), %%xmm9\n\t"  \
	"movdqu 200(%%r12), %%xmm10\n\t" \
	"movdqu 216(%%r12), %%xmm11\n\t" \
	"movdqu 232(%%r12), %%xmm12\n\t" \
	"movdqu 248(%%r12), %%xmm13\n\t" \
	"movdqu 264(%%r12), %%xmm14\n\t" \
	"movdqu 280(%%r12), %%xmm15\n\t"
/* Save the FPU into *r13. */
#define SAVE "fxsave64 (%%r13)\n\t"

#define FPU_CLOBBERS                                                         \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",      \
		"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", \
		"xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)",  \
		"st(6)", "st(7)", "memory", "cc"

static struct fpu_pattern patterns[4];
static struct fxarea want[4], got;

static void make_pattern(unsigned int n)
{
	struct fpu_pattern *p = &patterns[n];

	/* Round toward zero, 53-bit precision, exceptions masked. */
	p->fcw = 0x0e7f ^ (n << 8 & 0x100);
	/* Round toward zero, flush to zero, exceptions masked. */
	p->mxcsr = 0xff80 ^ (n << 6 & 0x40);
	p->x87[0] = 1000003 * (n + 1);
	p->x87[1] = -77 * (long)(n + 5);
	for (int r = 0; r < 16; r++)
		for (int i = 0; i < 16; i++)
			p->xmm[r][i] = (uint8_t)(n * 97 + r * 16 + i * 7 + 1);
}

/* The FXSAVE image right after FILL with pattern n, with nothing between. */
static void record_want(unsigned int n)
{
	register struct fpu_pattern *p asm("r12") = &patterns[n];
	register struct fxarea *s asm("r13") = &want[n];

	asm volatile(FILL SAVE : : "r"(p), "r"(s) : FPU_CLOBBERS);
}

/*
 * The parts of the FXSAVE image a guest owns: FCW, FSW, FTW, MXCSR, ST0-7
 * (80 bits each) and XMM0-15. FOP, FIP and FDP are left out: some CPUs
 * (and hypervisors working around them) do not keep them.
 */
static const char *fx_differs(const struct fxarea *a, const struct fxarea *b)
{
	if (memcmp(a->b, b->b, 5))
		return "fcw/fsw/ftw";
	if (memcmp(a->b + 24, b->b + 24, 4))
		return "mxcsr";
	for (int i = 0; i < 8; i++)
		if (memcmp(a->b + 32 + 16 * i, b->b + 32 + 16 * i, 10))
			return "x87 stack";
	for (int i = 0; i < 16; i++)
		if (memcmp(a->b + 160 + 16 * i, b->b + 160 + 16 * i, 16))
			return "xmm";
	return NULL;
}

static void check_state(const char *name, unsigned int n)
{
	const char *why = fx_differs(&got, &want[n]);

	CHECK(name, !why, "%s differs", why);
}

DEFINE_FILL_HYPERCALL_SAVE(fpu_hypercall, struct fpu_pattern, struct fxarea,
			   FILL, SAVE, FPU_CLOBBERS)

/* Load pattern n, make hypercall nr(cmd, NULL), save the FPU into `got`. */
static void fill_hypercall_save(unsigned int n, unsigned int nr,
				unsigned long cmd)
{
	fpu_hypercall(&patterns[n], &got, nr, cmd);
}

static void test_hypercall(void)
{
	fill_hypercall_save(0, __HYPERVISOR_xen_version, XENVER_version);
	check_state("state_survives_hypercall", 0);
}

DEFINE_FILL_EXCEPTIONS_SAVE(fpu_exceptions, struct fpu_pattern, struct fxarea,
			    FILL, SAVE, FPU_CLOBBERS)

static void test_exceptions(void)
{
	CHECK_EQ("exceptions_taken", fpu_exceptions(&patterns[1], &got), 3);
	check_state("state_survives_exceptions", 1);
}

static void test_yield(void)
{
	fill_hypercall_save(2, __HYPERVISOR_sched_op, SCHEDOP_yield);
	check_state("state_survives_yield", 2);
}

static volatile unsigned long timer_events;

static void on_timer(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	timer_events++;
}

static void test_block(void)
{
	evtchn_port_t port;
	unsigned long seen;
	long rc;

	rc = evtchn_bind_virq(VIRQ_TIMER, 0, &port);
	CHECK_EQ("bind_virq_timer", rc, 0);
	if (rc)
		return;
	evtchn_set_handler(port, on_timer, NULL);
	evtchn_unmask(port);
	seen = timer_events;
	events_disable();
	hyp_set_timer_op(system_time_ns() + 2 * MS);
	/* Block unmasks events; the timer's upcall runs before it returns. */
	fill_hypercall_save(3, __HYPERVISOR_sched_op, SCHEDOP_block);
	events_restore(0);
	CHECK("block_woken_by_timer", timer_events != seen);
	check_state("state_survives_block", 3);
}

/* User mode: what it saw, saved by the user code itself. */
static struct fxarea user_entry, user_after_syscall, user_after_int3;
static struct fxarea kernel_after_user;

static void user_main(void)
{
	register struct fpu_pattern *p asm("r12") = &patterns[1];
	register struct fxarea *s asm("r13") = &user_entry;

	asm volatile(SAVE : : "r"(s) : "memory");
	s = &user_after_syscall;
	asm volatile(FILL "mov $7, %%eax\n\t"
			  "syscall\n\t" SAVE
		     :
		     : "r"(p), "r"(s)
		     : CALL_CLOBBERS, FPU_CLOBBERS);
	p = &patterns[2];
	s = &user_after_int3;
	asm volatile(FILL "int3\n\t" SAVE
		     :
		     : "r"(p), "r"(s)
		     : CALL_CLOBBERS, FPU_CLOBBERS);
	p = &patterns[3];
	/* Leave pattern 3 in the FPU for the kernel to find. */
	asm volatile(FILL "xor %%edi, %%edi\n\t"
			  "mov %[exit], %%eax\n\t"
			  "syscall\n\t"
		     :
		     : "r"(p), [exit] "i"(USER_SYS_EXIT)
		     : CALL_CLOBBERS, FPU_CLOBBERS);
	__builtin_unreachable();
}

static void on_syscall(struct trap_frame *f)
{
	f->rax = 0;
}

static void test_user_mode(void)
{
	register struct fpu_pattern *p asm("r12") = &patterns[0];
	register struct fxarea *s asm("r13") = &kernel_after_user;
	long code;

	user_mode_init();
	user_set_syscall_handler(on_syscall);
	asm volatile(FILL : : "r"(p) : FPU_CLOBBERS);
	code = user_run(user_main);
	asm volatile(SAVE : : "r"(s) : "memory");
	CHECK_EQ("user_exit_code", code, 0);
	memcpy(&got, &user_entry, sizeof(got));
	check_state("user_sees_kernel_state", 0);
	memcpy(&got, &user_after_syscall, sizeof(got));
	check_state("state_survives_user_syscall", 1);
	memcpy(&got, &user_after_int3, sizeof(got));
	check_state("state_survives_user_exception", 2);
	memcpy(&got, &kernel_after_user, sizeof(got));
	check_state("kernel_sees_user_state", 3);
}

static unsigned long read_cr0(void)
{
	unsigned long cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	return cr0;
}

/* #NM: record CR0 as the handler sees it and resume at the instruction. */
static volatile unsigned long nm_count, nm_cr0, nm_rip, nm_cs;

static int on_nm(struct trap_frame *f)
{
	nm_count++;
	nm_cr0 = read_cr0();
	nm_rip = f->rip;
	nm_cs = f->cs;
	/* Where TS stays set the instruction would fault forever. */
	if (nm_cr0 & CR0_TS)
		hyp_fpu_taskswitch(0);
	return 1;
}

/* One SSE instruction at a known address; returns its address. */
static unsigned long use_sse(void)
{
	unsigned long at;

	asm volatile("lea 1f(%%rip), %0\n1: movaps %%xmm1, %%xmm2"
		     : "=r"(at)
		     :
		     : "xmm2");
	return at;
}

static void test_taskswitch(void)
{
	register struct fpu_pattern *p asm("r12") = &patterns[2];
	register struct fxarea *s asm("r13") = &got;
	unsigned long cr0, at, before;
	long rc;

	cr0 = read_cr0();
	info("cr0 0x%lx", cr0);
	CHECK("cr0_ts_clear_at_start", !(cr0 & CR0_TS), "cr0 0x%lx", cr0);
	trap_set_hook(TRAP_nm, on_nm);

	rc = hyp_fpu_taskswitch(1);
	CHECK_EQ("taskswitch_1", rc, 0);
	CHECK("taskswitch_1_sets_cr0_ts", read_cr0() & CR0_TS);
	before = nm_count;
	at = use_sse();
	CHECK_EQ("nm_delivered", nm_count - before, 1);
	CHECK("nm_rip", nm_rip == at, "rip 0x%lx want 0x%lx", nm_rip, at);
	CHECK_EQ("nm_cs_kernel", (uint16_t)nm_cs, FLAT_KERNEL_CS & ~3);
	/* Xen clears the guest's TS when it delivers #NM. */
	CHECK("nm_clears_cr0_ts", !(nm_cr0 & CR0_TS), "cr0 0x%lx", nm_cr0);
	before = nm_count;
	use_sse();
	CHECK_EQ("no_nm_after_nm", nm_count - before, 0);

	/* The state is kept across a #NM. */
	asm volatile(FILL : : "r"(p) : FPU_CLOBBERS);
	rc = hyp_fpu_taskswitch(1);
	before = nm_count;
	asm volatile(SAVE : : "r"(s) : "memory");
	CHECK_EQ("nm_on_fxsave", nm_count - before, 1);
	check_state("state_survives_nm", 2);

	rc = hyp_fpu_taskswitch(1);
	rc = hyp_fpu_taskswitch(0);
	CHECK_EQ("taskswitch_0", rc, 0);
	CHECK("taskswitch_0_clears_cr0_ts", !(read_cr0() & CR0_TS));
	before = nm_count;
	use_sse();
	CHECK_EQ("no_nm_after_taskswitch_0", nm_count - before, 0);

	/* clts and mov to %cr0 are emulated for the guest kernel. */
	hyp_fpu_taskswitch(1);
	before = last_trap.count;
	asm volatile("1: clts\n2:\n" EXTABLE(1b, 2b));
	CHECK_EQ("clts_emulated", last_trap.count - before, 0);
	CHECK("clts_clears_cr0_ts", !(read_cr0() & CR0_TS));
	before = nm_count;
	use_sse();
	CHECK_EQ("no_nm_after_clts", nm_count - before, 0);
	hyp_fpu_taskswitch(0);
	before = last_trap.count;
	asm volatile("1: mov %0, %%cr0\n2:\n" EXTABLE(1b, 2b)
		     :
		     : "r"(read_cr0() | CR0_TS));
	CHECK_EQ("mov_to_cr0_emulated", last_trap.count - before, 0);
	CHECK("mov_to_cr0_sets_ts", read_cr0() & CR0_TS);
	before = nm_count;
	use_sse();
	CHECK_EQ("nm_after_mov_to_cr0", nm_count - before, 1);
}

static void user_sse(void)
{
	use_sse();
	user_exit(nm_count);
}

static void test_user_nm(void)
{
	unsigned long before = nm_count;
	long code;

	hyp_fpu_taskswitch(1);
	code = user_run(user_sse);
	CHECK_EQ("user_nm_delivered", code - before, 1);
	CHECK_EQ("user_nm_cs_user", (uint16_t)nm_cs, FLAT_USER_CS);
	CHECK("user_nm_clears_cr0_ts", !(read_cr0() & CR0_TS));
}

/* Compiled floating point across hypercalls: the sum of 1/i. */
static void test_compiled_math(void)
{
	volatile double plain = 0, interrupted = 0;

	for (int i = 1; i <= 200; i++)
		plain += 1.0 / i;
	for (int i = 1; i <= 200; i++) {
		interrupted += 1.0 / i;
		hyp_xen_version(XENVER_version, NULL);
	}
	CHECK("compiled_math_across_hypercalls", plain == interrupted);
}

void test_main(void)
{
	for (unsigned int n = 0; n < ARRAY_SIZE(patterns); n++) {
		make_pattern(n);
		record_want(n);
	}
	CHECK("patterns_distinct",
	      fx_differs(&want[0], &want[1]) && fx_differs(&want[2], &want[3]));
	test_hypercall();
	test_exceptions();
	test_yield();
	test_block();
	test_user_mode();
	test_taskswitch();
	test_user_nm();
	test_compiled_math();
}
