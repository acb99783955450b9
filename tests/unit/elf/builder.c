/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <xen/elfnote.h>

#include "builder.h"

#define PHDRS_END                    \
	(sizeof(struct elf64_ehdr) + \
	 BUILDER_MAX_PHDRS * sizeof(struct elf64_phdr))

void builder_init(struct builder *b)
{
	struct elf64_ehdr *eh;

	memset(b, 0, sizeof(*b));
	eh = builder_ehdr(b);
	memcpy(eh->e_ident,
	       "\x7f"
	       "ELF",
	       4);
	eh->e_ident[4] = ELF_CLASS64;
	eh->e_ident[5] = ELF_DATA2LSB;
	eh->e_ident[6] = 1;
	eh->e_type = ELF_ET_EXEC;
	eh->e_machine = ELF_EM_X86_64;
	eh->e_version = 1;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(struct elf64_phdr);
	eh->e_shentsize = sizeof(struct elf64_shdr);
	b->len = PHDRS_END;
}

struct elf64_ehdr *builder_ehdr(struct builder *b)
{
	return (struct elf64_ehdr *)b->buf;
}

struct elf64_phdr *builder_phdr(struct builder *b, unsigned i)
{
	return (struct elf64_phdr *)(b->buf + sizeof(struct elf64_ehdr)) + i;
}

unsigned builder_add_phdr(struct builder *b, uint32_t type, uint64_t offset,
			  uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	struct elf64_ehdr *eh = builder_ehdr(b);
	unsigned i = eh->e_phnum++;
	struct elf64_phdr *ph = builder_phdr(b, i);

	ph->p_type = type;
	ph->p_flags = ELF_PF_R | ELF_PF_X;
	ph->p_offset = offset;
	ph->p_paddr = paddr;
	ph->p_vaddr = paddr + T_VIRT_BASE;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
	ph->p_align = 0x1000;
	return i;
}

size_t builder_append(struct builder *b, const void *data, size_t len,
		      size_t align)
{
	size_t off = (b->len + align - 1) & ~(align - 1);

	if (off + len > sizeof(b->buf))
		abort();
	if (data)
		memcpy(b->buf + off, data, len);
	b->len = off + len;
	return off;
}

void note_add(struct builder *b, const char *owner, uint32_t type,
	      const void *desc, uint32_t size)
{
	struct elf64_nhdr nh = { (uint32_t)strlen(owner) + 1, size, type };
	uint8_t *p = b->notes + b->notes_len;

	memcpy(p, &nh, sizeof(nh));
	p += sizeof(nh);
	memcpy(p, owner, nh.n_namesz);
	p += (nh.n_namesz + 3) & ~3u;
	memcpy(p, desc, size);
	b->notes_len +=
		sizeof(nh) + ((nh.n_namesz + 3) & ~3u) + ((size + 3) & ~3u);
}

void note_str(struct builder *b, uint32_t type, const char *s)
{
	note_add(b, "Xen", type, s, (uint32_t)strlen(s) + 1);
}

void note_num(struct builder *b, uint32_t type, uint64_t v, uint32_t size)
{
	note_add(b, "Xen", type, &v, size); /* little-endian host */
}

unsigned builder_flush_notes(struct builder *b)
{
	size_t off = builder_append(b, b->notes, b->notes_len, 4);
	unsigned i = builder_add_phdr(b, ELF_PT_NOTE, off, 0, b->notes_len,
				      b->notes_len);

	builder_phdr(b, i)->p_flags = ELF_PF_R;
	return i;
}

void builder_add_section(struct builder *b, const char *name, uint32_t type,
			 const void *data, size_t len)
{
	struct elf64_ehdr *eh = builder_ehdr(b);
	char strtab[64] = "\0.shstrtab";
	size_t name_off = strlen(".shstrtab") + 2, str_len, data_off, str_off;
	struct elf64_shdr sh[3] = { { 0 } };

	strcpy(strtab + name_off, name);
	str_len = name_off + strlen(name) + 1;
	str_off = builder_append(b, strtab, str_len, 1);
	data_off = builder_append(b, data, len, 4);
	sh[1] = (struct elf64_shdr){ .sh_name = 1,
				     .sh_type = 3,
				     .sh_offset = str_off,
				     .sh_size = str_len };
	sh[2] = (struct elf64_shdr){ .sh_name = (uint32_t)name_off,
				     .sh_type = type,
				     .sh_offset = data_off,
				     .sh_size = len };
	eh->e_shoff = builder_append(b, sh, sizeof(sh), 8);
	eh->e_shnum = 3;
	eh->e_shstrndx = 1;
}

void builder_add_text(struct builder *b)
{
	size_t off = builder_append(b, NULL, T_FILESZ, 0x1000);

	memset(b->buf + off, 0xcc, T_FILESZ);
	builder_add_phdr(b, ELF_PT_LOAD, off, T_PADDR, T_FILESZ, T_MEMSZ);
	builder_ehdr(b)->e_entry = T_VADDR + 0x40;
}

void build_notes_image(struct builder *b)
{
	builder_init(b);
	note_str(b, XEN_ELFNOTE_GUEST_OS, "linux");
	note_str(b, XEN_ELFNOTE_GUEST_VERSION, "2.6");
	note_str(b, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_num(b, XEN_ELFNOTE_VIRT_BASE, T_VIRT_BASE, 8);
	note_num(b, XEN_ELFNOTE_ENTRY, T_VADDR, 8);
	note_num(b, XEN_ELFNOTE_HYPERCALL_PAGE, T_VADDR + 0x1000, 8);
	note_str(b, XEN_ELFNOTE_FEATURES,
		 "!writable_page_tables|pae_pgdir_above_4gb");
	note_num(b, XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << 11, 4);
	note_str(b, XEN_ELFNOTE_LOADER, "generic");
	note_num(b, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
	note_num(b, XEN_ELFNOTE_INIT_P2M, 0xffff900000000000ull, 8);
	note_num(b, XEN_ELFNOTE_MOD_START_PFN, 1, 4);
	note_num(b, XEN_ELFNOTE_SUSPEND_CANCEL, 1, 4);
	builder_flush_notes(b);
	builder_add_text(b);
}

void build_legacy_image(struct builder *b, const char *guest_info)
{
	builder_init(b);
	builder_add_text(b);
	builder_add_section(b, "__xen_guest", 1, guest_info,
			    strlen(guest_info) + 1);
}
