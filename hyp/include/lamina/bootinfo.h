/* SPDX-License-Identifier: MIT */
/*
 * What the boot loader told us, copied out of its (multiboot1 or
 * multiboot2) structures so those can be forgotten after boot.
 */
#ifndef LAMINA_BOOTINFO_H
#define LAMINA_BOOTINFO_H

#include <stdint.h>

#define BOOT_MAX_MEM_RANGES 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULE_STRING_MAX 512

/* Firmware memory types, as E820 numbers them (multiboot uses the same). */
enum {
	BOOT_MEM_RAM = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI = 3,
	BOOT_MEM_NVS = 4,
	BOOT_MEM_UNUSABLE = 5,
};

struct boot_mem_range {
	uint64_t base, len;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end; /* machine addresses, end exclusive */
	char string[BOOT_MODULE_STRING_MAX]; /* "path args..." */
};

struct boot_info {
	int multiboot_version; /* 1 or 2 */
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[64];
	unsigned int nr_mem;
	struct boot_mem_range mem[BOOT_MAX_MEM_RANGES];
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];
	/* A copy of the ACPI RSDP when the loader gave one (multiboot2). */
	uint8_t rsdp[36];
	int has_rsdp;
	unsigned int dropped; /* entries that did not fit and were dropped */
};

extern struct boot_info boot_info;

/* Returns 0, or -1 when magic is not a multiboot magic. */
int multiboot_parse(uint32_t magic, uint64_t info_maddr);

#endif
