// SPDX-License-Identifier: MIT
/* Guest user mode: the user L4, the ring-switch stack, user syscalls. */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/user.h>

#define VEC_SYSCALL 258
#define KERNEL_STACK_SIZE 16384

extern char user_return[];
extern unsigned long user_kernel_rsp;
long user_enter(unsigned long rip, unsigned long rsp, unsigned long rflags);

unsigned long user_l4_mfn;
volatile struct trap_frame last_syscall;
volatile unsigned long syscall_count;
static void (*syscall_handler)(struct trap_frame *f);
static unsigned long kernel_rflags;
static char kernel_stack[KERNEL_STACK_SIZE] __attribute__((aligned(16)));

static int on_syscall(struct trap_frame *f)
{
	syscall_count++;
	memcpy((void *)&last_syscall, f, sizeof(*f));
	if (f->rax != USER_SYS_EXIT) {
		if (syscall_handler)
			syscall_handler(f);
		else
			f->rax = (uint64_t)-38; /* ENOSYS */
		return 1;
	}
	/* Back to user_enter's caller, in kernel mode (cs RPL 0). */
	f->rax = f->rdi;
	f->rip = (uint64_t)user_return;
	f->rsp = user_kernel_rsp;
	f->cs = FLAT_KERNEL_CS & ~3UL;
	f->ss = FLAT_KERNEL_SS;
	f->rflags = kernel_rflags;
	return 1;
}

void user_set_syscall_handler(void (*fn)(struct trap_frame *f))
{
	syscall_handler = fn;
}

void user_mode_init(void)
{
	pte_t *l4 = page_alloc();
	long rc;

	for (int i = 0; i < PT_ENTRIES; i++)
		if (i < 256 || i >= 272)
			l4[i] = current_l4[i];
	user_l4_mfn = virt_to_mfn(l4);
	if (page_set_writable(l4, false))
		test_fatal("user L4: cannot map it read-only");
	rc = mmuext_one(MMUEXT_PIN_L4_TABLE, user_l4_mfn);
	if (rc)
		test_fatal("user L4: pin failed %ld", rc);
	rc = mmuext_one(MMUEXT_NEW_USER_BASEPTR, user_l4_mfn);
	if (rc)
		test_fatal("user L4: new_user_baseptr failed %ld", rc);
	rc = hyp_stack_switch(FLAT_KERNEL_SS,
			      (unsigned long)kernel_stack + KERNEL_STACK_SIZE);
	if (rc)
		test_fatal("stack_switch failed %ld", rc);
	trap_set_hook(VEC_SYSCALL, on_syscall);
}

long user_run(void (*fn)(void))
{
	char *stack = page_alloc();
	uint8_t mask = vcpu0_info->evtchn_upcall_mask;

	/* iret restores the upcall mask from IF: keep the kernel's. */
	kernel_rflags = 0x2 | (mask ? 0 : 0x200);
	return user_enter((unsigned long)fn,
			  (unsigned long)stack + PAGE_SIZE - 8, 0);
}
