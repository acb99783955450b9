/* SPDX-License-Identifier: MIT */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <stdint.h>

void pic_disable(void);
void lapic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
void ioapic_init(void);
/* Start the periodic tick at hz; returns LAPIC timer ticks per second. */
uint64_t lapic_timer_start(unsigned int hz);

#endif
