// SPDX-License-Identifier: MIT
/*
 * statekeep: CPU state a guest sets stays its own across vCPU switches.
 * Two domains of this image run side by side on one CPU. "mode=set" sets
 * everything it can: a write watchpoint on `target` (DR0, DR7), FS and GS
 * bases, CR0.TS, IOPL 1, XCR0 with AVX, CR4.DE, a GDT entry, DR1 on the
 * watcher's single-step landing (not enabled) and DR6.BD. "mode=watch"
 * sets none of that but an FS base it then replaces by loading a flat
 * selector (base 0). After every yield each checks that it sees only its
 * own state: the watcher takes no #DB writing `target` (same address in
 * both), a single step reporting only BS (no B1 for the setter's DR1, no
 * BD), no #NM from x87, a #GP from cli, XCR0 without AVX, CR4 without
 * DE, no GDT entry. Then both spin in guest user mode, preempted there by
 * each other, each with its own user GS base (a different word for each,
 * the kernel's another): every read of %gs:0 must find its own word.
 * Harness guest: boot_domains=1:32M,2:32M on one CPU.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <libpv/user.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/vcpu.h>

#define ROUNDS 300
#define DR7_L0 1UL
#define DR7_RW0_WRITE (1UL << 16)
#define DR7_LEN0_8 (2UL << 18)
#define DR6_B0 1UL
#define DR6_BD (1UL << 13)
#define DR6_BS (1UL << 14)
#define RFLAGS_TF (1UL << 8)
#define CR0_TS (1UL << 3)
#define CR4_DE (1UL << 3)
#define CR4_OSXSAVE (1UL << 18)
#define XCR0_AVX 4UL
#define FLAT_DATA 0x00cff2000000ffffUL
#define GDT_SEL ((1 << 3) | 3)

static volatile uint64_t target;
static volatile uint64_t fs_word = 0xf5f5, gs_word = 0x6565;
static volatile unsigned long db_count, nm_count;
static volatile uint64_t db_dr6, step_dr6;
static bool set;
extern char step_landing[];
/* User GS words: the setter's, the watcher's. */
static volatile uint64_t gs_user_words[2] = { 0x7575, 0x8585 };
#define USER_READS 100000000UL /* several 30 ms slices, each */

static int on_debug(struct trap_frame *f)
{
	uint64_t dr6 = hyp_get_debugreg(6);

	hyp_set_debugreg(6, 0); /* as a kernel's #DB handler clears it */
	if (dr6 & DR6_BS) {
		step_dr6 = dr6;
		f->rflags &= ~RFLAGS_TF;
		return 1;
	}
	db_count++;
	db_dr6 = dr6;
	return 1;
}

/* One single step, landing at step_landing (same address in both). */
static void __attribute__((noinline)) single_step(void)
{
	asm volatile("pushfq; orq %0, (%%rsp); popfq; nop\n"
		     ".globl step_landing\nstep_landing:"
		     :
		     : "i"(RFLAGS_TF)
		     : "memory", "cc");
}

static int on_nm(struct trap_frame *f)
{
	(void)f;
	nm_count++;
	hyp_fpu_taskswitch(0);
	return 1;
}

static uint64_t read_cr(int n)
{
	uint64_t v;

	if (n == 0)
		asm volatile("mov %%cr0, %0" : "=r"(v));
	else
		asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* Does cli go through (virtual IOPL) or #GP? The upcall mask is kept. */
static bool cli_allowed(void)
{
	uint8_t mask = vcpu0_info->evtchn_upcall_mask;
	unsigned long faulted = 0;

	asm volatile("1: cli\n\tjmp 3f\n2: movq $1, %0\n3:\n" EXTABLE(1b, 2b)
		     : "+r"(faulted)
		     :
		     : "memory");
	vcpu0_info->evtchn_upcall_mask = mask;
	return !faulted;
}

static bool gdt_entry_present(void)
{
	unsigned long ar = 0;
	uint8_t ok;

	asm volatile("lar %2, %0; setz %1"
		     : "+r"(ar), "=q"(ok)
		     : "r"((unsigned long)GDT_SEL));
	return ok;
}

static void set_everything(void)
{
	uint64_t *gdt = page_alloc();
	unsigned long mfn = virt_to_mfn(gdt);
	struct physdev_set_iopl iopl = { .iopl = 1 };

	CHECK_EQ("set_dr0", hyp_set_debugreg(0, (unsigned long)&target), 0);
	CHECK_EQ("set_dr1", hyp_set_debugreg(1, (unsigned long)step_landing),
		 0);
	CHECK_EQ("set_dr7",
		 hyp_set_debugreg(7, DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_8), 0);
	CHECK_EQ("set_gs_base",
		 hyp_set_segment_base(SEGBASE_GS_KERNEL,
				      (unsigned long)&gs_word),
		 0);
	CHECK_EQ("set_iopl", HC(physdev_op, PHYSDEVOP_set_iopl, &iopl, 0, 0, 0),
		 0);
	asm volatile("mov %0, %%cr4"
		     :
		     : "r"(read_cr(4) | CR4_DE | CR4_OSXSAVE));
	asm volatile("xsetbv" : : "a"(7), "d"(0), "c"(0));
	memset(gdt, 0, PAGE_SIZE);
	gdt[1] = FLAT_DATA;
	page_set_writable(gdt, false);
	CHECK_EQ("set_gdt", hyp_set_gdt(&mfn, 512), 0);
	CHECK_EQ("set_fs_base",
		 hyp_set_segment_base(SEGBASE_FS, (unsigned long)&fs_word), 0);
}

/* Rounds in which each piece of state was not this domain's own. */
enum { FS, GS, TS, IOPL, XCR0, CR4, GDT, DR6, NR_STATE };
static unsigned long foreign[NR_STATE];

static void count_foreign_state(void)
{
	uint64_t fs_seen = 0, gs_seen = gs_word;

	/* The watcher's FS base is 0 (its selector's): %fs:&fs_word is
	 * fs_word; the setter's is &fs_word, so %fs:0 is. */
	asm volatile("1: mov %%fs:(%1), %0\n2:\n" EXTABLE(1b, 2b)
		     : "+r"(fs_seen)
		     : "r"(set ? 0UL : (unsigned long)&fs_word));
	foreign[FS] += fs_seen != fs_word;
	if (set)
		asm volatile("mov %%gs:0, %0" : "=r"(gs_seen));
	foreign[GS] += gs_seen != gs_word;
	foreign[TS] += !!(read_cr(0) & CR0_TS) != set;
	if (!set) /* x87: #NM only if a foreign TS is set */
		asm volatile("fnop");
	foreign[IOPL] += cli_allowed() != set;
	foreign[XCR0] += !!(xgetbv0() & XCR0_AVX) != set;
	foreign[CR4] += !!(read_cr(4) & CR4_DE) != set;
	foreign[GDT] += gdt_entry_present() != set;
	if (!set) { /* the CPU's DR1 and DR6 must not be the setter's */
		step_dr6 = 0;
		single_step();
		foreign[DR6] += (step_dr6 & (0xf | DR6_BD)) || !step_dr6;
	}
}

/* In user mode: reads of %gs:0 that did not find this domain's word. */
static void user_gs_loop(void)
{
	uint64_t want = gs_user_words[!set], bad = 0;

	for (unsigned long i = 0; i < USER_READS; i++) {
		uint64_t seen;

		asm volatile("mov %%gs:0, %0" : "=r"(seen));
		bad += seen != want;
	}
	user_exit((long)bad);
}

/* Preempted in user mode (by the other domain's user loop), the user GS
 * base comes back as the user's, not the kernel's nor the other's. */
static void check_user_gs_preempted(void)
{
	struct vcpu_runstate_info before, after;
	long bad;

	user_mode_init();
	CHECK_EQ("set_gs_user",
		 hyp_set_segment_base(SEGBASE_GS_USER,
				      (unsigned long)&gs_user_words[!set]),
		 0);
	hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &before);
	bad = user_run(user_gs_loop);
	hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &after);
	info("user loop: %lu ms runnable (preempted)",
	     (unsigned long)((after.time[RUNSTATE_runnable] -
			      before.time[RUNSTATE_runnable]) /
			     1000000));
	CHECK("user_loop_preempted",
	      after.time[RUNSTATE_runnable] > before.time[RUNSTATE_runnable],
	      "never preempted");
	CHECK("user_gs_own", bad == 0, "%ld of %lu reads saw another base", bad,
	      USER_READS);
}

void test_main(void)
{
	unsigned long want = 0, bad = 0;

	set = cmdline_has("mode=set");
	want = set ? ROUNDS : 0;
	trap_set_hook(TRAP_db, on_debug);
	trap_set_hook(TRAP_nm, on_nm);
	if (set) {
		set_everything();
	} else {
		hyp_set_segment_base(SEGBASE_FS, (unsigned long)&fs_word);
		asm volatile("mov %0, %%fs"
			     :
			     : "r"((unsigned long)FLAT_USER_DS));
	}
	/* The watcher runs longer, so the two exits are reported to the
	 * control domain one at a time (VIRQ_DOM_EXC events coalesce). */
	for (unsigned int i = 0; i < (set ? ROUNDS : 2 * ROUNDS); i++) {
		if (set)
			hyp_fpu_taskswitch(1);
		hyp_sched_op(SCHEDOP_yield, NULL);
		if (i < ROUNDS) {
			target = i;
			count_foreign_state();
		}
		if (i == ROUNDS - 1) /* both at once: the loops yield in step */
			check_user_gs_preempted();
		if (set) /* in the CPU's DR6 while this vCPU ran, if loaded */
			hyp_set_debugreg(6, 0xffff0ff0 | DR6_BD);
	}
	CHECK("debug_traps_own", db_count == want, "got %lu #DB want %lu",
	      db_count, want);
	CHECK_EQ("no_foreign_nm", nm_count, 0);
	for (unsigned int i = 0; i < NR_STATE; i++)
		bad += foreign[i];
	CHECK("state_own", bad == 0,
	      "foreign in %u rounds: fs %lu gs %lu ts %lu iopl %lu xcr0 %lu "
	      "cr4 %lu gdt %lu dr6 %lu (last 0x%lx)",
	      ROUNDS, foreign[FS], foreign[GS], foreign[TS], foreign[IOPL],
	      foreign[XCR0], foreign[CR4], foreign[GDT], foreign[DR6],
	      (unsigned long)step_dr6);
	if (set)
		CHECK("dr6_reports_b0", (db_dr6 & 0xf) == DR6_B0, "dr6 0x%lx",
		      (unsigned long)db_dr6);
	else
		CHECK_EQ("dr7_clear", hyp_get_debugreg(7) & 0xff, 0);
}
