/* SPDX-License-Identifier: MIT */
/* Running PV guests: entry from ring 3, bounces into the guest, iret. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <stdbool.h>
#include <stdint.h>
#include <lamina/domain.h>
#include <asm/regs.h>

void pv_guest_exception(struct cpu_user_regs *regs);
void do_syscall(struct cpu_user_regs *regs);
void do_syscall32(struct cpu_user_regs *regs);
void prepare_return_to_guest(struct cpu_user_regs *regs);

/* Keep v's state (its entry frame, FPU) while another vCPU runs. */
void pv_save_vcpu(struct vcpu *v, const struct cpu_user_regs *regs);
/* Switch this CPU to run v (its page tables, stacks) and enter it. */
__attribute__((noreturn)) void pv_start_vcpu(struct vcpu *v);

/* Queue a bounce of regs into the guest handler; false if impossible. */
bool pv_bounce(struct vcpu *v, struct cpu_user_regs *regs, uint64_t handler,
	       bool has_error, uint32_t error_code, bool mask_events);

/* Deliver an exception to v's guest kernel, or crash it with no handler. */
void pv_inject_exception(struct vcpu *v, struct cpu_user_regs *regs,
			 unsigned int vector, bool has_error,
			 uint32_t error_code);

long do_iret(struct cpu_user_regs *regs);
void pv_save_segment_bases(struct vcpu *v);
void __attribute__((noreturn)) pv_guest_debug_trap(struct cpu_user_regs *regs);
void toggle_guest_mode(struct vcpu *v);

/* The CPU state for guest execution (syscall MSRs, CR4 bits). */
void pv_cpu_init(void);
/* Mirror v's guest GDT into this CPU's GDT. */
void pv_load_gdt(struct vcpu *v);
/* set_gdt for v with frames already copied in. 0 or -XEN_EINVAL. */
int pv_set_gdt_frames(struct vcpu *v, const uint64_t *frames, uint64_t entries);
/* MMUEXT_SET_LDT for v; and reloading v's LDT on this CPU. */
long pv_set_ldt(struct vcpu *v, uint64_t va, unsigned int entries);
void pv_load_ldt(struct vcpu *v);
/* Debug registers (pv_debugreg.c): per vCPU, switched with it. */
void debugreg_vcpu_init(struct vcpu *v);
void debugreg_switch(struct vcpu *v);
void debugreg_on_debug_trap(struct vcpu *v);
long set_debugreg(struct vcpu *v, unsigned int reg, uint64_t value);
long get_debugreg(const struct vcpu *v, unsigned int reg, uint64_t *value);
/* VCPUOP_initialise: v's starting state from a guest vcpu_guest_context. */
long pv_vcpu_initialise(struct vcpu *v, uint64_t arg);
/* Descriptor index of v's guest GDT. 0 or -XEN_EINVAL. */
int pv_gdt_entry(const struct vcpu *v, unsigned int index, uint64_t *desc);

#endif
