// SPDX-License-Identifier: MIT
/*
 * The trap table and trap_dispatch(), called from entry.S for every
 * exception, event upcall, failsafe callback and guest-user syscall.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/test.h>
#include <libpv/traps.h>

#define VEC_UPCALL 256
#define VEC_FAILSAFE 257
#define VEC_SYSCALL 258
#define NR_HOOKS 259

volatile struct trap_record last_trap;
volatile uint64_t failsafe_selectors[4];
volatile uint64_t upcall_rip;
static trap_hook_t hooks[NR_HOOKS];

struct extable_entry {
	uint64_t insn, fixup;
};
extern const struct extable_entry __extable_start[], __extable_end[];

void event_upcall(void);
void trap_dispatch(struct trap_frame *f);

void trap_set_hook(unsigned int vector, trap_hook_t hook)
{
	if (vector < NR_HOOKS)
		hooks[vector] = hook;
}

static void record(const struct trap_frame *f)
{
	struct vcpu_info *v = vcpu0_info;

	last_trap.vector = (unsigned int)f->vector;
	last_trap.error_code = f->error_code;
	last_trap.rip = f->rip;
	last_trap.cs = f->cs;
	last_trap.rflags = f->rflags;
	last_trap.rsp = f->rsp;
	last_trap.ss = f->ss;
	last_trap.cr2 = v->arch.cr2;
	last_trap.upcall_mask = v->evtchn_upcall_mask;
	last_trap.count++;
}

static bool apply_fixup(struct trap_frame *f)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end;
	     e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return true;
		}
	}
	return false;
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == VEC_UPCALL) {
		upcall_rip = f->rip;
		event_upcall();
		return;
	}
	if (f->vector != VEC_SYSCALL)
		record(f);
	if (hooks[f->vector] && hooks[f->vector](f))
		return;
	if (f->vector == TRAP_bp || f->vector == TRAP_of)
		return;
	if (f->vector < 32 && apply_fixup(f))
		return;
	test_fatal("unexpected %s %lu err 0x%lx rip 0x%lx cs 0x%lx "
		   "rsp 0x%lx cr2 0x%lx",
		   f->vector == VEC_FAILSAFE ? "failsafe callback" :
		   f->vector == VEC_SYSCALL  ? "syscall" :
					       "exception",
		   (unsigned long)f->vector, (unsigned long)f->error_code,
		   (unsigned long)f->rip, (unsigned long)f->cs,
		   (unsigned long)f->rsp, (unsigned long)last_trap.cr2);
}

static struct trap_info trap_table[33];

void traps_init(void)
{
	static const uint8_t vectors[] = { 0,  1,  3,  4,  5,  6,  7,  8, 10,
					   11, 12, 13, 14, 16, 17, 18, 19 };
	unsigned int n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(vectors); i++) {
		uint8_t v = vectors[i];

		trap_table[n].vector = v;
		/* int3 and into may be raised from guest user mode too. */
		trap_table[n].flags = (v == TRAP_bp || v == TRAP_of) ? 3 : 0;
		trap_table[n].cs = FLAT_KERNEL_CS;
		trap_table[n].address = (uint64_t)trap_entry_table[v];
		n++;
	}
	trap_table[n].address = 0; /* terminator */
	if (hyp_set_trap_table(trap_table))
		test_fatal("set_trap_table failed");
}
