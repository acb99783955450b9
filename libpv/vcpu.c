// SPDX-License-Identifier: MIT
/* Starting a secondary vCPU of a libpv guest. */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <xen/vcpu.h>

static struct vcpu_guest_context vcpu_ctx;

struct vcpu_guest_context *vcpu_context_kernel(void (*entry)(void), void *stack,
					       unsigned long stack_size)
{
	struct vcpu_guest_context *c = &vcpu_ctx;

	memset(c, 0, sizeof(*c));
	c->flags = VGCF_in_kernel;
	c->user_regs.rip = (unsigned long)entry;
	/* As after a call: the return address slot keeps rsp 16-aligned. */
	c->user_regs.rsp = (unsigned long)stack + stack_size - 8;
	c->user_regs.cs = FLAT_KERNEL_CS;
	c->user_regs.ss = FLAT_KERNEL_SS;
	c->user_regs.rflags = 0x200;
	c->kernel_ss = FLAT_KERNEL_SS;
	c->kernel_sp = c->user_regs.rsp;
	c->ctrlreg[3] = virt_to_machine(current_l4) & ~(PAGE_SIZE - 1);
	for (unsigned int v = 0; v < 20; v++)
		c->trap_ctxt[v] = (struct trap_info){
			.vector = v,
			.cs = FLAT_KERNEL_CS,
			.address = (unsigned long)trap_entry_table[v],
		};
	return c;
}

long vcpu_initialise_kernel(unsigned int id, void (*entry)(void), void *stack,
			    unsigned long stack_size)
{
	return hyp_vcpu_op(VCPUOP_initialise, id,
			   vcpu_context_kernel(entry, stack, stack_size));
}

void vcpu1_start(void (*entry)(void), void *stack, unsigned long stack_size)
{
	CHECK_EQ("vcpu1_initialise",
		 vcpu_initialise_kernel(1, entry, stack, stack_size), 0);
	CHECK_EQ("vcpu1_up", hyp_vcpu_op(VCPUOP_up, 1, NULL), 0);
}
