/* SPDX-License-Identifier: MIT */
/* Well-formed images: notes, legacy __xen_guest, loading. */
#include <lamina/elf_image.h>
#include <xen/elfnote.h>
#include <xen/errno.h>

#include "../test.h"
#include "builder.h"

static struct builder b;
static struct elf_image_info info;

static int parse(void)
{
	return elf_image_parse(b.buf, b.len, &info);
}

TEST(notes_image_parses)
{
	build_notes_image(&b);
	CHECK_EQ(parse(), 0);
	CHECK_STR(info.reason, "");
	CHECK_EQ(info.entry, T_VADDR);
	CHECK_EQ(info.virt_base, T_VIRT_BASE);
	CHECK_EQ(info.paddr_offset, 0);
	CHECK_EQ(info.virt_kstart, T_VADDR);
	CHECK_EQ(info.virt_kend, T_VADDR + T_MEMSZ);
	CHECK_EQ(info.hypercall_page, T_VADDR + 0x1000);
	CHECK_EQ(info.init_p2m, 0xffff900000000000ull);
	CHECK_EQ(info.phys32_entry, ELF_IMAGE_UNSET);
	CHECK_STR(info.guest_os, "linux");
	CHECK_STR(info.guest_version, "2.6");
	CHECK_STR(info.xen_version, "xen-3.0");
	CHECK_STR(info.loader, "generic");
	CHECK(!info.legacy);
	CHECK(info.mod_start_pfn);
	CHECK(info.suspend_cancel);
	CHECK_EQ(info.features_supported[0],
		 (1u << 0) | (1u << 4) | (1u << 11));
	CHECK_EQ(info.features_required[0], 1u << 0);
	CHECK_EQ(info.nsegments, 1);
	CHECK_EQ(info.segments[0].vaddr, T_VADDR);
	CHECK_EQ(info.segments[0].filesz, T_FILESZ);
	CHECK_EQ(info.segments[0].memsz, T_MEMSZ);
}

TEST(entry_defaults_to_e_entry)
{
	builder_init(&b);
	note_str(&b, XEN_ELFNOTE_GUEST_OS, "linux");
	note_str(&b, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_num(&b, XEN_ELFNOTE_VIRT_BASE, T_VIRT_BASE, 8);
	builder_flush_notes(&b);
	builder_add_phdr(&b, ELF_PT_LOAD, 0x1000, T_PADDR, 0x100, 0x100);
	builder_append(&b, NULL, 0x1100 - b.len, 1);
	builder_ehdr(&b)->e_entry = T_VADDR + 8;
	CHECK_EQ(parse(), 0);
	CHECK_EQ(info.entry, T_VADDR + 8);
	CHECK_EQ(info.hypercall_page, ELF_IMAGE_UNSET);
}

TEST(notes_found_in_sections_when_no_note_segment)
{
	build_notes_image(&b);
	/* Turn the PT_NOTE header into a null entry; keep a SHT_NOTE. */
	builder_phdr(&b, 0)->p_type = 0;
	builder_add_section(&b, ".note.Xen", ELF_SHT_NOTE, b.notes,
			    b.notes_len);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(info.hypercall_page, T_VADDR + 0x1000);
}

TEST(non_xen_notes_are_skipped)
{
	builder_init(&b);
	note_add(&b, "GNU", 3, "abcdefgh", 8);
	note_str(&b, XEN_ELFNOTE_GUEST_OS, "linux");
	note_str(&b, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_num(&b, XEN_ELFNOTE_VIRT_BASE, T_VIRT_BASE, 8);
	note_num(&b, 99, 5, 8); /* unknown type: ignored */
	note_num(&b, XEN_ELFNOTE_HV_START_LOW, 3, 3); /* ignored, as Xen */
	note_add(&b, "Xenon", XEN_ELFNOTE_ENTRY, "x", 1);
	builder_flush_notes(&b);
	builder_add_text(&b);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(info.entry, T_VADDR + 0x40);
}

#define LEGACY_OK                                                      \
	"GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000," \
	"ELF_PADDR_OFFSET=0x0,VIRT_ENTRY=0xffffffff81000040,"          \
	"HYPERCALL_PAGE=0x1001,LOADER=generic,FEATURES=writable_page_tables"

TEST(legacy_guest_info_parses)
{
	build_legacy_image(&b, LEGACY_OK);
	CHECK_EQ(parse(), 0);
	CHECK(info.legacy);
	CHECK_EQ(info.entry, T_VADDR + 0x40);
	CHECK_EQ(info.virt_base, T_VIRT_BASE);
	/* A page number relative to VIRT_BASE. */
	CHECK_EQ(info.hypercall_page, T_VADDR + 0x1000);
	CHECK_EQ(info.virt_kstart, T_VADDR);
	CHECK_EQ(info.features_supported[0], 1);
	CHECK_EQ(info.features_required[0], 0);
	CHECK_STR(info.loader, "generic");
}

TEST(legacy_paddr_offset_defaults_to_virt_base)
{
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0,"
			       "VIRT_BASE=0x80000000,BSD_SYMTAB");
	/* An old kernel whose p_paddr holds the virtual address. */
	builder_phdr(&b, 0)->p_paddr = 0x80100000;
	builder_ehdr(&b)->e_entry = 0x80100000;
	CHECK_EQ(parse(), 0);
	CHECK_EQ(info.paddr_offset, 0x80000000);
	CHECK_EQ(info.virt_kstart, 0x80100000);
	CHECK_EQ(info.entry, 0x80100000);
	CHECK(info.bsd_symtab);
}

TEST(legacy_numbers_in_all_bases)
{
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0,"
			       "ELF_PADDR_OFFSET=0,VIRT_ENTRY=16777280,"
			       "HYPERCALL_PAGE=010001");
	builder_phdr(&b, 0)->p_paddr = T_PADDR;
	CHECK_EQ(parse(), 0);
	CHECK_EQ(info.entry, 16777280);
	CHECK_EQ(info.hypercall_page, 010001ull << 12);
}

TEST(features_parse_like_xen)
{
	uint32_t sup[1] = { 0 }, req[1] = { 0 };
	const char *s = "writable_page_tables|!dom0|no_such_thing||"
			"!pae_pgdir_above_4gb";

	CHECK_EQ(elf_image_parse_features(s, strlen(s), sup, req), 0);
	CHECK_EQ(sup[0], (1u << 0) | (1u << 11) | (1u << 4));
	CHECK_EQ(req[0], (1u << 11) | (1u << 4));
	s = "writable_page_tables|!no_such_thing";
	CHECK_EQ(elf_image_parse_features(s, strlen(s), sup, req), -XEN_EINVAL);
	/* Length bounds the walk even without a NUL. */
	CHECK_EQ(elf_image_parse_features("!dom0xyz", 5, sup, req), 0);
}

struct recorder {
	uint8_t mem[0x4000];
	uint64_t base;
	int calls;
	int fail_at;
};

static int record_write(void *ctx, uint64_t vaddr, const void *src,
			uint64_t len)
{
	struct recorder *r = ctx;

	if (++r->calls == r->fail_at)
		return -XEN_EFAULT;
	if (vaddr < r->base || vaddr - r->base + len > sizeof(r->mem))
		return -XEN_EFAULT;
	if (src)
		memcpy(r->mem + (vaddr - r->base), src, len);
	else
		memset(r->mem + (vaddr - r->base), 0, len);
	return 0;
}

TEST(load_copies_segments_and_zeroes_bss)
{
	static struct recorder r;

	build_notes_image(&b);
	CHECK_EQ(parse(), 0);
	memset(r.mem, 0x5a, sizeof(r.mem));
	r.base = T_VADDR;
	CHECK_EQ(elf_image_load(b.buf, b.len, &info, record_write, &r), 0);
	CHECK_EQ(r.calls, 2);
	CHECK_EQ(r.mem[0], 0xcc);
	CHECK_EQ(r.mem[T_FILESZ - 1], 0xcc);
	CHECK_EQ(r.mem[T_FILESZ], 0);
	CHECK_EQ(r.mem[T_MEMSZ - 1], 0);
	CHECK_EQ(r.mem[T_MEMSZ], 0x5a);
	/* A failing callback stops the load with its error. */
	r.calls = 0;
	r.fail_at = 2;
	CHECK_EQ(elf_image_load(b.buf, b.len, &info, record_write, &r),
		 -XEN_EFAULT);
	/* Info that does not match the buffer is refused. */
	r.fail_at = 0;
	CHECK_EQ(elf_image_load(b.buf, 0x100, &info, record_write, &r),
		 -XEN_EINVAL);
}

/* Linux's FEATURES note has no NUL; Xen takes the note's bytes as the
 * string, and so must we (Debian's kernel would be refused otherwise). */
TEST(unterminated_string_notes_accepted)
{
	static const char feats[] = "!writable_page_tables|pae_pgdir_above_4gb";

	builder_init(&b);
	note_add(&b, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 5);
	note_str(&b, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_str(&b, XEN_ELFNOTE_LOADER, "generic");
	note_num(&b, XEN_ELFNOTE_VIRT_BASE, T_VIRT_BASE, 8);
	note_num(&b, XEN_ELFNOTE_ENTRY, T_VADDR, 8);
	note_add(&b, "Xen", XEN_ELFNOTE_FEATURES, feats, sizeof(feats) - 1);
	note_add(&b, "Xen", XEN_ELFNOTE_BSD_SYMTAB, "yes", 3);
	builder_flush_notes(&b);
	builder_add_text(&b);
	CHECK_EQ(parse(), 0);
	CHECK_STR(info.reason, "");
	CHECK_STR(info.guest_os, "linux");
	CHECK_EQ(info.features_required[0], 1u << 0);
	CHECK_EQ(info.features_supported[0], (1u << 0) | (1u << 4));
	CHECK(info.bsd_symtab);
}
