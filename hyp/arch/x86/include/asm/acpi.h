/* SPDX-License-Identifier: MIT */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <stdint.h>
#include <generated/autoconf.h>

#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16

struct acpi_ioapic {
	uint8_t id;
	uint64_t address;
	uint32_t gsi_base;
};

struct acpi_irq_override {
	uint8_t source_irq;
	uint32_t gsi;
	uint16_t flags; /* polarity bits 0-1, trigger mode bits 2-3 */
};

/* What the firmware's tables say about this machine's interrupt hardware. */
struct acpi_info {
	int found;
	uint8_t revision;
	char oem[7];
	uint64_t lapic_address;
	unsigned int nr_cpus; /* enabled processors found */
	unsigned int nr_cpus_ignored; /* beyond CONFIG_NR_CPUS */
	uint32_t apic_ids[CONFIG_NR_CPUS];
	unsigned int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	uint64_t hpet_address;
};

extern struct acpi_info acpi;

void acpi_init(void);

#endif
