// SPDX-License-Identifier: MIT
/* The boot CPU's GDT, TSS and IDT. */
#include <stdint.h>
#include <lamina/string.h>
#include <asm/desc.h>

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct gate64 {
	uint16_t offset_lo, selector;
	uint8_t ist, type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define IST_STACK_SIZE 4096
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */

extern char vector_stubs[];
extern char boot_stack_top[];

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(4096)));
static struct gate64 idt[256] __attribute__((aligned(4096)));
static struct tss64 tss __attribute__((aligned(64)));
static char ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

static void set_gdt_entry(uint16_t sel, uint64_t desc)
{
	gdt[sel >> 3] = desc;
}

/* A 16-byte system descriptor (type: 0x89 TSS, 0x82 LDT) at sel. */
static void set_system_desc(uint16_t sel, uint64_t base, uint64_t limit,
			    uint64_t type)
{
	gdt[sel >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			(type << 40) | (((limit >> 16) & 0xf) << 48) |
			(((base >> 24) & 0xff) << 56);
	gdt[(sel >> 3) + 1] = base >> 32;
}

static void set_tss_desc(void)
{
	set_system_desc(TSS_SEL, (uint64_t)&tss, sizeof(tss) - 1, 0x89);
}

void ldt_load(const void *base, unsigned int entries)
{
	if (!entries) {
		asm volatile("lldt %w0" : : "r"((uint16_t)0));
		return;
	}
	set_system_desc(LDT_SEL, (uint64_t)base, entries * 8 - 1, 0x82);
	asm volatile("lldt %w0" : : "r"((uint16_t)LDT_SEL));
}

static void set_gate(int vec, void *handler, int ist)
{
	uint64_t a = (uint64_t)handler;

	idt[vec] = (struct gate64){
		.offset_lo = a & 0xffff,
		.selector = HYP_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (a >> 16) & 0xffff,
		.offset_hi = a >> 32,
	};
}

void gdt_set_guest_entries(unsigned int first, const uint64_t *d,
			   unsigned int n)
{
	if (first >= HYP_GDT_FIRST_ENTRY || n > HYP_GDT_FIRST_ENTRY - first)
		return;
	memcpy(&gdt[first], d, n * sizeof(uint64_t));
}

void gdt_clear_guest_entries(void)
{
	memset(gdt, 0, HYP_GDT_FIRST_ENTRY * sizeof(uint64_t));
}

void tss_set_rsp0(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
}

void desc_init(void)
{
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uint64_t)gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

	set_gdt_entry(HYP_CS, 0x00af9a000000ffffULL);
	set_gdt_entry(HYP_DS, 0x00cf92000000ffffULL);
	set_gdt_entry(GUEST_CS32 & ~3, 0x00cffa000000ffffULL);
	set_gdt_entry(GUEST_DS & ~3, 0x00cff2000000ffffULL);
	set_gdt_entry(GUEST_CS64 & ~3, 0x00affa000000ffffULL);

	tss.rsp[0] = (uint64_t)boot_stack_top;
	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)ist_stacks[0] + IST_STACK_SIZE;
	tss.ist[IST_NMI - 1] = (uint64_t)ist_stacks[1] + IST_STACK_SIZE;
	tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)ist_stacks[2] + IST_STACK_SIZE;
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: all ports trap */
	set_tss_desc();

	for (int v = 0; v < 256; v++)
		set_gate(v, vector_stubs + 16 * v, 0);
	set_gate(2, vector_stubs + 16 * 2, IST_NMI);
	set_gate(8, vector_stubs + 16 * 8, IST_DOUBLE_FAULT);
	set_gate(18, vector_stubs + 16 * 18, IST_MACHINE_CHECK);
	/* int3 and into may be raised from ring 3, as guests expect. */
	idt[3].type_attr |= 3 << 5;
	idt[4].type_attr |= 3 << 5;

	asm volatile("lgdt %0" : : "m"(gdtr));
	/* Reload CS through a far return, then the data segments and TR. */
	asm volatile("pushq %0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:"
		     :
		     : "i"(HYP_CS)
		     : "rax", "memory");
	asm volatile("movl %0, %%ds; movl %0, %%es; movl %0, %%ss"
		     :
		     : "r"((uint32_t)HYP_DS));
	asm volatile("movl %0, %%fs; movl %0, %%gs" : : "r"(0));
	asm volatile("ltr %w0" : : "r"((uint16_t)TSS_SEL));
	asm volatile("lidt %0" : : "m"(idtr));
}
