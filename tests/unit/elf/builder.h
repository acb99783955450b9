/* SPDX-License-Identifier: MIT */
/*
 * Builds small ELF64 images in memory for the loader tests and the fuzzer
 * seeds. Layout: ELF header, up to BUILDER_MAX_PHDRS program headers, then
 * whatever is appended (notes, segment data, sections).
 */
#ifndef ELF_BUILDER_H
#define ELF_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include <lamina/elf_image.h>

#define BUILDER_MAX_PHDRS 8
#define BUILDER_SIZE 0x4000

struct builder {
	uint8_t buf[BUILDER_SIZE];
	size_t len;
	uint8_t notes[1024]; /* note blob under construction */
	size_t notes_len;
};

void builder_init(struct builder *b);
struct elf64_ehdr *builder_ehdr(struct builder *b);
struct elf64_phdr *builder_phdr(struct builder *b, unsigned i);
unsigned builder_add_phdr(struct builder *b, uint32_t type, uint64_t offset,
			  uint64_t paddr, uint64_t filesz, uint64_t memsz);
size_t builder_append(struct builder *b, const void *data, size_t len,
		      size_t align);

void note_add(struct builder *b, const char *owner, uint32_t type,
	      const void *desc, uint32_t size);
void note_str(struct builder *b, uint32_t type, const char *s);
void note_num(struct builder *b, uint32_t type, uint64_t v, uint32_t size);
/* Append the note blob and point a PT_NOTE header at it. */
unsigned builder_flush_notes(struct builder *b);

/* Append sections: .shstrtab, plus one named section holding data. */
void builder_add_section(struct builder *b, const char *name, uint32_t type,
			 const void *data, size_t len);

/* A Linux-like image with Xen notes: one text segment with bss. */
#define T_VIRT_BASE 0xffffffff80000000ull
#define T_PADDR 0x1000000ull
#define T_VADDR (T_VIRT_BASE + T_PADDR)
#define T_FILESZ 0x1800ull
#define T_MEMSZ 0x3000ull
/* Append the text segment (with bss) the standard images use. */
void builder_add_text(struct builder *b);
void build_notes_image(struct builder *b);
/* The same kernel described by a legacy __xen_guest section. */
void build_legacy_image(struct builder *b, const char *guest_info);

#endif
