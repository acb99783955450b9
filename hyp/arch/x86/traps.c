// SPDX-License-Identifier: MIT
/*
 * Exceptions and interrupts as they arrive from entry.S. An exception in
 * the hypervisor itself is always fatal: print everything we know and
 * panic. Interrupts go to the handler registered for their vector.
 */
#include <stdint.h>
#include <generated/autoconf.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <lamina/symbols.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/regs.h>
#include <asm/traps.h>
#include <asm/pv.h>
#include <asm/smp.h>
#include <asm/uaccess.h>

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 floating point", "alignment check",
	"machine check", "SIMD floating point", "virtualization",
	"control protection",
};

static irq_handler_t irq_handlers[256];

void irq_set_handler(int vector, irq_handler_t fn)
{
	irq_handlers[vector] = fn;
}

void print_address(const char *what, uint64_t addr)
{
	unsigned long off;
	const char *name = symbol_lookup(addr, &off);

	if (name)
		printk(LOG_ERR, "%s %016lx <%s+%#lx>\n", what, addr, name, off);
	else
		printk(LOG_ERR, "%s %016lx\n", what, addr);
}

extern char boot_stack[], boot_stack_top[];

/* Walk the frame-pointer chain, trusting nothing outside this stack. */
void backtrace_from(uint64_t rbp)
{
	uint64_t lo = rbp & ~(uint64_t)(STACK_WALK_LIMIT - 1);
	uint64_t hi = lo + STACK_WALK_LIMIT;

	/* The boot stack is page-aligned only; other stacks come from the
	 * buddy allocator and are naturally aligned to their size. */
	if (rbp >= (uint64_t)boot_stack && rbp < (uint64_t)boot_stack_top) {
		lo = (uint64_t)boot_stack;
		hi = (uint64_t)boot_stack_top;
	}

	printk(LOG_ERR, "Backtrace:\n");
	for (int depth = 0; depth < 32; depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;

		if (rbp < lo || rbp + 16 > hi || (rbp & 7))
			break;
		if (!frame[1])
			break;
		print_address("  ", frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

void dump_registers(const struct cpu_user_regs *r)
{
	print_address("RIP:", r->rip);
	printk(LOG_ERR, "CS: %04x RFLAGS: %016lx SS: %04x\n", r->cs,
	       r->rflags, r->ss);
	printk(LOG_ERR, "RAX: %016lx RBX: %016lx RCX: %016lx\n", r->rax,
	       r->rbx, r->rcx);
	printk(LOG_ERR, "RDX: %016lx RSI: %016lx RDI: %016lx\n", r->rdx,
	       r->rsi, r->rdi);
	printk(LOG_ERR, "RBP: %016lx RSP: %016lx R8:  %016lx\n", r->rbp,
	       r->rsp, r->r8);
	printk(LOG_ERR, "R9:  %016lx R10: %016lx R11: %016lx\n", r->r9,
	       r->r10, r->r11);
	printk(LOG_ERR, "R12: %016lx R13: %016lx R14: %016lx\n", r->r12,
	       r->r13, r->r14);
	printk(LOG_ERR, "R15: %016lx\n", r->r15);
	printk(LOG_ERR, "CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

const char *exception_name(unsigned int vector)
{
	return vector < 32 && exception_names[vector] ? exception_names[vector] :
							"exception";
}

static void fatal_exception(const struct cpu_user_regs *r)
{
	const char *name = exception_name(r->entry_vector);

	printk(LOG_ERR, "*** Hypervisor exception %u (%s), error code %#x\n",
	       r->entry_vector, name, r->error_code);
	dump_registers(r);
	backtrace_from(r->rbp);
	panic("fatal %s in the hypervisor", name);
}

static void clear_debug_status(void)
{
	asm volatile("mov %0, %%db6" : : "r"(0xffff0ff0UL));
}

static void handle_interrupt(struct cpu_user_regs *regs, unsigned int vector)
{
	if (irq_handlers[vector])
		irq_handlers[vector](regs);
	else
		pr_warn("unexpected interrupt vector %u\n", vector);
}

/*
 * Nonzero: return straight to the interrupted code (a TLB shootdown,
 * served without the hypervisor lock). Otherwise an entry from a guest
 * holds the lock until return_to_guest lets it go; an interrupt of the
 * idle loop takes it only for its handler.
 */
int do_entry(struct cpu_user_regs *regs)
{
	unsigned int vector = regs->entry_vector;
	bool from_guest = regs_from_guest(regs);

	if (vector == VECTOR_FLUSH) {
		handle_interrupt(regs, vector);
		return 1;
	}
	if (from_guest)
		hyp_lock();
	if (vector < 32) {
		if (from_guest && vector == 1)
			pv_guest_debug_trap(regs); /* leaves the IST stack */
		if (from_guest)
			pv_guest_exception(regs);
		else if (vector == 1)
			clear_debug_status(); /* a guest watchpoint we touched */
		else if (!fixup_guest_access(regs))
			fatal_exception(regs);
		return 0;
	}
	if (from_guest || hyp_lock_held()) {
		handle_interrupt(regs, vector);
		return 0;
	}
	hyp_lock();
	handle_interrupt(regs, vector);
	hyp_unlock();
	return 0;
}

#ifdef CONFIG_DEBUG
/* test_fault=NAME: the system tests' way to see a fatal exception. */
void trigger_test_fault(const char *which)
{
	volatile uint64_t zero = 0;

	pr_info("test_fault: raising '%s'\n", which);
	if (!strcmp(which, "ud"))
		asm volatile("ud2");
	else if (!strcmp(which, "de"))
		asm volatile("divq %0" : : "r"(zero), "a"(1UL), "d"(0UL));
	else if (!strcmp(which, "pf"))
		zero = *(volatile uint64_t *)0x1000;
	else if (!strcmp(which, "gp"))
		zero = *(volatile uint64_t *)0x8000000000000000UL;
	else if (!strcmp(which, "bp"))
		asm volatile("int3");
	else
		pr_warn("test_fault: unknown fault '%s' (ud, de, pf, gp, bp)\n",
			which);
}
#endif
