/* SPDX-License-Identifier: MIT */
/* Malformed and refused images: each fails cleanly with its reason. */
#include <lamina/elf_image.h>
#include <xen/elfnote.h>
#include <xen/errno.h>

#include "../test.h"
#include "builder.h"

static struct builder b;
static struct elf_image_info info;

/* Parse, expect failure with this error and reason; nothing is output. */
static void expect(int ret, enum elf_image_error err, const char *reason)
{
	CHECK_EQ(elf_image_parse(b.buf, b.len, &info), ret);
	CHECK_EQ(info.error, err);
	CHECK_STR(info.reason, reason);
	CHECK_EQ(info.nsegments, 0);
}

TEST(truncated_header)
{
	build_notes_image(&b);
	for (size_t n = 0; n < sizeof(struct elf64_ehdr); n++) {
		CHECK(elf_image_parse(b.buf, n, &info) < 0);
		CHECK_EQ(info.error, ELF_IMAGE_TRUNCATED);
	}
	CHECK_EQ(elf_image_parse(NULL, 0, &info), -XEN_EINVAL);
}

TEST(truncated_anywhere_fails_cleanly)
{
	build_notes_image(&b);
	/* Every prefix shorter than the segment data must be refused. */
	for (size_t n = 0; n < b.len; n += 7)
		CHECK(elf_image_parse(b.buf, n, &info) < 0);
	CHECK_EQ(elf_image_parse(b.buf, b.len, &info), 0);
}

TEST(not_elf_or_wrong_kind)
{
	build_notes_image(&b);
	b.buf[1] = 'X';
	expect(-XEN_ENOEXEC, ELF_IMAGE_NOT_ELF, "not an ELF file");
	build_notes_image(&b);
	b.buf[4] = 1;
	expect(-XEN_ENOEXEC, ELF_IMAGE_NOT_ELF, "not a 64-bit ELF file");
	build_notes_image(&b);
	b.buf[5] = 2;
	expect(-XEN_ENOEXEC, ELF_IMAGE_NOT_ELF, "not little-endian");
	build_notes_image(&b);
	builder_ehdr(&b)->e_machine = 3;
	expect(-XEN_ENOEXEC, ELF_IMAGE_UNSUPPORTED, "not an x86-64 image");
	build_notes_image(&b);
	builder_ehdr(&b)->e_type = 3;
	expect(-XEN_ENOEXEC, ELF_IMAGE_UNSUPPORTED, "not an executable");
}

TEST(phdr_table_bounds)
{
	build_notes_image(&b);
	builder_ehdr(&b)->e_phoff = b.len - 8;
	expect(-XEN_EINVAL, ELF_IMAGE_TRUNCATED,
	       "program headers past end of image");
	build_notes_image(&b);
	builder_ehdr(&b)->e_phoff = UINT64_MAX - 16;
	expect(-XEN_EINVAL, ELF_IMAGE_TRUNCATED,
	       "program headers past end of image");
	build_notes_image(&b);
	builder_ehdr(&b)->e_phnum = 0xffff;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_PHDRS, "too many program headers");
	build_notes_image(&b);
	builder_ehdr(&b)->e_phnum = 0;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_PHDRS, "no program headers");
	build_notes_image(&b);
	builder_ehdr(&b)->e_phentsize = 32;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_PHDRS, "bad e_phentsize");
}

TEST(shdr_table_bounds)
{
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0");
	builder_ehdr(&b)->e_shnum = 0xffff;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_SHDRS, "too many sections");
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0");
	builder_ehdr(&b)->e_shoff = UINT64_MAX - 64;
	expect(-XEN_EINVAL, ELF_IMAGE_TRUNCATED,
	       "section headers past end of image");
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0");
	builder_ehdr(&b)->e_shstrndx = 3;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_SHDRS, "bad e_shstrndx");
}

static struct elf64_phdr *text_phdr(void)
{
	build_notes_image(&b);
	return builder_phdr(&b, 1);
}

TEST(bad_segments)
{
	text_phdr()->p_filesz = T_MEMSZ + 1;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_SEGMENT,
	       "program header 1 has filesz > memsz");
	text_phdr()->p_offset = UINT64_MAX - 0x10;
	expect(-XEN_EINVAL, ELF_IMAGE_TRUNCATED,
	       "program header 1 data past end of image");
	text_phdr()->p_offset = b.len - 0x10;
	expect(-XEN_EINVAL, ELF_IMAGE_TRUNCATED,
	       "program header 1 data past end of image");
	text_phdr()->p_paddr = UINT64_MAX - 0x100;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_SEGMENT,
	       "program header 1 wraps around the address space");
	text_phdr()->p_vaddr = UINT64_MAX - 0x100;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_SEGMENT,
	       "program header 1 wraps around the address space");
	text_phdr()->p_type = 0;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_SEGMENT, "no loadable segments");
}

TEST(overlapping_and_unsorted_segments)
{
	unsigned i;

	build_notes_image(&b);
	/* A second segment overlapping the bss of the first. */
	i = builder_add_phdr(&b, ELF_PT_LOAD, 0x1000, T_PADDR + T_MEMSZ - 1,
			     0x10, 0x10);
	CHECK_EQ(i, 2);
	expect(-XEN_EINVAL, ELF_IMAGE_OVERLAP, "segment 1 overlaps segment 0");
	build_notes_image(&b);
	builder_add_phdr(&b, ELF_PT_LOAD, 0x1000, T_PADDR - 0x1000, 0x10, 0x10);
	expect(-XEN_EINVAL, ELF_IMAGE_OVERLAP, "segment 1 is below segment 0");
	/* Adjacent is fine, as are many small segments up to the limit. */
	build_notes_image(&b);
	builder_add_phdr(&b, ELF_PT_LOAD, 0x1000, T_PADDR + T_MEMSZ, 0x10,
			 0x10);
	CHECK_EQ(elf_image_parse(b.buf, b.len, &info), 0);
	CHECK_EQ(info.nsegments, 2);
	CHECK_EQ(info.virt_kend, T_VADDR + T_MEMSZ + 0x10);
}

TEST(notes_past_their_segment)
{
	struct elf64_nhdr *nh;

	build_notes_image(&b);
	nh = (struct elf64_nhdr *)(b.buf + builder_phdr(&b, 0)->p_offset);
	nh->n_descsz = 0x10000;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_NOTE, "note data past end of notes");
	build_notes_image(&b);
	nh = (struct elf64_nhdr *)(b.buf + builder_phdr(&b, 0)->p_offset);
	nh->n_namesz = UINT32_MAX;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_NOTE, "note data past end of notes");
	build_notes_image(&b);
	nh = (struct elf64_nhdr *)(b.buf + builder_phdr(&b, 0)->p_offset);
	nh->n_descsz = UINT32_MAX - 1;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_NOTE, "note data past end of notes");
	build_notes_image(&b);
	builder_phdr(&b, 0)->p_filesz = 8;
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_NOTE,
	       "note header past end of notes");
	build_notes_image(&b);
	builder_phdr(&b, 0)->p_filesz = UINT64_MAX;
	expect(-XEN_EINVAL, ELF_IMAGE_TRUNCATED,
	       "note segment 0 past end of image");
}

static void notes_then_text(void)
{
	builder_flush_notes(&b);
	builder_add_text(&b);
}

TEST(bad_note_contents)
{
	builder_init(&b);
	note_num(&b, XEN_ELFNOTE_ENTRY, T_VADDR, 3);
	notes_then_text();
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_NOTE,
	       "Xen note 1 has a bad numeric size");
	builder_init(&b);
	note_num(&b, XEN_ELFNOTE_SUPPORTED_FEATURES, 1, 2);
	notes_then_text();
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_NOTE,
	       "SUPPORTED_FEATURES note has a bad size");
	builder_init(&b);
	note_str(&b, XEN_ELFNOTE_FEATURES, "!teleportation");
	notes_then_text();
	expect(-XEN_EINVAL, ELF_IMAGE_REFUSED, "requires an unknown feature");
}

TEST(refused_like_xen)
{
	builder_init(&b);
	note_str(&b, XEN_ELFNOTE_GUEST_OS, "plan9");
	note_str(&b, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	notes_then_text();
	expect(-XEN_EINVAL, ELF_IMAGE_REFUSED,
	       "loader is not generic and guest is not linux");
	builder_init(&b);
	note_str(&b, XEN_ELFNOTE_LOADER, "generic");
	note_str(&b, XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
	notes_then_text();
	expect(-XEN_EINVAL, ELF_IMAGE_REFUSED,
	       "not built for xen-3.0 interface");
	builder_init(&b);
	note_str(&b, XEN_ELFNOTE_LOADER, "generic");
	note_str(&b, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_num(&b, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
	notes_then_text();
	expect(-XEN_EINVAL, ELF_IMAGE_REFUSED,
	       "PADDR_OFFSET set without VIRT_BASE");
	builder_init(&b);
	builder_add_text(&b);
	expect(-XEN_EINVAL, ELF_IMAGE_NOT_XEN,
	       "no Xen ELF notes or __xen_guest section");
}

static void addr_image(uint32_t type, uint64_t v)
{
	builder_init(&b);
	note_str(&b, XEN_ELFNOTE_GUEST_OS, "linux");
	note_str(&b, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_num(&b, XEN_ELFNOTE_VIRT_BASE, T_VIRT_BASE, 8);
	note_num(&b, type, v, 8);
	notes_then_text();
}

TEST(addresses_out_of_bounds)
{
	addr_image(XEN_ELFNOTE_ENTRY, T_VADDR - 1);
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_ADDRESS,
	       "entry point outside the image");
	addr_image(XEN_ELFNOTE_ENTRY, T_VADDR + T_MEMSZ + 1);
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_ADDRESS,
	       "entry point outside the image");
	addr_image(XEN_ELFNOTE_HYPERCALL_PAGE, T_VADDR + 0x10);
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_ADDRESS,
	       "hypercall page outside the image");
	addr_image(XEN_ELFNOTE_HYPERCALL_PAGE, T_VADDR + T_MEMSZ);
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_ADDRESS,
	       "hypercall page outside the image");
	addr_image(XEN_ELFNOTE_INIT_P2M, T_VADDR + 0x1000);
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_ADDRESS, "INIT_P2M inside the image");
	/* VIRT_BASE above the image. */
	addr_image(XEN_ELFNOTE_PADDR_OFFSET, T_PADDR + 0x1000);
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_ADDRESS,
	       "entry point outside the image");
	/* Offsets that push the image across the top of memory. */
	addr_image(XEN_ELFNOTE_PADDR_OFFSET, T_VADDR + 0x1000);
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_ADDRESS,
	       "image wraps around the address space");
}

TEST(bad_legacy_guest_info)
{
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xg");
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_GUEST_INFO,
	       "__xen_guest has a bad number");
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0,"
			       "VIRT_BASE=99999999999999999999999");
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_GUEST_INFO,
	       "__xen_guest has a bad number");
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0,"
			       "HYPERCALL_PAGE=0xffffffffffffffff");
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_GUEST_INFO,
	       "__xen_guest HYPERCALL_PAGE too large");
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0,"
			       "AN_EXTREMELY_LONG_KEY_NAME_THAT_GOES_ON=1");
	expect(-XEN_EINVAL, ELF_IMAGE_BAD_GUEST_INFO,
	       "__xen_guest entry too long");
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0,"
			       "FEATURES=!warp_drive");
	expect(-XEN_EINVAL, ELF_IMAGE_REFUSED, "requires an unknown feature");
	/* Section name offsets past the string table. */
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0");
	((struct elf64_shdr *)(b.buf + builder_ehdr(&b)->e_shoff))[2].sh_name =
		0x7fffffff;
	expect(-XEN_EINVAL, ELF_IMAGE_NOT_XEN,
	       "no Xen ELF notes or __xen_guest section");
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0");
	((struct elf64_shdr *)(b.buf + builder_ehdr(&b)->e_shoff))[2].sh_size =
		UINT64_MAX;
	expect(-XEN_EINVAL, ELF_IMAGE_TRUNCATED, "section 2 past end of image");
}

TEST(legacy_string_without_terminator)
{
	/* The section ends without a NUL: the section end terminates it. */
	static const char s[] = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x"
				"ffffffff80000000,ELF_PADDR_OFFSET=0";

	builder_init(&b);
	builder_add_text(&b);
	builder_add_section(&b, "__xen_guest", 1, s, sizeof(s) - 1);
	CHECK_EQ(elf_image_parse(b.buf, b.len, &info), 0);
	CHECK_EQ(info.virt_base, T_VIRT_BASE);
}
