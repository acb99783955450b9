// SPDX-License-Identifier: MIT
/* Each CPU's GDT and TSS (in its struct percpu) and the shared IDT. */
#include <stdint.h>
#include <lamina/string.h>
#include <asm/desc.h>
#include <asm/percpu.h>

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

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */

extern char vector_stubs[];
extern char boot_stack_top[];

static struct gate64 idt[256] __attribute__((aligned(4096)));

static void set_gdt_entry(uint64_t *gdt, uint16_t sel, uint64_t desc)
{
	gdt[sel >> 3] = desc;
}

/* A 16-byte system descriptor (type: 0x89 TSS, 0x82 LDT) at sel. */
static void set_system_desc(uint64_t *gdt, uint16_t sel, uint64_t base,
			    uint64_t limit, uint64_t type)
{
	gdt[sel >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			(type << 40) | (((limit >> 16) & 0xf) << 48) |
			(((base >> 24) & 0xff) << 56);
	gdt[(sel >> 3) + 1] = base >> 32;
}

void ldt_load(const void *base, unsigned int entries)
{
	if (!entries) {
		asm volatile("lldt %w0" : : "r"((uint16_t)0));
		return;
	}
	set_system_desc(this_cpu()->gdt, LDT_SEL, (uint64_t)base,
			entries * 8 - 1, 0x82);
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
	memcpy(&this_cpu()->gdt[first], d, n * sizeof(uint64_t));
}

void gdt_clear_guest_entries(void)
{
	memset(this_cpu()->gdt, 0, HYP_GDT_FIRST_ENTRY * sizeof(uint64_t));
}

void tss_set_rsp0(uint64_t rsp0)
{
	this_cpu()->tss.rsp[0] = rsp0;
}

static void build_idt(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, vector_stubs + 16 * v, 0);
	set_gate(2, vector_stubs + 16 * 2, IST_NMI);
	set_gate(8, vector_stubs + 16 * 8, IST_DOUBLE_FAULT);
	set_gate(18, vector_stubs + 16 * 18, IST_MACHINE_CHECK);
	/* A guest's #DB may be deferred past mov ss into the syscall entry,
	 * still on the guest's rsp in ring 0: never push a frame there. */
	set_gate(1, vector_stubs + 16 * 1, IST_DEBUG);
	/* int3 and into may be raised from ring 3, as guests expect. */
	idt[3].type_attr |= 3 << 5;
	idt[4].type_attr |= 3 << 5;
}

/* Fill pc's GDT and TSS (stack0 until a vCPU runs) and load them. */
void desc_init_cpu(struct percpu *pc, uint64_t stack0)
{
	struct desc_ptr gdtr = { sizeof(pc->gdt) - 1, (uint64_t)pc->gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };
	uint64_t *gdt = pc->gdt;
	struct tss64 *tss = &pc->tss;

	set_gdt_entry(gdt, HYP_CS, 0x00af9a000000ffffULL);
	set_gdt_entry(gdt, HYP_DS, 0x00cf92000000ffffULL);
	set_gdt_entry(gdt, GUEST_CS32 & ~3, 0x00cffa000000ffffULL);
	set_gdt_entry(gdt, GUEST_DS & ~3, 0x00cff2000000ffffULL);
	set_gdt_entry(gdt, GUEST_CS64 & ~3, 0x00affa000000ffffULL);

	tss->rsp[0] = stack0;
	for (int i = 0; i < 4; i++)
		tss->ist[i] = (uint64_t)pc->ist_stacks[i] + IST_STACK_SIZE;
	tss->iomap_base = sizeof(*tss); /* no I/O bitmap: all ports trap */
	set_system_desc(gdt, TSS_SEL, (uint64_t)tss, sizeof(*tss) - 1, 0x89);

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

/* The boot CPU: the IDT all CPUs share, then its own tables. */
void desc_init(void)
{
	build_idt();
	percpu[0].cpu = 0;
	desc_init_cpu(&percpu[0], (uint64_t)boot_stack_top);
}
