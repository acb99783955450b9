/* SPDX-License-Identifier: MIT */
/*
 * Guest kernel images: validation of an untrusted ELF64 x86-64 executable
 * and the Xen PV loading information it carries (ELF notes, or the legacy
 * "__xen_guest" section), then loading its segments through a callback.
 *
 * Addresses follow Xen's rules: a PT_LOAD segment goes to virtual address
 * p_paddr - paddr_offset + virt_base; the image spans [virt_kstart,
 * virt_kend). Checking that range against the hypervisor's hole and the
 * domain's memory is the domain builder's job.
 */
#ifndef LAMINA_ELF_IMAGE_H
#define LAMINA_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/features.h>

/* The parts of the ELF64 format the loader reads (little-endian). */
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

struct elf64_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
};

#define ELF_CLASS64 2
#define ELF_DATA2LSB 1
#define ELF_ET_EXEC 2
#define ELF_EM_X86_64 62
#define ELF_PT_LOAD 1
#define ELF_PT_NOTE 4
#define ELF_SHT_NOTE 7
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

/* Limits that keep the parser's work bounded. */
#define ELF_IMAGE_MAX_PHDRS 64
#define ELF_IMAGE_MAX_SHDRS 4096
#define ELF_IMAGE_MAX_SEGMENTS 16
#define ELF_IMAGE_MAX_NOTES 1024

/* An address field the image did not set. */
#define ELF_IMAGE_UNSET UINT64_MAX

enum elf_image_error {
	ELF_IMAGE_OK = 0,
	ELF_IMAGE_TRUNCATED, /* header or table past the end of the buffer */
	ELF_IMAGE_NOT_ELF, /* bad magic, class, byte order or version */
	ELF_IMAGE_UNSUPPORTED, /* not an x86-64 executable */
	ELF_IMAGE_BAD_PHDRS, /* program header table malformed */
	ELF_IMAGE_BAD_SHDRS, /* section header table malformed */
	ELF_IMAGE_BAD_SEGMENT, /* a PT_LOAD segment is malformed */
	ELF_IMAGE_OVERLAP, /* PT_LOAD segments unsorted or overlapping */
	ELF_IMAGE_BAD_NOTE, /* a note is malformed */
	ELF_IMAGE_BAD_GUEST_INFO, /* __xen_guest is malformed */
	ELF_IMAGE_NOT_XEN, /* no Xen notes and no __xen_guest */
	ELF_IMAGE_REFUSED, /* well formed, but not loadable as a PV guest */
	ELF_IMAGE_BAD_ADDRESS, /* entry or other address out of bounds */
};

struct elf_segment {
	uint64_t offset; /* file offset of the data */
	uint64_t filesz; /* bytes taken from the file */
	uint64_t memsz; /* bytes in memory; the rest is zero (bss) */
	uint64_t paddr; /* p_paddr as written in the image */
	uint64_t vaddr; /* where it is loaded: paddr + virt_offset */
	uint32_t flags; /* ELF_PF_* */
};

#define ELF_IMAGE_STR 32

struct elf_image_info {
	uint64_t entry; /* virtual entry point */
	uint64_t virt_base; /* VIRT_BASE, default 0 */
	uint64_t paddr_offset; /* PADDR_OFFSET */
	uint64_t virt_kstart, virt_kend; /* image span, end exclusive */
	uint64_t hypercall_page; /* VA of the hypercall page, or UNSET */
	uint64_t init_p2m; /* INIT_P2M VA, or UNSET */
	uint64_t phys32_entry; /* PHYS32_ENTRY (PVH only), or UNSET */
	uint32_t features_supported[XENFEAT_NR_SUBMAPS];
	uint32_t features_required[XENFEAT_NR_SUBMAPS];
	bool legacy; /* read from __xen_guest, not notes */
	bool mod_start_pfn; /* MOD_START_PFN: initrd may stay unmapped */
	bool suspend_cancel; /* SUSPEND_CANCEL */
	bool bsd_symtab; /* BSD_SYMTAB: wants its symbol table loaded */
	char guest_os[ELF_IMAGE_STR]; /* GUEST_OS, e.g. "linux" */
	char guest_version[ELF_IMAGE_STR]; /* GUEST_VERSION */
	char xen_version[ELF_IMAGE_STR]; /* XEN_VERSION, "xen-3.0" */
	char loader[ELF_IMAGE_STR]; /* LOADER, e.g. "generic" */
	char pae_mode[ELF_IMAGE_STR]; /* PAE_MODE (32-bit only) */
	uint32_t nsegments; /* PT_LOAD segments, sorted by address */
	struct elf_segment segments[ELF_IMAGE_MAX_SEGMENTS];
	enum elf_image_error error; /* why parsing failed */
	char reason[80]; /* one line saying what is wrong */
};

/*
 * Validate image[0, len) and fill info. Returns 0, or -XEN_ENOEXEC /
 * -XEN_EINVAL with info->error and info->reason set. Never reads outside
 * the buffer, whatever it contains.
 */
int elf_image_parse(const void *image, size_t len, struct elf_image_info *info);

/*
 * Write bytes at a guest virtual address: len bytes from src, or len zero
 * bytes if src is NULL. Returns 0 or a negative errno, which stops loading.
 */
typedef int (*elf_image_write_fn)(void *ctx, uint64_t vaddr, const void *src,
				  uint64_t len);

/* Load every segment of a parsed image, zero-filling bss. */
int elf_image_load(const void *image, size_t len,
		   const struct elf_image_info *info, elf_image_write_fn write,
		   void *ctx);

/* Parse a FEATURES string ("a|!b") into bit sets; -XEN_EINVAL if a
 * required feature is unknown. Exposed for the tests. */
int elf_image_parse_features(const char *s, size_t len, uint32_t *supported,
			     uint32_t *required);

#endif
