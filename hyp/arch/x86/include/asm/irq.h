/* SPDX-License-Identifier: MIT */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <asm/regs.h>

/* Vectors the hypervisor uses for its own interrupts. */
#define VECTOR_LAPIC_TIMER 0xf0
#define VECTOR_FLUSH 0xf1 /* TLB shootdown: handled without the lock */
#define VECTOR_RESCHED 0xf2 /* pass through the scheduler / leave idle */
#define VECTOR_SERIAL 0xe0 /* the console UART's receive interrupt */
#define VECTOR_SPURIOUS 0xff

typedef void (*irq_handler_t)(struct cpu_user_regs *regs);

void irq_set_handler(int vector, irq_handler_t fn);

#endif
