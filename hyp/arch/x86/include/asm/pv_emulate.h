/* SPDX-License-Identifier: MIT */
#ifndef ASM_PV_EMULATE_H
#define ASM_PV_EMULATE_H

#include <stdbool.h>
#include <lamina/domain.h>
#include <asm/regs.h>

/* #GP from the guest kernel: a privileged instruction we emulate? */
bool pv_emulate_privileged(struct vcpu *v, struct cpu_user_regs *regs);
/* #UD: the forced-emulation prefix (ud2; "xen") before cpuid? */
bool pv_emulate_forced(struct vcpu *v, struct cpu_user_regs *regs);

#endif
