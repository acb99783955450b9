/* SPDX-License-Identifier: MIT */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <stdint.h>

void pic_disable(void);
void lapic_init(void);
/* An AP's own LAPIC, after the boot CPU's lapic_init(). */
void lapic_init_ap(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/* INIT-SIPI-SIPI: the AP starts in real mode at start_addr (page aligned). */
void lapic_start_ap(uint32_t apic_id, uint64_t start_addr);
void lapic_eoi(void);
uint32_t lapic_id(void);
void ioapic_init(void);
/* Unmask isa_irq's GSI to vector on this CPU; -ENOENT if no I/O APIC has it. */
int ioapic_route_isa_irq(unsigned int isa_irq, uint8_t vector);
/* LAPIC timer counts per second, measured by time_init(). */
extern uint64_t lapic_timer_hz;
/* Free-run the LAPIC timer (masked) and read how far it counted. */
void lapic_count_begin(void);
uint32_t lapic_count_elapsed(void);
/* Start the periodic tick at hz. */
void lapic_timer_start(unsigned int hz);
/* Boot CPU: re-arm its one-shot timer for a deadline set elsewhere. */
void lapic_timer_sync(void);

#endif
