/* SPDX-License-Identifier: MIT */
#ifndef ASM_PV_PTWR_H
#define ASM_PV_PTWR_H

#include <stdbool.h>
#include <stdint.h>
#include <lamina/domain.h>
#include <asm/regs.h>

/* A #PF that is a guest's direct page-table write we carried out? */
bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs,
		     uint64_t addr, uint32_t error_code);

#endif
